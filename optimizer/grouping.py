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
) -> list[list[int]]:
    """Partition ``members`` into ``needed`` groups (one more if commitments demand it) of at
    most ``limit``; ``enough(common)`` says whether a group's common start times can hold all
    its sessions."""
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
