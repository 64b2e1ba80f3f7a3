"""Same time every week: each recurring series has a template start (weekday and time, and the
week within its period); an occurrence either sits on its template or is *moved*, which costs
the goal ``same_time_every_week``. Only a dated closure, absence or appointment should move one.
"""

from __future__ import annotations

from .context import Context, domain_of


def add_recurrence(ctx: Context) -> None:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("same_time_every_week")
    for series in p.series:
        occs = [p.occurrences[o] for o in series.occurrences]
        if len(occs) < 2:
            continue
        prog = p.programs[series.program]
        span = prog.period_weeks * p.clock.week_slots
        offsets = sorted({s - o.lo for o in occs for s in o.starts if s - o.lo < span})
        if not offsets:
            continue
        template = m.new_int_var_from_domain(domain_of(offsets), f"template[{series.id}]")
        v.template[series.index] = template
        for o in occs:
            moved = m.new_bool_var(f"moved[{series.id}@{o.period}]")
            placed = v.placed[o.index]
            m.add(v.start[o.index] == template + o.lo).only_enforce_if([~moved, placed])
            m.add(v.start[o.index] != template + o.lo).only_enforce_if(moved)
            m.add_implication(moved, placed)
            v.moved[o.index] = moved
            if term:
                term.add(moved)
