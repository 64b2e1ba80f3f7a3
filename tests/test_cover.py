"""Crisis cover (issue 13): the cover settings of an "as needed" program, their errors, the
validator's rules for them, and what ``check`` says about cover before solving."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.scenario import ScenarioError, load_scenario

CRISIS = """\
name: Cover House
calendar:
  start: "2026-12-07"
  weeks: 1
  open: "Mon-Fri 09:00-17:00"
rooms:
  - id: office
    capacity: 2
staff:
  - id: bell
    roles: [peer]
programs:
  - id: crisis
    frequency: as needed
    duration: 2 hours
    facilitator: peer
"""


def load_text(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return load_scenario(path)


def issues_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_text(tmp_path, text)
    return [str(i) for i in err.value.issues]


# --- the settings ---------------------------------------------------------------------------


def test_without_cover_nothing_is_required(tmp_path: Path) -> None:
    prog = load_text(tmp_path, CRISIS).programs[0]
    assert prog.cover is None
    assert prog.on_call_counts_toward_hours is False
    assert prog.shifts is None


@pytest.mark.parametrize(
    ("written", "percent", "windows"),
    [
        ("all opening hours", 100.0, ()),
        ("all", 100.0, ()),
        ('"95%"', 95.0, ()),
        ("at least 95 %", 95.0, ()),
        ("97.5 percent", 97.5, ()),
        ('"Mon-Fri 09:00-12:00"', 100.0, ("Mon-Fri 09:00-12:00",)),
        ('["Mon 09:00-12:00", "2026-12-09"]', 100.0, ("Mon 09:00-12:00", "2026-12-09")),
    ],
)
def test_cover_phrases(tmp_path: Path, written: str, percent: float, windows: tuple) -> None:
    text = CRISIS + f"    cover: {written}\n"
    cover = load_text(tmp_path, text).programs[0].cover
    assert cover is not None
    assert cover.percent == percent
    assert tuple(w.text for w in cover.windows) == windows


def test_all_settings_together(tmp_path: Path) -> None:
    text = CRISIS + (
        "    cover: all opening hours\n"
        "    on_call_counts_toward_hours: yes\n"
        "    shifts: {shortest: 2 hours, longest: 8 hours}\n"
    )
    prog = load_text(tmp_path, text).programs[0]
    assert prog.on_call_counts_toward_hours is True
    assert prog.shifts is not None
    assert (prog.shifts.shortest, prog.shifts.longest) == (120, 480)


ERRORS = [
    pytest.param(
        "    cover: 120%\n",
        ":17: programs[0].cover: '120%': a share of the opening hours must be more than 0 %",
        id="share-over-100",
    ),
    pytest.param(
        "    cover: mostly\n",
        ":17: programs[0].cover: 'mostly' is not an on-call cover; expected \"all opening hours\"",
        id="not-a-cover",
    ),
    pytest.param(
        "    cover: no\n",
        ':17: programs[0].cover: expected "all opening hours"',
        id="cover-no",
    ),
    pytest.param(
        '    cover: ["Mon 09:00-12:00", "Sat 9-"]\n',
        ":17: programs[0].cover: item 2 of the list: 'Sat 9-'",
        id="bad-window-in-list",
    ),
    pytest.param(
        "    on_call_counts_toward_hours: sometimes\n",
        ":17: programs[0].on_call_counts_toward_hours: expected yes or no, got 'sometimes'",
        id="yes-no",
    ),
    pytest.param(
        "    shifts: {shortest: 3 hours, longest: 2 hours}\n",
        ":17: programs[0].shifts: the shortest shift (180 minutes) is longer than the longest",
        id="shortest-over-longest",
    ),
    pytest.param(
        "    shifts: {shortest: 50 min}\n",
        ":17: programs[0].shifts.shortest: 50 minutes is not a whole number of 15-minute slots",
        id="shift-off-slot",
    ),
    pytest.param(
        "    shifts: {longest: 1 hour}\n",
        ":17: programs[0].shifts.longest: the longest shift (60 minutes) is shorter than one "
        "on-call block",
        id="longest-under-a-block",
    ),
    pytest.param(
        "    shifts: {longer: 1 hour}\n",
        ":17: programs[0].shifts.longer: unknown field 'longer' (did you mean 'longest'?)",
        id="shift-typo",
    ),
]


@pytest.mark.parametrize(("line", "expected"), ERRORS)
def test_cover_setting_errors(tmp_path: Path, line: str, expected: str) -> None:
    [issue] = issues_of(tmp_path, CRISIS + line)
    assert expected in issue, issue


@pytest.mark.parametrize("line", ["cover: all", "on_call_counts_toward_hours: no", "shifts: {}"])
def test_cover_settings_only_on_as_needed_programs(tmp_path: Path, line: str) -> None:
    text = CRISIS.replace("frequency: as needed", "frequency: weekly") + f"    {line}\n"
    name = line.split(":")[0]
    [issue] = issues_of(tmp_path, text)
    assert f":17: programs[0].{name}: '{name}' is only for an on-call rota" in issue, issue
    assert "runs once a week" in issue
