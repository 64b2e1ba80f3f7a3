"""Crisis counseling ("as needed") is an on-call rota: in each block of opening hours one
qualified staff member who is available and in no session is on duty (the literals and duty
intervals are made in :mod:`.variables`, for qualified, available candidates only). Uncovered
time costs the goal ``on_call_gap`` per slot, each handover ``on_call_handover``; a required
cover short costs ``on_call_cover``. Hard rules: ``on_call_overlap`` (at most one per block),
``on_call_shift_length``."""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from optimizer.model.context import Context, Term, terms
from optimizer.planning.cover import on_call_runs, required_slots
from optimizer.rules.definitions import cover_required


def add_on_call(ctx: Context) -> list[Term]:
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("on_call_gap")
    for block in p.on_call_blocks:
        length = block.end - block.start
        lits = [v.on_call[(block.index, s)] for s in block.candidates]
        if lits:
            m.add_at_most_one(lits)
        if term:
            term.add(1 - sum(lits), length)  # uncovered slots
    handover = _prefer_long_shifts(ctx)
    cover = _required_cover(ctx)
    _shift_lengths(ctx)
    return terms(term, handover, cover)


def _required_cover(ctx: Context) -> Term | None:
    """Goal ``on_call_cover``: each required slot short of a program's ``cover`` (weighted as
    heavily as an unplaced session: the cover is demand, not a wish)."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    term = ctx.term("on_call_cover")
    for prog in p.programs:
        cover = p.scenario.programs[prog.index].cover
        if not prog.on_call or cover is None or term is None:
            continue
        required = required_slots(p, prog.index)
        covered = []
        total = 0
        for block in p.on_call_blocks:
            if block.program != prog.index:
                continue
            need = int(required[block.start : block.end].sum())
            total += need
            lits = [v.on_call[(block.index, s)] for s in block.candidates]
            if need and lits:
                covered.append(need * sum(lits))
        wanted = cover_required(cover, total)
        short = m.new_int_var(0, wanted, f"cover_short[{prog.id}]")
        m.add(short >= wanted - sum(covered))
        v.cover_short[prog.index] = short
        term.add(short)
    return term


def _shift_lengths(ctx: Context) -> None:
    """Hard rule ``on_call_shift_length``: one person's unbroken stretch on call within one
    opening run lasts from ``shifts.shortest`` to ``shifts.longest`` (a run shorter than the
    shortest may be covered whole)."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    for prog in p.programs:
        shifts = p.scenario.programs[prog.index].shifts
        if not prog.on_call or shifts is None:
            continue
        for run in on_call_runs(p, prog.index):
            for s in {x for b in run for x in b.candidates}:
                lits = [v.on_call.get((b.index, s)) for b in run]
                _stretch(m, lits, run, shifts.shortest, shifts.longest, p.clock.slot_minutes)


def _stretch(m, lits, run, shortest, longest, slot):
    n = len(run)
    length = [b.end - b.start for b in run]
    if longest:
        limit = longest // slot
        for i in range(n):  # no window of blocks longer than the longest stretch all on
            total, j = 0, i
            while j < n and total <= limit:
                total += length[j]
                j += 1
            if total > limit and all(x is not None for x in lits[i:j]):
                m.add_bool_or([~x for x in lits[i:j]])
    if shortest:
        need = shortest // slot
        whole = sum(length)
        for i, lit in enumerate(lits):
            if lit is None or whole <= need:
                continue
            starts = [lit] + ([~lits[i - 1]] if i and lits[i - 1] is not None else [])
            total, j = 0, i
            while j < n and total < need:  # a stretch that starts here goes on long enough
                total += length[j]
                if j > i:
                    nxt = lits[j]
                    if nxt is None:
                        m.add_bool_or([~x for x in starts])
                        break
                    m.add_bool_or([*[~x for x in starts], nxt])
                j += 1
            else:
                if total < need and i > 0:  # too short, and not the whole run: no start here
                    m.add_bool_or([~x for x in starts])


def _prefer_long_shifts(ctx: Context) -> Term | None:
    """Whole shifts rather than a patchwork: each handover between staff costs a little."""
    p, m, v = ctx.problem, ctx.model, ctx.vars
    by_staff: dict[int, dict[int, cp_model.IntVar]] = defaultdict(dict)
    for (b, s), lit in v.on_call.items():
        by_staff[s][b] = lit
    term = ctx.term("on_call_handover")
    if term is None:
        return None
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
    return term
