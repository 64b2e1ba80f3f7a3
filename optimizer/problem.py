"""A frozen, index-based view of a scenario for the model.

Everything the model needs is resolved here once: time becomes slots counted from the first
Monday's midnight, windows become boolean masks per day, ids become indices, and each program's
demand becomes groups, recurring series and dated occurrences with their allowed start slots.
The model code never reads YAML or parses a phrase.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from .scenario.phrases import Window
from .scenario.schema import Program, Scenario, TimedBlock
from .slots import Clock, slot_runs, starts_where_free
from .slots import Mask as _Mask

Mask = _Mask
__all__ = ["Clock", "Mask", "slot_runs", "starts_where_free"]  # re-exported from .slots


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

    bookings: dict[int, PreviousBooking]  # by occurrence index (groups: build_problem keeps them)
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

    def pools_for(self, program: ProgramInfo, house: int | None, seats: int = 0) -> list[RoomPool]:
        """Room pools with the program's features, in ``house``, of at least ``seats``."""
        return [
            pool
            for pool in self.pools
            if program.features <= pool.features
            and (house is None or pool.house == house)
            and pool.capacity >= seats
        ]

    def pool_candidates(self, group: Group) -> list[RoomPool]:
        """Room pools with the program's features, in the group's house, that hold the group
        and its facilitator."""
        return self.pools_for(self.programs[group.program], group.house, len(group.members) + 1)

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

    # A house may have residents and no room (every session there is then unmet, and check
    # says why): houses come from both.
    house_ids = sorted(
        {r.house for r in scenario.rooms if r.house}
        | {r.house for r in scenario.residents if r.house}
    )
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

    from .demand import DemandBuilder  # the builder reads this module's types

    builder = DemandBuilder(clock, open_mask, rooms, staff, residents, house_ids)
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
