"""Re-planning after a change moves only what the change forces; the change list says who to
tell. Every new timetable is checked by the validator."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from optimizer.check import validate
from optimizer.planning.build import build_problem
from optimizer.planning.replan import attach_previous, changes_between
from optimizer.search.result import Settings
from optimizer.search.solve import solve
from optimizer.timetable import Booking

from .conftest import ROOT, solve_checked, tiny

START = dt.date(2026, 12, 7)
BASE = tiny(
    calendar={"start": "2026-12-07", "weeks": 2, "open": "Mon-Fri 09:00-17:00"},
    rooms=[
        {"id": "group-room", "capacity": 8, "features": ["group"]},
        {"id": "office-1", "capacity": 2, "features": ["private"]},
        {"id": "office-2", "capacity": 2, "features": ["private"]},
    ],
    staff=[
        {"id": "rivera", "roles": ["clinician"]},
        {"id": "peer-1", "roles": ["peer"]},
        {"id": "peer-2", "roles": ["peer"]},
    ],
    residents=[{"id": "R01"}, {"id": "R02"}, {"id": "R03"}],
    programs=[
        {
            "id": "group-therapy",
            "frequency": "twice a week",
            "duration": "1 hour",
            "facilitator": "clinician",
            "attendees": "all",
            "room": "group",
        },
        {
            "id": "peer-counseling",
            "frequency": "twice a week",
            "duration": "45 minutes",
            "facilitator": "peer",
            "attendees": "each",
            "room": "private",
        },
    ],
)
WEEKS = {"group-therapy": 1, "peer-counseling": 1}


def replan(load, data, old: list[Booking], since: dt.date = START):
    scenario = load(data)
    problem = attach_previous(build_problem(scenario), old, [], since)
    result = solve(problem, Settings(time_limit=8))
    assert result.timetable is not None
    report = validate(scenario, result.timetable)
    assert report.ok, report.summary()
    assert result.complete
    return result, changes_between(old, result.timetable.bookings, WEEKS, START)


@pytest.fixture
def base(load):
    result, _ = solve_checked(load(BASE), time_limit=8)
    assert result.complete and result.timetable is not None
    return result.timetable.bookings


def test_staff_absence_moves_only_that_persons_sessions_that_day(load, base):
    day = next(b.date for b in base if "peer-1" in b.facilitators)
    hit = {b.session for b in base if b.date == day and "peer-1" in b.facilitators}
    staff = [dict(s) for s in BASE["staff"]]
    staff[1]["unavailable"] = [day.isoformat()]
    _, changes = replan(load, dict(BASE, staff=staff), base)
    assert changes, "the absence must change something"
    assert {c.session for c in changes} == hit
    assert all(c.before is not None and c.before.date == day for c in changes)


def test_admitting_a_resident_adds_their_sessions_and_moves_nothing(load, base):
    residents = [*BASE["residents"], {"id": "R04"}]
    _, changes = replan(load, dict(BASE, residents=residents), base)
    kinds = {c.kind for c in changes}
    assert kinds <= {"added", "changed"}
    assert {c.session for c in changes if c.kind == "added"} == {
        "peer-counseling/R04/1",
        "peer-counseling/R04/2",
    }
    for c in changes:
        if c.kind == "changed":  # the group gains a member; its time, room and lead stay
            assert c.before and c.after
            assert (c.before.room, c.before.facilitators) == (c.after.room, c.after.facilitators)
            assert set(c.after.residents) - set(c.before.residents) == {"R04"}


def test_discharging_a_resident_removes_only_their_sessions(load, base):
    residents = [r for r in BASE["residents"] if r["id"] != "R03"]
    _, changes = replan(load, dict(BASE, residents=residents), base)
    assert {c.kind for c in changes} <= {"removed", "changed"}
    assert {c.session for c in changes if c.kind == "removed"} == {
        b.session for b in base if b.residents == ("R03",)
    }
    for c in changes:
        if c.kind == "changed":
            assert c.before and c.after
            assert set(c.before.residents) - set(c.after.residents) == {"R03"}


def test_room_closure_moves_only_that_rooms_sessions(load, base):
    used = {
        b.room for b in base if b.program == "peer-counseling" and b.date >= START + dt.timedelta(7)
    }
    room = sorted(used)[0]
    rooms = [dict(r) for r in BASE["rooms"]]
    for r in rooms:
        if r["id"] == room:
            r["unavailable"] = ["2026-12-14..2026-12-18"]
    _, changes = replan(load, dict(BASE, rooms=rooms), base)
    affected = {b.session for b in base if b.room == room and b.date >= dt.date(2026, 12, 14)}
    assert changes and {c.session for c in changes} <= affected
    assert all(c.after is None or c.after.room != room for c in changes)


def test_frozen_past_stays_as_it_happened(load, base):
    """Everything before --since is kept, even when the change would rather move it."""
    staff = [dict(s) for s in BASE["staff"]]
    staff[0]["unavailable"] = ["2026-12-08"]  # in the past: it happened anyway
    since = dt.date(2026, 12, 14)
    scenario = load(dict(BASE, staff=staff))
    problem = attach_previous(build_problem(scenario), base, [], since)
    result = solve(problem, Settings(time_limit=5))
    assert result.timetable is not None
    before = sorted(b for b in base if b.date < since)
    after = sorted(b for b in result.timetable.bookings if b.date < since)
    kept = [
        b for b in before if not (b.date == dt.date(2026, 12, 8) and "rivera" in b.facilitators)
    ]
    assert set(kept) <= set(after)


@pytest.mark.slow
def test_default_scenario_one_day_absence_cli(tmp_path: Path):
    """The issue's example: a peer specialist off sick for a day re-plans in seconds with a
    short, readable change list."""
    base = tmp_path / "base"
    run = [sys.executable, "-m", "optimizer"]
    scenario = ROOT / "scenarios" / "mission-recovery.yaml"
    done = subprocess.run(
        [*run, "solve", str(scenario), "--out", str(base), "--time-limit", "30", "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    changed = tmp_path / "sick.yaml"
    text = scenario.read_text()
    changed.write_text(
        text.replace(
            '      - {when: "2026-12-16", reason: day off}\n',
            '      - {when: "2026-12-16", reason: day off}\n'
            '      - {when: "2026-12-17", reason: sick}\n',
            1,
        )
    )
    out = tmp_path / "replan"
    done = subprocess.run(
        [
            *run,
            "replan",
            str(changed),
            "--from",
            str(base / "timetable.csv"),
            "--since",
            "2026-12-14",
            "--out",
            str(out),
            "--time-limit",
            "15",
            "--quiet",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "tell bell:" in done.stdout
    rows = list(csv.DictReader((out / "changes.csv").open()))
    assert 0 < len(rows) <= 12
    assert all("2026-12-17" in r["before"] for r in rows if r["before"])


def _rows(path: Path, since: dt.date) -> list[dict[str, str]]:
    """Every column of every row dated before ``since``, in file order."""
    with path.open(newline="") as fh:
        return [r for r in csv.DictReader(fh) if dt.date.fromisoformat(r["date"]) < since]


def _home(name: str) -> dict:
    import yaml

    from bench.homes import varied

    if name == "shipped":
        return yaml.safe_load((ROOT / "scenarios" / "mission-recovery.yaml").read_text())
    return varied(2)  # two houses, 41 residents, part-time staff, 2 weeks


@pytest.mark.parametrize("home", ["shipped", "two-house"])
def test_a_sick_call_replan_never_changes_a_row_before_since(tmp_path: Path, home: str) -> None:
    """Issue 21: the past is frozen. A staff member calls in sick on the second day of week 2;
    re-planned from that Tuesday, every row of timetable.csv and on_call.csv dated before it
    is the same, every column, as in the timetable that was handed out."""
    import yaml

    data = _home(home)
    start = dt.date.fromisoformat(str(data["calendar"]["start"]))
    since = start + dt.timedelta(days=8)  # Tuesday of week 2
    base_yaml = tmp_path / "home.yaml"
    base_yaml.write_text(yaml.safe_dump(data, sort_keys=False))
    run = [sys.executable, "-m", "optimizer"]
    base = tmp_path / "base"
    done = subprocess.run(
        [*run, "solve", str(base_yaml), "--out", str(base), "--time-limit", "6", "--quiet"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode in (0, 3), done.stdout + done.stderr
    with (base / "timetable.csv").open(newline="") as fh:
        later = [r for r in csv.DictReader(fh) if dt.date.fromisoformat(r["date"]) >= since]
    sick = later[0]["facilitators"].split(";")[0]
    for s in data["staff"]:
        if s["id"] == sick:
            s["unavailable"] = [*s.get("unavailable", []), {"when": str(since), "reason": "sick"}]
    changed = tmp_path / "sick.yaml"
    changed.write_text(yaml.safe_dump(data, sort_keys=False))
    out = tmp_path / "replan"
    done = subprocess.run(
        [*run, "replan", str(changed), "--from", str(base / "timetable.csv"), "--since",
         str(since), "--out", str(out), "--time-limit", "6", "--quiet"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert done.returncode in (0, 3), done.stdout + done.stderr
    for name in ("timetable.csv", "on_call.csv"):
        assert _rows(out / name, since) == _rows(base / name, since), name
    assert _rows(base / "timetable.csv", since)  # the past is not empty
    assert "RULE VIOLATIONS" not in done.stdout


def test_a_past_row_the_change_makes_impossible_is_a_correction_not_a_change() -> None:
    """The past is copied from the timetable handed out, every column (here a room and a
    resident list the solve would have changed); a past row the solve could not keep (a sick
    day entered late) is listed apart as a correction; a solved row in the past that was not
    handed out is not added."""
    from optimizer.planning.problem import Previous
    from optimizer.planning.replan import keep_the_past
    from optimizer.timetable import Timetable

    def row(day: int, session: str, room: str, residents: tuple[str, ...]) -> Booking:
        return Booking(dt.date(2026, 12, day), 600, 660, "group-therapy", session, room,
                       ("rivera",), residents)  # fmt: skip

    handed_out = [row(8, "gt/A/1", "group-room", ("R01", "R02")), row(9, "gt/A/2", "group-room",
                  ("R01", "R02")), row(15, "gt/A/3", "group-room", ("R01", "R02"))]  # fmt: skip
    solved = [row(8, "gt/A/1", "other-room", ("R01", "R02", "R03")),  # kept, columns differ
              row(10, "gt/A/9", "group-room", ("R03",)),  # new in the past: not added
              row(16, "gt/A/3", "group-room", ("R01", "R02"))]  # fmt: skip
    previous = Previous({}, {}, dt.date(2026, 12, 14), 0, tuple(handed_out), ())
    kept, corrections = keep_the_past(Timetable(solved), previous)
    assert [b for b in kept.bookings if b.date < dt.date(2026, 12, 14)] == [handed_out[0]]
    assert corrections == [handed_out[1]]  # 9 December could not be kept
    assert [b.date.day for b in kept.bookings if b.date >= dt.date(2026, 12, 14)] == [16]
