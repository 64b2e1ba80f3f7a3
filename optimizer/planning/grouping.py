"""Groups formed before the model: how many a program needs, and who goes in which.

The number of groups follows from ``max_group_size`` *and* the rooms that can hold a group (a
room holds its capacity less one for the facilitator), so a home whose rooms are smaller than
the maximum group size gets more, smaller groups rather than being called impossible. ``check``,
the model and the score card all take the count from :func:`fewest_groups`.

Residents are then placed constructively: the most constrained first (fewest possible start
times), each into the group whose common free time shrinks least; a spare group is opened when
a resident shares too little time with every group; a last pass evens out sizes (used groups
differ by at most :data:`SIZE_TOLERANCE`) and swaps residents where that gives a group more
common time. ``grouping.together`` residents move as one; ``grouping.apart`` never share.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

SIZE_TOLERANCE = 2  # used groups of one program and house differ in size by at most this
SWAP_LIMIT = 60  # the swap pass is quadratic: larger programs keep the constructive groups

Starts = NDArray[np.bool_]  # flat: may the program start at this slot for these people?


def group_size_limit(max_group_size: int | None, attendees: int, capacities: Iterable[int]) -> int:
    """The most residents one group may have: the program's maximum, and what a room holds
    with its facilitator."""
    size = max_group_size or max(1, attendees)
    biggest = max(capacities, default=0) - 1
    return max(1, min(size, biggest)) if biggest >= 1 else size


def fewest_groups(max_group_size: int | None, attendees: int, capacities: Iterable[int]) -> int:
    """The fewest groups that hold ``attendees`` residents (see :func:`group_size_limit`)."""
    if attendees <= 0:
        return 0
    return math.ceil(attendees / group_size_limit(max_group_size, attendees, capacities))


def form_groups(
    members: Sequence[int],
    starts: dict[int, Starts],
    needed: int,
    limit: int,
    enough: Callable[[Starts], bool],
    together: Sequence[Sequence[int]] = (),
    apart: Sequence[Sequence[int]] = (),
    span: int = 0,
    days: int = 0,
    day_slots: int = 0,
) -> list[list[int]]:
    """Partition ``members`` into ``needed`` groups (one more if commitments demand it) of at
    most ``limit``; ``enough(common)`` says whether a group's common start times can hold all
    its sessions. If some group is left without enough common time, groups built around
    times (see :func:`_by_time`, ``span`` the period's length in slots) are tried and the
    partition with fewer such groups is kept; if one is still left, the exact partition of
    :func:`by_model` (groups meeting on ``days`` days, ``day_slots`` slots a day) is tried."""
    groups = _by_fit(members, starts, needed, limit, enough, together, apart)
    short = sum(not enough(joined_all(g, starts)) for g in groups)
    if short and span:
        other = _by_time(members, starts, needed, limit, together, apart, span)
        if other is not None:
            _balance(other, starts, enough, _foes(apart), limit)
            if sum(not enough(joined_all(g, starts)) for g in other) < short:
                groups = sorted((sorted(g) for g in other if g), key=lambda g: g[0])
                short = sum(not enough(joined_all(g, starts)) for g in groups)
    if short and span and days:
        exact = by_model(members, starts, needed, limit, together, apart, span, days, day_slots,
                         hint=groups)  # fmt: skip
        if exact is not None and sum(not enough(joined_all(g, starts)) for g in exact) < short:
            groups = exact
    return groups


def by_model(
    members: Sequence[int],
    starts: dict[int, Starts],
    needed: int,
    limit: int,
    together: Sequence[Sequence[int]],
    apart: Sequence[Sequence[int]],
    span: int,
    days: int,
    day_slots: int,
    extra: int = 2,
    hint: Sequence[Sequence[int]] = (),
) -> list[list[int]] | None:
    """The partition of :mod:`optimizer.planning.partition` (``needed`` to ``needed + extra``
    groups, each meeting on ``days`` days of the period), sorted as the constructive one is."""
    from optimizer.planning.partition import partition, weekly

    units = _units(members, together)
    free = [weekly(joined_all(u, starts), span) for u in units]
    found = partition(units, free, needed, extra, limit, days, day_slots, _foes(apart),
                      SIZE_TOLERANCE, hint)  # fmt: skip
    if found is None:
        return None
    return sorted((sorted(g) for g in found if g), key=lambda g: g[0])


def _by_time(
    members: Sequence[int],
    starts: dict[int, Starts],
    needed: int,
    limit: int,
    together: Sequence[Sequence[int]],
    apart: Sequence[Sequence[int]],
    span: int,
) -> list[list[int]] | None:
    """Groups built around times: each time, the weekly time (an offset repeated every
    period) at which the most residents not yet placed are free, and up to a fair share of
    them, the most constrained first."""
    units = _units(members, together)
    foes = _foes(apart)
    horizon = len(next(iter(starts.values())))
    periods = horizon // span  # whole periods; a plan shorter than one period is one
    every: dict[int, Starts] = {}
    for i, unit in enumerate(units):
        flat = joined_all(unit, starts)
        if periods == 0:
            every[i] = np.concatenate([flat, np.zeros(span - horizon, dtype=bool)])
        else:
            mask = flat[: periods * span].reshape(periods, span)
            every[i] = np.asarray(mask.all(axis=0), dtype=bool)
    remaining = sorted(range(len(units)), key=lambda i: (int(every[i].sum()), i))
    groups: list[list[int]] = []
    total = len(members)
    while remaining and len(groups) < needed + 1:
        left = max(1, needed - len(groups))
        share = min(limit, math.ceil(sum(len(units[i]) for i in remaining) / left))
        counts = np.zeros(span, dtype=np.int32)
        for i in remaining:
            counts += every[i].astype(np.int32) * len(units[i])
        t = int(np.argmax(counts))
        if counts[t] == 0:
            break
        group: list[int] = []
        for i in list(remaining):
            unit = units[i]
            clash = any(foes.get(r, set()) & set(group) for r in unit)
            if every[i][t] and len(group) + len(unit) <= share and not clash:
                group += unit
                remaining.remove(i)
        groups.append(group)
        total -= len(group)
    if not groups:
        return None
    for i in remaining:  # no shared weekly time left: the group they fit best
        unit = units[i]
        best = max(
            range(len(groups)),
            key=lambda g: (len(groups[g]) + len(unit) <= limit,
                           int(joined_all([*groups[g], *unit], starts).sum())),
        )  # fmt: skip
        groups[best] += unit
    return groups


def _by_fit(
    members: Sequence[int],
    starts: dict[int, Starts],
    needed: int,
    limit: int,
    enough: Callable[[Starts], bool],
    together: Sequence[Sequence[int]],
    apart: Sequence[Sequence[int]],
) -> list[list[int]]:
    """Residents one at a time, the most constrained first, into the group whose common time
    shrinks least."""
    units = _units(members, together)
    foes = _foes(apart)
    groups: list[list[int]] = [[] for _ in range(needed)]
    common: list[Starts | None] = [None] * needed
    cap = max(1, min(limit, math.ceil(len(members) / max(1, needed)) + 1))

    def joined(g: int, unit: list[int]) -> Starts:
        mask = common[g]
        for r in unit:
            mask = starts[r] if mask is None else mask & starts[r]
        assert mask is not None
        return mask

    def allowed(g: int, unit: list[int]) -> bool:
        if len(groups[g]) + len(unit) > min(cap, limit):
            return False
        return not any(foes.get(r, set()) & set(groups[g]) for r in unit)

    order = sorted(units, key=lambda u: (int(joined_all(u, starts).sum()), u))
    for unit in order:
        options = [g for g in range(len(groups)) if allowed(g, unit)]
        scored = sorted(((int(joined(g, unit).sum()), -len(groups[g]), -g), g) for g in options)
        best = scored[-1][1] if scored else None
        fits = best is not None and enough(joined(best, unit))
        alone = enough(joined_all(unit, starts))  # a spare group helps only if it fits alone
        if not fits and alone and len(groups) == needed and needed > 0:
            groups.append([])  # the spare group: for residents who share too little time
            common.append(None)
            cap = max(cap, math.ceil(len(members) / len(groups)) + 1)
            if allowed(len(groups) - 1, unit) and (best is None or not fits):
                best = len(groups) - 1
        if best is None:  # every group full: the least full one takes them
            best = min(range(len(groups)), key=lambda g: (len(groups[g]), g))
        groups[best] += unit
        common[best] = joined(best, unit)
    groups = [sorted(g) for g in groups if g]
    _balance(groups, starts, enough, foes, limit)
    if len(members) <= SWAP_LIMIT:
        _swap(groups, starts, foes, {r for u in units if len(u) > 1 for r in u})
    return sorted((sorted(g) for g in groups if g), key=lambda g: g[0])


def joined_all(unit: Iterable[int], starts: dict[int, Starts]) -> Starts:
    masks = [starts[r] for r in unit]
    out = masks[0].copy()
    for m in masks[1:]:
        out &= m
    return out


def _units(members: Sequence[int], together: Sequence[Sequence[int]]) -> list[list[int]]:
    """Residents who must share a group, as one unit each (a union of overlapping lists)."""
    parent = {r: r for r in members}

    def root(r: int) -> int:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for ids in together:
        present = [r for r in ids if r in parent]
        for a, b in pairwise(present):
            parent[root(a)] = root(b)
    units: dict[int, list[int]] = {}
    for r in members:
        units.setdefault(root(r), []).append(r)
    return [sorted(u) for u in units.values()]


def _foes(apart: Sequence[Sequence[int]]) -> dict[int, set[int]]:
    foes: dict[int, set[int]] = {}
    for ids in apart:
        for r in ids:
            foes.setdefault(r, set()).update(x for x in ids if x != r)
    return foes


def _common(group: Iterable[int], starts: dict[int, Starts]) -> int:
    items = list(group)
    return int(joined_all(items, starts).sum()) if items else 0


def _balance(
    groups: list[list[int]],
    starts: dict[int, Starts],
    enough: Callable[[Starts], bool],
    foes: dict[int, set[int]],
    limit: int,
) -> None:
    """Move residents from the largest to the smallest group until sizes are within the
    tolerance, each time the resident whose move costs least common time."""
    for _ in range(sum(len(g) for g in groups)):
        big = max(range(len(groups)), key=lambda g: (len(groups[g]), -g))
        small = min(range(len(groups)), key=lambda g: (len(groups[g]), g))
        if len(groups[big]) - len(groups[small]) <= SIZE_TOLERANCE:
            return
        options = []
        for r in groups[big]:
            if foes.get(r, set()) & set(groups[small]) or len(groups[small]) + 1 > limit:
                continue
            mask = joined_all([*groups[small], r], starts)
            options.append((not enough(mask), -int(mask.sum()), r))
        if not options:
            return
        r = min(options)[2]
        groups[big].remove(r)
        groups[small].append(r)


def _swap(
    groups: list[list[int]],
    starts: dict[int, Starts],
    foes: dict[int, set[int]],
    fixed: set[int],
) -> None:
    """One pass of pairwise swaps between groups that raises the smaller common time."""
    for a in range(len(groups)):
        for b in range(a + 1, len(groups)):
            for r in list(groups[a]):
                if r in fixed:
                    continue
                base = min(_common(groups[a], starts), _common(groups[b], starts))
                best = None
                for q in groups[b]:
                    if q in fixed:
                        continue
                    ga = [x for x in groups[a] if x != r] + [q]
                    gb = [x for x in groups[b] if x != q] + [r]
                    if any(foes.get(x, set()) & set(ga) for x in ga) or any(
                        foes.get(x, set()) & set(gb) for x in gb
                    ):
                        continue
                    gain = min(_common(ga, starts), _common(gb, starts))
                    if gain > base and (best is None or gain > best[0]):
                        best = (gain, q)
                if best is not None:
                    q = best[1]
                    groups[a] = [x for x in groups[a] if x != r] + [q]
                    groups[b] = [x for x in groups[b] if x != q] + [r]
