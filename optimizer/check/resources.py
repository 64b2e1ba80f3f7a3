"""Checks of resources over time: a room, a staff member and a resident are each in one place
at a time, and staff stay within their weekly hours."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from optimizer.check.text import (
    Interval,
    and_,
    day,
    hours_minutes,
    length,
    merge,
    overlapping_pairs,
    session,
    when,
)
from optimizer.check.text import what as what_of
from optimizer.check.view import View
from optimizer.timetable import Booking, OnCallShift


def room_double_booked(v: View) -> Iterator[str]:
    by_room: dict[tuple[str, dt.date], list[tuple[int, int, Booking]]] = defaultdict(list)
    for b in v.bookings:
        by_room[(b.room, b.date)].append((b.start, b.end, b))
    for (room, date), items in by_room.items():
        for x, y in overlapping_pairs(items):
            at = when(date, max(x.start, y.start), min(x.end, y.end))
            yield f"{at}: room {room} is booked twice ({session(x)} and {session(y)})."


def facilitator_double_booked(v: View) -> Iterator[str]:
    """One session or on-call shift at a time (on call for two crisis programs at once is
    allowed); a session lists each facilitator once."""
    for b in v.bookings:
        seen: set[str] = set()
        for sid in b.facilitators:
            if sid not in seen:
                seen.add(sid)
                continue
            yield (
                f"{when(b.date, b.start, b.end)}: staff {sid} is listed twice as a facilitator "
                f"of {session(b)}."
            )
    by_staff: dict[tuple[str, dt.date], list[tuple[int, int, Booking | OnCallShift]]]
    by_staff = defaultdict(list)
    for b in v.bookings:
        for sid in dict.fromkeys(b.facilitators):
            by_staff[(sid, b.date)].append((b.start, b.end, b))
    for s in v.shifts:
        by_staff[(s.staff, s.date)].append((s.start, s.end, s))
    for (sid, date), items in by_staff.items():
        if len(items) < 2:
            continue
        for x, y in overlapping_pairs(items):
            if isinstance(x, OnCallShift) and isinstance(y, OnCallShift):
                continue
            at = when(date, max(x.start, y.start), min(x.end, y.end))
            yield f"{at}: staff {sid} is booked twice ({what_of(x)} and {what_of(y)})."


def resident_double_booked(v: View) -> Iterator[str]:
    for b in v.bookings:
        if len(set(b.residents)) != len(b.residents):
            twice = sorted({r for r in b.residents if b.residents.count(r) > 1})
            yield f"{when(b.date, b.start, b.end)}: {and_(twice)} listed twice in {session(b)}."
    by_resident: dict[tuple[str, dt.date], list[tuple[int, int, Booking]]] = defaultdict(list)
    for b in v.bookings:
        for rid in dict.fromkeys(b.residents):
            by_resident[(rid, b.date)].append((b.start, b.end, b))
    for (rid, date), items in by_resident.items():
        if len(items) < 2:
            continue
        for x, y in overlapping_pairs(items):
            at = when(date, max(x.start, y.start), min(x.end, y.end))
            yield f"{at}: resident {rid} is booked twice ({session(x)} and {session(y)})."


def counted_on_call(v: View) -> dict[tuple[str, int], int]:
    """Minutes on call per (staff, week) for programs whose on-call time counts toward
    weekly hours (``on_call_counts_toward_hours``); on call for two at once counts once."""
    spans: dict[tuple[str, dt.date], list[Interval]] = defaultdict(list)
    for s in v.shifts:
        prog = v.programs.get(s.program)
        if prog is not None and prog.on_call_counts_toward_hours and v.in_horizon(s.date):
            spans[(s.staff, s.date)].append((s.start, s.end))
    out: dict[tuple[str, int], int] = defaultdict(int)
    for (sid, date), items in spans.items():
        out[(sid, v.week_of(date))] += length(merge(items))
    return out


def weekly_hours(v: View) -> Iterator[str]:
    minutes: dict[tuple[str, int], int] = defaultdict(int)
    for b in v.bookings:
        if not v.in_horizon(b.date) or b.end <= b.start:
            continue
        week = v.week_of(b.date)
        for sid in dict.fromkeys(b.facilitators):
            minutes[(sid, week)] += b.end - b.start
    on_call = counted_on_call(v)
    for sid, week in sorted(set(minutes) | set(on_call)):
        st = v.staff.get(sid)
        if st is None or st.max_hours_per_week is None:
            continue
        led, duty = minutes.get((sid, week), 0), on_call.get((sid, week), 0)
        if led + duty > st.max_hours_per_week * 60:
            first = v.start + dt.timedelta(days=7 * week)
            last = first + dt.timedelta(days=6)
            also = f" and is on call {hours_minutes(duty)} (counted toward weekly hours)"
            yield (
                f"Week {week + 1} ({day(first)} to {day(last)}): staff {sid} leads "
                f"{hours_minutes(led)} of sessions{also if duty else ''}; at most "
                f"{st.max_hours_per_week:g} hours are allowed."
            )
