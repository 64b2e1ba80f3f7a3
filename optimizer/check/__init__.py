"""Solver-free checks of a timetable against its scenario: one function per hard rule
(:data:`CHECKS`, yielding what it finds broken) and one per soft goal (:data:`COUNTS` in
:mod:`.goals`), each keyed by its id in :mod:`optimizer.rules.catalogue`, all reading one
:class:`~.view.View`. Nothing here imports the model or the solver.

Hard rules broken are :class:`Violation` s. Demand the timetable does not meet is a
:class:`Shortfall`: not an error, but something the solve must report as unmet. Crisis
(as-needed) programs get a :class:`CoverageReport` of their on-call rota.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from optimizer.check import form, groups, on_call, people, place, resources
from optimizer.check.card import GOAL_TEXT, GoalScore
from optimizer.check.goals import COUNTS, score_card
from optimizer.check.results import CoverageReport, Shortfall, ValidationReport, Violation
from optimizer.check.view import View
from optimizer.scenario.schema import Scenario
from optimizer.timetable import Timetable

Check = Callable[[View], Iterable[str]]

CHECKS: dict[str, Check] = {
    "horizon": form.horizon,
    "opening_hours": place.opening_hours,
    "slot": form.slot,
    "duration": form.duration,
    "program_unknown": form.program_unknown,
    "on_call_booking": form.on_call_booking,
    "session_program": form.session_program,
    "room_unknown": form.room_unknown,
    "room_features": place.room_features,
    "room_capacity": place.room_capacity,
    "room_available": place.room_available,
    "one_facilitator": people.one_facilitator,
    "staff_unknown": form.staff_unknown,
    "facilitator_role": people.facilitator_role,
    "facilitator_available": place.facilitator_available,
    "house": place.house,
    "one_on_one": people.one_on_one,
    "no_residents": people.no_residents,
    "group_size": people.group_size,
    "balanced_groups": people.balanced_groups,
    "resident_unknown": form.resident_unknown,
    "not_attendee": people.not_attendee,
    "resident_busy": place.resident_busy,
    "on_call_program": form.on_call_program,
    "on_call_role": on_call.on_call_role,
    "on_call_available": on_call.on_call_available,
    "room_double_booked": resources.room_double_booked,
    "facilitator_double_booked": resources.facilitator_double_booked,
    "resident_double_booked": resources.resident_double_booked,
    "weekly_hours": resources.weekly_hours,
    "group_stable": groups.group_stable,
    "together": groups.together,
    "apart": groups.apart,
    "session_time": groups.session_time,
    "different_days": groups.different_days,
    "moves_need_a_reason": groups.moves_need_a_reason,
    "too_many": groups.too_many,
    "on_call_overlap": on_call.on_call_overlap,
    "on_call_cover": on_call.on_call_cover,
    "on_call_shift_length": on_call.on_call_shift_length,
    "unmet_unreported": form.unmet_unreported,
    "unmet_spurious": form.unmet_spurious,
}


def validate(scenario: Scenario, timetable: Timetable) -> ValidationReport:
    """Check ``timetable`` against every hard rule of ``scenario``."""
    view = View(scenario, timetable)
    found = [Violation(rule, m) for rule, check in CHECKS.items() for m in check(view)]
    return ValidationReport(found, list(view.shortfalls), list(view.coverage))


__all__ = [
    "CHECKS",
    "COUNTS",
    "GOAL_TEXT",
    "CoverageReport",
    "GoalScore",
    "Shortfall",
    "ValidationReport",
    "View",
    "Violation",
    "score_card",
    "validate",
]
