"""Builds the CP-SAT model: variables first, then each constraint family in order, then the
objective as a weighted sum of named soft-goal terms. Read the registry to see every rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from ..problem import Problem
from ..scenario.schema import Goals
from .availability import add_availability
from .changes import add_changes
from .context import Context
from .days import add_different_days
from .facilitators import add_facilitator_rules
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
from .idle import add_idle_gaps, add_split_shifts
from .on_call import add_on_call
from .recurrence import add_recurrence
from .residents import add_resident_rules
from .rooms import add_room_rules
from .staff import add_staff_rules
from .template import Plan
from .variables import add_variables

HARD, DEMAND, SOFT = "hard", "demand", "soft"


@dataclass(frozen=True)
class Family:
    name: str
    tier: str  # HARD rules, the DEMAND to place sessions (first), or SOFT goals
    add: Callable[[Context], None]


# Order matters only where a family reads what an earlier one made: variables first, and the
# on-call rota before the staff no-overlap rule that its shifts join.
FAMILIES: tuple[Family, ...] = (
    Family("sessions, facilitators and rooms", HARD, add_variables),
    Family("one qualified facilitator per session", HARD, add_facilitator_rules),
    Family("availability of staff, rooms and residents", HARD, add_availability),
    Family("crisis on-call rota", SOFT, add_on_call),
    Family("one session per room at a time", HARD, add_room_rules),
    Family("staff: one thing at a time, weekly hours", HARD, add_staff_rules),
    Family("residents: one session at a time", HARD, add_resident_rules),
    Family("a group's sessions on different days", HARD, add_different_days),
    Family("same time every week", HARD, add_recurrence),
    Family("unplaced sessions", DEMAND, add_unplaced),
    Family("extra groups", SOFT, add_extra_groups),
    Family("sessions spread over the week", SOFT, add_spread_days),
    Family("same facilitator", SOFT, add_same_facilitator),
    Family("late evening sessions", SOFT, add_late_evening),
    Family("staff preferences", SOFT, add_staff_preferences),
    Family("residents' daily load", SOFT, add_resident_daily_load),
    Family("fair load across staff", SOFT, add_fair_load),
    Family("residents' idle time between sessions", SOFT, add_idle_gaps),
    Family("staff split shifts", SOFT, add_split_shifts),
    Family("changes since the last timetable", HARD, add_changes),
)


def build_model(
    problem: Problem,
    goals: Goals | None = None,
    *,
    placement: bool = False,
    plans: list[Plan] | None = None,
) -> Context:
    """The full model, or with ``placement`` only the hard rules and the demand to place
    sessions (the tiers; no soft goal)."""
    ctx = Context(problem, cp_model.CpModel(), goals or problem.scenario.goals)
    if plans is not None:
        ctx.plans = plans
    for family in FAMILIES:
        if placement and family.tier == SOFT:
            continue
        family.add(ctx)
    if placement:  # soft terms a hard family added along the way do not count here
        ctx.terms = {k: t for k, t in ctx.terms.items() if k == "unplaced_session"}
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
