"""Crisis cover (issue 13): the cover settings of an "as needed" program, their errors, the
validator's rules for them, and what ``check`` says about cover before solving."""

from __future__ import annotations

import copy
import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from optimizer.check import ValidationReport, validate
from optimizer.findings.diagnose import check_capacity
from optimizer.findings.finding import Finding
from optimizer.planning.build import build_problem
from optimizer.planning.cover import cover_ceiling
from optimizer.scenario import Scenario, ScenarioError, load_scenario
from optimizer.timetable import Booking, OnCallShift, Timetable

from .conftest import ROOT

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


# --- the validator --------------------------------------------------------------------------

MON, TUE = dt.date(2026, 12, 7), dt.date(2026, 12, 8)

ROTA_HOME = """\
name: Rota House
calendar:
  start: "2026-12-07"
  weeks: 1
  open: "Mon-Tue 09:00-13:00"
rooms:
  - id: classroom
    capacity: 6
staff:
  - id: bell
    roles: [peer]
    max_hours_per_week: 4
  - id: ray
    roles: [peer]
residents:
  - id: R01
programs:
  - id: skills
    frequency: weekly
    duration: 1 hour
    facilitator: peer
  - id: crisis
    frequency: as needed
    duration: 2 hours
    facilitator: peer
"""
SKILLS = Booking(TUE, 9 * 60, 10 * 60, "skills", "skills/A/1", "classroom", ("bell",), ("R01",))


def on_call(date: dt.date, start: int, end: int, staff: str) -> OnCallShift:
    return OnCallShift(date, start * 60, end * 60, "crisis", staff)


FULL = [on_call(MON, 9, 13, "bell"), on_call(TUE, 9, 13, "ray")]
GAP = [on_call(MON, 9, 13, "bell"), on_call(TUE, 9, 11, "ray")]  # no one Tue 11:00-13:00


def check(tmp_path: Path, settings: str, shifts: list[OnCallShift]) -> ValidationReport:
    scenario = load_text(tmp_path, ROTA_HOME + settings)
    return validate(scenario, Timetable([SKILLS], shifts, []))


def test_a_complete_rota_keeps_a_required_cover(tmp_path: Path) -> None:
    assert check(tmp_path, "    cover: all opening hours\n", FULL).ok


def test_a_rota_with_a_gap_breaks_a_required_cover(tmp_path: Path) -> None:
    report = check(tmp_path, "    cover: all opening hours\n", GAP)
    assert report.rules() == {"on_call_cover"}, report.summary()
    [v] = report.violations
    assert "no one is on call Tue 2026-12-08 11:00-13:00" in v.message


def test_the_same_gap_is_fine_when_cover_is_optional(tmp_path: Path) -> None:
    report = check(tmp_path, "", GAP)
    assert report.ok, report.summary()
    assert report.coverage[0].uncovered == [(TUE, 11 * 60, 13 * 60)]


def test_a_share_of_the_opening_hours(tmp_path: Path) -> None:
    assert check(tmp_path, "    cover: 75%\n", GAP).ok  # 6 of 8 hours
    report = check(tmp_path, "    cover: at least 80 %\n", GAP)
    assert report.rules() == {"on_call_cover"}
    assert "covers 75.0 %" in report.violations[0].message
    assert "Tue 2026-12-08 11:00-13:00" in report.violations[0].message


def test_windows_that_must_be_covered(tmp_path: Path) -> None:
    assert check(tmp_path, '    cover: "Mon 09:00-13:00"\n', GAP).ok
    report = check(tmp_path, '    cover: ["Mon 10:00-11:00", "Tue 10:00-12:00"]\n', GAP)
    assert [v.rule for v in report.violations] == ["on_call_cover"]
    assert "no one is on call Tue 2026-12-08 11:00-12:00" in report.violations[0].message


def test_on_call_counts_toward_weekly_hours_when_asked(tmp_path: Path) -> None:
    """bell leads 1 hour and is on call 4 hours, with a limit of 4 hours a week."""
    report = check(tmp_path, "    on_call_counts_toward_hours: yes\n", FULL)
    assert report.rules() == {"weekly_hours"}, report.summary()
    assert "leads 1h00 of sessions and is on call 4h00" in report.violations[0].message
    assert check(tmp_path, "    on_call_counts_toward_hours: no\n", FULL).ok
    assert check(tmp_path, "", FULL).ok


def test_shift_lengths(tmp_path: Path) -> None:
    rules = "    shifts: {shortest: 2 hours, longest: 3 hours}\n"
    # bell's two touching rows Mon 09-11 and 11-13 are one 4-hour stretch
    long = [on_call(MON, 9, 11, "bell"), on_call(MON, 11, 13, "bell"), FULL[1]]
    report = check(tmp_path, rules.replace("longest: 3", "longest: 8"), long)
    assert report.ok, report.summary()
    report = check(tmp_path, rules, long)
    assert report.rules() == {"on_call_shift_length"}
    assert "bell is on call for crisis 4h00 in a row; the longest shift is 3h00" in str(report)
    short = [on_call(MON, 9, 10, "bell"), on_call(MON, 10, 13, "ray"), FULL[1]]
    report = check(tmp_path, rules.replace("longest: 3", "longest: 4"), short)
    assert report.rules() == {"on_call_shift_length"}
    assert "Mon 2026-12-07 09:00-10:00: bell is on call for crisis only 1h00" in str(report)


def test_a_short_shift_that_fills_the_opening_is_fine(tmp_path: Path) -> None:
    text = ROTA_HOME.replace('"Mon-Tue 09:00-13:00"', '["Mon 09:00-10:00", "Tue 09:00-13:00"]')
    scenario = load_text(tmp_path, text + "    shifts: {shortest: 2 hours}\n")
    shifts = [on_call(MON, 9, 10, "bell"), FULL[1]]
    assert validate(scenario, Timetable([SKILLS], shifts, [])).ok


# --- check: what no rota can cover ----------------------------------------------------------

SATURDAY: dict[str, Any] = {
    "name": "Saturday House",
    "calendar": {"start": "2026-12-07", "weeks": 2, "open": "Mon-Sat 08:00-18:00"},
    "rooms": [{"id": "office", "capacity": 2, "features": ["private"]}],
    "staff": [
        {
            "id": "bell",
            "name": "Marcus Bell",
            "roles": ["peer"],
            "available": "Mon-Fri 08:00-18:00",
            "unavailable": {"when": "2026-12-09 08:00-12:00", "reason": "training"},
        },
        {
            "id": "warren",
            "name": "Keisha Warren",
            "roles": ["peer"],
            "available": ["Mon-Fri 12:00-18:00", "Sat 10:00-18:00"],
        },
    ],
    "residents": [{"id": "R01"}],
    "programs": [
        {
            "id": "crisis",
            "name": "Crisis Peer Counseling",
            "frequency": "as needed",
            "duration": "2 hours",
            "facilitator": "peer",
        }
    ],
}
SATURDAY_GAPS = ("no peer is available Sat 08:00-10:00 in any week", "Wed 2026-12-09 08:00-12:00")


def with_cover(data: dict[str, Any], **settings: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    out["programs"][-1].update(settings)
    return out


def findings_of(load: Callable[[dict[str, Any]], Scenario], data: dict[str, Any]) -> list[Finding]:
    return [f for f in check_capacity(build_problem(load(data))) if f.program == "crisis"]


def test_an_uncoverable_saturday_morning_is_named(load) -> None:  # type: ignore[no-untyped-def]
    [finding] = findings_of(load, SATURDAY)
    assert not finding.blocking  # cover is a goal here
    text = finding.sentence()
    for words in (*SATURDAY_GAPS, "cover more than 93.3 %", "extend the Saturday hours"):
        assert words in text, text


def test_the_cover_ceiling(load) -> None:  # type: ignore[no-untyped-def]
    # 2 weeks x 6 days x 10 hours; lost: 2 hours on 2 Saturdays and 4 hours on one Wednesday
    slots = 4  # an hour, in 15-minute slots
    ceiling = cover_ceiling(build_problem(load(SATURDAY)))
    assert ceiling == {"crisis": ((120 - 8) * slots, 120 * slots)}


def test_a_required_cover_availability_cannot_meet_blocks(load, write_scenario) -> None:  # type: ignore[no-untyped-def]
    data = with_cover(SATURDAY, cover="all opening hours")
    [finding] = findings_of(load, data)
    assert finding.blocking
    for words in ("must have someone on call (cover: all opening hours)", *SATURDAY_GAPS):
        assert words in finding.text, finding.text
    done = subprocess.run(
        [sys.executable, "-m", "optimizer", "check", str(write_scenario(data))],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert "cannot fit as described" in done.stdout and SATURDAY_GAPS[0] in done.stdout


def test_a_required_share_is_measured_against_the_ceiling(load) -> None:  # type: ignore[no-untyped-def]
    [blocked] = [f for f in findings_of(load, with_cover(SATURDAY, cover="95%")) if f.blocking]
    assert "no rota can cover more than 93.3 %" in blocked.text
    assert "add at least 2 hours of peer availability" in blocked.sentence()
    assert not any(f.blocking for f in findings_of(load, with_cover(SATURDAY, cover="90%")))


def test_required_windows_block_only_inside_them(load) -> None:  # type: ignore[no-untyped-def]
    weekdays = findings_of(load, with_cover(SATURDAY, cover="Mon-Fri 12:00-18:00"))
    assert not any(f.blocking for f in weekdays)
    [saturday] = findings_of(load, with_cover(SATURDAY, cover="Sat 08:00-12:00"))
    assert saturday.blocking
    assert "Sat 08:00-10:00 in any week" in saturday.text
    assert "Wed" not in saturday.text  # outside the required windows


def test_no_one_for_a_whole_block(load) -> None:  # type: ignore[no-untyped-def]
    """Someone is available every hour of Saturday morning, but no one for a whole 2-hour
    on-call block: 08:00-10:00 is split between two people."""
    data = with_cover(SATURDAY, cover="all")
    data["staff"][0]["available"] = ["Mon-Fri 08:00-18:00", "Sat 08:00-09:00"]
    data["staff"][0]["unavailable"] = []
    data["staff"][1]["available"] = ["Mon-Fri 12:00-18:00", "Sat 09:00-18:00"]
    [finding] = findings_of(load, data)
    assert finding.blocking
    assert "someone is available Sat 08:00-10:00 in any week" in finding.text
    assert "no one for the whole block" in finding.text


def test_the_only_person_on_call_must_lead_a_session_then(load) -> None:  # type: ignore[no-untyped-def]
    """Tue 09:00-11:00 only bell can be on call, and only bell can lead R01's one-on-one,
    which R01 can only attend Tue 09:00-11:00."""
    data: dict[str, Any] = {
        "name": "Lead House",
        "calendar": {"start": "2026-12-07", "weeks": 1, "open": "Mon-Tue 09:00-13:00"},
        "rooms": [{"id": "office", "capacity": 2, "features": ["private"]}],
        "staff": [
            {"id": "bell", "name": "Marcus Bell", "roles": ["peer", "counselor"]},
            {"id": "ray", "roles": ["peer"], "available": ["Mon 09:00-13:00", "Tue 11:00-13:00"]},
        ],
        "residents": [{"id": "R01", "busy": ["Mon", "Tue 11:00-13:00"]}],
        "programs": [
            {
                "id": "one-on-one",
                "name": "One-on-One Counseling",
                "frequency": "weekly",
                "duration": "1 hour",
                "facilitator": "counselor",
                "attendees": "each",
                "room": "private",
            },
            {
                "id": "crisis",
                "name": "Crisis Peer Counseling",
                "frequency": "as needed",
                "duration": "2 hours",
                "facilitator": "peer",
            },
        ],
    }
    [warning] = findings_of(load, data)
    assert not warning.blocking
    [blocking] = findings_of(load, with_cover(data, cover="all opening hours"))
    assert blocking.blocking
    for words in (
        "only Marcus Bell (bell) can be on call Tue 2026-12-08 09:00-11:00",
        "the only one who can lead One-on-One Counseling (one-on-one/R01/1)",
    ):
        assert words in blocking.text, blocking.text
