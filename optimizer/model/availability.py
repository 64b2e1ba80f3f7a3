"""Hard rules ``opening_hours``, ``facilitator_available``, ``room_available`` and
``resident_busy``: a session starts only where its facilitator is on shift and its room is open
for the whole session, the home is open and every member is free. For a template
this holds in the typical week (clean weeks are the same by construction, see
:mod:`.template`); an exception occurrence is held to its own week."""

from __future__ import annotations

import numpy as np

from optimizer.model.context import Context, Term, domain_of_mask
from optimizer.planning.templates import Masks


def add_availability(ctx: Context) -> list[Term]:
    p, v = ctx.problem, ctx.vars
    for plan in ctx.plans:
        s = plan.series
        template = v.template.get(s)
        if template is None:
            continue
        for st, lit in v.leads[s].items():
            _restrict(ctx, template, plan.offsets, plan.staff_ok[st], lit)
        for pl, lit in v.pool[s].items():
            _restrict(ctx, template, plan.offsets, plan.pool_ok[pl], lit)
    masks = Masks(p)
    for o in v.moved:
        occ = p.occurrences[o]
        if not occ.starts:
            continue
        dur = p.programs[p.series[occ.series].program].duration
        starts = np.asarray(occ.starts, dtype=np.int64)
        domain = np.zeros(p.clock.horizon, dtype=bool)
        domain[starts] = True
        for kind, lits in (("staff", v.facilitator[o]), ("pool", v.room[o])):
            for i, lit in lits.items():
                _restrict(ctx, v.start[o], domain, masks.starts(kind, i, dur) & domain, lit)
    return []


def _restrict(ctx: Context, var, domain: np.ndarray, ok: np.ndarray, lit) -> None:
    """``lit`` only where ``ok`` (a subset of ``domain``, the variable's values)."""
    ok = ok & domain
    if not ok.any():
        ctx.model.add(lit == 0)
    elif not np.array_equal(ok, domain):
        ctx.model.add_linear_expression_in_domain(var, domain_of_mask(ok)).only_enforce_if(lit)
