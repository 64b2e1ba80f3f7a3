"""Hard rule ``one_facilitator``: every session that runs has exactly one facilitator, and only
staff who hold all of the program's roles (``facilitator_role``) and serve the group's house
(``house``) are candidates at all
(see :meth:`optimizer.planning.problem.Problem.staff_candidates`)."""

from __future__ import annotations

from optimizer.model.context import Context, Term


def add_facilitator_rules(ctx: Context) -> list[Term]:
    m, v = ctx.model, ctx.vars
    for s, leads in v.leads.items():
        m.add(sum(leads.values()) == v.active[s])
    for o in v.moved:
        m.add(sum(v.facilitator[o].values()) == v.placed[o])
    return []
