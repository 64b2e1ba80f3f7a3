"""Weekly templates and their exceptions, worked out before the model is built.

A recurring series has one template start: an offset into its period (weekday and time, and
for a bi-weekly or monthly series the week). Each occurrence sits on the template unless a
dated event (closure, absence, appointment, a room out of use, a period cut short) blocks the
template in its week. Only such *exception* occurrences get variables of their own; occurrences
in weeks that nothing touches are the template shifted by whole periods.

Everything here is in offset coordinates: boolean arrays over ``[0, span)`` where ``span`` is
the period's length in slots. "Typical" is the most common week (period) pattern.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from optimizer.planning.problem import Problem, starts_where_free

Flags = NDArray[np.bool_]


@dataclass
class Blocked:
    """Template offsets that a dated event blocks in one exception occurrence's period."""

    group: Flags  # the home is closed, a member is busy, or the period is cut short
    staff: dict[int, Flags] = field(default_factory=dict)  # the facilitator is away
    pools: dict[int, Flags] = field(default_factory=dict)  # the room is out of use


@dataclass
class Plan:
    """One series: its template domain, candidates and which occurrences are exceptions."""

    series: int
    span: int
    duration: int
    offsets: Flags  # the template's possible offsets
    staff_ok: dict[int, Flags]  # typical: a candidate facilitator is available
    pool_ok: dict[int, Flags]  # typical: a candidate room pool is open
    clean: tuple[int, ...]  # occurrences that always follow the template
    exceptions: dict[int, Blocked]  # occurrence -> what blocks the template there

    @property
    def values(self) -> list[int]:
        return np.flatnonzero(self.offsets).tolist()


class Masks:
    """Flat start masks per group, staff member and room pool, computed once."""

    def __init__(self, p: Problem):
        self.p = p
        self._cache: dict[tuple[str, int, int], Flags] = {}

    def starts(self, kind: str, i: int, length: int) -> Flags:
        key = (kind, i, length)
        if key not in self._cache:
            p = self.p
            if kind == "staff":
                mask = p.staff[i].available
            elif kind == "pool":
                mask = p.pools[i].available
            else:  # "group": open and every member free
                mask = p.open.copy()
                for r in p.groups[i].members:
                    mask = mask & p.residents[r].free
            self._cache[key] = starts_where_free(mask, length).reshape(-1)
        return self._cache[key]


def _slice(flat: Flags, lo: int, hi: int, span: int) -> Flags:
    out = np.zeros(span, dtype=bool)
    part = flat[lo : min(hi, lo + span)]
    out[: len(part)] = part
    return out


def _typical(slices: list[Flags]) -> Flags:
    counts = Counter(s.tobytes() for s in slices)
    best = max(counts, key=lambda b: (counts[b], b))
    return next(s for s in slices if s.tobytes() == best)


def _every_week(slices: list[Flags], full: list[bool]) -> Flags:
    """The offsets free in every full period."""
    whole = [x for x, f in zip(slices, full, strict=True) if f] or slices
    both = whole[0].copy()
    for x in whole[1:]:
        both &= x
    return both


def _days(offsets: Flags, spd: int) -> int:
    return len(np.unique(np.flatnonzero(offsets) // spd))


Domains = tuple[Flags, Flags, dict[int, Flags], dict[int, Flags]]


def _domains(
    pattern: Callable[[list[Flags]], Flags],
    g_all: list[Flags],
    s_all: dict[int, list[Flags]],
    r_all: dict[int, list[Flags]],
) -> Domains:
    """(offsets, group, staff, pools) of a template whose week is ``pattern`` of the weeks:
    the most common one, or what every week allows. Preferring a time that works every week
    keeps the timetable the same every week and the model small; where that leaves too few
    days, the most common week is the template and the weeks that differ are exceptions."""
    g_typ = pattern(g_all)
    s_typ = {st: pattern(v) for st, v in s_all.items()}
    r_typ = {pl: pattern(v) for pl, v in r_all.items()}
    any_pool = np.zeros(len(g_typ), dtype=bool)
    for v in r_typ.values():
        any_pool |= v
    staff_ok = {st: v & g_typ & any_pool for st, v in s_typ.items()}
    staff_ok = {st: v for st, v in staff_ok.items() if v.any()}
    offsets = np.zeros(len(g_typ), dtype=bool)
    for v in staff_ok.values():
        offsets |= v
    pool_ok = {pl: v & offsets for pl, v in r_typ.items() if (v & offsets).any()}
    return offsets, g_typ, staff_ok, pool_ok


def plan_series(p: Problem, masks: Masks, s: int, always_exception: frozenset[int]) -> Plan:
    """The template of series ``s``; occurrences in ``always_exception`` (the frozen past of a
    re-plan) are exceptions whatever the data says. A new plan prefers times that work every
    week; a re-plan keeps the usual week as the template, so a new absence changes only its
    own week."""
    series = p.series[s]
    group = p.groups[series.group]
    prog = p.programs[series.program]
    dur = prog.duration
    span = prog.period_weeks * p.clock.week_slots
    occs = [p.occurrences[o] for o in series.occurrences]
    staff = [st.index for st in p.staff_candidates(prog, group.house)]
    pools = [pool.index for pool in p.pool_candidates(group)]

    def per_occ(flat: Flags) -> list[Flags]:
        return [_slice(flat, o.lo, o.hi, span) for o in occs]

    g_all = per_occ(masks.starts("group", group.index, dur))
    s_all = {st: per_occ(masks.starts("staff", st, dur)) for st in staff}
    r_all = {pl: per_occ(masks.starts("pool", pl, dur)) for pl in pools}
    empty = np.zeros(span, dtype=bool)
    if not occs:
        return Plan(s, span, dur, empty, {}, {}, (), {})
    spd = p.clock.slots_per_day
    full = [o.hi - o.lo >= span for o in occs]
    typical = _domains(_typical, g_all, s_all, r_all)
    chosen = typical
    if p.previous is None:  # a re-plan keeps the most common week as the template
        every = _domains(lambda v: _every_week(v, full), g_all, s_all, r_all)
        days = _days(typical[0], spd)
        if _days(every[0], spd) >= min(days, max(prog.times, (days + 1) // 2)) > 0:
            chosen = every
    offsets, g_typ, staff_ok, pool_ok = chosen

    clean: list[int] = []
    exceptions: dict[int, Blocked] = {}
    for i, occ in enumerate(occs):
        if not offsets.any():  # no weekly time at all: each occurrence on its own
            exceptions[occ.index] = Blocked(empty.copy())
            continue
        blocked = Blocked(offsets & g_typ & ~g_all[i])
        for st, ok in staff_ok.items():
            bad = ok & ~s_all[st][i]
            if bad.any():
                blocked.staff[st] = bad
        for pl, ok in pool_ok.items():
            bad = ok & ~r_all[pl][i]
            if bad.any():
                blocked.pools[pl] = bad
        if occ.index in always_exception or blocked.group.any() or blocked.staff or blocked.pools:
            exceptions[occ.index] = blocked
        else:
            clean.append(occ.index)
    return Plan(s, span, dur, offsets, staff_ok, pool_ok, tuple(clean), exceptions)


def plan_all(p: Problem) -> list[Plan]:
    masks = Masks(p)
    frozen = frozenset(
        o for o, b in (p.previous.bookings.items() if p.previous else ()) if b.frozen
    )
    return [plan_series(p, masks, s.index, frozen) for s in p.series]
