"""Hard rules ``facilitator_double_booked`` and ``weekly_hours``: a staff member leads one
session (or is on call) at a time, and the sessions they lead in a week stay within
``max_hours_per_week``.
(Roles and availability: :mod:`.facilitators`, :mod:`.availability`.)"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from optimizer.model.context import Context, Term


def add_staff_rules(ctx: Context) -> list[Term]:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    for intervals in v.staff_intervals.values():
        if len(intervals) > 1:
            m.add_no_overlap(intervals)

    load: dict[tuple[int, int], list[cp_model.LinearExprT]] = defaultdict(list)
    for occ in p.occurrences:
        prog = p.programs[p.series[occ.series].program]
        period = prog.periods[occ.period]
        capped = [s for s in v.facilitator[occ.index] if p.staff[s].max_slots_per_week is not None]
        if not capped:
            continue
        weeks = range(period.first_week, period.end_week)
        for s in capped:
            for w in weeks:
                lit = _leads_in_week(ctx, occ.index, s, w) if len(weeks) > 1 else None
                load[(s, w)].append(
                    prog.duration * (v.facilitator[occ.index][s] if lit is None else lit)
                )
    _on_call_hours(ctx, load)
    for (s, _w), loads in load.items():
        cap = p.staff[s].max_slots_per_week
        assert cap is not None
        m.add(sum(loads) <= cap)
    return []


def _leads_in_week(ctx: Context, o: int, s: int, w: int) -> cp_model.IntVar:
    """True when ``s`` leads occurrence ``o`` and it falls in week ``w`` (for a series of a
    period of several weeks). Clean occurrences share the template's literal."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    occ = p.occurrences[o]
    week = p.clock.week_slots
    offset_week = w - occ.lo // week
    # Clean: (series, staff, week of the period); an exception: (-1 - o, staff, week).
    key = (occ.series, s, offset_week) if ctx.clean(o) else (-1 - o, s, w)
    lit = ctx.shared.leads_in_week.get(key)
    if lit is not None:
        return lit
    in_week = m.new_bool_var(f"week[{o},{w}]")
    a, b = w * week, (w + 1) * week - 1
    start = v.start[o]
    m.add_linear_constraint(start, a, b).only_enforce_if(in_week)
    leads = v.facilitator[o][s]
    both = m.new_bool_var(f"leads_in_week[{o},{s},{w}]")
    m.add_bool_and([leads, in_week]).only_enforce_if(both)
    # Not in week w: the start lies before or after it.
    before = m.new_bool_var(f"before[{o},{w}]")
    m.add(start <= a - 1).only_enforce_if(before)
    m.add(start >= b + 1).only_enforce_if([~before, ~in_week])
    m.add_bool_or([both, ~leads, ~in_week])
    ctx.shared.leads_in_week[key] = both
    return both


def _on_call_hours(ctx: Context, load: dict[tuple[int, int], list[cp_model.LinearExprT]]) -> None:
    """On-call duty counts toward weekly hours where the program says so
    (``on_call_counts_toward_hours``)."""
    p, v = ctx.problem, ctx.vars
    counts = {
        prog.index
        for prog in p.programs
        if p.scenario.programs[prog.index].on_call_counts_toward_hours
    }
    if not counts:
        return
    for block in p.on_call_blocks:
        if block.program not in counts:
            continue
        week = block.start // p.clock.week_slots
        for s in block.candidates:
            if p.staff[s].max_slots_per_week is not None:
                load[(s, week)].append((block.end - block.start) * v.on_call[(block.index, s)])
