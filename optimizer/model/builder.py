"""Builds the CP-SAT model: variables first, then each constraint family in order, then the
objective as a weighted sum of named soft-goal terms. Read the registry to see every rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..problem import Problem
from ..scenario.schema import Goals
from .changes import add_changes
from .context import Context
from .goals import (
    add_extra_groups,
    add_fair_load,
    add_late_evening,
    add_resident_daily_load,
    add_same_facilitator,
    add_spread_days,
    add_staff_preferences,
    add_unplaced,
)
from .groups import add_group_rules
from .on_call import add_on_call
from .recurrence import add_recurrence
from .residents import add_resident_rules
from .rooms import add_room_rules
from .staff import add_staff_rules
from .variables import add_variables


@dataclass(frozen=True)
class Family:
    name: str
    tier: str  # "hard" rules or "soft" goals
    add: Callable[[Context], None]


# Order matters only where a family reads what an earlier one made: variables first, and the
# on-call rota before the staff no-overlap rule that its shifts join.
FAMILIES: tuple[Family, ...] = (
    Family("sessions, facilitators and rooms", "hard", add_variables),
    Family("crisis on-call rota", "soft", add_on_call),
    Family("group formation", "hard", add_group_rules),
    Family("one session per room at a time", "hard", add_room_rules),
    Family("staff: one thing at a time, weekly hours", "hard", add_staff_rules),
    Family("residents: one session at a time", "hard", add_resident_rules),
    Family("same time every week", "soft", add_recurrence),
    Family("unplaced sessions", "soft", add_unplaced),
    Family("extra groups", "soft", add_extra_groups),
    Family("sessions spread over the week", "soft", add_spread_days),
    Family("same facilitator", "soft", add_same_facilitator),
    Family("late evening sessions", "soft", add_late_evening),
    Family("staff preferences", "soft", add_staff_preferences),
    Family("residents' daily load", "soft", add_resident_daily_load),
    Family("fair load across staff", "soft", add_fair_load),
    Family("changes since the last timetable", "soft", add_changes),
)


# The placement phase finds a timetable that places as much as possible, fast; the full model
# then starts from it (as a hint) and optimises every goal without placing less.
PLACEMENT_FAMILIES = frozenset(
    {
        "sessions, facilitators and rooms",
        "group formation",
        "one session per room at a time",
        "staff: one thing at a time, weekly hours",
        "residents: one session at a time",
        "unplaced sessions",
        "changes since the last timetable",
    }
)


def build_model(
    problem: Problem,
    goals: Goals | None = None,
    *,
    placement: bool = False,
    keep_times: bool = False,
) -> Context:
    """The full model, or with ``placement`` only what placing sessions needs (plus, with
    ``keep_times``, the same-time-every-week goal, for repairing a weekly pattern)."""
    ctx = Context(problem, cp_model.CpModel(), goals or problem.scenario.goals)
    wanted = PLACEMENT_FAMILIES | ({"same time every week"} if keep_times else set())
    for family in FAMILIES:
        if placement and family.name not in wanted:
            continue
        family.add(ctx)
    # Each goal is a count, never negative: giving it its own variable with that bound lets
    # the solver prove optimality instead of chasing a bound computed term by term.
    objective = []
    for term in ctx.terms.values():
        total = ctx.model.new_int_var(0, 10**9, f"goal[{term.name}]")
        ctx.model.add(total == sum(c * e for c, e in term.parts))
        term.total = total
        objective.append(term.weight * total)
    ctx.model.minimize(sum(objective))
    return ctx
