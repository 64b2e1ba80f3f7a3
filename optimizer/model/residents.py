"""Hard rule ``resident_double_booked``: a resident attends one session at a time. (Busy blocks are
held by :mod:`.availability`, through the group's start times.)"""

from __future__ import annotations

from optimizer.model.context import Context, Term


def add_resident_rules(ctx: Context) -> list[Term]:
    for intervals in ctx.vars.resident_intervals.values():
        if len(intervals) > 1:
            ctx.model.add_no_overlap(intervals)
    return []
