"""From an assignment (each occurrence's start, facilitator and room pool; the on-call rota) to
the timetable people read: concrete rooms, dated bookings, on-call shifts and unmet demand.

Rooms of a pool are interchangeable, so they are assigned here by interval colouring in order
of start time; that never fails when the pool is never over-booked (the model's rule), and it
keeps a series in the same room every week where it can.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from optimizer.construct.constructor import Assignment
from optimizer.planning.cover import required_slots
from optimizer.planning.problem import Problem, slot_runs
from optimizer.rules.definitions import cover_short
from optimizer.scenario.phrases import DAY_NAMES, format_minutes
from optimizer.timetable import Booking, OnCallShift, Timetable, Unmet


def assign_rooms(p: Problem, a: Assignment, prefer: dict[int, int] | None = None) -> dict[int, int]:
    """Occurrence -> room. ``prefer`` maps an occurrence to a room to keep if it is free."""
    prefer = dict(prefer or {})
    by_pool: dict[int, list[tuple[int, int, int]]] = {}
    for o, placed in a.sessions.items():
        dur = p.programs[p.series[p.occurrences[o].series].program].duration
        by_pool.setdefault(placed.pool, []).append((placed.start, placed.start + dur, o))
    out: dict[int, int] = {}
    for pool, items in by_pool.items():
        rooms = p.pools[pool].rooms
        free_at = {r: -1 for r in rooms}  # room -> slot from which it is free
        last: dict[int, int] = {}  # series -> room it had last
        for start, end, o in sorted(items):
            series = p.occurrences[o].series
            free = [r for r in rooms if free_at[r] <= start]
            wanted = [prefer.get(o), last.get(series)]
            room = next((r for r in wanted if r in free), free[0] if free else rooms[0])
            free_at[room] = end
            last[series] = room
            out[o] = room
    return out


def timetable_of(p: Problem, a: Assignment, prefer: dict[int, int] | None = None) -> Timetable:
    clock = p.clock
    if prefer is None and p.previous is not None:
        prefer = {o: b.room for o, b in p.previous.bookings.items() if b.room is not None}
    rooms = assign_rooms(p, a, prefer)
    bookings: list[Booking] = []
    unplaced: list[int] = []
    for occ in p.occurrences:
        series = p.series[occ.series]
        group = p.groups[series.group]
        prog = p.programs[series.program]
        placed = a.sessions.get(occ.index)
        if placed is None:
            unplaced.append(occ.index)
            continue
        bookings.append(
            Booking(
                date=clock.date_of(placed.start),
                start=clock.minute_of(placed.start),
                end=clock.minute_of(placed.start) + prog.duration * clock.slot_minutes,
                program=prog.id,
                session=series.id,
                room=p.rooms[rooms[occ.index]].id,
                facilitators=(p.staff[placed.staff].id,),
                residents=tuple(sorted(p.residents[r].id for r in group.members)),
            )
        )
    # Reasons are filled in by the solve's last step (optimizer.explain.unmet), on its time budget.
    unmet = _unmet(p, unplaced) + cover_unmet(p, a.on_call)
    return Timetable(sorted(bookings), on_call_shifts(p, a.on_call), unmet)


def cover_unmet(p: Problem, on_duty: dict[int, int]) -> list[Unmet]:
    """A required ``cover`` the rota falls short of: one row per program, the gaps in words."""
    out = []
    for prog in p.programs:
        cover = p.scenario.programs[prog.index].cover
        if not prog.on_call or cover is None:
            continue
        required = required_slots(p, prog.index)
        covered = np.zeros(p.clock.horizon, dtype=bool)
        for block in p.on_call_blocks:
            if block.program == prog.index and block.index in on_duty:
                covered[block.start : block.end] = True
        total, gap = int(required.sum()), required & ~covered
        if not cover_short(cover, total, total - int(gap.sum())):
            continue
        words = []
        for a, b in slot_runs(gap):
            day = p.clock.date_of(a)
            start, end = p.clock.minute_of(a), p.clock.minute_of(a) + (b - a) * p.clock.slot_minutes
            words.append(f"{DAY_NAMES[day.weekday()]} {day} {format_minutes(start)}-"
                         f"{format_minutes(end)}")  # fmt: skip
        shown = ", ".join(words[:6]) + (f" and {len(words) - 6} more" if len(words) > 6 else "")
        share = 100 * (total - int(gap.sum())) / total
        reason = (
            f"the cover asked for ({cover.text}) is not reached: {share:.1f} % of those hours "
            f"have someone on call; no one is on call {shown}"
        )
        first, last = p.clock.start, p.clock.start + dt.timedelta(days=p.clock.days - 1)
        missing = len(slot_runs(gap))
        out.append(Unmet(prog.id, prog.id, "on call", f"{first}..{last}", missing, reason))
    return out


def on_call_shifts(p: Problem, on_duty: dict[int, int]) -> list[OnCallShift]:
    """Consecutive blocks with the same person on duty, on one day, become one shift."""
    clock = p.clock
    shifts: list[OnCallShift] = []
    current: list[int] | None = None  # [program, staff, start, end]
    for block in p.on_call_blocks:
        s = on_duty.get(block.index, -1)
        if (
            current is not None
            and s >= 0
            and current[0] == block.program
            and current[1] == s
            and current[3] == block.start
            and clock.date_of(current[2]) == clock.date_of(block.start)
        ):
            current[3] = block.end
            continue
        if current is not None:
            shifts.append(_shift(p, current))
            current = None
        if s >= 0:
            current = [block.program, s, block.start, block.end]
    if current is not None:
        shifts.append(_shift(p, current))
    return shifts


def _shift(p: Problem, c: list[int]) -> OnCallShift:
    clock = p.clock
    start = clock.minute_of(c[2])
    return OnCallShift(
        date=clock.date_of(c[2]),
        start=start,
        end=start + (c[3] - c[2]) * clock.slot_minutes,
        program=p.programs[c[0]].id,
        staff=p.staff[c[1]].id,
    )


def _unmet(p: Problem, unplaced: list[int]) -> list[Unmet]:
    out = []
    for o in unplaced:
        occ = p.occurrences[o]
        series = p.series[occ.series]
        group = p.groups[series.group]
        prog = p.programs[series.program]
        who = p.residents[group.members[0]].id if prog.one_each else f"group {group.name}"
        period = prog.periods[occ.period]
        a = p.clock.start + dt.timedelta(weeks=period.first_week)
        b = p.clock.start + dt.timedelta(weeks=period.end_week, days=-1)
        out.append(Unmet(prog.id, series.id, who, f"{a}..{b}", 1, ""))  # reason: diagnose
    return out
