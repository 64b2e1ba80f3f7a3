"""A frozen, index-based view of a scenario for the model: the types (built by
:func:`optimizer.planning.build.build_problem`).

Everything the model needs is resolved here once: time becomes slots counted from the first
Monday's midnight, windows become boolean masks per day, ids become indices, and each program's
demand becomes groups, recurring series and dated occurrences with their allowed start slots.
The model code never reads YAML or parses a phrase.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass

from optimizer.planning.slots import Clock, slot_runs, starts_where_free
from optimizer.planning.slots import Mask as _Mask
from optimizer.scenario.schema import Scenario
from optimizer.timetable import Booking, OnCallShift

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
    formed before the model (see :mod:`optimizer.planning.grouping`). ``optional`` marks a spare
    group beyond the fewest that fit (it costs the goal ``extra_group``)."""

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
    since: dt.date | None = None  # the first day that may change; before it, the past
    since_slot: int = 0  # the slot where ``since`` begins: nothing new starts before it
    rows: tuple[Booking, ...] = ()  # the previous timetable as handed out, every column
    shifts: tuple[OnCallShift, ...] = ()


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
    previous: Previous | None = None  # set when re-planning

    def spread_target(self, program: int) -> int:
        """How many days apart a group's sessions in one period should be (at least 1)."""
        prog = self.programs[program]
        return max(1, (self.open_weekdays * prog.period_weeks) // max(1, prog.times))

    @functools.cached_property
    def open_weekdays(self) -> int:
        """On how many weekdays the home is ever open."""
        return len({d % 7 for d in range(self.clock.days) if self.open[d].any()})

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


KeptGroups = dict[tuple[str, str], tuple[str, ...]]  # (program id, group name) -> resident ids
