"""One definition per shared notion (issue 17): the comparison, the staffing search, the
reports and the late-evening goal agree on what "evening" and "utilization" mean.

No solver: the timetables are written by hand, so each number is worked out in a comment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from optimizer.check import validate
from optimizer.check.goals import score_card
from optimizer.planning.build import build_problem
from optimizer.reports import tables
from optimizer.reports.data import ReportData
from optimizer.reports.measures import evening_after, utilization_percent
from optimizer.scenario import Scenario
from optimizer.timetable import Booking, Timetable
from optimizer.whatif.metrics import plan_metrics

from .conftest import tiny

Load = Callable[[dict[str, Any]], Scenario]
MONDAY = dt.date(2026, 12, 7)


def _evening_home(late_evening_after: str | None) -> dict[str, Any]:
    # Open until 21:00; two sessions, ending 18:30 and 19:30.
    data = tiny(calendar={"start": "2026-12-07", "weeks": 1, "open": "Mon-Fri 09:00-21:00"})
    data["staff"][0]["available"] = "Mon-Fri 09:00-21:00"
    if late_evening_after is not None:
        data["goals"] = {"late_evening_after": late_evening_after}
    return data


def _bookings() -> list[Booking]:
    def at(day: int, start: int) -> Booking:
        return Booking(
            MONDAY + dt.timedelta(days=day),
            start,
            start + 60,
            "group-therapy",
            f"group-therapy/A/{day + 1}",
            "group-room",
            ("rivera",),
            ("R01", "R02"),
        )

    return [at(0, 17 * 60 + 30), at(1, 18 * 60 + 30)]


def _both(scenario: Scenario) -> tuple[dict[str, Any], ReportData]:
    """The comparison's metrics and the reports' data of the hand-made timetable."""
    problem = build_problem(scenario)
    timetable = Timetable(_bookings())
    report = validate(scenario, timetable)
    metrics = plan_metrics(problem, timetable, report, {})
    return metrics, ReportData(problem=problem, timetable=timetable, summary={}, report=report)


def _evening_shares(scenario: Scenario) -> tuple[float, float, int]:
    """(comparison's evening share, the reports' staff evening share, the goal's count)."""
    metrics, data = _both(scenario)
    staff = tables.staff_utilization(data).set_index("staff").loc["rivera"]
    assert data.report is not None
    card = score_card(scenario, data.timetable, data.report)
    return metrics["evening_share_percent"], staff.evening_share_percent, card["late_evening"].count


@pytest.mark.parametrize(
    ("after", "share", "count"),
    [
        (None, 50.0, 1),  # default 19:00: only the session ending 19:30
        ("18:00", 100.0, 2),  # both end after 18:00
        ("20:00", 0.0, 0),
    ],
)
def test_evening_is_the_late_evening_goal_time_everywhere(
    load: Load, after: str | None, share: float, count: int
) -> None:
    # Regression (issue 17): compare and the reports counted "evening" from 18:00 while the
    # late-evening goal counted from goals.late_evening_after (19:00 by default).
    scenario = load(_evening_home(after))
    assert evening_after(scenario) == scenario.goals.late_evening_after
    assert _evening_shares(scenario) == (share, share, count)


def test_utilization_is_rounded_the_same_in_the_comparison_and_the_reports(load: Load) -> None:
    # Regression (issue 17): the comparison rounded utilization to 2 decimals, the reports'
    # tables to 1. Rivera is available Mon-Fri 09:00-21:00 (60 h) and leads 2 h: 3.333... %.
    metrics, data = _both(load(_evening_home(None)))
    staff = tables.staff_utilization(data).set_index("staff").loc["rivera"]
    room = tables.room_utilization(data).set_index("room").loc["group-room"]
    assert metrics["utilization_percent[clinician]"] == staff.utilization_percent == 3.3
    assert metrics["room_utilization_percent[group-room]"] == room.utilization_percent == 3.3
    assert utilization_percent(1, 0) is None
