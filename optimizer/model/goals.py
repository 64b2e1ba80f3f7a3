"""Soft goals that are not tied to one hard-rule family. Each is an exact count (the validator's
score card recomputes the same number from the timetable), weighted by ``ctx.goals``. Clean
occurrences share their template's literals, so a goal costs a literal per series, not per week.

- ``unplaced_session``: a resident's required session that could not be placed.
- ``spread_days``: two sessions of one group in one period fewer than the target days apart.
- ``same_facilitator``: each facilitator beyond the first for a group (or a resident's one-on-ones).
- ``late_evening``: a session ending after ``goals.late_evening_after``.
- ``staff_preferences``: a session led inside a staff member's ``avoids`` or outside ``prefers``.
- ``extra_group``: a group that runs beyond the fewest that fit
(:mod:`optimizer.planning.grouping`).
- ``resident_daily_load``: sessions beyond ``goals.max_sessions_per_day`` for a resident.
- ``fair_load``: most minus least booked slots among staff who can lead the same programs.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np
from ortools.sat.python import cp_model

from optimizer.model.context import Context, Term, domain_of_mask, terms
from optimizer.model.days import day_of, siblings
from optimizer.rules.definitions import needs_different_days


def add_unplaced(ctx: Context) -> list[Term]:
    p, v = ctx.problem, ctx.vars
    term = ctx.term("unplaced_session")
    if term is None:
        raise ValueError("goals.unplaced_session must be positive: demand is what the plan is for")
    for occ in p.occurrences:
        group = p.groups[p.series[occ.series].group]
        term.add(1 - v.placed[occ.index], len(group.members))
    return terms(term)


def add_extra_groups(ctx: Context) -> list[Term]:
    """Groups of a program and house that run (some session placed), beyond the fewest that
    fit: a spare group none of whose sessions is placed costs nothing."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("extra_group")
    if term is None:
        return []
    placed: dict[int, dict[int, cp_model.IntVar]] = defaultdict(dict)  # group -> literals
    for occ in p.occurrences:
        lit = v.placed[occ.index]
        placed[p.series[occ.series].group][lit.index] = lit
    kinds: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    for group in p.groups:
        kinds[(group.program, group.house)].append(group.index)
    for groups in kinds.values():
        fewest = sum(not p.groups[g].optional for g in groups)
        if fewest == len(groups):
            continue
        runs = []
        for g in groups:
            run = m.new_bool_var(f"group_runs[{p.groups[g].name}]")
            m.add_max_equality(run, list(placed[g].values()) or [m.new_constant(0)])
            runs.append(run)
        extra = m.new_int_var(0, len(groups) - fewest, "extra_groups")
        m.add_max_equality(extra, [sum(runs) - fewest, 0])
        term.add(extra)
    return terms(term)


def add_spread_days(ctx: Context) -> list[Term]:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("spread_days")
    if term is None:
        return []
    for (g, _period), occs in siblings(ctx).items():
        target = p.spread_target(p.groups[g].program)
        apart = needs_different_days(p.programs[p.groups[g].program])
        if len(occs) < 2 or (target <= 1 and apart):  # different days already hold
            continue
        for a, b in combinations(occs, 2):
            key = (p.occurrences[a].series, p.occurrences[b].series)
            both_clean = ctx.clean(a) and ctx.clean(b)
            if both_clean and key in ctx.shared.close:
                term.add(ctx.shared.close[key])
                continue
            close = m.new_bool_var(f"close[{a},{b}]")
            near = cp_model.Domain(-(target - 1), target - 1)
            gap = day_of(ctx, a) - day_of(ctx, b)
            m.add_linear_expression_in_domain(gap, near.complement()).only_enforce_if(
                [~close, v.placed[a], v.placed[b]]
            )
            m.add_linear_expression_in_domain(gap, near).only_enforce_if(close)
            m.add_bool_and([v.placed[a], v.placed[b]]).only_enforce_if(close)
            if both_clean:
                ctx.shared.close[key] = close
            term.add(close)
    return terms(term)


def add_same_facilitator(ctx: Context) -> list[Term]:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("same_facilitator")
    if term is None:
        return []
    by_group: dict[int, list[int]] = defaultdict(list)
    for occ in p.occurrences:
        by_group[p.series[occ.series].group].append(occ.index)
    for g, occs in by_group.items():
        if len(occs) < 2:
            continue
        leads: dict[int, dict[int, cp_model.IntVar]] = defaultdict(dict)
        for o in occs:
            for s, lit in v.facilitator[o].items():
                leads[s][lit.index] = lit
        if len(leads) < 2:
            continue
        placed = {v.placed[o].index: v.placed[o] for o in occs}
        any_placed = m.new_bool_var(f"any_placed[{g}]")
        m.add_max_equality(any_placed, list(placed.values()))
        for s, lits in leads.items():
            uses = m.new_bool_var(f"uses[{g},{s}]")
            for lit in lits.values():
                m.add_implication(lit, uses)
            m.add_bool_or(list(lits.values())).only_enforce_if(uses)
            term.add(uses)
        term.add(-any_placed)
    return terms(term)


def flagged(ctx: Context, o: int, bad_starts: np.ndarray, when, name: str):
    """A literal true exactly when ``when`` holds and occurrence ``o`` starts in ``bad_starts``
    (a flat mask over the horizon). Clean occurrences of a series share one literal."""
    m, v, p = ctx.model, ctx.vars, ctx.problem
    occ = p.occurrences[o]
    if ctx.clean(o):
        plan = ctx.plan_of(o)
        domain = plan.offsets
        var: cp_model.LinearExprT = v.template[occ.series]
        part = bad_starts[occ.lo : occ.lo + plan.span]
        bad = np.zeros(plan.span, dtype=bool)
        bad[: len(part)] = part
        bad &= domain
        key: tuple[str, int, int, bytes] | None = (name.split("[")[0], occ.series, when.index,
                                                   bad.tobytes())  # fmt: skip
        if key in ctx.shared.flag:
            return ctx.shared.flag[key]
    else:
        if not occ.starts:
            return None
        domain = np.zeros(p.clock.horizon, dtype=bool)
        domain[np.asarray(occ.starts, dtype=np.int64)] = True
        var = v.start[o]
        bad = bad_starts & domain
        key = None
    if not bad.any():
        return None
    flag = m.new_bool_var(name)
    m.add_implication(flag, when)
    good = domain & ~bad
    if not good.any():
        m.add_implication(when, flag)
    else:
        m.add_linear_expression_in_domain(var, domain_of_mask(good)).only_enforce_if([~flag, when])
        m.add_linear_expression_in_domain(var, domain_of_mask(bad)).only_enforce_if(flag)
    if key is not None:
        ctx.shared.flag[key] = flag
    return flag


def add_late_evening(ctx: Context) -> list[Term]:
    p, v = ctx.problem, ctx.vars
    term = ctx.term("late_evening")
    if term is None:
        return []
    spd = p.clock.slots_per_day
    limit = ctx.goals.late_evening_after // p.clock.slot_minutes
    slot_of_day = np.arange(p.clock.horizon) % spd
    for occ in p.occurrences:
        dur = p.programs[p.series[occ.series].program].duration
        late = slot_of_day + dur > limit
        flag = flagged(ctx, occ.index, late, v.placed[occ.index], f"late[{occ.index}]")
        if flag is not None:
            term.add(flag)
    return terms(term)


def add_staff_preferences(ctx: Context) -> list[Term]:
    p, v = ctx.problem, ctx.vars
    term = ctx.term("staff_preferences")
    if term is None:
        return []
    for occ in p.occurrences:
        dur = p.programs[p.series[occ.series].program].duration
        for s, leads in v.facilitator[occ.index].items():
            st = p.staff[s]
            for kind, mask, key in (
                ("avoids", st.avoids, "not_avoids"),
                ("prefers", st.prefers, "prefers"),
            ):
                if mask is None:
                    continue
                bad = ~ctx.starts_in((key, s), dur)
                flag = flagged(ctx, occ.index, bad, leads, f"{kind}[{occ.index},{st.id}]")
                if flag is not None:
                    term.add(flag)
    return terms(term)


def on_day_literals(ctx: Context, o: int) -> dict[int, cp_model.IntVar]:
    """For occurrence ``o``: a literal per possible day, true on the day it is placed (clean
    occurrences share the template's literals, shifted by whole periods)."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    spd = p.clock.slots_per_day
    occ = p.occurrences[o]
    if ctx.clean(o):
        if occ.series not in ctx.shared.on_day:
            var = v.template[occ.series]
            lits = {}
            for d in sorted({x // spd for x in ctx.plan_of(o).values}):
                lit = m.new_bool_var(f"on_day[{p.series[occ.series].id},{d}]")
                m.add_linear_constraint(var, d * spd, (d + 1) * spd - 1).only_enforce_if(lit)
                lits[d] = lit
            m.add(sum(lits.values()) == v.placed[o])
            ctx.shared.on_day[occ.series] = lits
        shift = occ.lo // spd
        return {d + shift: lit for d, lit in ctx.shared.on_day[occ.series].items()}
    if o not in v.on_day:
        lits = {}
        for d in sorted({s // spd for s in occ.starts}):
            lit = m.new_bool_var(f"on_day[{o},{d}]")
            m.add_linear_constraint(v.start[o], d * spd, (d + 1) * spd - 1).only_enforce_if(lit)
            lits[d] = lit
        if lits:
            m.add(sum(lits.values()) == v.placed[o])
        v.on_day[o] = lits
    return v.on_day[o]


def add_resident_daily_load(ctx: Context) -> list[Term]:
    """Sessions beyond ``goals.max_sessions_per_day`` for a resident on one day. Days whose
    sessions are the same literals (clean weeks) share one excess variable."""
    p, m = ctx.problem, ctx.model
    term = ctx.term("resident_daily_load")
    if term is None:
        return []
    cap = ctx.goals.max_sessions_per_day
    load: dict[tuple[int, int], dict[int, cp_model.IntVar]] = defaultdict(dict)
    for occ in p.occurrences:
        group = p.groups[p.series[occ.series].group]
        for d, lit in on_day_literals(ctx, occ.index).items():
            for r in group.members:
                load[(r, d)][lit.index] = lit
    shared: dict[tuple[int, ...], cp_model.IntVar] = {}
    for (r, d), lits in load.items():
        if len(lits) <= cap:
            continue
        key = tuple(sorted(lits))
        if key not in shared:
            excess = m.new_int_var(0, len(lits) - cap, f"excess[{r},{d}]")
            m.add_max_equality(excess, [sum(lits.values()) - cap, 0])
            shared[key] = excess
        term.add(shared[key])
    return terms(term)


def add_fair_load(ctx: Context) -> list[Term]:
    """Spread (most minus least booked slots) among staff who can lead the same programs."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("fair_load")
    if term is None:
        return []
    booked: dict[int, list[cp_model.LinearExprT]] = defaultdict(list)
    for occ in p.occurrences:
        dur = p.programs[p.series[occ.series].program].duration
        for s, lit in v.facilitator[occ.index].items():
            booked[s].append(dur * lit)
    pools = {frozenset(prog.qualified) for prog in p.programs if not prog.on_call}
    horizon = p.clock.horizon
    for pool in sorted(pools, key=sorted):
        members = sorted(pool)
        if len(members) < 2:
            continue
        loads = []
        for s in members:
            load = m.new_int_var(0, horizon, f"load[{p.staff[s].id}]")
            m.add(load == sum(booked.get(s, [])))
            loads.append(load)
        high = m.new_int_var(0, horizon, "high")
        low = m.new_int_var(0, horizon, "low")
        m.add_max_equality(high, loads)
        m.add_min_equality(low, loads)
        term.add(high - low)
    return terms(term)
