"""Builds the CP-SAT model: variables first, then each constraint family in order, then the
objective as a weighted sum of named soft-goal terms. Read the registry to see every rule."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ortools.sat.python import cp_model

from optimizer.model.availability import add_availability
from optimizer.model.changes import add_changes
from optimizer.model.context import Context, Term
from optimizer.model.days import add_different_days
from optimizer.model.facilitators import add_facilitator_rules
from optimizer.model.goals import (
    add_extra_groups,
    add_fair_load,
    add_late_evening,
    add_resident_daily_load,
    add_same_facilitator,
    add_spread_days,
    add_staff_preferences,
    add_unplaced,
)
from optimizer.model.idle import add_idle_gaps, add_split_shifts
from optimizer.model.on_call import add_on_call
from optimizer.model.recurrence import add_recurrence
from optimizer.model.residents import add_resident_rules
from optimizer.model.rooms import add_room_rules
from optimizer.model.staff import add_staff_rules
from optimizer.model.variables import add_variables
from optimizer.planning.problem import Problem
from optimizer.planning.templates import Plan
from optimizer.rules.catalogue import BY_ID
from optimizer.rules.catalogue import name as rule_name
from optimizer.scenario.schema import Goals


@dataclass(frozen=True)
class Family:
    """A rule family: the rules and goals it states (ids in :mod:`optimizer.rules.catalogue`, whose
    catalogue alone gives each its tier) and the function that adds them to a model and
    returns its soft-goal terms."""

    ids: tuple[str, ...]
    add: Callable[[Context], list[Term]]

    @property
    def name(self) -> str:
        """The plain words of its first rule, from the catalogue."""
        return rule_name(self.ids[0])

    @property
    def tiers(self) -> frozenset[str]:
        return frozenset(BY_ID[i].tier for i in self.ids)


# Rules the timetable's form and its groups guarantee: variables exist only for the groups
# formed before the model (optimizer.planning.grouping), at their program's length, on the slot grid
# inside the plan, one occurrence per session and period; on call only for qualified staff
# available for the whole block.
_BY_CONSTRUCTION = (
    "session_time", "horizon", "slot", "duration", "program_unknown", "session_program",
    "room_unknown", "staff_unknown", "resident_unknown", "on_call_booking", "on_call_program",
    "not_attendee", "no_residents", "one_on_one", "too_many", "group_size", "balanced_groups",
    "group_stable", "together", "apart", "on_call_role", "on_call_available",
)  # fmt: skip


# Order matters only where a family reads what an earlier one made: variables first.
FAMILIES: tuple[Family, ...] = (
    Family(_BY_CONSTRUCTION, add_variables),
    Family(("one_facilitator", "facilitator_role", "house"), add_facilitator_rules),
    Family(
        ("opening_hours", "facilitator_available", "room_available", "resident_busy"),
        add_availability,
    ),
    Family(
        (
            "on_call_gap",
            "on_call_handover",
            "on_call_cover",
            "on_call_shift_length",
            "on_call_overlap",
        ),
        add_on_call,
    ),
    Family(("room_double_booked", "room_features", "room_capacity", "house"), add_room_rules),
    Family(("facilitator_double_booked", "weekly_hours"), add_staff_rules),
    Family(("resident_double_booked",), add_resident_rules),
    Family(("different_days",), add_different_days),
    Family(("moves_need_a_reason", "same_time_every_week"), add_recurrence),
    Family(("unplaced_session",), add_unplaced),
    Family(("extra_group",), add_extra_groups),
    Family(("spread_days",), add_spread_days),
    Family(("same_facilitator",), add_same_facilitator),
    Family(("late_evening",), add_late_evening),
    Family(("staff_preferences",), add_staff_preferences),
    Family(("resident_daily_load",), add_resident_daily_load),
    Family(("fair_load",), add_fair_load),
    Family(("resident_idle_gap",), add_idle_gaps),
    Family(("split_shift",), add_split_shifts),
    Family(("replan_change",), add_changes),
)


def build_model(
    problem: Problem,
    goals: Goals | None = None,
    *,
    placement: bool = False,
    plans: list[Plan] | None = None,
    families: tuple[Family, ...] | None = None,
) -> Context:
    """The full model, or with ``placement`` only the hard rules and the demand to place
    sessions: every family adds its hard constraints, and no goal the catalogue calls soft
    gets a term (see :meth:`Context.term`). ``families`` (default: all) builds a part of it;
    the variables family must come first."""
    ctx = Context(problem, cp_model.CpModel(), goals or problem.scenario.goals)
    ctx.placement = placement
    if plans is not None:
        ctx.plans = plans
    for family in FAMILIES if families is None else families:
        for term in family.add(ctx):
            assert term.name in family.ids and term.name not in ctx.terms, term.name
            ctx.terms[term.name] = term
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
