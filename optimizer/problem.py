"""A frozen, index-based view of a scenario for the model.

Everything the model needs is resolved here once: time becomes slots counted from the first
Monday's midnight, windows become boolean masks per day, ids become indices, and each program's
demand becomes groups, recurring series and dated occurrences with their allowed start slots.
The model code never reads YAML or parses a phrase.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from .grouping import fewest_groups, form_groups, group_size_limit, joined_all
from .scenario.phrases import Window
from .scenario.schema import Grouping, Program, Scenario, TimedBlock

Mask = NDArray[np.bool_]  # shape (days, slots_per_day)


@dataclass(frozen=True)
class Clock:
    start: dt.date
    days: int
    slot_minutes: int

    @property
    def slots_per_day(self) -> int:
        return 24 * 60 // self.slot_minutes

    @property
    def week_slots(self) -> int:
        return 7 * self.slots_per_day

    @property
    def horizon(self) -> int:
        return self.days * self.slots_per_day

    def date_of(self, slot: int) -> dt.date:
        return self.start + dt.timedelta(days=slot // self.slots_per_day)

    def minute_of(self, slot: int) -> int:
        return (slot % self.slots_per_day) * self.slot_minutes

    def slot_of(self, day: dt.date, minute: int) -> int:
        return (day - self.start).days * self.slots_per_day + minute // self.slot_minutes

    def week_of(self, slot: int) -> int:
        return slot // self.week_slots

    def slots(self, minutes: int) -> int:
        return minutes // self.slot_minutes

    def empty(self) -> Mask:
        return np.zeros((self.days, self.slots_per_day), dtype=bool)

    def mask(self, windows: list[Window], *, widen: bool) -> Mask:
        """Slots covered by ``windows``; partly covered slots count only when ``widen``."""
        out = self.empty()
        for d in range(self.days):
            day = self.start + dt.timedelta(days=d)
            for w in windows:
                if w.applies_on(day):
                    if widen:
                        a = w.start // self.slot_minutes
                        b = -(-w.end // self.slot_minutes)
                    else:
                        a = -(-w.start // self.slot_minutes)
                        b = w.end // self.slot_minutes
                    out[d, a:b] = True
        return out


def starts_where_free(mask: Mask, length: int) -> Mask:
    """Start slots where ``length`` consecutive slots of the same day are all free."""
    days, spd = mask.shape
    out = np.zeros_like(mask)
    if length > spd:
        return out
    c = np.concatenate([np.zeros((days, 1), dtype=np.int32), np.cumsum(mask, axis=1)], axis=1)
    run = c[:, length:] - c[:, : spd - length + 1]
    out[:, : spd - length + 1] = run == length
    return out


def slot_runs(flat: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Maximal runs of True in a flat array as half-open (start, end) pairs."""
    padded = np.concatenate([[False], flat, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


@dataclass(frozen=True)
class RoomInfo:
    index: int
    id: str
    label: str
    capacity: int
    features: frozenset[str]
    house: int | None
    available: Mask


@dataclass(frozen=True)
class RoomPool:
    """Rooms that are interchangeable: same features, capacity, house and hours. The model
    books a pool (at most ``len(rooms)`` sessions at once); rooms are assigned afterwards."""

    index: int
    rooms: tuple[int, ...]
    capacity: int
    features: frozenset[str]
    house: int | None
    available: Mask


@dataclass(frozen=True)
class StaffInfo:
    index: int
    id: str
    label: str
    roles: frozenset[str]
    houses: frozenset[int] | None  # None: serves every house
    available: Mask
    max_slots_per_week: int | None
    prefers: Mask | None
    avoids: Mask | None

    def serves(self, house: int | None) -> bool:
        return house is None or self.houses is None or house in self.houses


@dataclass(frozen=True)
class ResidentInfo:
    index: int
    id: str
    label: str
    house: int | None
    tracks: frozenset[str]
    free: Mask
    dated_busy: Mask  # one-off appointments: the weeks they fall in may move a session


@dataclass(frozen=True)
class Period:
    """Weeks ``[first_week, end_week)`` in which a series needs ``count`` occurrences."""

    index: int
    first_week: int
    end_week: int
    count: int


@dataclass(frozen=True)
class ProgramInfo:
    index: int
    id: str
    label: str
    duration: int  # slots
    times: int
    period_weeks: int
    on_call: bool
    one_each: bool
    roles: frozenset[str]
    features: frozenset[str]
    attendees: tuple[int, ...]
    max_group_size: int | None
    qualified: tuple[int, ...]  # staff who hold every role
    periods: tuple[Period, ...]
    same_day_allowed: bool = False  # may a group's sessions of one week share a day?


@dataclass(frozen=True)
class Group:
    """A set of residents who meet together for one program (one resident for one-on-ones),
    formed before the model (see :mod:`optimizer.grouping`). ``optional`` marks a spare group
    beyond the fewest that fit (it costs the goal ``extra_group``)."""

    index: int
    program: int
    house: int | None
    name: str
    members: tuple[int, ...]
    candidates: tuple[int, ...]  # everyone of the program and house (who could have joined)
    optional: bool
    max_size: int


@dataclass(frozen=True)
class Occurrence:
    index: int
    series: int
    period: int
    k: int  # which of the period's sessions
    lo: int  # first allowed start slot (inclusive)
    hi: int  # last allowed end slot (exclusive)
    starts: tuple[int, ...]  # allowed start slots


@dataclass(frozen=True)
class Series:
    """A recurring session: the same group's k-th session of a program, every period."""

    index: int
    program: int
    group: int
    k: int
    id: str
    occurrences: tuple[int, ...] = ()


@dataclass(frozen=True)
class OnCallBlock:
    index: int
    program: int
    start: int
    end: int
    candidates: tuple[int, ...]


@dataclass(frozen=True)
class PreviousBooking:
    """Where an occurrence was in the timetable being re-planned."""

    start: int
    staff: tuple[int, ...]
    room: int | None
    people: int  # residents and staff who would have to be told of a change
    frozen: bool  # before --since: it happened, keep it


@dataclass(frozen=True)
class Previous:
    """The timetable a re-plan starts from, matched to this problem's occurrences."""

    bookings: dict[int, PreviousBooking]  # by occurrence index
    members: frozenset[tuple[int, int]]  # (resident, group) as before
    frozen_members: frozenset[tuple[int, int]]
    on_call: dict[int, tuple[int, bool]]  # on-call block -> (staff, frozen)


@dataclass(frozen=True)
class Problem:
    scenario: Scenario
    clock: Clock
    open: Mask
    houses: tuple[str, ...]
    rooms: tuple[RoomInfo, ...]
    pools: tuple[RoomPool, ...]
    staff: tuple[StaffInfo, ...]
    residents: tuple[ResidentInfo, ...]
    programs: tuple[ProgramInfo, ...]
    groups: tuple[Group, ...]
    series: tuple[Series, ...]
    occurrences: tuple[Occurrence, ...]
    on_call_blocks: tuple[OnCallBlock, ...]
    notes: tuple[str, ...] = field(default=())
    previous: Previous | None = None  # set when re-planning

    def spread_target(self, program: int) -> int:
        """How many days apart a group's sessions in one period should be (at least 1)."""
        prog = self.programs[program]
        return max(1, (self.open_weekdays * prog.period_weeks) // max(1, prog.times))

    @functools.cached_property
    def open_weekdays(self) -> int:
        """On how many weekdays the home is ever open."""
        return len({d % 7 for d in range(self.clock.days) if self.open[d].any()})

    def staff_index(self, sid: str) -> int:
        return next(s.index for s in self.staff if s.id == sid)

    def room_candidates(self, program: ProgramInfo, house: int | None) -> list[RoomInfo]:
        return [
            r
            for r in self.rooms
            if program.features <= r.features and (house is None or r.house == house)
        ]

    def pool_candidates(self, group: Group) -> list[RoomPool]:
        """Room pools with the program's features, in the group's house, that hold the group
        and its facilitator."""
        prog = self.programs[group.program]
        return [
            pool
            for pool in self.pools
            if prog.features <= pool.features
            and (group.house is None or pool.house == group.house)
            and pool.capacity >= len(group.members) + 1
        ]

    def staff_candidates(self, program: ProgramInfo, house: int | None) -> list[StaffInfo]:
        return [self.staff[s] for s in program.qualified if self.staff[s].serves(house)]


def _blocks(blocks: list[TimedBlock]) -> list[Window]:
    return [b.when for b in blocks]


def periods_for(weeks: int, times: int, period_weeks: int) -> tuple[Period, ...]:
    """Full periods need ``times``; a final period cut short gets a share, rounded half up."""
    out: list[Period] = []
    first = 0
    while first < weeks:
        end = min(first + period_weeks, weeks)
        share = times * (end - first) / period_weeks
        count = times if end - first == period_weeks else math.floor(share + 0.5)
        if count:
            out.append(Period(len(out), first, end, count))
        first = end
    return tuple(out)


def group_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _pools(rooms: tuple[RoomInfo, ...]) -> tuple[RoomPool, ...]:
    by_kind: dict[tuple[object, ...], list[RoomInfo]] = {}
    for r in rooms:
        key = (r.features, r.capacity, r.house, r.available.tobytes())
        by_kind.setdefault(key, []).append(r)
    pools = []
    for i, same in enumerate(by_kind.values()):
        first = same[0]
        members = tuple(r.index for r in same)
        pools.append(
            RoomPool(i, members, first.capacity, first.features, first.house, first.available)
        )
    return tuple(pools)


KeptGroups = dict[tuple[str, str], tuple[str, ...]]  # (program id, group name) -> resident ids


def build_problem(scenario: Scenario, keep_groups: KeptGroups | None = None) -> Problem:
    """The problem; ``keep_groups`` (a re-plan) keeps the previous timetable's groups."""
    cal = scenario.calendar
    clock = Clock(cal.start, cal.days, cal.slot_minutes)
    open_mask = clock.mask(cal.open, widen=False) & ~clock.mask(_blocks(cal.closed), widen=True)

    house_ids = sorted({r.house for r in scenario.rooms if r.house})
    house_index = {h: i for i, h in enumerate(house_ids)}

    def avail(windows: list[Window] | None, unavailable: list[TimedBlock]) -> Mask:
        base = open_mask if windows is None else open_mask & clock.mask(windows, widen=False)
        return base & ~clock.mask(_blocks(unavailable), widen=True)

    rooms = tuple(
        RoomInfo(
            i,
            r.id,
            r.label,
            r.capacity,
            frozenset(r.features),
            house_index[r.house] if r.house else None,
            avail(r.available, r.unavailable),
        )
        for i, r in enumerate(scenario.rooms)
    )
    staff = tuple(
        StaffInfo(
            i,
            s.id,
            s.label,
            frozenset(s.roles),
            frozenset(house_index[h] for h in s.houses) if s.houses else None,
            avail(s.available, s.unavailable),
            int(s.max_hours_per_week * 60 // cal.slot_minutes) if s.max_hours_per_week else None,
            clock.mask(s.prefers, widen=False) if s.prefers else None,
            clock.mask(s.avoids, widen=True) if s.avoids else None,
        )
        for i, s in enumerate(scenario.staff)
    )
    residents = tuple(
        ResidentInfo(
            i,
            r.id,
            r.label,
            house_index[r.house] if r.house else None,
            frozenset(r.tracks),
            ~clock.mask(_blocks(r.busy), widen=True),
            clock.mask([b.when for b in r.busy if b.when.dated], widen=True),
        )
        for i, r in enumerate(scenario.residents)
    )
    resident_index = {r.id: r.index for r in residents}
    programs = tuple(
        _program_info(i, p, scenario, staff, residents, resident_index, clock)
        for i, p in enumerate(scenario.programs)
    )

    builder = _DemandBuilder(clock, open_mask, rooms, staff, residents, house_ids)
    builder.grouping = scenario.grouping
    builder.keep = keep_groups or {}
    for prog in programs:
        if prog.on_call:
            builder.add_on_call(prog)
        else:
            builder.add_program(prog)

    return Problem(
        scenario=scenario,
        clock=clock,
        open=open_mask,
        houses=tuple(house_ids),
        rooms=rooms,
        pools=_pools(rooms),
        staff=staff,
        residents=residents,
        programs=programs,
        groups=tuple(builder.groups),
        series=tuple(builder.series),
        occurrences=tuple(builder.occurrences),
        on_call_blocks=tuple(builder.blocks),
    )


def _program_info(
    i: int,
    p: Program,
    scenario: Scenario,
    staff: tuple[StaffInfo, ...],
    residents: tuple[ResidentInfo, ...],
    resident_index: dict[str, int],
    clock: Clock,
) -> ProgramInfo:
    att = p.attendees
    if att.kind == "all":
        attendees = tuple(r.index for r in residents)
    elif att.kind == "track":
        attendees = tuple(r.index for r in residents if att.track in r.tracks)
    else:
        attendees = tuple(resident_index[rid] for rid in att.ids)
    roles = frozenset(p.facilitator)
    freq = p.frequency
    return ProgramInfo(
        index=i,
        id=p.id,
        label=p.label,
        duration=clock.slots(p.duration),
        times=freq.times,
        period_weeks=freq.period_weeks,
        on_call=freq.as_needed,
        one_each=att.one_each,
        roles=roles,
        features=frozenset(p.room),
        attendees=attendees,
        max_group_size=p.max_group_size,
        qualified=tuple(s.index for s in staff if roles <= s.roles),
        same_day_allowed=p.same_day_allowed,
        periods=()
        if freq.as_needed
        else periods_for(scenario.calendar.weeks, freq.times, freq.period_weeks),
    )


class _DemandBuilder:
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

    def _resource_mask(self, prog: ProgramInfo, house: int | None) -> Mask:
        """Slots where at least one candidate room and one qualified facilitator are free."""
        room_mask = self.clock.empty()
        for r in self.rooms:
            if prog.features <= r.features and (house is None or r.house == house):
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
                need = 1 if prog.same_day_allowed else period.count
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
