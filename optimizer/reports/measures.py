"""Notions that the comparison, the staffing search and the reports share, defined once.

- **Evening**: a session *ending after* the scenario's ``goals.late_evening_after`` (19:00
  unless the scenario says otherwise), the same time the late-evening goal counts from.
- **Weekend**: a Saturday or Sunday.
- **Utilization**: hours led (or booked, for rooms) against hours available, in percent
  rounded to one decimal; no value when nothing is available.
"""

from __future__ import annotations

from optimizer.scenario import Scenario
from optimizer.scenario.phrases import format_minutes

WEEKEND = (5, 6)  # date.weekday() of Saturday and Sunday


def evening_after(scenario: Scenario) -> int:
    """Minutes after midnight: a session ending later than this is an evening session."""
    return scenario.goals.late_evening_after


def evening_label(after: int) -> str:
    return f"Sessions ending after {format_minutes(after)}"


def is_weekend(weekday: int) -> bool:
    return weekday in WEEKEND


PERCENT_DIGITS = 1  # every share and utilization the product shows, in one rounding


def percent(part: float, whole: float) -> float | None:
    """``part`` of ``whole`` in percent, to :data:`PERCENT_DIGITS`; ``None`` when ``whole`` is 0."""
    return round(100.0 * float(part) / float(whole), PERCENT_DIGITS) if whole > 0 else None


def utilization_percent(booked_hours: float, available_hours: float) -> float | None:
    """Hours led or booked against hours available, as :func:`percent`."""
    return percent(booked_hours, available_hours)
