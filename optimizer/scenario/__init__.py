"""Scenario files: YAML in, a validated :class:`Scenario` out, or a :class:`ScenarioError`
listing every problem with its file, line, field path and what was expected."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from optimizer.scenario.overlay import issue_at, read_scenario_data
from optimizer.scenario.references import check_references
from optimizer.scenario.schema import Scenario, shown
from optimizer.scenario.source import Issue, ScenarioError, SourceMap

__all__ = ["Issue", "Scenario", "ScenarioError", "load_scenario", "parse_scenario"]


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file, or an overlay of one (``base:``, see
    :mod:`.overlay`); raise :class:`ScenarioError` on any problem."""
    data, source = read_scenario_data(Path(path))
    return parse_scenario(data, source)


def parse_scenario(data: Any, source: SourceMap) -> Scenario:
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                source.issue(
                    (),
                    f"expected a scenario: the fields name, calendar, rooms, staff and programs "
                    f"at the top level, got {shown(data)}",
                )
            ]
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


def _field_info(loc: tuple[Any, ...]) -> FieldInfo | None:
    """The pydantic field at ``loc``, if there is one (``loc`` may end in a list index)."""
    names = list(loc)
    while names and isinstance(names[-1], int):
        names.pop()
    if not names:
        return None
    owner = _model_at(tuple(names[:-1]))
    return owner.model_fields.get(str(names[-1])) if owner else None


def _range_words(loc: tuple[Any, ...], whole: bool) -> str:
    """' from 1 to 52', ' of at least 1', ' greater than 0': the field's bounds, in words."""
    info = _field_info(loc)
    if info is None:
        return ""
    low: Any = None
    high: Any = None
    low_open = high_open = False
    for meta in info.metadata:
        for attr in ("ge", "gt", "le", "lt"):
            bound = getattr(meta, attr, None)
            if bound is None:
                continue
            if attr in ("ge", "gt"):
                low, low_open = bound, attr == "gt"
            else:
                high, high_open = bound, attr == "lt"
    if whole and low_open and isinstance(low, int):
        low, low_open = low + 1, False
    if whole and high_open and isinstance(high, int):
        high, high_open = high - 1, False

    def num(x: Any) -> str:
        return f"{x:,}" if isinstance(x, int) else str(x)

    if low is not None and high is not None and not low_open and not high_open:
        return f" from {num(low)} to {num(high)}"
    parts = []
    if low is not None:
        parts.append(f"greater than {num(low)}" if low_open else f"of at least {num(low)}")
    if high is not None:
        parts.append(f"less than {num(high)}" if high_open else f"at most {num(high)}")
    if len(parts) == 1 and high is not None and not high_open:
        parts[0] = "of " + parts[0]
    return " " + " and ".join(parts) if parts else ""


def _is_whole(loc: tuple[Any, ...]) -> bool:
    info = _field_info(loc)
    ann = info.annotation if info else None
    return ann is int or int in getattr(ann, "__args__", ())


_LIST_HINT = "(one item per line starting with '- ', or [a, b])"


def _plain_message(err: Any, loc: tuple[Any, ...]) -> str:
    """Say what was expected, in the words of someone who writes the YAML, not pydantic's."""
    kind: str = err["type"]
    ctx = err.get("ctx") or {}
    given = err.get("input")
    got = f", got {shown(given)}"
    whole = _is_whole(loc)
    if kind == "extra_forbidden":
        owner = _model_at(loc[:-1])
        fields = sorted(owner.model_fields) if owner else []
        close = difflib.get_close_matches(str(loc[-1]), fields, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"unknown field {loc[-1]!r}{hint}; expected one of: {', '.join(fields)}"
    if kind == "missing":
        return f"the required field {loc[-1]!r} is missing"
    if kind in ("value_error", "assertion_error"):
        return str(err["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind.startswith("int_") or (kind in ("greater_than", "greater_than_equal", "less_than",
                                            "less_than_equal") and whole):  # fmt: skip
        return f"expected a whole number{_range_words(loc, True)}{got}"
    if kind.startswith("float_") or kind in (
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
        "finite_number",
    ):
        return f"expected a number{_range_words(loc, False)}{got}"
    if kind in ("string_type", "string_unicode"):
        return f"expected text{got}"
    if kind == "string_too_long":
        return f"expected at most {ctx.get('max_length')} characters, got {len(str(given))}"
    if kind == "string_too_short":
        return "expected some text, got an empty text"
    if kind in ("list_type", "tuple_type", "iterable_type"):
        return f"expected a list {_LIST_HINT}{got}"
    if kind == "too_short":
        n = ctx.get("min_length", 1)
        return f"expected at least {n} item{'s' if n != 1 else ''} {_LIST_HINT}, got none"
    if kind == "too_long":
        return f"expected at most {ctx.get('max_length')} items"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        owner = _model_at(loc)
        names = ", ".join(sorted(owner.model_fields)) if owner else ""
        with_fields = f" with the fields {names}" if names else ""
        return f"expected a mapping (field: value pairs){with_fields}{got}"
    if kind == "literal_error":
        return f"expected {ctx.get('expected', 'one of the listed values')}{got}"
    if kind.startswith("date_"):
        return f"expected a date written YYYY-MM-DD such as 2026-12-07{got}"
    msg = str(err["msg"]).replace("Input should be", "expected")
    return f"{msg}{got}"


def _issues_from_pydantic(exc: ValidationError, source: SourceMap) -> list[Issue]:
    issues: list[Issue] = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, int | str))
        msg = _plain_message(err, loc)
        if err["type"] == "missing":  # a missing field is, of course, not in the file
            loc = (*source.as_written(loc[:-1]), loc[-1]) if loc else loc
        else:
            loc = source.as_written(loc)
        issues.append(issue_at(source, loc, msg))
    # an overlay's own issues first, then its base's
    return sorted(issues, key=lambda i: (i.file != source.file, i.line or 0))
