"""Issue 24: the package layout shows the stages. Imports only go down the list of stages in
:mod:`optimizer` (and docs/architecture.md), and no module imports itself back in a circle."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import optimizer

ROOT = Path(optimizer.__file__).parent
REPO = ROOT.parent

# The stages, top first; packages on one line are peers and do not import each other.
STAGES: list[tuple[str, ...]] = [
    ("scenario",),
    ("timetable",),
    ("rules",),
    ("planning",),
    ("check", "findings"),
    ("construct",),
    ("assemble",),
    ("model",),
    ("explain",),
    ("search",),
    ("reports",),
    ("run",),
    ("whatif",),
    ("cli",),
]
TOP_LEVEL_MODULES = {"__init__", "__main__", "timetable"}  # every other module is in a package
LONG = 400  # lines: a longer module says why at its top


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """The optimizer modules that ``name`` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            targets = [f"{target}.{a.name}" for a in node.names] + [target]
        elif isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in MODULES:
                t = t.rpartition(".")[0]
            if t and t != name and t != "optimizer":
                yield t
                break


GRAPH = {name: set(_imports(name, path)) for name, path in MODULES.items()}


def _stage(name: str) -> tuple[int, str]:
    package = name.split(".")[1] if "." in name else ""
    for rank, peers in enumerate(STAGES):
        if package in peers:
            return rank, package
    return len(STAGES), package  # __main__


def test_every_module_is_in_a_stage() -> None:
    loose = [
        n
        for n in MODULES
        if n.count(".") == 1
        and n.split(".")[1] not in TOP_LEVEL_MODULES
        and MODULES[n].name != "__init__.py"
    ]
    assert not loose, f"modules outside any stage's package: {loose}"
    unknown = (
        {n.split(".")[1] for n in MODULES if n.count(".") >= 1}
        - {p for peers in STAGES for p in peers}
        - {"__main__"}
    )
    assert not unknown, f"packages missing from STAGES: {unknown}"


def test_imports_only_go_down() -> None:
    upward = []
    for name, targets in GRAPH.items():
        rank, package = _stage(name)
        for t in targets:
            t_rank, t_package = _stage(t)
            if t_rank > rank or (t_rank == rank and t_package != package):
                upward.append(f"{name} imports {t}")
    assert not upward, "\n".join(sorted(upward))


def test_no_import_circles() -> None:
    circles = []
    state: dict[str, int] = {}

    def visit(n: str, path: list[str]) -> None:
        state[n] = 1
        for t in sorted(GRAPH[n]):
            if state.get(t) == 1:
                circles.append(" -> ".join([*path[path.index(t) :], t]))
            elif t not in state:
                visit(t, [*path, t])
        state[n] = 2

    for n in sorted(GRAPH):
        if n not in state:
            visit(n, [n])
    assert not circles, "\n".join(circles)


def test_a_long_module_says_why_at_its_top() -> None:
    silent = []
    for name, path in MODULES.items():
        text = path.read_text()
        if text.count("\n") > LONG and "Longer than" not in (
            ast.get_docstring(ast.parse(text)) or ""
        ):
            silent.append(f"{name} ({text.count(chr(10))} lines)")
    assert not silent, f"over {LONG} lines without a reason in the docstring: {silent}"


def test_the_stages_are_the_same_in_the_package_and_the_architecture_page() -> None:
    listed = re.findall(r"^\d+\. (.+?):", optimizer.__doc__ or "", re.M)
    assert [tuple(re.findall(r"``(\w+)``", line)) for line in listed] == STAGES
    page = (REPO / "docs" / "architecture.md").read_text()
    rows = re.findall(r"^\| (\d+) \| (.+?) \|", page, re.M)
    assert [tuple(re.findall(r"`(\w+)/?`", cells)) for _, cells in rows] == STAGES


def test_the_readme_lists_every_stage() -> None:
    tree = (REPO / "README.md").read_text().split("## How it works", 1)[1].split("```")[1]
    listed = re.findall(r"^  (\w+)(?:/|\.py)", tree, re.M)
    assert listed == [p for peers in STAGES for p in peers]
