"""Soft goals that are not tied to one hard-rule family. Each is an exact count (the validator's
score card recomputes the same number from the timetable), weighted by ``ctx.goals``.

- ``unplaced_session``: a resident's required session that could not be placed.
- ``spread_days``: two sessions of one group in one period fewer than the target days apart.
- ``same_facilitator``: each facilitator beyond the first for a group (or a resident's one-on-ones).
- ``late_evening``: a session ending after ``goals.late_evening_after``.
- ``staff_preferences``: a session led inside a staff member's ``avoids`` or outside ``prefers``.
- ``extra_group``: a group beyond the fewest that fit ``max_group_size``.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from ortools.sat.python import cp_model

from .context import Context, domain_of


def add_unplaced(ctx: Context) -> None:
    p, v = ctx.problem, ctx.vars
    term = ctx.term("unplaced_session")
    if term is None:
        raise ValueError("goals.unplaced_session must be positive: demand is what the plan is for")
    for occ in p.occurrences:
        group = p.groups[p.series[occ.series].group]
        if group.members is not None:
            needed = v.used.get(group.index, 1)
            term.add(needed - v.placed[occ.index], len(group.members))
        else:
            for r in group.candidates:
                term.add(v.member[(r, group.index)] - v.attends[(r, occ.index)])


def add_extra_groups(ctx: Context) -> None:
    p, v = ctx.problem, ctx.vars
    term = ctx.term("extra_group")
    if term:
        for g, used in v.used.items():
            if p.groups[g].optional:
                term.add(used)


def add_spread_days(ctx: Context) -> None:
    p = ctx.problem
    term = ctx.term("spread_days")
    if term is None:
        return
    spd = p.clock.slots_per_day
    by_group_period: dict[tuple[int, int], list[int]] = defaultdict(list)
    for occ in p.occurrences:
        by_group_period[(p.series[occ.series].group, occ.period)].append(occ.index)
    for (g, _period), occs in by_group_period.items():
        if len(occs) < 2:
            continue
        target = p.spread_target(p.groups[g].program)
        for i, a in enumerate(occs):
            for b in occs[i + 1 :]:
                _close_pair(ctx, term, a, b, target, spd)


def _day(ctx: Context, o: int, spd: int) -> cp_model.IntVar:
    v = ctx.vars
    if o not in v.day:
        starts = ctx.problem.occurrences[o].starts or (ctx.problem.occurrences[o].lo,)
        days = sorted({s // spd for s in starts})
        day = ctx.model.new_int_var_from_domain(domain_of(days), f"day[{o}]")
        ctx.model.add_division_equality(day, v.start[o], spd)
        v.day[o] = day
    return v.day[o]


def _close_pair(ctx: Context, term, a: int, b: int, target: int, spd: int) -> None:
    """Penalise occurrences ``a`` and ``b`` both placed fewer than ``target`` days apart."""
    m, v = ctx.model, ctx.vars
    da, db = _day(ctx, a, spd), _day(ctx, b, spd)
    close = m.new_bool_var(f"close[{a},{b}]")
    near = cp_model.Domain(-(target - 1), target - 1)
    m.add_linear_expression_in_domain(da - db, near).only_enforce_if(close)
    m.add_bool_and([v.placed[a], v.placed[b]]).only_enforce_if(close)
    m.add_linear_expression_in_domain(da - db, near.complement()).only_enforce_if(
        [~close, v.placed[a], v.placed[b]]
    )
    term.add(close)


def add_same_facilitator(ctx: Context) -> None:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("same_facilitator")
    if term is None:
        return
    by_group: dict[int, list[int]] = defaultdict(list)
    for occ in p.occurrences:
        by_group[p.series[occ.series].group].append(occ.index)
    for g, occs in by_group.items():
        if len(occs) < 2:
            continue
        staff = sorted({s for o in occs for s in v.facilitator[o]})
        if len(staff) < 2:
            continue
        any_placed = m.new_bool_var(f"any_placed[{g}]")
        m.add_max_equality(any_placed, [v.placed[o] for o in occs])
        for s in staff:
            leads = [v.facilitator[o][s] for o in occs if s in v.facilitator[o]]
            uses = m.new_bool_var(f"uses[{g},{s}]")
            m.add_max_equality(uses, leads)
            term.add(uses)
        term.add(-any_placed)


def _flagged(ctx: Context, o: int, bad_starts: np.ndarray, when, name: str):
    """A literal true exactly when ``when`` holds and occurrence ``o`` starts in ``bad_starts``."""
    m, v = ctx.model, ctx.vars
    starts = np.asarray(ctx.problem.occurrences[o].starts, dtype=np.int64)
    if not len(starts):
        return None
    bad = bad_starts[starts]
    if not bad.any():
        return None
    flag = m.new_bool_var(name)
    m.add_implication(flag, when)
    if bad.all():
        m.add_implication(when, flag)
        return flag
    m.add_linear_expression_in_domain(v.start[o], domain_of(starts[bad].tolist())).only_enforce_if(
        flag
    )
    m.add_linear_expression_in_domain(v.start[o], domain_of(starts[~bad].tolist())).only_enforce_if(
        [~flag, when]
    )
    return flag


def add_late_evening(ctx: Context) -> None:
    p, v = ctx.problem, ctx.vars
    term = ctx.term("late_evening")
    if term is None:
        return
    spd = p.clock.slots_per_day
    limit = ctx.goals.late_evening_after // p.clock.slot_minutes
    slot_of_day = np.arange(p.clock.horizon) % spd
    for occ in p.occurrences:
        dur = p.programs[p.series[occ.series].program].duration
        late = slot_of_day + dur > limit
        flag = _flagged(ctx, occ.index, late, v.placed[occ.index], f"late[{occ.index}]")
        if flag is not None:
            term.add(flag)


def add_staff_preferences(ctx: Context) -> None:
    p, v = ctx.problem, ctx.vars
    term = ctx.term("staff_preferences")
    if term is None:
        return
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
                flag = _flagged(ctx, occ.index, bad, leads, f"{kind}[{occ.index},{st.id}]")
                if flag is not None:
                    term.add(flag)


def _on_day(ctx: Context, o: int) -> dict[int, cp_model.IntVar]:
    """For occurrence ``o``: a literal per possible day, true on the day it is placed."""
    v = ctx.vars
    if o in v.on_day:
        return v.on_day[o]
    p, m = ctx.problem, ctx.model
    spd = p.clock.slots_per_day
    days = sorted({s // spd for s in p.occurrences[o].starts})
    lits = {}
    for d in days:
        lit = m.new_bool_var(f"on_day[{o},{d}]")
        m.add_linear_constraint(v.start[o], d * spd, (d + 1) * spd - 1).only_enforce_if(lit)
        lits[d] = lit
    if lits:
        m.add(sum(lits.values()) == v.placed[o])
    v.on_day[o] = lits
    return lits


def add_resident_daily_load(ctx: Context) -> None:
    """Sessions beyond ``goals.max_sessions_per_day`` for a resident on one day.

    A resident's load on a day is their own sessions (fixed groups) plus, for each program
    whose groups the solver forms, the number of sessions their group has that day: one small
    integer per resident, program and day, equal to the count of whichever group they are in
    (not a literal per resident, session and day, which made this goal half the model).
    """
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("resident_daily_load")
    if term is None:
        return
    cap = ctx.goals.max_sessions_per_day
    load: dict[tuple[int, int], list[cp_model.LinearExprT]] = defaultdict(list)
    most: dict[tuple[int, int], int] = defaultdict(int)  # the largest load possible
    group_day: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for occ in p.occurrences:
        group = p.groups[p.series[occ.series].group]
        for d, lit in _on_day(ctx, occ.index).items():
            if group.members is not None:
                for r in group.members:
                    load[(r, d)].append(lit)
                    most[(r, d)] += 1
            else:
                group_day[(group.index, d)].append(lit)
    families: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    for each in p.groups:
        if each.members is None:
            families[(each.program, each.house)].append(each.index)
    for groups in families.values():
        days = sorted({d for (g, d) in group_day if g in groups})
        for d in days:
            counts = {g: group_day.get((g, d), []) for g in groups}
            biggest = max(len(x) for x in counts.values())
            for r in p.groups[groups[0]].candidates:
                mine = m.new_int_var(0, biggest, f"group_load[{r},{groups[0]},{d}]")
                for g, lits in counts.items():
                    member = v.member[(r, g)]
                    m.add(mine == sum(lits)).only_enforce_if(member)
                load[(r, d)].append(mine)
                most[(r, d)] += biggest
    for key, parts in load.items():
        if most[key] <= cap:
            continue
        excess = m.new_int_var(0, most[key] - cap, f"excess[{key[0]},{key[1]}]")
        m.add_max_equality(excess, [sum(parts) - cap, 0])
        term.add(excess)


def add_fair_load(ctx: Context) -> None:
    """Spread (most minus least booked slots) among staff who can lead the same programs."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("fair_load")
    if term is None:
        return
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
