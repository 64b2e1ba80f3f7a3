"""Read a scenario file safely and remember the line of every value.

PyYAML's safe loader builds a node tree; we turn it into plain Python data ourselves so that
each value's line is recorded under its field path (``("staff", 2, "available", 0)``), duplicate
keys are an error instead of a silent overwrite, and alias expansion is bounded (a "billion
laughs" file gets a clear error, not an exhausted machine).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 5_000_000
# libyaml, when PyYAML has it, parses a large file many times faster than pure Python.
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_VALUES = 500_000

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """One thing wrong with the input: where, which field, and what was expected."""

    file: str
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field_part = f" {self.path}:" if self.path else ""
        return f"{where}:{field_part} {self.message}"


class ScenarioError(Exception):
    """The scenario cannot be used; carries every issue found (exit code 2)."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def format_path(path: Path_) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass
class SourceMap:
    """Field path -> line number (1-based) for one file."""

    file: str
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path`` or of its nearest recorded parent."""
        p = tuple(path)
        while p:
            if p in self.lines:
                return self.lines[p]
            p = p[:-1]
        return self.lines.get((), None)

    def as_written(self, path: Path_) -> Path_:
        """``path`` without the parts the schema adds to what the file says: a single item
        written where a list is expected has no ``[0]``, and a busy block written as plain
        text has no ``.when``."""
        p = tuple(path)
        while len(p) > 1 and p not in self.lines and (isinstance(p[-1], int) or p[-1] == "when"):
            p = p[:-1]
        return p

    def issue(self, path: Path_, message: str) -> Issue:
        written = self.as_written(path)
        return Issue(self.file, self.line_of(written), format_path(written), message)


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"


class _Builder:
    """Turns a composed YAML node tree into plain data, recording lines and duplicate keys."""

    def __init__(self, source: SourceMap):
        self.source = source
        self.loader = yaml.SafeLoader("")
        self.issues: list[Issue] = []
        self.built: set[int] = set()

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.source.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            merged_in: dict[str, Any] = {}  # from "<<: *anchor": keys written here win
            written: dict[str, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merged = self.build(value_node, path)
                    for item in merged if isinstance(merged, list) else [merged]:
                        if isinstance(item, dict):
                            for k, v in item.items():
                                merged_in.setdefault(k, v)
                    continue
                key = self.build(key_node, (*path, "<key>"))
                key = str(key)
                if key in out:
                    first = self.source.lines.get((*path, key))
                    self.issues.append(
                        Issue(
                            self.source.file,
                            key_node.start_mark.line + 1,
                            format_path((*path, key)),
                            f"{key!r} is given twice (first on line {first}); the second would "
                            "silently replace the first, so remove one",
                        )
                    )
                    continue
                written[key] = self._value_line(key_node, value_node)
                self.source.lines[(*path, key)] = written[key]
                out[key] = self.build(value_node, (*path, key))
            for k, v in merged_in.items():
                out.setdefault(k, v)
            for k, line in written.items():  # a merge may have recorded the anchor's lines
                self.source.lines[(*path, k)] = line
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        self.built.add(id(node))
        if node.tag in (_INT, _FLOAT) and ":" in node.value:
            # YAML 1.1 reads an unquoted 19:00 or 1:30 as a base-60 number (1140, 90); keep the
            # text so times and durations are read as written.
            return node.value
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError):
            # e.g. an unquoted 2026-13-01 looks like a date but is none: keep the text, and let
            # the schema say what was expected there.
            value = node.value
        return value

    def _value_line(self, key_node: yaml.Node, value_node: yaml.Node) -> int:
        """The line to report for a field: its value's, if that is a scalar written here (it
        may sit on the line below its key), otherwise the key's (a list or mapping starts below
        its key, and an alias's value is where its anchor is)."""
        if (
            isinstance(value_node, yaml.ScalarNode)
            and value_node.value != ""
            and id(value_node) not in self.built  # an alias: its anchor is elsewhere
        ):
            return int(value_node.start_mark.line) + 1
        return int(key_node.start_mark.line) + 1


class _Cycle(Exception):
    pass


def _check_expansion(node: yaml.Node, source: SourceMap) -> None:
    """Refuse a file whose anchors and aliases expand to more than ``MAX_VALUES`` values (a
    "billion laughs" file) or refer to themselves, before expanding anything."""
    memo: dict[int, int] = {}
    active: set[int] = set()

    def size(n: yaml.Node) -> int:
        key = id(n)
        if key in memo:
            return memo[key]
        if key in active:
            raise _Cycle
        active.add(key)
        if isinstance(n, yaml.MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in n.value)
        elif isinstance(n, yaml.SequenceNode):
            total = 1 + sum(size(item) for item in n.value)
        else:
            total = 1
        active.discard(key)
        memo[key] = total
        return total

    try:
        total = size(node)
    except _Cycle:
        raise ScenarioError(
            [
                Issue(
                    source.file,
                    None,
                    "",
                    "a YAML alias (*name) is used inside the very anchor (&name) it refers to, "
                    "so the value would never end; write the value out instead",
                )
            ]
        ) from None
    if total <= MAX_VALUES:
        return
    if len(memo) < total:
        message = (
            f"the file expands to more than {MAX_VALUES:,} values through YAML anchors and "
            "aliases (&name, *name); a scenario is far smaller, so write the values out instead "
            "of repeating aliases"
        )
    else:
        message = (
            f"the file holds more than {MAX_VALUES:,} values; a scenario is far smaller, so "
            "check that this is the right file"
        )
    line, where = None, ""
    if isinstance(node, yaml.MappingNode) and node.value:
        key_node, _ = max(node.value, key=lambda kv: memo[id(kv[1])])
        line, where = key_node.start_mark.line + 1, str(key_node.value)
    raise ScenarioError(
        [
            Issue(
                source.file,
                line,
                where,
                message,
            )
        ]
    )


_TAB_HINT = "a tab character is not allowed here; YAML needs spaces for indentation"


def _unclosed_quote_line(text: str, last: int) -> int | None:
    """The first of lines 1..``last`` with an odd number of double quotes, if any: a quote
    left open there swallows the text up to the next quote, and YAML complains further down."""
    for number, line in enumerate(text.splitlines()[:last], start=1):
        code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
        opens_a_value = re.search(r'(?:^|[\s\[{,])"', code)  # not a " inside plain text
        if opens_a_value and (code.count('"') - code.count('\\"')) % 2:
            return number
    return None


def _syntax_issue(name: str, text: str, exc: yaml.MarkedYAMLError) -> Issue:
    """A YAML syntax error in plain words, at the line where the mistake most likely is."""
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    context_line = exc.context_mark.line + 1 if exc.context_mark else None
    open_quote = _unclosed_quote_line(text, line or 0)
    if open_quote is not None and "'\\t'" not in problem:
        line = open_quote
        what = 'a quoted text is never closed on this line; add the closing quote (")'
    elif "'\\t'" in problem:
        what = _TAB_HINT
    elif "quoted scalar" in context and "end of stream" in problem:
        line = context_line or line
        what = "a quoted text is never closed; add the closing quote"
    elif problem.startswith("mapping values are not allowed"):
        what = (
            "a ':' where YAML does not expect one; put text that contains ': ' in quotes, "
            "or check the indentation"
        )
    elif problem.startswith("found undefined alias"):
        what = f"{problem.removeprefix('found ')}; define the anchor (&name) before using *name"
    elif problem.startswith("found duplicate anchor"):
        what = f"{problem.removeprefix('found ')} (first on line {context_line}); rename one"
    elif "another document" in problem:
        what = "the file holds more than one YAML document ('---'); a scenario is one document"
    elif "<block end>" in problem:
        what = (
            "this line is not indented like the lines above it; the fields of one item line "
            "up, and each item of a list starts with '- '"
        )
    elif "flow sequence" in context or "flow mapping" in context:
        bracket = "[" if "sequence" in context else "{"
        closing = "]" if bracket == "[" else "}"
        what = (
            f"the {bracket} on this line is not closed with {closing} (or an item is missing a "
            f"comma; YAML noticed on line {line})"
        )
        line = context_line or line
    else:
        where = f" {context} on line {context_line}" if context and context_line else ""
        what = f"{problem}{where}; check the indentation and quotes"
    return Issue(name, line, "", f"YAML syntax error: {what}")


def _too_deep(name: str) -> ScenarioError:
    return ScenarioError(
        [Issue(name, None, "", "the YAML is nested too deeply; a scenario needs only a few levels")]
    )


def read_yaml(path: Path) -> tuple[Any, SourceMap]:
    """Load ``path`` into plain data and its source map, or raise :class:`ScenarioError`."""
    name = str(path)
    source = SourceMap(name)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ScenarioError(
            [Issue(name, None, "", f"cannot read the file: {exc.strerror}")]
        ) from None
    if path.is_dir():
        raise ScenarioError([Issue(name, None, "", "is a folder; expected a scenario .yaml file")])
    if size > MAX_FILE_BYTES:
        raise ScenarioError(
            [
                Issue(
                    name,
                    None,
                    "",
                    f"the file is {size:,} bytes; a scenario may be at most {MAX_FILE_BYTES:,}",
                )
            ]
        )
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            [Issue(name, line, "", "the file is not UTF-8 text; save it as UTF-8")]
        ) from None
    except OSError as exc:
        raise ScenarioError(
            [Issue(name, None, "", f"cannot read the file: {exc.strerror}")]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ScenarioError([Issue(name, line, "", "the file contains a NUL character")])
    try:
        try:
            node = yaml.compose(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            if _FAST_LOADER is yaml.SafeLoader:
                raise
            # libyaml's messages are terse; the pure-Python parser says which character and
            # where the construct began, which the plain-words message uses.
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise ScenarioError([_syntax_issue(name, text, exc)]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Issue(name, None, "", f"YAML syntax error: {exc}")]) from None
    except RecursionError:
        raise _too_deep(name) from None
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")):
        raise ScenarioError([Issue(name, 1, "", "the file is empty; expected a scenario")])
    builder = _Builder(source)
    try:
        _check_expansion(node, source)
        data = builder.build(node, ())
    except RecursionError:
        raise _too_deep(name) from None
    if builder.issues:
        raise ScenarioError(builder.issues)
    return _plain(data), source


def _plain(value: Any) -> Any:
    """Dates stay dates; everything else is str/int/float/bool/None/list/dict."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value
