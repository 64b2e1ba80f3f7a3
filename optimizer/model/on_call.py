"""Crisis counseling ("as needed") is an on-call rota: in each block of opening hours one
qualified staff member who is available and in no session is on duty. Uncovered time costs the
goal ``on_call_gap`` per slot, each handover ``on_call_handover``; on-call duty does not count
toward weekly hours. Hard rules: ``on_call_role`` and ``on_call_available`` (only qualified,
available candidates), ``on_call_overlap`` (at most one per block)."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from .context import Context


def add_on_call(ctx: Context) -> None:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("on_call_gap")
    for block in p.on_call_blocks:
        length = block.end - block.start
        lits = []
        for s in block.candidates:
            lit = m.new_bool_var(f"on_call[{block.index},{p.staff[s].id}]")
            v.on_call[(block.index, s)] = lit
            lits.append(lit)
            v.staff_intervals.setdefault(s, []).append(
                m.new_optional_fixed_size_interval_var(
                    block.start, length, lit, f"duty[{block.index}]"
                )
            )
        if lits:
            m.add_at_most_one(lits)
        if term:
            term.add(1 - sum(lits), length)  # uncovered slots
    _prefer_long_shifts(ctx)


def _prefer_long_shifts(ctx: Context) -> None:
    """Whole shifts rather than a patchwork: each handover between staff costs a little."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    by_staff: dict[int, dict[int, cp_model.IntVar]] = defaultdict(dict)
    for (b, s), lit in v.on_call.items():
        by_staff[s][b] = lit
    term = ctx.term("on_call_handover")
    if term is None:
        return
    for block in p.on_call_blocks:
        nxt = block.index + 1
        if nxt >= len(p.on_call_blocks) or p.on_call_blocks[nxt].start != block.end:
            continue
        for s, lits in by_staff.items():
            now, later = lits.get(block.index), lits.get(nxt)
            if now is None:
                continue
            if later is None:  # s cannot stay on: being on duty now means a handover
                term.add(now)
                continue
            change = m.new_bool_var(f"handover[{block.index},{s}]")
            m.add_bool_and([now, ~later]).only_enforce_if(change)  # on duty now, not next
            m.add_bool_or([~now, later, change])
            term.add(change)
