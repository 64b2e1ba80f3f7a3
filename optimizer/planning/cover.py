"""On-call cover before solving, from availability alone: the hours a crisis program's
``cover`` requires (:func:`required_slots`), the most any rota can cover (:func:`cover_ceiling`,
for the solve to report "covered X % of a possible Y %"), and a program's on-call blocks cut
into runs of back-to-back blocks (:func:`on_call_runs`). Which hours are lost, and why, is
:mod:`optimizer.findings.cover`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from optimizer.planning.problem import Problem, slot_runs
from optimizer.rules.definitions import cover_hours


def required_slots(p: Problem, program: int) -> np.ndarray:
    """Flat mask of the slots a program's ``cover`` requires (none when cover is a goal), as
    :func:`optimizer.rules.definitions.cover_hours` says, on the problem's opening hours."""
    out = np.zeros(p.clock.horizon, dtype=bool)
    cover = p.scenario.programs[program].cover
    if cover is None:
        return out
    spd, slot = p.clock.slots_per_day, p.clock.slot_minutes
    for d in range(p.clock.days):
        hours = [(a * slot, b * slot) for a, b in slot_runs(p.open[d])]
        for a, b in cover_hours(cover, p.clock.start + dt.timedelta(days=d), hours, slot):
            out[d * spd + a // slot : d * spd + b // slot] = True
    return out


def cover_ceiling(p: Problem) -> dict[str, tuple[int, int]]:
    """Per as-needed program id: (slots some rota can cover, open slots). A block counts when
    one qualified person is available for all of it; sessions and weekly limits are ignored."""
    out = {}
    for prog in p.programs:
        if prog.on_call:
            blocks = [b for b in p.on_call_blocks if b.program == prog.index]
            coverable = sum(b.end - b.start for b in blocks if b.candidates)
            out[prog.id] = (coverable, sum(b.end - b.start for b in blocks))
    return out


def on_call_runs(p: Problem, program: int) -> list[list]:
    """The program's blocks cut into runs of back-to-back blocks on one day."""
    runs: list[list] = []
    for b in p.on_call_blocks:
        if b.program != program:
            continue
        last = runs[-1][-1] if runs else None
        same_day = last is not None and p.clock.date_of(last.start) == p.clock.date_of(b.start)
        if last is not None and last.end == b.start and same_day:
            runs[-1].append(b)
        else:
            runs.append([b])
    return runs
