"""Same time every week. Hard rule ``moves_need_a_reason``: an exception occurrence (see
:mod:`.template`) either sits on its series' template or is *moved*, and it may move only when
a dated event blocks the template in its week (a closure or a member's appointment; the
template's facilitator away; its room out of use), never to make room for other sessions. The
frozen past of a re-plan is exempt: it happened where it happened. Soft goal
``same_time_every_week``: each moved occurrence costs its weight."""

from __future__ import annotations

import numpy as np

from optimizer.model.context import Context, Term, domain_of, terms


def add_recurrence(ctx: Context) -> list[Term]:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    frozen = {o for o, b in p.previous.bookings.items() if b.frozen} if p.previous else set()
    for plan in ctx.plans:
        s = plan.series
        template = v.template.get(s)
        for o, blocked in plan.exceptions.items():
            moved, placed, start = v.moved[o], v.placed[o], v.start[o]
            if template is None:
                m.add(moved == 0)  # no weekly time at all: nothing to move from
                continue
            occ = p.occurrences[o]
            m.add_implication(moved, placed)
            m.add(start == template + occ.lo).only_enforce_if([~moved, placed])
            m.add(start != template + occ.lo).only_enforce_if(moved)
            m.add_bool_or([moved, v.active[s], ~placed])
            if o in frozen:
                continue
            reasons = [~v.active[s]]
            if blocked.group.any():
                reasons.append(_template_in(ctx, o, "group", blocked.group, None))
            for st, bad in blocked.staff.items():
                reasons.append(_template_in(ctx, o, f"staff{st}", bad, v.leads[s][st]))
            for pl, bad in blocked.pools.items():
                reasons.append(_template_in(ctx, o, f"pool{pl}", bad, v.pool[s][pl]))
            m.add_bool_or([~moved, *reasons])
    term = ctx.term("same_time_every_week")
    if term:
        for moved in v.moved.values():
            term.add(moved)
    return terms(term)


def _template_in(ctx: Context, o: int, what: str, bad: np.ndarray, chosen):
    """A literal that implies the template is at one of the ``bad`` offsets (and, for a staff
    member or pool, that the template uses it)."""
    m, v = ctx.model, ctx.vars
    s = ctx.problem.occurrences[o].series
    lit = m.new_bool_var(f"blocked[{o},{what}]")
    m.add_linear_expression_in_domain(
        v.template[s], domain_of(np.flatnonzero(bad).tolist())
    ).only_enforce_if(lit)
    if chosen is not None:
        m.add_implication(lit, chosen)
    return lit
