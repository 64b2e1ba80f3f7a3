"""Hard rules ``room_features``, ``room_capacity``, ``house`` and ``room_double_booked``: every
session that runs has one room of its group's house with the features it needs that holds its
group and facilitator (pools that do not are never
candidates, see :meth:`optimizer.planning.problem.Problem.pool_candidates`), and a room hosts one
session at a time. Interchangeable rooms form a pool that hosts at most as many sessions at
once as it has rooms; the rooms themselves are assigned after the solve (exact for intervals)."""

from __future__ import annotations

from optimizer.model.context import Context, Term


def add_room_rules(ctx: Context) -> list[Term]:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    for s, pools in v.pool.items():
        m.add(sum(pools.values()) == v.active[s])
    for o in v.moved:
        m.add(sum(v.room[o].values()) == v.placed[o])
    for pl, intervals in v.pool_intervals.items():
        size = len(p.pools[pl].rooms)
        if len(intervals) <= size:
            continue
        if size == 1:
            m.add_no_overlap(intervals)
        else:
            m.add_cumulative(intervals, [1] * len(intervals), size)
    return []
