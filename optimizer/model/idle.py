"""Soft goals ``resident_idle_gap`` and ``split_shift``: time a person waits on a day between
their first and their last session (for staff, on-call duty counts as work), beyond
``goals.max_idle_gap`` / ``goals.max_split_gap``, costs the goal's weight per slot.

Per person and day: ``first`` is the earliest start and ``last`` the latest end of what they
do that day (exact min/max over the day's possible sessions), and the excess is
``max(0, last - first - busy - threshold)``. Days whose possible sessions are the same
literals (clean weeks) share one excess variable.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ortools.sat.python import cp_model

from optimizer.model.context import Context, Term, terms
from optimizer.model.goals import on_day_literals
from optimizer.rules.definitions import wait_limit

Item = tuple[Any, Any, Any, int]  # (presence literal, first-minute expr, last expr, duration)


def add_idle_gaps(ctx: Context) -> list[Term]:
    p = ctx.problem
    term = ctx.term("resident_idle_gap")
    if term is None:
        return []
    items: dict[tuple[int, int], list[Item]] = defaultdict(list)
    for occ in p.occurrences:
        group = p.groups[p.series[occ.series].group]
        for d, lit in on_day_literals(ctx, occ.index).items():
            item = _item(ctx, occ.index, d, lit)
            for r in group.members:
                items[(r, d)].append(item)
    _excess(ctx, term, items, wait_limit(ctx.goals.max_idle_gap, p.clock.slot_minutes), "idle")
    return terms(term)


def add_split_shifts(ctx: Context) -> list[Term]:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("split_shift")
    if term is None:
        return []
    spd = p.clock.slots_per_day
    items: dict[tuple[int, int], list[Item]] = defaultdict(list)
    for occ in p.occurrences:
        for d, lit in on_day_literals(ctx, occ.index).items():
            for s, leads in v.facilitator[occ.index].items():
                key = (leads.index, lit.index)
                both = ctx.shared.leads_on_day.get(key)
                if both is None:
                    both = m.new_bool_var(f"leads_on[{occ.index},{s},{d}]")
                    m.add_bool_and([leads, lit]).only_enforce_if(both)
                    m.add_bool_or([~leads, ~lit, both])
                    ctx.shared.leads_on_day[key] = both
                items[(s, d)].append(_item(ctx, occ.index, d, both))  # times only if s leads
    for block in p.on_call_blocks:
        d = block.start // spd
        a, b = block.start - d * spd, block.end - d * spd
        for s in block.candidates:
            lit = v.on_call[(block.index, s)]
            items[(s, d)].append((lit, a * lit + spd * (1 - lit), b * lit, b - a))
    _excess(ctx, term, items, wait_limit(ctx.goals.max_split_gap, p.clock.slot_minutes), "split")
    return terms(term)


def _item(ctx: Context, o: int, d: int, lit: Any) -> Item:
    """Occurrence ``o`` on day ``d``: its start and end as slots of that day, when ``lit``
    (otherwise the end and the start of the day, which leave min and max alone)."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    spd = p.clock.slots_per_day
    dur = p.programs[p.series[p.occurrences[o].series].program].duration
    key = lit.index  # clean weeks share the template's day literal
    if key not in ctx.shared.idle_item:
        first = m.new_int_var(0, spd, f"first[{o},{d}]")
        last = m.new_int_var(0, spd, f"last[{o},{d}]")
        start = v.start[o] - d * spd
        m.add(first == start).only_enforce_if(lit)
        m.add(first == spd).only_enforce_if(~lit)
        m.add(last == start + dur).only_enforce_if(lit)
        m.add(last == 0).only_enforce_if(~lit)
        ctx.shared.idle_item[key] = (first, last)
    first, last = ctx.shared.idle_item[key]
    return lit, first, last, dur


def _excess(ctx: Context, term: Any, items: dict[tuple[int, int], list[Item]], limit: int,
            what: str) -> None:  # fmt: skip
    m = ctx.model
    spd = ctx.problem.clock.slots_per_day
    shared: dict[tuple[int, ...], cp_model.IntVar] = {}
    for (who, d), parts in items.items():
        if len(parts) < 2:
            continue
        key = tuple(sorted(x[0].index for x in parts if hasattr(x[0], "index")))
        if key in shared:
            term.add(shared[key])
            continue
        first = m.new_int_var(0, spd, f"{what}_first[{who},{d}]")
        last = m.new_int_var(0, spd, f"{what}_last[{who},{d}]")
        m.add_min_equality(first, [x[1] for x in parts])
        m.add_max_equality(last, [x[2] for x in parts])
        busy = sum(x[3] * x[0] for x in parts)
        excess = m.new_int_var(0, spd, f"{what}[{who},{d}]")
        m.add_max_equality(excess, [last - first - busy - limit, 0])
        shared[key] = excess
        term.add(excess)
