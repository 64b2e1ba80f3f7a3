"""A scenario made into a :class:`~optimizer.planning.problem.Problem`: time as slots, windows as
masks, ids as indices, and each program's demand as groups, series and occurrences
(:class:`~optimizer.planning.demand.DemandBuilder`)."""

from __future__ import annotations

from optimizer.planning.demand import DemandBuilder
from optimizer.planning.problem import (
    Clock,
    KeptGroups,
    Mask,
    Problem,
    ProgramInfo,
    ResidentInfo,
    RoomInfo,
    RoomPool,
    StaffInfo,
    periods_for,
)
from optimizer.scenario.phrases import Window
from optimizer.scenario.schema import Program, Scenario, TimedBlock


def _blocks(blocks: list[TimedBlock]) -> list[Window]:
    return [b.when for b in blocks]


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
        )
        for i, r in enumerate(scenario.residents)
    )
    resident_index = {r.id: r.index for r in residents}
    programs = tuple(
        _program_info(i, p, scenario, staff, residents, resident_index, clock)
        for i, p in enumerate(scenario.programs)
    )

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
