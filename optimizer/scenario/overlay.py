"""Overlays: a small YAML file that changes a base scenario ("one peer specialist fewer").
(Longer than 400 lines: merging by id, field by field, with errors that point into the
overlay's own lines, is one piece of logic.)

An overlay names its base (``base: ../../mission-recovery.yaml``, relative to the overlay
file) and gives only what changes:

- ``rooms``, ``staff``, ``residents`` and ``programs`` are merged **by id**. An item with a
  known id changes only the fields it gives (a field's value is replaced as a whole, lists
  included); ``remove: true`` removes it; an item with a new id is added at the end. Every
  item needs an ``id``; removing an id the base does not have is an error.
- ``calendar`` and ``goals`` are merged field by field.
- ``name`` and ``privacy`` replace the base's.
- ``null`` (or an empty value) drops a field, so its default applies; it cannot empty a whole
  list of rooms, staff, residents or programs (list the items with ``remove: true``).

The base may itself be an overlay. The merged data is validated like any scenario, and every
value remembers the file, line and field path it was written at: an error in a value the
overlay gives points into the overlay, one in a value it leaves alone into the base.
"""

from __future__ import annotations

import difflib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from optimizer.scenario.schema import Scenario
from optimizer.scenario.source import Issue, Path_, ScenarioError, SourceMap, format_path, read_yaml

# (file, line, the field path as written in that file)
Origin = tuple[str, int, Path_]

BASE_KEY = "base"
REMOVE_KEY = "remove"


def _top_level_kinds() -> tuple[dict[str, tuple[str, ...]], tuple[str, ...]]:
    """The scenario's top-level fields that are lists of items with ids (with the fields a new
    item must give besides its id), and those that are mappings; the rest (``name``,
    ``privacy``) are replaced whole."""
    id_lists: dict[str, tuple[str, ...]] = {}
    mappings: list[str] = []
    for name, info in Scenario.model_fields.items():
        ann = info.annotation
        if get_origin(ann) is list:
            (item,) = get_args(ann)
            if isinstance(item, type) and issubclass(item, BaseModel) and "id" in item.model_fields:
                fields = item.model_fields.items()
                id_lists[name] = tuple(f for f, i in fields if i.is_required() and f != "id")
        elif isinstance(ann, type) and issubclass(ann, BaseModel):
            mappings.append(name)
    return id_lists, tuple(mappings)


ID_LISTS, MAPPINGS = _top_level_kinds()
OVERLAY_FIELDS = (BASE_KEY, *Scenario.model_fields)
_SINGULAR = {
    "rooms": "room",
    "staff": "staff member",
    "residents": "resident",
    "programs": "program",
}


@dataclass
class MergedSourceMap(SourceMap):
    """A source map over several files: each field path of the merged data remembers the
    file, line and path it was written at. ``file`` is the overlay (the file loaded)."""

    origins: dict[Path_, Origin] = field(default_factory=dict)
    chain: tuple[str, ...] = ()  # the overlay first, then its base, its base's base, ...

    def add(self, path: Path_, origin: Origin) -> None:
        self.origins[path] = origin
        self.lines[path] = origin[1]

    def origin_of(self, path: Path_) -> tuple[str, int | None, Path_]:
        """File, line and written path of ``path``, or of its nearest recorded parent."""
        p = tuple(path)
        while True:
            if p in self.origins:
                file, line, written = self.origins[p]
                return file, line, (*written, *path[len(p) :])
            if not p:
                return self.file, None, tuple(path)
            p = p[:-1]

    def issue(self, path: Path_, message: str) -> Issue:
        return self.issue_at(self.as_written(path), message)

    def issue_at(self, path: Path_, message: str) -> Issue:
        file, line, written = self.origin_of(path)
        return Issue(file, line, format_path(written), message)


def issue_at(source: SourceMap, path: Path_, message: str) -> Issue:
    """An issue at ``path`` (already as written), in whichever file it came from."""
    if isinstance(source, MergedSourceMap):
        return source.issue_at(path, message)
    return Issue(source.file, source.line_of(path), format_path(path), message)


def is_overlay(data: Any) -> bool:
    return isinstance(data, dict) and BASE_KEY in data


def read_scenario_data(path: Path) -> tuple[Any, SourceMap]:
    """The data of a scenario file, with overlays (``base:``) applied, and its source map."""
    return _read(Path(path), ())


def scenario_files(source: SourceMap) -> tuple[str, ...]:
    """The files a scenario was read from: the overlay first, then its bases."""
    return source.chain if isinstance(source, MergedSourceMap) else (source.file,)


def _read(path: Path, seen: tuple[Path, ...]) -> tuple[Any, SourceMap]:
    data, source = read_yaml(path)
    if not is_overlay(data):
        return data, source
    base_path, issue = _base_path(path, data, source)
    if issue is not None:
        raise ScenarioError([issue])
    assert base_path is not None
    key = _identity(path)
    chain = (*seen, key)
    if _identity(base_path) in chain:
        loop = " -> ".join(str(p) for p in (*chain, _identity(base_path)))
        raise ScenarioError(
            [source.issue((BASE_KEY,), f"the bases go round in a circle ({loop}); break it")]
        )
    base_data, base_source = _read(base_path, chain)
    return merge(base_data, base_source, data, source)


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return Path(os.path.abspath(path))


def _base_path(
    path: Path, data: dict[str, Any], source: SourceMap
) -> tuple[Path | None, Issue | None]:
    value = data[BASE_KEY]
    where = (BASE_KEY,)
    if not isinstance(value, str) or not value.strip():
        return None, source.issue(
            where,
            "expected the base scenario's file as text, relative to this file, e.g. "
            "base: ../../mission-recovery.yaml",
        )
    base = Path(value.strip())
    if not base.is_absolute():
        base = path.parent / base
        tidy = Path(os.path.normpath(base))  # plans/../home.yaml -> home.yaml, for messages
        if tidy.is_file() and base.is_file() and os.path.samefile(tidy, base):
            base = tidy
    if not base.is_file():
        why = "is a folder" if base.is_dir() else "does not exist"
        return None, source.issue(
            where,
            f"the base scenario {base} {why}; the path is relative to this overlay's folder "
            f"({path.parent})",
        )
    return base, None


# --- merging ---------------------------------------------------------------------------------


def _origins(source: SourceMap) -> dict[Path_, Origin]:
    if isinstance(source, MergedSourceMap):
        return dict(source.origins)
    return {p: (source.file, line, p) for p, line in source.lines.items()}


class _Tree:
    """Origins indexed by their first few path parts, to copy a subtree quickly."""

    DEPTH = 3

    def __init__(self, origins: dict[Path_, Origin]):
        self.origins = origins
        self.under: dict[Path_, list[Path_]] = defaultdict(list)
        for p in origins:
            for d in range(min(self.DEPTH, len(p)) + 1):
                self.under[p[:d]].append(p)

    def subtree(self, prefix: Path_) -> list[Path_]:
        if len(prefix) <= self.DEPTH:
            return self.under.get(prefix, [])
        n = len(prefix)
        return [p for p in self.under.get(prefix[: self.DEPTH], []) if p[:n] == prefix]

    def copy(self, out: MergedSourceMap, prefix: Path_, to: Path_) -> None:
        """Record every origin under ``prefix`` at the same place under ``to``."""
        n = len(prefix)
        for p in self.subtree(prefix):
            out.add((*to, *p[n:]), self.origins[p])


def _single_items(data: dict[str, Any], origins: dict[Path_, Origin]) -> dict[Path_, Origin]:
    """A single item written where a list of items is expected becomes a list of one, and its
    origins move under index 0 (still showing the path as written)."""
    moved = dict(origins)
    for key in ID_LISTS:
        if isinstance(data.get(key), dict):
            data[key] = [data[key]]
            for p, origin in origins.items():
                if len(p) > 1 and p[0] == key:
                    del moved[p]
                    moved[(key, 0, *p[1:])] = origin
            if (key,) in origins:
                moved[(key, 0)] = origins[(key,)]
    return moved


def merge(
    base: Any, base_source: SourceMap, overlay: dict[str, Any], overlay_source: SourceMap
) -> tuple[Any, MergedSourceMap]:
    """Apply ``overlay`` (with its ``base`` key) to ``base``; raise :class:`ScenarioError`
    listing every mistake in the overlay."""
    if not isinstance(base, dict):
        raise ScenarioError(
            [
                base_source.issue(
                    (),
                    "expected a scenario (the fields name, calendar, rooms, staff and programs) "
                    f"as the base of {overlay_source.file}",
                )
            ]
        )
    base = dict(base)
    overlay = {k: v for k, v in overlay.items() if k != BASE_KEY}
    b_tree = _Tree(_single_items(base, _origins(base_source)))
    o_tree = _Tree(_single_items(overlay, _origins(overlay_source)))
    out = MergedSourceMap(
        overlay_source.file,
        chain=(overlay_source.file, *scenario_files(base_source)),
    )
    issues: list[Issue] = []
    merged: dict[str, Any] = {}
    b_tree.copy(out, (), ())  # the root and, below, everything the overlay leaves alone
    for key in overlay:
        if key not in OVERLAY_FIELDS:
            close = difflib.get_close_matches(key, OVERLAY_FIELDS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            issues.append(
                overlay_source.issue(
                    (key,),
                    f"unknown field {key!r}{hint}; an overlay may give: "
                    + ", ".join(OVERLAY_FIELDS),
                )
            )
    for key in [*base, *(k for k in overlay if k not in base and k in OVERLAY_FIELDS)]:
        if key not in overlay:
            merged[key] = base[key]
            continue
        _drop(out, (key,))
        new = overlay[key]
        if key in ID_LISTS:
            merged[key] = _merge_items(key, base.get(key), new, b_tree, o_tree, out, issues)
        elif key in MAPPINGS and isinstance(new, dict) and isinstance(base.get(key, {}), dict):
            merged[key] = _merge_fields((key,), base.get(key) or {}, new, b_tree, o_tree, out)
        elif new is None:  # dropped: its default applies (or the schema says it is required)
            out.add((key,), o_tree.origins[(key,)])
        else:
            merged[key] = new
            o_tree.copy(out, (key,), (key,))
    if issues:
        raise ScenarioError(sorted(issues, key=lambda i: i.line or 0))
    return merged, out


def _drop(out: MergedSourceMap, prefix: Path_) -> None:
    n = len(prefix)
    for p in [p for p in out.origins if p[:n] == prefix]:
        del out.origins[p]
        out.lines.pop(p, None)


def _merge_fields(
    at: Path_,
    base: dict[str, Any],
    new: dict[str, Any],
    b_tree: _Tree,
    o_tree: _Tree,
    out: MergedSourceMap,
    base_at: Path_ | None = None,
    new_at: Path_ | None = None,
    skip: tuple[str, ...] = (),
) -> dict[str, Any]:
    """``base`` with the fields of ``new`` replacing its own (``None`` drops a field); the
    origins of each field come from whichever gave it."""
    base_at = at if base_at is None else base_at
    new_at = at if new_at is None else new_at
    out.add(at, o_tree.origins.get(new_at) or b_tree.origins[base_at])
    merged: dict[str, Any] = {}
    for name, value in base.items():
        if name in new:
            continue
        merged[name] = value
        b_tree.copy(out, (*base_at, name), (*at, name))
    for name, value in new.items():
        if name in skip:
            continue
        if value is None:
            merged.pop(name, None)
            out.add((*at, name), o_tree.origins[(*new_at, name)])
            continue
        merged[name] = value
        o_tree.copy(out, (*new_at, name), (*at, name))
    return merged


def _item_id(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    value = item.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    text = str(value).strip()
    return text or None


def _not_in_base(what: str, item_id: str, known: list[str], missing: list[str]) -> str:
    close = difflib.get_close_matches(item_id, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else f"; known: {_listed(known)}"
    return (
        f"no {what} {item_id!r} in the base scenario{hint}; to add a new one give all its "
        f"required fields ({', '.join(missing)})"
    )


def _listed(ids: list[str]) -> str:
    return (", ".join(ids[:12]) + (", ..." if len(ids) > 12 else "")) or "none"


def _merge_items(
    key: str,
    base: Any,
    new: Any,
    b_tree: _Tree,
    o_tree: _Tree,
    out: MergedSourceMap,
    issues: list[Issue],
) -> Any:
    what = _SINGULAR.get(key, "item")
    here = o_tree.origins[(key,)]

    def problem(path: Path_, message: str) -> None:
        file, line, written = o_tree.origins.get(path, here)
        issues.append(Issue(file, line, format_path(written), message))

    if new is None:
        problem(
            (key,),
            f"{key} is empty: an overlay cannot empty the whole list; to remove {key}, list "
            f"each with its id and remove: true, or delete this line to keep the base's {key}",
        )
        return base
    if not isinstance(new, list):
        problem((key,), f"expected a list of {key} to add, change or remove, each with its id")
        return base
    if base is None:
        base = []
    if not isinstance(base, list):
        b_file, b_line, b_written = b_tree.origins[(key,)]
        issues.append(
            Issue(b_file, b_line, format_path(b_written), f"expected a list of {key} in the base")
        )
        return base
    out.add((key,), here)
    index: dict[str, int] = {}
    for b, item in enumerate(base):
        item_id = _item_id(item)
        if item_id is not None:
            index.setdefault(item_id, b)
    changes: dict[int, tuple[int, dict[str, Any]]] = {}  # base index -> overlay index, item
    removed: set[int] = set()
    added: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for j, item in enumerate(new):
        at = (key, j)
        if not isinstance(item, dict):
            problem(at, f"expected a {what} (field: value pairs starting with its id)")
            continue
        item_id = _item_id(item)
        if item_id is None:
            problem(
                (*at, "id") if "id" in item else at,
                f"every {what} in an overlay needs an id: it says which {what} of the base "
                "to change or remove, or is the id of a new one",
            )
            continue
        if item_id in seen:
            first = o_tree.origins.get((key, seen[item_id]), here)[1]
            problem(
                (*at, "id"),
                f"{item_id!r} is given twice (first on line {first}); give each change once",
            )
            continue
        seen[item_id] = j
        remove = item.get(REMOVE_KEY, False)
        if not isinstance(remove, bool):
            problem((*at, REMOVE_KEY), f"expected remove: true or remove: false, got {remove!r}")
            continue
        if remove:
            extra = sorted(k for k in item if k not in ("id", REMOVE_KEY))
            if extra:
                problem(
                    (*at, REMOVE_KEY),
                    f"remove: true removes {what} {item_id!r}, so the other field(s) "
                    f"({', '.join(extra)}) would be ignored; drop them or drop remove: true",
                )
            elif item_id not in index:
                close = difflib.get_close_matches(item_id, list(index), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problem(
                    (*at, "id"),
                    f"cannot remove {what} {item_id!r}: the base has no {what} with this "
                    f"id{hint}; known: {_listed(list(index))}",
                )
            else:
                removed.add(index[item_id])
            continue
        if item_id in index:
            changes[index[item_id]] = (j, item)
            continue
        missing = [f for f in ID_LISTS[key] if item.get(f) is None]
        if missing:  # most likely a misspelt id of the base, not a new item
            problem((*at, "id"), _not_in_base(what, item_id, list(index), missing))
            continue
        added.append((j, item))
    merged: list[Any] = []
    for b, item in enumerate(base):
        if b in removed:
            continue
        i = len(merged)
        if b in changes:
            j, change = changes[b]
            merged.append(
                _merge_fields(
                    (key, i),
                    item,
                    change,
                    b_tree,
                    o_tree,
                    out,
                    base_at=(key, b),
                    new_at=(key, j),
                    skip=(REMOVE_KEY,),
                )
            )
        else:
            merged.append(item)
            b_tree.copy(out, (key, b), (key, i))
    for j, item in added:
        i = len(merged)
        merged.append({k: v for k, v in item.items() if k != REMOVE_KEY and v is not None})
        for p in o_tree.subtree((key, j)):
            if len(p) > 2 and p[2] == REMOVE_KEY:
                continue
            out.add((key, i, *p[2:]), o_tree.origins[p])
    return merged
