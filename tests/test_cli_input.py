"""``python -m optimizer solve|check`` on a scenario with a mistake: exit code 2, a message that
names file:line and the field, no traceback, and nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_scenario_errors import BASE, BILLION_LAUGHS, line_of, variant

ROOT = Path(__file__).resolve().parent.parent


def run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run(
        [sys.executable, "-m", "optimizer", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_refused(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output
    assert "Internal error" not in output
    assert "nothing was written" in result.stderr
    for words in expected:
        assert words in result.stderr, result.stderr


BAD_FILES = [
    pytest.param(
        variant('  start: "2026-12-07"\n', '  start: "2026-12-08"\n'),
        "2026-12-08",
        "calendar.start",
        "must start on a Monday",
        id="start-not-monday",
    ),
    pytest.param(
        variant("    capacity: 2\n", "    capacity: -2\n"),
        "capacity: -2",
        "rooms[1].capacity",
        "expected a whole number",
        id="negative-capacity",
    ),
    pytest.param(
        variant(
            '    available: "Mon-Fri 09:00-17:00"\n', '    available: ["Mon-Fri 17:00-09:00"]\n'
        ),
        "17:00-09:00",
        "staff[0].available[0]",
        "expected the end after the start",
        id="window-end-before-start",
    ),
    pytest.param(
        variant('    available: "Mon-Fri 09:00-17:00"\n', '    available: "Mon-Fri 09:00-05:00"\n'),
        "09:00-05:00",
        "staff[0].available",
        'if you meant 09:00-17:00, write "Mon-Fri 09:00-17:00"',
        id="nine-to-five-proposes-a-spelling",
    ),
    pytest.param(
        variant(
            '    busy: "Mon 09:00-10:00"\n',
            '    busy:\n      - "Mon 9am-10am"\n      - "Tue 16:00-20:00, Sat 9-25"\n',
        ),
        "Sat 9-25",
        "residents[1].busy[1]",
        "'Sat 9-25': '25' is not a time of day",
        id="several-windows-one-wrong",
    ),
    pytest.param(
        variant("    facilitator: clinician\n", "    facilitator: [clinican]\n"),
        "clinican",
        "programs[0].facilitator[0]",
        "did you mean 'clinician'?",
        id="unknown-role",
    ),
    pytest.param(
        variant("    frequency: weekly\n", "    frequency: sometimes\n"),
        "sometimes",
        "programs[1].frequency",
        "is not a frequency",
        id="unreadable-frequency",
    ),
    pytest.param(
        variant("    features: [group]\n", "    features: [group\n"),
        "[group",
        "",
        "YAML syntax error",
        id="yaml-syntax",
    ),
    pytest.param(
        variant("    capacity: 8\n", "\tcapacity: 8\n"),
        "\tcapacity",
        "",
        "tab",
        id="tab-indentation",
    ),
]


@pytest.mark.parametrize("command", ["solve", "check"])
@pytest.mark.parametrize(("text", "needle", "field", "expected"), BAD_FILES)
def test_bad_scenario_is_refused(
    tmp_path: Path, command: str, text: str, needle: str, field: str, expected: str
) -> None:
    scenario = tmp_path / "home.yaml"
    scenario.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    extra = ["--out", str(out)] if command == "solve" else []
    result = run(tmp_path, command, "home.yaml", *extra)
    # a YAML syntax error is about the file, not a field
    where = f"home.yaml:{line_of(text, needle)}: " + (f"{field}:" if field else "YAML syntax")
    assert_refused(result, where, expected)
    assert not out.exists()
    assert not (tmp_path / "reports").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home.yaml"]


def test_solve_without_out_writes_no_report_folder(tmp_path: Path) -> None:
    (tmp_path / "home.yaml").write_text(variant("  weeks: 1\n", "  weeks: 0\n"), encoding="utf-8")
    result = run(tmp_path, "solve", "home.yaml")
    assert_refused(result, "home.yaml:4: calendar.weeks: expected a whole number from 1 to 52")
    assert not (tmp_path / "reports").exists()


def test_several_problems_are_all_listed(tmp_path: Path) -> None:
    text = variant("    capacity: 2\n", "    capacity: 0\n")
    text = variant("    duration: 1 hour\n", "    duration: forever\n", text)
    (tmp_path / "home.yaml").write_text(text, encoding="utf-8")
    result = run(tmp_path, "check", "home.yaml")
    assert_refused(
        result,
        "The scenario has 2 problem(s)",
        f"home.yaml:{line_of(text, 'capacity: 0')}: rooms[1].capacity:",
        f"home.yaml:{line_of(text, 'forever')}: programs[0].duration:",
    )


@pytest.mark.parametrize("command", ["solve", "check"])
def test_missing_file(tmp_path: Path, command: str) -> None:
    out = tmp_path / "out"
    extra = ["--out", str(out)] if command == "solve" else []
    result = run(tmp_path, command, "no-such-home.yaml", *extra)
    assert_refused(result, "no-such-home.yaml", "cannot read the file")
    assert not out.exists()
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize("command", ["solve", "check"])
def test_folder_instead_of_a_file(tmp_path: Path, command: str) -> None:
    (tmp_path / "scenarios").mkdir()
    out = tmp_path / "out"
    extra = ["--out", str(out)] if command == "solve" else []
    result = run(tmp_path, command, "scenarios", *extra)
    assert_refused(result, "scenarios", "is a folder; expected a scenario .yaml file")
    assert not out.exists()
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"- a\n- b\n", "expected a scenario"),
        (b"name: Caf\xe9\n", "not UTF-8"),
        (BILLION_LAUGHS.encode(), "anchors and aliases"),
    ],
    ids=["empty", "list", "latin-1", "billion-laughs"],
)
def test_unusable_files(tmp_path: Path, content: bytes, expected: str) -> None:
    (tmp_path / "home.yaml").write_bytes(content)
    result = run(tmp_path, "solve", "home.yaml", "--out", str(tmp_path / "out"))
    assert_refused(result, "home.yaml", expected)
    assert not (tmp_path / "out").exists()


def test_a_good_scenario_is_still_accepted_by_check(tmp_path: Path) -> None:
    (tmp_path / "home.yaml").write_text(BASE, encoding="utf-8")
    result = run(tmp_path, "check", "home.yaml")
    assert result.returncode in (0, 3), result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "valid" in result.stdout
