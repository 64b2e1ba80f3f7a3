"""Scenario files: YAML in, a validated :class:`Scenario` out, or a :class:`ScenarioError`
listing every problem with its file, line, field path and what was expected."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .references import check_references
from .schema import Scenario
from .source import Issue, ScenarioError, SourceMap, format_path, read_yaml

__all__ = ["Issue", "Scenario", "ScenarioError", "load_scenario", "parse_scenario"]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; raise :class:`ScenarioError` on any problem."""
    data, source = read_yaml(Path(path))
    return parse_scenario(data, source)


def parse_scenario(data: Any, source: SourceMap) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError(
            [source.issue((), "expected a scenario: a mapping with name, calendar, rooms, ...")]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_issues_from_pydantic(exc, source)) from None
    issues = check_references(scenario, source)
    if issues:
        raise ScenarioError(issues)
    return scenario


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that owns the field at ``loc`` (for 'did you mean' suggestions)."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if isinstance(model, type) else None  # type: ignore[attr-defined]
        if field is None:
            return None
        ann = field.annotation
        for candidate in (ann, *getattr(ann, "__args__", ())):
            inner = getattr(candidate, "__args__", (candidate,))
            found = next(
                (
                    c
                    for c in (candidate, *inner)
                    if isinstance(c, type) and issubclass(c, BaseModel)
                ),
                None,
            )
            if found is not None:
                model = found
                break
        else:
            return None
    return model if isinstance(model, type) else None


def _issues_from_pydantic(exc: ValidationError, source: SourceMap) -> list[Issue]:
    issues = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, int | str))
        kind = err["type"]
        msg = err["msg"]
        if kind == "extra_forbidden":
            owner = _model_at(loc[:-1])
            fields = sorted(owner.model_fields) if owner else []
            close = difflib.get_close_matches(str(loc[-1]), fields, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            msg = f"unknown field {loc[-1]!r}{hint}; expected one of: {', '.join(fields)}"
        elif kind == "missing":
            msg = f"the required field {loc[-1]!r} is missing"
        elif kind in ("value_error", "assertion_error"):
            msg = msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")
        else:
            given = err.get("input")
            if not isinstance(given, dict | list) and given is not None:
                msg = f"{msg} (got {given!r})"
        line = source.line_of(loc)
        issues.append(Issue(source.file, line, format_path(loc), msg))
    return issues
