"""Checks of where and when each session is: opening hours, the room, and whether its
facilitator and residents are free and in its house."""

from __future__ import annotations

from collections.abc import Iterator

from optimizer.check.text import and_, block_text, contains, session, span, when
from optimizer.check.view import View


def opening_hours(v: View) -> Iterator[str]:
    for b in v.bookings:
        if v.in_horizon(b.date) and not contains(v.open_on(b.date), b.start, b.end):
            hours = ", ".join(span(a, e) for a, e in v.open_on(b.date)) or "closed all day"
            yield (
                f"{when(b.date, b.start, b.end)}: {session(b)} is outside the opening hours "
                f"(that day: {hours})."
            )


def room_features(v: View) -> Iterator[str]:
    for b in v.bookings:
        prog, room = v.regular(b), v.rooms.get(b.room)
        if prog is None or room is None:
            continue
        missing = [f for f in prog.room if f not in room.features]
        if missing:
            yield (
                f"{when(b.date, b.start, b.end)}: {session(b)} is in room {room.id}, which lacks "
                f"{and_(missing)} needed by {prog.id}."
            )


def room_capacity(v: View) -> Iterator[str]:
    """The group and its facilitator fit in the room."""
    for b in v.bookings:
        room = v.rooms.get(b.room)
        people = len(b.residents) + len(b.facilitators)
        if room is not None and people > room.capacity:
            yield (
                f"{when(b.date, b.start, b.end)}: {session(b)} puts {people} people in room "
                f"{room.id}, which holds {room.capacity}."
            )


def room_available(v: View) -> Iterator[str]:
    for b in v.bookings:
        room = v.rooms.get(b.room)
        if room is None or not v.in_horizon(b.date):
            continue
        why = v.availability_problem(room.available, room.unavailable, b.date, b.start, b.end)
        if why:
            yield f"{when(b.date, b.start, b.end)}: {session(b)} is in room {room.id}, which {why}."


def facilitator_available(v: View) -> Iterator[str]:
    for b in v.bookings:
        if not v.in_horizon(b.date):
            continue
        for sid in dict.fromkeys(b.facilitators):
            st = v.staff.get(sid)
            if st is None:
                continue
            why = v.availability_problem(st.available, st.unavailable, b.date, b.start, b.end)
            if why:
                yield f"{when(b.date, b.start, b.end)}: staff {sid} leads {session(b)} but {why}."


def resident_busy(v: View) -> Iterator[str]:
    for b in v.bookings:
        if not v.in_horizon(b.date):
            continue
        for rid in dict.fromkeys(b.residents):
            res = v.residents.get(rid)
            block = v.clash(res.busy, b.date, b.start, b.end) if res else None
            if block is not None:
                yield (
                    f"{when(b.date, b.start, b.end)}: resident {rid} is booked in {session(b)} "
                    f"but is busy {block_text(block)}."
                )


def house(v: View) -> Iterator[str]:
    """Residents meet in a room of their own house, led by staff who serve it."""
    if not v.houses_used:
        return
    for b in v.bookings:
        room = v.rooms.get(b.room)
        if room is None:
            continue
        at = when(b.date, b.start, b.end)
        for sid in dict.fromkeys(b.facilitators):
            st = v.staff.get(sid)
            if st is not None and st.houses is not None and room.house not in st.houses:
                yield (
                    f"{at}: staff {sid} leads {session(b)} in room {room.id} of house "
                    f"{room.house}, but serves only {and_(st.houses)}."
                )
        for rid in dict.fromkeys(b.residents):
            res = v.residents.get(rid)
            if res is not None and res.house != room.house:
                yield (
                    f"{at}: resident {rid} of house {res.house} is booked in {session(b)} in "
                    f"room {room.id} of house {room.house}."
                )
