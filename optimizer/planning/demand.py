"""Demand: each program's groups (formed here, see :mod:`optimizer.planning.grouping`), recurring
series and dated occurrences with their allowed start slots, and the on-call blocks. Used by
:func:`optimizer.planning.problem.build_problem` only."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from optimizer.planning.grouping import fewest_groups, form_groups, group_size_limit, joined_all
from optimizer.planning.problem import (
    Clock,
    Group,
    KeptGroups,
    Mask,
    Occurrence,
    OnCallBlock,
    ProgramInfo,
    ResidentInfo,
    RoomInfo,
    Series,
    StaffInfo,
    slot_runs,
    starts_where_free,
)
from optimizer.rules.definitions import needs_different_days
from optimizer.scenario.schema import Grouping


def days_needed(prog: ProgramInfo) -> int:
    """On how many different days a group must be able to meet in a period."""
    if prog.same_day_allowed:
        return 1
    return max((period.count for period in prog.periods), default=0)


def group_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


class DemandBuilder:
    """Turns programs into groups, series and occurrences with pruned start windows."""

    def __init__(
        self,
        clock: Clock,
        open_mask: Mask,
        rooms: tuple[RoomInfo, ...],
        staff: tuple[StaffInfo, ...],
        residents: tuple[ResidentInfo, ...],
        houses: list[str],
    ):
        self.clock = clock
        self.open = open_mask
        self.rooms = rooms
        self.staff = staff
        self.residents = residents
        self.houses = houses
        self.groups: list[Group] = []
        self.series: list[Series] = []
        self.occurrences: list[Occurrence] = []
        self.blocks: list[OnCallBlock] = []
        self.grouping = Grouping()
        self.keep: KeptGroups = {}
        self._index = {r.id: r.index for r in residents}

    def _house_split(self, members: tuple[int, ...]) -> list[tuple[int | None, tuple[int, ...]]]:
        if not self.houses:
            return [(None, members)]
        return [
            (h, tuple(m for m in members if self.residents[m].house == h))
            for h in range(len(self.houses))
            if any(self.residents[m].house == h for m in members)
        ]

    def _resource_mask(self, prog: ProgramInfo, house: int | None, people: int = 1) -> Mask:
        """Slots where a candidate room for ``people`` and a qualified facilitator are free."""
        room_mask = self.clock.empty()
        for r in self.rooms:
            fits = r.capacity >= people
            if fits and prog.features <= r.features and (house is None or r.house == house):
                room_mask |= r.available
        staff_mask = self.clock.empty()
        for s in prog.qualified:
            if self.staff[s].serves(house):
                staff_mask |= self.staff[s].available
        return self.open & room_mask & staff_mask

    def add_program(self, prog: ProgramInfo) -> None:
        for house, members in self._house_split(prog.attendees):
            if not members:  # nobody attends: nothing to schedule
                continue
            base = self._resource_mask(prog, house)
            prefix = f"{self.houses[house]}-" if house is not None else ""
            if prog.one_each:
                for m in members:
                    self._add_group(prog, house, self.residents[m].id, (m,), members, False, 1,
                                    base)  # fmt: skip
                continue
            capacities = [
                r.capacity
                for r in self.rooms
                if prog.features <= r.features and (house is None or r.house == house)
            ]
            limit = group_size_limit(prog.max_group_size, len(members), capacities)
            needed = fewest_groups(prog.max_group_size, len(members), capacities)
            for name, group, spare in self._groups(prog, house, members, base, limit, needed):
                self._add_group(prog, house, prefix + name, tuple(group), members, spare, limit,
                                base)  # fmt: skip

    def _groups(
        self,
        prog: ProgramInfo,
        house: int | None,
        members: tuple[int, ...],
        base: Mask,
        limit: int,
        needed: int,
    ) -> list[tuple[str, list[int], bool]]:
        """(name, members, spare) for each group of a program in a house."""
        # Times when a room holds a group of the expected size (a yard by day, not a small
        # activity room), so groups are formed around times they can really meet.
        size = math.ceil(len(members) / max(1, needed))
        held = self._resource_mask(prog, house, size + 1)
        base = held if held.any() else base
        starts = {
            m: starts_where_free(base & self.residents[m].free, prog.duration).reshape(-1)
            for m in members
        }
        kept = {
            name: [self._index[r] for r in ids if self._index.get(r) in starts]
            for (pid, name), ids in sorted(self.keep.items())
            if pid == prog.id and self._house_of(ids) == house
        }
        kept = {name: g for name, g in kept.items() if g}
        if kept and sorted(r for g in kept.values() for r in g) == sorted(members):
            # groups given whole (re-grouped by the search): those beyond the fewest are spare
            named = sorted(kept.items(), key=lambda item: (len(item[0]), item[0]))
            return [(n.rsplit("-", 1)[-1], sorted(g), i >= needed)
                    for i, (n, g) in enumerate(named)]  # fmt: skip
        if kept:  # a re-plan: residents keep their groups; newcomers join the best one
            return self._join_kept(kept, members, starts, limit)
        groups = form_groups(
            members,
            starts,
            needed,
            limit,
            self._enough(prog),
            [self._ids(ids) for ids in self.grouping.together],
            [self._ids(ids) for ids in self.grouping.apart],
            span=prog.period_weeks * self.clock.week_slots,
            days=days_needed(prog),
            day_slots=self.clock.slots_per_day,
        )
        return [(group_letter(i), g, i >= needed) for i, g in enumerate(groups)]

    def _join_kept(
        self,
        kept: dict[str, list[int]],
        members: tuple[int, ...],
        starts: dict[int, NDArray[np.bool_]],
        limit: int,
    ) -> list[tuple[str, list[int], bool]]:
        prefix_free = {name.rsplit("-", 1)[-1] for name in kept}
        groups = {name.rsplit("-", 1)[-1]: list(g) for name, g in kept.items()}
        placed = {r for g in groups.values() for r in g}
        for r in members:
            if r in placed:
                continue
            open_groups = [n for n, g in groups.items() if len(g) < limit]
            if not open_groups:
                name = next(group_letter(i) for i in range(len(members) + 1)
                            if group_letter(i) not in groups)  # fmt: skip
                groups[name] = []
                open_groups = [name]
            best = max(open_groups, key=lambda n: (int(joined_all([*groups[n], r], starts).sum()),
                                                   n))  # fmt: skip
            groups[best].append(r)
        return [(n, sorted(g), n not in prefix_free) for n, g in sorted(groups.items())]

    def _ids(self, ids: list[str]) -> list[int]:
        return [self._index[r] for r in ids if r in self._index]

    def _house_of(self, ids: tuple[str, ...]) -> int | None:
        for r in ids:
            if r in self._index:
                return self.residents[self._index[r]].house
        return None

    def _enough(self, prog: ProgramInfo) -> Callable[[NDArray[np.bool_]], bool]:
        """Whether common start times can hold every session of a group: in each period,
        starts on as many different days as sessions (one day will do if allowed)."""
        spd = self.clock.slots_per_day
        week_days = 7

        def enough(common: NDArray[np.bool_]) -> bool:
            by_day = np.asarray(common.reshape(-1, spd).any(axis=1))
            for period in prog.periods:
                days = by_day[period.first_week * week_days : period.end_week * week_days]
                need = period.count if needs_different_days(prog) else 1
                if int(days.sum()) < need:
                    return False
            return True

        return enough

    def _add_group(
        self,
        prog: ProgramInfo,
        house: int | None,
        name: str,
        members: tuple[int, ...],
        candidates: tuple[int, ...],
        optional: bool,
        max_size: int,
        base: Mask,
    ) -> None:
        group = Group(len(self.groups), prog.index, house, name, members, candidates, optional,
                      max_size)  # fmt: skip
        self.groups.append(group)
        mask = base.copy()
        for m in members:
            mask &= self.residents[m].free
        flat = starts_where_free(mask, prog.duration).reshape(-1)
        week = self.clock.week_slots
        for k in range(prog.times):
            sid = len(self.series)
            occ_ids = []
            for period in prog.periods:
                if k >= period.count:
                    continue
                lo, hi = period.first_week * week, period.end_week * week
                starts = tuple(int(s) + lo for s in np.flatnonzero(flat[lo:hi]))
                occ = Occurrence(len(self.occurrences), sid, period.index, k, lo, hi, starts)
                self.occurrences.append(occ)
                occ_ids.append(occ.index)
            self.series.append(
                Series(sid, prog.index, group.index, k, f"{prog.id}/{name}/{k + 1}", tuple(occ_ids))
            )

    def add_on_call(self, prog: ProgramInfo) -> None:
        """One organisation-wide rota per crisis program, in blocks of the program's length."""
        cands = [self.staff[s] for s in prog.qualified]
        for a, b in slot_runs(self.open.reshape(-1)):
            for start in range(a, b, prog.duration):
                end = min(start + prog.duration, b)
                ok = tuple(s.index for s in cands if s.available.reshape(-1)[start:end].all())
                self.blocks.append(OnCallBlock(len(self.blocks), prog.index, start, end, ok))
