"""Issue 13 in the model: a required cover is demand (met where staff allow, otherwise
reported as unmet in words and the solve exits 3), on-call time counts toward weekly hours
when the program says so, and shift lengths hold. Tiny homes that solve to completion."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from optimizer.cli.main import main

from .conftest import solve_checked, tiny

MORNING = {"start": "2026-12-07", "weeks": 1, "open": "Mon 09:00-13:00"}
CRISIS = {"id": "crisis", "frequency": "as needed", "duration": "30 minutes", "facilitator": "peer"}
NO_GOALS = {"on_call_gap": 0, "on_call_handover": 0, "fair_load": 0}


def home(crisis: dict, staff: list[dict]) -> dict:
    return tiny(calendar=MORNING, staff=staff, residents=[], programs=[crisis], goals=NO_GOALS)


def on_call_minutes(result: Any, staff: str | None = None) -> int:
    return sum(s.end - s.start for s in result.timetable.on_call if staff in (None, s.staff))


def test_required_cover_is_met_without_the_goal(load):
    """The gap goal is off, so only the requirement asks for someone on call."""
    staff = [{"id": "peer-1", "roles": ["peer"]}]
    result, report = solve_checked(load(home(dict(CRISIS, cover="all opening hours"), staff)))
    assert result.complete and report.ok
    assert on_call_minutes(result) == 4 * 60


def test_on_call_counts_toward_weekly_hours_both_ways(load):
    capped = [{"id": "peer-1", "roles": ["peer"], "max_hours_per_week": 2}]
    counted = dict(CRISIS, cover="all opening hours", on_call_counts_toward_hours=True)
    result, _ = solve_checked(load(home(counted, capped)))
    assert on_call_minutes(result, "peer-1") <= 2 * 60
    assert not result.complete  # the cover cannot be reached within her hours
    assert result.timetable is not None
    (row,) = [u for u in result.timetable.unmet if u.program == "crisis"]
    assert "no one is on call Mon 2026-12-07" in row.reason
    free = dict(CRISIS, cover="all opening hours", on_call_counts_toward_hours=False)
    result, _ = solve_checked(load(home(free, capped)))
    assert result.complete and on_call_minutes(result, "peer-1") == 4 * 60


def test_shift_lengths_hold(load):
    staff = [{"id": "peer-1", "roles": ["peer"]}, {"id": "peer-2", "roles": ["peer"]}]
    crisis = dict(CRISIS, cover="all", shifts={"shortest": "1 hour", "longest": "2 hours"})
    result, report = solve_checked(load(home(crisis, staff)))
    assert result.complete and report.ok and result.timetable is not None
    assert all(60 <= s.end - s.start <= 120 for s in result.timetable.on_call)
    assert on_call_minutes(result) == 4 * 60


def test_unreachable_cover_exits_3_with_the_gaps_in_words(write_scenario, capsys, tmp_path):
    staff = [{"id": "peer-1", "roles": ["peer"], "available": "Mon 09:00-11:00"}]
    path: Path = write_scenario(home(dict(CRISIS, cover="all opening hours"), staff))
    code = main(["solve", str(path), "--out", str(tmp_path / "run"), "--time-limit", "10"])
    out = capsys.readouterr().out
    assert code == 3, out
    unmet = (tmp_path / "run" / "unmet.csv").read_text(encoding="utf-8")
    assert "no one is on call Mon 2026-12-07 11:00-13:00" in unmet
