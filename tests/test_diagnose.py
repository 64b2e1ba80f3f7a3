"""Impossible scenarios, one per reason: ``check`` names the reason, the program and the
people, and ``solve`` writes a validator-clean timetable with the same reason in unmet.csv."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from optimizer.findings.diagnose import check_capacity
from optimizer.planning.build import build_problem

from .conftest import ROOT, TINY, solve_checked, tiny

TRAUMA = {
    "id": "trauma-group",
    "name": "Specialized Group Therapy",
    "frequency": "once a week",
    "duration": "1.5 hours",
    "facilitator": ["clinician", "trauma"],
    "attendees": "all",
    "room": "group",
}
ONE_ON_ONE = {
    "id": "peer-counseling",
    "name": "One-on-One Peer Counseling",
    "frequency": "twice a week",
    "duration": "45 minutes",
    "facilitator": "peer",
    "attendees": "each",
    "room": "private",
}
GROUP = TINY["programs"][0]

CASES = {
    "no qualified facilitator": (
        tiny(
            staff=[
                {"id": "rivera", "name": "Dr. Ana Rivera", "roles": ["clinician"]},
                {"id": "kim", "name": "Lee Kim", "roles": ["trauma"]},
            ],
            programs=[TRAUMA],
        ),
        ["Specialized Group Therapy", "clinician + trauma", "no staff member has both"],
    ),
    "facilitator without enough hours": (
        tiny(
            staff=[
                {
                    "id": "rivera",
                    "name": "Dr. Ana Rivera",
                    "roles": ["clinician", "trauma"],
                    "available": "Fri 16:00-17:00",
                }
            ],
            programs=[TRAUMA],
        ),
        [
            "Specialized Group Therapy",
            "Dr. Ana Rivera (rivera)",
            "1 hour",
            "Fri 16:00-17:00",
            "by 30 minutes",
        ],
    ),
    # Kept together, they must share a group (apart, three groups of one would fit: issue 20).
    "group with no common time": (
        tiny(
            residents=[
                {"id": "R01", "name": "Jordan P.", "busy": "Tue-Fri"},
                {"id": "R02", "name": "Alex M.", "busy": ["Mon", "Wed-Fri"]},
                {"id": "R03", "name": "Casey L.", "busy": ["Mon-Tue", "Thu-Fri"]},
            ],
            programs=[dict(GROUP, frequency="once a week")],
            grouping={"together": [["R01", "R02", "R03"]]},
        ),
        ["Group Therapy", "its 3 residents share no free 1 hour"],
    ),
    "resident with no free time": (
        tiny(
            residents=[
                {"id": "R01", "name": "Jordan P.", "busy": {"when": "Mon-Fri", "reason": "job"}},
                {"id": "R02", "name": "Alex M."},
            ],
            programs=[ONE_ON_ONE],
        ),
        ["Jordan P. (R01)", "One-on-One Peer Counseling", "job"],
    ),
    "weekly hours cap too low": (
        tiny(
            staff=[
                {"id": "peer-1", "name": "Sam Peer", "roles": ["peer"], "max_hours_per_week": 2}
            ],
            programs=[ONE_ON_ONE],
        ),
        [
            "One-on-One Peer Counseling",
            "Sam Peer (peer-1)",
            "at most 2 hours a week",
            "weekly hour limit",
        ],
    ),
    "closure removes a needed day": (
        tiny(
            calendar={
                "start": "2026-12-07",
                "weeks": 2,
                "open": "Mon-Fri 09:00-10:00",
                "closed": ["2026-12-09"],
            },
            programs=[dict(GROUP, frequency="5 times a week")],
        ),
        ["Group Therapy", "the week of 2026-12-07", "open for only 4", "2026-12-09"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_check_names_the_reason(load, case):
    data, words = CASES[case]
    findings = [f for f in check_capacity(build_problem(load(data))) if f.blocking]
    assert findings, f"{case}: no blocking finding"
    text = findings[0].sentence()
    for word in words:
        assert word in text, f"{case}: {word!r} missing from: {text}"


@pytest.mark.parametrize("case", list(CASES))
def test_solve_reports_the_same_reason(load, case):
    data, words = CASES[case]
    result, report = solve_checked(load(data), time_limit=5)
    assert not result.complete and not report.complete
    reasons = " ".join(u.reason for u in result.timetable.unmet)
    for word in words:
        assert word in reasons, f"{case}: {word!r} missing from unmet reasons: {reasons}"


def test_cli_solve_exit_3_writes_unmet_csv(write_scenario, tmp_path: Path):
    data, _ = CASES["weekly hours cap too low"]
    out = tmp_path / "run"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "optimizer",
            "solve",
            str(write_scenario(data)),
            "--out",
            str(out),
            "--time-limit",
            "5",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 3, done.stderr
    assert "Not placed:" in done.stdout and "Sam Peer" in done.stdout
    rows = list(csv.DictReader((out / "unmet.csv").open()))
    assert rows and {r["program"] for r in rows} == {"peer-counseling"}
    assert all("weekly hour limit" in r["reason"] for r in rows)


def test_check_on_the_default_scenario_has_no_blocking_finding():
    done = subprocess.run(
        [sys.executable, "-m", "optimizer", "check", "scenarios/mission-recovery.yaml"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Nothing blocks a complete timetable" in done.stdout


def test_no_single_cause_names_the_competing_sessions(load):
    """One resident, one open hour, two programs: each fits alone, not both. No capacity
    finding explains it; the reason comes from the model (sessions that cannot all fit)."""
    calendar = {"start": "2026-12-07", "weeks": 1, "open": "Mon 09:00-10:00"}
    group = dict(GROUP, frequency="once a week")
    program = dict(ONE_ON_ONE, frequency="once a week", duration="1 hour")
    data = tiny(calendar=calendar, programs=[group, program], residents=[{"id": "R01"}])
    assert not [f for f in check_capacity(build_problem(load(data))) if f.blocking]
    result, _ = solve_checked(load(data), time_limit=5)
    (unmet,) = result.timetable.unmet
    for word in ("cannot all fit", "group-therapy/", "peer-counseling/R01/1", "R01"):
        assert word in unmet.reason, unmet.reason


def test_rooms_smaller_than_the_group_size_mean_more_groups(load):
    """Issue 12: max_group_size is a maximum, not a size. Nine residents, groups of up to 9,
    and a room for 4 (3 residents and a facilitator): three groups of three fit, so check
    finds nothing blocking and the solve places everyone."""
    scenario = load(
        tiny(
            residents=[{"id": f"R0{i}", "name": f"Resident {i}."} for i in range(1, 10)],
            rooms=[{"id": "group-room", "capacity": 4, "features": ["group"]}],
            programs=[dict(GROUP, frequency="once a week", max_group_size=9)],
        )
    )
    findings = check_capacity(build_problem(scenario))
    assert not [f for f in findings if f.blocking], findings
    result, report = solve_checked(scenario)
    assert result.complete and report.complete
    sizes = sorted(len(b.residents) for b in result.timetable.bookings)
    assert sizes == [3, 3, 3]


# --- weekly hour limits: the person, the hours missing, the group waiting (issue 13) --------

RIVERA_AT_3 = tiny(
    calendar={"start": "2026-12-07", "weeks": 2, "open": "Mon-Fri 09:00-17:00"},
    staff=[
        {
            "id": "rivera",
            "name": "Dr. Ana Rivera",
            "roles": ["clinician", "trauma"],
            "max_hours_per_week": 3,
        },
        {"id": "cho", "name": "Daniel Cho", "roles": ["clinician"], "max_hours_per_week": 1},
    ],
    residents=[
        {"id": "R01", "tracks": ["trauma"]},
        {"id": "R02", "tracks": ["trauma"]},
        {"id": "R03"},
    ],
    programs=[GROUP, dict(TRAUMA, attendees="track:trauma")],
)


def test_a_clinician_at_3_hours_a_week_gets_the_missing_hours(load):
    """Group therapy needs 3 hours a week and cho can give 1, so 2 fall to rivera; the trauma
    group's 1.5 hours can only be hers: 3.5 hours against a limit of 3."""
    findings = check_capacity(build_problem(load(RIVERA_AT_3)))
    [finding] = [f for f in findings if f.blocking and f.people == ("rivera",)]
    assert finding.program is None and finding.programs == ("group-therapy", "trauma-group")
    for words in (
        "Dr. Ana Rivera (rivera) may lead at most 3 hours a week",
        "at least 3.5 hours in the week of 2026-12-07, 30 minutes more",
        "so 2 hours falls to rivera",
        "Specialized Group Therapy needs 1.5 hours a week",
        "raise rivera's max_hours_per_week to at least 3.5",
    ):
        assert words in finding.sentence(), finding.sentence()


def _rivera_week(load):  # type: ignore[no-untyped-def]
    """A hand-made timetable: rivera leads group therapy 3 hours each week; the trauma group
    (R01 and R02) is unplaced."""
    import datetime as dt

    from optimizer.timetable import Booking, Timetable, Unmet

    problem = build_problem(load(RIVERA_AT_3))
    bookings = [
        Booking(
            dt.date(2026, 12, 7) + dt.timedelta(days=7 * w + d),
            600,
            660,
            "group-therapy",
            f"group-therapy/A/{d + 1}",
            "group-room",
            ("rivera",),
            ("R01", "R02", "R03"),
        )
        for w in range(2)
        for d in range(3)
    ]
    unmet = Unmet("trauma-group", "trauma-group/A/1", "group A", "2026-12-07..2026-12-13", 1, "")
    return problem, Timetable(bookings, [], [unmet])


def test_the_unmet_reason_names_the_person_the_hours_and_the_group(load):
    from optimizer.explain.unmet import explain_unmet

    problem, timetable = _rivera_week(load)
    [unmet] = explain_unmet(problem, timetable)
    for words in ("rivera", "30 minutes more", "at least 3.5", "group A: R01 and R02"):
        assert words in unmet.reason, unmet.reason


def test_limits_used_up_reads_the_timetable(load):
    from optimizer.findings.weekly_hours import limits_used_up

    problem, timetable = _rivera_week(load)
    occ = next(o for o in problem.occurrences if problem.series[o.series].id == "trauma-group/A/1")
    reason = limits_used_up(problem, occ.index, timetable)  # week 1
    for words in (
        "rivera already leads 3 hours of at most 3 hours a week",
        "would need 1.5 hours more (max_hours_per_week 4.5)",
        "group A: R01 and R02",
    ):
        assert words in reason, reason


def test_check_explains_sessions_that_cannot_fall_on_different_days(load):
    """Issue 14: free on Fridays only, a 3-a-week group cannot meet on three days; check says
    so, and a program that allows one day gets no finding."""
    residents = [{"id": "R01", "name": "Jordan P.", "busy": "Mon-Thu"}, {"id": "R02"}]
    findings = check_capacity(build_problem(load(tiny(residents=residents))))
    text = " ".join(f.sentence() for f in findings if f.blocking)
    assert "can meet on only 1 day(s)" in text and "Fri 2026-12-11" in text, text
    assert "same_day_allowed" in text
    allowed = tiny(residents=residents, programs=[dict(GROUP, same_day_allowed=True)])
    blocking = [f for f in check_capacity(build_problem(load(allowed))) if f.blocking]
    assert not [f for f in blocking if "different days" in f.text], blocking
