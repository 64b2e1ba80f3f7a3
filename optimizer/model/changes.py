"""Re-planning: what happened before ``--since`` stays as it was, and every other occurrence
that differs from the previous timetable (time, facilitator or room; or dropped) costs the goal
``replan_change`` once for each person who would have to be told. A hint alone would not keep
the timetable stable; this makes stability part of the objective."""

from __future__ import annotations

from optimizer.model.context import Context, Term, terms
from optimizer.planning.problem import PreviousBooking


def pool_of(ctx: Context, room: int | None) -> int | None:
    return next((pl.index for pl in ctx.problem.pools if room in pl.rooms), None)


def keepable(ctx: Context, o: int, before: PreviousBooking) -> bool:
    """Whether occurrence ``o`` could stay exactly where it was under the changed scenario."""
    p, v = ctx.problem, ctx.vars
    occ = p.occurrences[o]
    dur = p.programs[p.series[occ.series].program].duration
    pool = pool_of(ctx, before.room)
    if before.start not in occ.starts or pool not in v.room[o]:
        return False
    if not ctx.starts_in(("pool", pool), dur)[before.start]:
        return False
    return all(
        s in v.facilitator[o] and ctx.starts_in(("staff", s), dur)[before.start]
        for s in before.staff
    )


def add_changes(ctx: Context) -> list[Term]:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    previous = p.previous
    if previous is None:
        return []
    term = ctx.term("replan_change")
    fixed: set[int] = set()  # kept as it happened
    for o, before in previous.bookings.items():
        start, placed = v.start[o], v.placed[o]
        if not keepable(ctx, o, before):
            if term is not None:  # the change itself moves it: the penalty is certain
                term.add(1, before.people)
            continue
        fac = [v.facilitator[o][s] for s in before.staff]
        pool = pool_of(ctx, before.room)
        assert pool is not None
        room = v.room[o][pool]
        if before.frozen:
            fixed.add(o)
            m.add(placed == 1)
            m.add(start == before.start)
            for f in fac:
                m.add(f == 1)
            m.add(room == 1)
            continue
        if term is None:
            continue
        same = m.new_bool_var(f"unchanged[{o}]")
        at = m.new_bool_var(f"same_time[{o}]")
        m.add(start == before.start).only_enforce_if(at)
        m.add(start != before.start).only_enforce_if(~at)
        parts = [placed, at, room, *fac]
        m.add_bool_and(parts).only_enforce_if(same)
        m.add_bool_or([same, *[~x for x in parts]])
        term.add(1 - same, before.people)
    _close_the_past(ctx, fixed)
    for b, (s, frozen) in previous.on_call.items():
        lit = v.on_call.get((b, s))
        if lit is None:
            if term is not None and not frozen:
                term.add(1)
            continue
        if frozen:
            m.add(lit == 1)
        elif term is not None:
            term.add(1 - lit)
    return terms(term)


def _close_the_past(ctx: Context, fixed: set[int]) -> None:
    """Nothing new starts before ``--since``: only what happened there stays there."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    since = p.previous.since_slot if p.previous is not None else 0
    for occ in p.occurrences:
        if occ.index not in fixed and occ.lo < since and occ.starts:
            m.add(v.start[occ.index] >= since).only_enforce_if(v.placed[occ.index])
