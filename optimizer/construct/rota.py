"""The on-call rota, given the sessions: block by block, whoever is free, within the
program's shift lengths and (where on-call counts) weekly hours."""

from __future__ import annotations

from collections import defaultdict

from optimizer.planning.cover import on_call_runs
from optimizer.planning.problem import OnCallBlock, Problem


def greedy_rota(
    p: Problem, busy: dict[int, set[int]], load: dict[tuple[int, int], int] | None = None
) -> dict[int, int]:
    """On-call block -> staff: whoever is free, keeping the same person on while they stay free
    (fewer handovers) and within the program's ``shifts``; where on-call time counts toward
    weekly hours, within ``load`` (session slots per staff and week) and the cap. With the
    sessions fixed, this covers every block that can be covered, bar the shift rules."""
    busy = {s: set(slots) for s, slots in busy.items()}
    load = defaultdict(int, load or {})
    rota: dict[int, int] = {}
    for prog in p.programs:
        if not prog.on_call:
            continue
        spec = p.scenario.programs[prog.index]
        slot = p.clock.slot_minutes
        shortest = spec.shifts.shortest // slot if spec.shifts and spec.shifts.shortest else 0
        longest = spec.shifts.longest // slot if spec.shifts and spec.shifts.longest else None
        counts = spec.on_call_counts_toward_hours
        for run in on_call_runs(p, prog.index):
            _fill_run(p, run, busy, load, rota, shortest, longest, counts)
    return rota


def _fill_run(p, run, busy, load, rota, shortest, longest, counts):
    week = p.clock.week_slots

    def free(s: int, b: OnCallBlock) -> bool:
        if any(t in busy.get(s, ()) for t in range(b.start, b.end)):
            return False
        cap = p.staff[s].max_slots_per_week
        if counts and cap is not None:
            return load[(s, b.start // week)] + b.end - b.start <= cap
        return True

    def ahead(s: int, i: int) -> int:
        total = 0
        for b in run[i:]:
            if s not in b.candidates or not free(s, b) or (longest and total >= longest):
                break
            total += b.end - b.start
        return total

    whole = sum(b.end - b.start for b in run)
    current: int | None = None
    stretch = 0
    for i, block in enumerate(run):
        length = block.end - block.start
        keep = current is not None and current in block.candidates and free(current, block)
        if keep and (longest is None or stretch + length <= longest):
            chosen: int | None = current
            stretch += length
        else:
            options = []
            for s in block.candidates:
                if s == current or not free(s, block):
                    continue
                stay = ahead(s, i)
                if shortest and stay < shortest and not (i == 0 and stay >= whole):
                    continue
                options.append((stay, -s))
            chosen = -max(options)[1] if options else None
            stretch = length
        current = chosen
        if chosen is None:
            continue
        rota[block.index] = chosen
        busy.setdefault(chosen, set()).update(range(block.start, block.end))
        if counts:
            load[(chosen, block.start // week)] += length
