"""Hard rule ``different_days``: a group's sessions of one program in one period fall on
different days (unless the program sets ``same_day_allowed``). Templates differ in weekday;
an exception occurrence differs from its siblings' occurrences in the same period."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from ortools.sat.python import cp_model

from optimizer.model.context import Context, Term, domain_of
from optimizer.rules.definitions import needs_different_days


def day_of(ctx: Context, o: int) -> cp_model.LinearExpr:
    """The day (from the plan's first day) occurrence ``o`` falls on; clean occurrences share
    their template's day variable, shifted by whole periods."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    spd = p.clock.slots_per_day
    occ = p.occurrences[o]
    if ctx.clean(o):
        s = occ.series
        day = ctx.shared.template_day.get(s)
        if day is None:
            days = sorted({x // spd for x in ctx.plans[s].values})
            day = m.new_int_var_from_domain(domain_of(days), f"day[{p.series[s].id}]")
            m.add_division_equality(day, v.template[s], spd)
            ctx.shared.template_day[s] = day
        return day + occ.lo // spd
    if o not in v.day:
        days = sorted({x // spd for x in occ.starts}) or [occ.lo // spd]
        day = m.new_int_var_from_domain(domain_of(days), f"day[{o}]")
        m.add_division_equality(day, v.start[o], spd)
        v.day[o] = day
    return v.day[o]


def siblings(ctx: Context) -> dict[tuple[int, int], list[int]]:
    """(group, period) -> the placed-or-not occurrences of the group's series in it."""
    p = ctx.problem
    out: dict[tuple[int, int], list[int]] = defaultdict(list)
    for occ in p.occurrences:
        out[(p.series[occ.series].group, occ.period)].append(occ.index)
    return out


def add_different_days(ctx: Context) -> list[Term]:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    done: set[tuple[int, int]] = set()
    for (g, _period), occs in siblings(ctx).items():
        if not needs_different_days(p.programs[p.groups[g].program]):
            continue
        for a, b in combinations(occs, 2):
            if ctx.clean(a) and ctx.clean(b):
                key = (p.occurrences[a].series, p.occurrences[b].series)
                if key in done:
                    continue
                done.add(key)
            if not (v.placed[a] is not None and v.placed[b] is not None):
                continue
            m.add(day_of(ctx, a) != day_of(ctx, b)).only_enforce_if([v.placed[a], v.placed[b]])
    return []
