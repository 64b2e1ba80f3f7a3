"""The re-plan goal ``replan_change``, counted from the previous and the new timetable: each
occurrence of the previous timetable that is not where it was (time, facilitator or room;
or dropped) costs once per person who would have to be told, and each block of the previous
on-call rota someone else now covers costs one. What lies before ``since`` happened and
costs nothing when kept. Rooms that are interchangeable (same features, capacity, house and
hours) count as the same room, as in the model: which of them a session gets is decided
after the solve."""

from __future__ import annotations

import datetime as dt

from optimizer.check.card import Card, GoalScore
from optimizer.check.view import View
from optimizer.timetable import Booking, OnCallShift


def _room_kind(v: View, room_id: str) -> object:
    r = v.rooms.get(room_id)
    if r is None:
        return room_id
    hours = tuple(w.text for w in r.available or ()), tuple(b.when.text for b in r.unavailable)
    return (frozenset(r.features), r.capacity, r.house, hours)


def _key(v: View, b: Booking) -> tuple[str, int]:
    return (b.session, v.period_of(v.programs[b.program], b.date))


def _kept(v: View, before: Booking, after: Booking | None) -> bool:
    return (
        after is not None
        and (after.date, after.start) == (before.date, before.start)
        and _room_kind(v, after.room) == _room_kind(v, before.room)
        and all(s in after.facilitators for s in before.facilitators if s in v.staff)
    )


def on_call_blocks(v: View, program: str) -> list[tuple[dt.date, int, int]]:
    """The rota's blocks: the program's length over each stretch of opening hours, from its
    start (a stretch running past midnight goes on into the next day)."""
    prog = v.programs[program]
    runs: list[list[int]] = []
    for i, date in enumerate(v.days()):
        for a, b in v.open_on(date):
            a, b = a + i * 1440, b + i * 1440
            if runs and runs[-1][1] == a:
                runs[-1][1] = b
            else:
                runs.append([a, b])
    out = []
    for a, b in runs:
        for start in range(a, b, prog.duration):
            end = min(start + prog.duration, b)
            date = v.start + dt.timedelta(days=start // 1440)
            out.append((date, start % 1440, end - (start - start % 1440)))
    return out


def _covers(s: OnCallShift, program: str, date: dt.date, start: int, end: int) -> bool:
    return s.program == program and s.date == date and s.start <= start and end <= s.end


def replan_change(c: Card, g: GoalScore) -> None:
    v, previous = c.view, c.previous
    if previous is None:
        return
    since = c.since or v.start
    now = {_key(v, b): b for b in v.bookings if v.regular(b) is not None}
    sessions = {b.session for b in v.bookings}
    seen: set[tuple[str, int]] = set()
    for b in previous.bookings:
        if not v.in_horizon(b.date) or v.regular(b) is None or _key(v, b) in seen:
            continue
        seen.add(_key(v, b))
        after = now.get(_key(v, b))
        if after is None and b.session not in sessions:
            continue  # the session is gone from the scenario: nothing to keep
        if not _kept(v, b, after):
            people = len(b.residents) + len(b.facilitators)
            g.count += people
            g.offenders.append(f"{b.session} on {b.date}: {people} people to tell")
    for program in {s.program for s in previous.on_call if s.program in v.programs}:
        for date, start, end in on_call_blocks(v, program):
            was = [s for s in previous.on_call if _covers(s, program, date, start, end)]
            if not was or was[-1].date < since or was[-1].staff not in v.staff:
                continue
            staff = was[-1].staff
            if not any(
                s.staff == staff and _covers(s, program, date, start, end) for s in v.shifts
            ):
                g.count += 1
                g.offenders.append(f"{program} on call {date}: no longer {staff}")
