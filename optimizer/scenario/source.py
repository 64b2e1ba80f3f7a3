"""Read a scenario file safely and remember the line of every value.

PyYAML's safe loader builds a node tree; we turn it into plain Python data ourselves so that
each value's line is recorded under its field path (``("staff", 2, "available", 0)``), duplicate
keys are an error instead of a silent overwrite, and alias expansion is bounded (a "billion
laughs" file gets a clear error, not an exhausted machine).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 5_000_000
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

    def issue(self, path: Path_, message: str) -> Issue:
        return Issue(self.file, self.line_of(path), format_path(path), message)


class _Builder:
    def __init__(self, source: SourceMap):
        self.source = source
        self.count = 0
        self.loader = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise ScenarioError(
                [
                    self.source.issue(
                        path,
                        f"the file expands to more than {MAX_VALUES:,} values (through YAML "
                        "anchors and aliases or sheer size); a scenario is far smaller",
                    )
                ]
            )
        self.source.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    merged = self.build(value_node, path)
                    for item in merged if isinstance(merged, list) else [merged]:
                        if isinstance(item, dict):
                            for k, v in item.items():
                                out.setdefault(k, v)
                    continue
                key = self.build(key_node, (*path, "<key>"))
                key = str(key)
                if key in out:
                    raise ScenarioError(
                        [
                            Issue(
                                self.source.file,
                                key_node.start_mark.line + 1,
                                format_path((*path, key)),
                                f"{key!r} is given twice; the second would silently replace "
                                "the first, so remove one",
                            )
                        ]
                    )
                self.source.lines[(*path, key)] = key_node.start_mark.line + 1
                out[key] = self.build(value_node, (*path, key))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            value = node.value
        return value


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
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark else None
        what = exc.problem or "invalid YAML"
        raise ScenarioError(
            [Issue(name, where, "", f"YAML syntax error: {what} (check indentation and quotes)")]
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Issue(name, None, "", f"YAML syntax error: {exc}")]) from None
    except RecursionError:
        raise ScenarioError([Issue(name, None, "", "the YAML is nested too deeply")]) from None
    if node is None:
        raise ScenarioError([Issue(name, 1, "", "the file is empty; expected a scenario")])
    try:
        data = _Builder(source).build(node, ())
    except RecursionError:
        raise ScenarioError([Issue(name, None, "", "the YAML is nested too deeply")]) from None
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
