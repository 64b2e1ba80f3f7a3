"""Hard rules for staff: one session (or on-call shift) at a time, and the weekly hour cap on
sessions they lead. (Roles and availability are enforced in :mod:`.variables`.)"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from .context import Context


def add_staff_rules(ctx: Context) -> None:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    for intervals in v.staff_intervals.values():
        if len(intervals) > 1:
            m.add_no_overlap(intervals)

    week_slots = p.clock.week_slots
    load: dict[tuple[int, int], list[cp_model.LinearExprT]] = defaultdict(list)
    for occ in p.occurrences:
        prog = p.programs[p.series[occ.series].program]
        period = prog.periods[occ.period]
        weeks = range(period.first_week, period.end_week)
        capped = [s for s in v.facilitator[occ.index] if p.staff[s].max_slots_per_week is not None]
        if not capped:
            continue
        if len(weeks) == 1:
            for s in capped:
                load[(s, weeks[0])].append(prog.duration * v.facilitator[occ.index][s])
            continue
        # A session of a multi-week period counts in the week it falls in.
        in_week = {}
        for w in weeks:
            lit = m.new_bool_var(f"week[{occ.index},{w}]")
            m.add_linear_constraint(
                v.start[occ.index], w * week_slots, (w + 1) * week_slots - 1
            ).only_enforce_if(lit)
            in_week[w] = lit
        m.add_exactly_one(in_week.values())
        for s in capped:
            leads = v.facilitator[occ.index][s]
            for w, lit in in_week.items():
                both = m.new_bool_var(f"leads_in_week[{occ.index},{s},{w}]")
                m.add_bool_and([leads, lit]).only_enforce_if(both)
                m.add_bool_or([both, ~leads, ~lit])
                load[(s, w)].append(prog.duration * both)
    for (s, _w), terms in load.items():
        cap = p.staff[s].max_slots_per_week
        assert cap is not None
        m.add(sum(terms) <= cap)
