"""Decision variables, and nothing else: the rules that tie them are in their own families.

Per series (the weekly template): its offset into the period, whether it runs, and one literal
per candidate facilitator and per candidate room pool. Per exception occurrence (see
:mod:`.template`): its own start, whether it runs and whether it is moved off the template, and
its own facilitator and room-pool literals. Clean occurrences are views of the template. Every
occurrence gets its intervals: one for its residents, one per candidate facilitator and pool.
Per on-call block: one literal per candidate (qualified and available for the whole block),
with a duty interval in that staff member's list.

By construction this family states the rules of the timetable's form and its groups
(``session_time``, ``horizon``, ``slot``, ``duration``, ``program_unknown``, ``session_program``,
``room_unknown``, ``staff_unknown``, ``resident_unknown``, ``on_call_booking``,
``on_call_program``, ``not_attendee``, ``no_residents``, ``one_on_one``, ``too_many``,
``group_size``, ``balanced_groups``, ``group_stable``, ``together``, ``apart``,
``on_call_role``, ``on_call_available``): an occurrence exists once per session and period, at
its program's length, on the slot grid inside the plan, for a group formed before the model by
:mod:`optimizer.planning.grouping` (its members attend it); on call only for qualified staff
available for the whole block.
"""

from __future__ import annotations

from optimizer.model.context import Context, Term, domain_of, domain_of_mask
from optimizer.planning.templates import plan_all


def add_variables(ctx: Context) -> list[Term]:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    if not ctx.plans:
        ctx.plans = plan_all(p)
    for series, plan in zip(p.series, ctx.plans, strict=True):
        if plan.offsets.any():
            v.template[series.index] = m.new_int_var_from_domain(
                domain_of_mask(plan.offsets), f"template[{series.id}]"
            )
            v.active[series.index] = m.new_bool_var(f"runs[{series.id}]")
        else:
            v.active[series.index] = m.new_constant(0)
        v.leads[series.index] = {
            st: m.new_bool_var(f"leads[{series.id},{p.staff[st].id}]") for st in plan.staff_ok
        }
        v.pool[series.index] = {
            pl: m.new_bool_var(f"room[{series.id},pool{pl}]") for pl in plan.pool_ok
        }

    n = len(p.occurrences)
    v.start = [0] * n
    v.placed = [m.new_constant(0)] * n
    v.facilitator = [{} for _ in range(n)]
    v.room = [{} for _ in range(n)]
    for plan in ctx.plans:
        for o in plan.clean:
            _clean_occurrence(ctx, o)
        for o in plan.exceptions:
            _exception(ctx, o)
    for block in p.on_call_blocks:  # who is on call, joining their staff member's intervals
        for s in block.candidates:
            lit = v.on_call[(block.index, s)] = m.new_bool_var(
                f"on_call[{block.index},{p.staff[s].id}]"
            )
            v.staff_intervals.setdefault(s, []).append(
                m.new_optional_fixed_size_interval_var(
                    block.start, block.end - block.start, lit, f"duty[{block.index}]"
                )
            )
    return []


def _name(ctx: Context, o: int) -> str:
    occ = ctx.problem.occurrences[o]
    return f"{ctx.problem.series[occ.series].id}@{occ.period}"


def _intervals(ctx: Context, o: int) -> None:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    occ = p.occurrences[o]
    group = p.groups[p.series[occ.series].group]
    dur = p.programs[group.program].duration
    name = _name(ctx, o)
    interval = m.new_optional_fixed_size_interval_var(v.start[o], dur, v.placed[o], f"occ[{name}]")
    for r in group.members:
        v.resident_intervals.setdefault(r, []).append(interval)
    for st, lit in v.facilitator[o].items():
        v.staff_intervals.setdefault(st, []).append(
            m.new_optional_fixed_size_interval_var(v.start[o], dur, lit, f"staff[{name},{st}]")
        )
    for pl, lit in v.room[o].items():
        v.pool_intervals.setdefault(pl, []).append(
            m.new_optional_fixed_size_interval_var(v.start[o], dur, lit, f"pool[{name},{pl}]")
        )


def _clean_occurrence(ctx: Context, o: int) -> None:
    v = ctx.vars
    occ = ctx.problem.occurrences[o]
    s = occ.series
    v.start[o] = v.template[s] + occ.lo
    v.placed[o] = v.active[s]
    v.facilitator[o] = v.leads[s]
    v.room[o] = v.pool[s]
    _intervals(ctx, o)


def _exception(ctx: Context, o: int) -> None:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    occ = p.occurrences[o]
    group = p.groups[p.series[occ.series].group]
    prog = p.programs[group.program]
    name = _name(ctx, o)
    if occ.starts:
        v.start[o] = m.new_int_var_from_domain(domain_of(occ.starts), f"start[{name}]")
        v.placed[o] = m.new_bool_var(f"placed[{name}]")
    else:
        v.start[o] = occ.lo
        v.placed[o] = m.new_constant(0)
    v.moved[o] = m.new_bool_var(f"moved[{name}]")
    if occ.starts:
        v.facilitator[o] = {
            st.index: m.new_bool_var(f"leads[{name},{st.id}]")
            for st in p.staff_candidates(prog, group.house)
        }
        v.room[o] = {
            pool.index: m.new_bool_var(f"room[{name},pool{pool.index}]")
            for pool in p.pool_candidates(group)
        }
    _intervals(ctx, o)
