"""The rule catalogue: every hard rule and every soft goal once, with its id, tier and the
plain words a program manager reads. No logic lives here.

An id is the one name of a rule everywhere: the model family that enforces it
(``optimizer.model.builder.FAMILIES``), the solver-free check or count that recomputes it
(``optimizer.check``), the ``[id]`` printed after a broken rule, and its tests. A soft goal's id
is also its weight field in ``scenario.goals``. ``tests/test_registry.py`` fails when a rule
lacks one of these.

Tiers: ``hard`` rules a timetable must keep; ``demand``, placing every required session, which
comes first whatever the weights say; ``soft`` goals, weighed against each other.
"""

from __future__ import annotations

from dataclasses import dataclass

HARD, DEMAND, SOFT = "hard", "demand", "soft"


@dataclass(frozen=True)
class Rule:
    id: str
    tier: str
    name: str  # what the manager sees: for a goal, what one unit of its count is
    outside_model: str = ""  # for a hard rule no model family states: why it still holds

    @property
    def weight(self) -> str | None:
        """The field of ``scenario.goals`` that weighs this goal (None for a hard rule)."""
        return None if self.tier == HARD else self.id


_BY_CONSTRUCTION = "the solver writes timetables of this form; the check catches edited files"
_FROM_RESULT = "the unmet list is written from the solved timetable, not by a model rule"

RULES: tuple[Rule, ...] = (
    # -- the timetable's form --
    Rule("horizon", HARD, "sessions and on-call shifts fall inside the plan's dates"),
    Rule("slot", HARD, "sessions start on the scenario's time slots"),
    Rule("duration", HARD, "a session lasts as long as its program"),
    Rule("program_unknown", HARD, "every session is of a program in the scenario"),
    Rule("session_program", HARD, "a session id names its program, group and number"),
    Rule("session_time", HARD, "each session meets once a period"),
    Rule("room_unknown", HARD, "every session is in a room of the scenario"),
    Rule("staff_unknown", HARD, "every facilitator and on-call person is on the staff list"),
    Rule("resident_unknown", HARD, "every resident booked is on the resident list"),
    Rule("on_call_booking", HARD, "an as-needed program is covered by on call, not sessions"),
    Rule("on_call_program", HARD, "on-call shifts are for as-needed programs"),
    Rule(
        "unmet_unreported",
        HARD,
        "the unmet list names every program left short",
        outside_model=_FROM_RESULT,
    ),
    Rule(
        "unmet_spurious",
        HARD,
        "the unmet list names only programs left short",
        outside_model=_FROM_RESULT,
    ),
    # -- who attends --
    Rule("not_attendee", HARD, "only a program's attendees attend it"),
    Rule("no_residents", HARD, "a group session has residents"),
    Rule("one_on_one", HARD, "a one-on-one session has exactly one resident"),
    Rule("too_many", HARD, "no resident attends a program more often than its frequency"),
    Rule("group_size", HARD, "a group has at most the program's maximum group size"),
    Rule("balanced_groups", HARD, "groups of one program and house differ in size by at most 2"),
    Rule("group_stable", HARD, "a resident keeps one group in a program"),
    Rule("together", HARD, "residents to be kept together share a group"),
    Rule("apart", HARD, "residents to be kept apart never share a group"),
    Rule("house", HARD, "residents meet in their own house, with staff who serve it"),
    # -- rooms --
    Rule("room_features", HARD, "a session's room has the features its program needs"),
    Rule("room_capacity", HARD, "a room holds the group and its facilitator"),
    Rule("room_available", HARD, "a room is used only when it is open"),
    Rule("room_double_booked", HARD, "one session per room at a time"),
    # -- staff --
    Rule("one_facilitator", HARD, "exactly one facilitator per session"),
    Rule("facilitator_role", HARD, "a facilitator holds every role the program needs"),
    Rule("facilitator_available", HARD, "staff lead sessions only when they are available"),
    Rule("facilitator_double_booked", HARD, "a staff member does one thing at a time"),
    Rule("weekly_hours", HARD, "staff work within their weekly hours"),
    # -- residents and time --
    Rule("opening_hours", HARD, "sessions take place within the opening hours"),
    Rule("resident_busy", HARD, "residents are not booked when they are busy"),
    Rule("resident_double_booked", HARD, "a resident attends one session at a time"),
    Rule("different_days", HARD, "a group's sessions in a week fall on different days"),
    Rule(
        "moves_need_a_reason",
        HARD,
        "a session leaves its usual time only when something dated blocks it",
    ),
    # -- on call --
    Rule("on_call_role", HARD, "the person on call holds the program's roles"),
    Rule("on_call_available", HARD, "on call only within opening hours and availability"),
    Rule("on_call_overlap", HARD, "one person on call at a time for a program"),
    Rule("on_call_cover", HARD, "the required on-call cover is met"),
    Rule("on_call_shift_length", HARD, "on-call shifts keep the shortest and longest length"),
    # -- demand, then goals (their names say what one unit of the count is) --
    Rule("unplaced_session", DEMAND, "a resident's required session not placed"),
    Rule("on_call_gap", SOFT, "a slot of opening hours with no one on call"),
    Rule("on_call_handover", SOFT, "an on-call handover between staff"),
    Rule("same_time_every_week", SOFT, "a session away from its usual weekday and time"),
    Rule("spread_days", SOFT, "two sessions of one group too close together in a week"),
    Rule(
        "same_facilitator",
        SOFT,
        "a facilitator beyond the first for a group or a resident's one-on-ones",
    ),
    Rule("extra_group", SOFT, "a group beyond the fewest that fit the group size"),
    Rule("late_evening", SOFT, "a session ending after the late-evening time"),
    Rule(
        "staff_preferences",
        SOFT,
        "a session a staff member leads at a time they avoid or do not prefer",
    ),
    Rule("resident_daily_load", SOFT, "a resident's session beyond the daily limit"),
    Rule(
        "fair_load", SOFT, "a slot of difference between the most and least booked staff of a pool"
    ),
    Rule("resident_idle_gap", SOFT, "a slot a resident waits between sessions beyond the limit"),
    Rule("split_shift", SOFT, "a slot of a staff member's split shift beyond the limit"),
    Rule("replan_change", SOFT, "a person to be told of a change to the previous timetable"),
)

BY_ID: dict[str, Rule] = {r.id: r for r in RULES}
HARD_RULES: tuple[str, ...] = tuple(r.id for r in RULES if r.tier == HARD)
GOALS: tuple[str, ...] = tuple(r.id for r in RULES if r.tier != HARD)  # demand first


def name(rule_id: str) -> str:
    """The plain words for ``rule_id`` (the id itself when the catalogue lacks it)."""
    rule = BY_ID.get(rule_id)
    return rule.name if rule else rule_id
