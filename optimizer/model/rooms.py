"""Hard rule: a room hosts one session at a time. (Features, capacity and opening hours are
enforced when a room becomes a candidate, in :mod:`.variables`.)"""

from __future__ import annotations

from .context import Context


def add_room_rules(ctx: Context) -> None:
    for intervals in ctx.vars.room_intervals.values():
        if len(intervals) > 1:
            ctx.model.add_no_overlap(intervals)
