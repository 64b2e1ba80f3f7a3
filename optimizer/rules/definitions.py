"""Rules that several parts decide, each defined once (issue 20): the constructor, the model,
the checker, ``check`` and the explanations call these instead of deciding them again.

Nothing here knows slot masks, the model or the solver, so the solver-free checker can use it:
inputs are the scenario's own types, minutes from midnight and counts of slots.
"""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction
from typing import Protocol

from optimizer.scenario.schema import Cover

Interval = tuple[int, int]  # [start, end) in minutes from midnight


class _SameDay(Protocol):
    @property
    def same_day_allowed(self) -> bool: ...


def needs_different_days(program: _SameDay) -> bool:
    """Rule ``different_days``: must a group's sessions of one period fall on different days?
    Yes unless the program says ``same_day_allowed``."""
    return not program.same_day_allowed


# -- a required on-call cover (rule ``on_call_cover``) -------------------------------------------


def cover_hours(
    cover: Cover, date: dt.date, open_hours: list[Interval], slot: int
) -> list[Interval]:
    """Which hours of ``date`` a required cover asks for: the opening hours (sorted, disjoint)
    inside its windows, each window widened to whole slots (a slot partly inside a window must
    be covered); all opening hours when it has no windows."""
    if not cover.windows:
        return list(open_hours)
    wanted = sorted(
        (w.start // slot * slot, -(-w.end // slot) * slot)
        for w in cover.windows
        if w.applies_on(date)
    )
    out: list[Interval] = []
    for a, b in open_hours:
        for c, d in wanted:
            lo, hi = max(a, c), min(b, d)
            if lo < hi:
                if out and out[-1][1] >= lo:  # overlapping windows: join
                    out[-1] = (out[-1][0], max(out[-1][1], hi))
                else:
                    out.append((lo, hi))
    return out


def cover_required(cover: Cover, scope: int) -> int:
    """How many of the ``scope`` slots a cover asks for must have someone on call: its share,
    rounded up, computed exactly from the share as written (92.5 % of 10 slots is 10)."""
    return math.ceil(Fraction(str(cover.percent)) * scope / 100)


def cover_short(cover: Cover, scope: int, covered: int) -> int:
    """Slots a cover is short of when ``covered`` of its ``scope`` slots have someone on call
    (0: the cover is met)."""
    return max(0, cover_required(cover, scope) - covered)


# -- waiting (goals ``resident_idle_gap`` and ``split_shift``) -----------------------------------


def wait_limit(limit_minutes: int, slot: int) -> int:
    """A wait beyond ``limit_minutes`` costs each whole slot beyond it: the limit in slots,
    rounded up (35 minutes of 15-minute slots is 3; a wait of 60 minutes then costs 1)."""
    return -(-limit_minutes // slot)
