"""Checks of the timetable's form: dates, slots, lengths, ids and the unmet list. A timetable
the solver writes has this form by construction; these catch edited and broken files."""

from __future__ import annotations

from collections.abc import Iterator

from optimizer.check.text import day, session, split_session, when
from optimizer.check.view import View


def horizon(v: View) -> Iterator[str]:
    plan = f"({day(v.start)} to {day(v.end)})"
    for b in v.bookings:
        if not v.in_horizon(b.date):
            yield f"{when(b.date, b.start, b.end)}: {session(b)} is outside the plan {plan}."
    for s in v.shifts:
        if not v.in_horizon(s.date):
            what = f"the on-call shift of {s.staff} for {s.program}"
            yield f"{when(s.date, s.start, s.end)}: {what} is outside the plan {plan}."


def slot(v: View) -> Iterator[str]:
    for b in v.bookings:
        if b.start % v.slot:
            yield (
                f"{when(b.date, b.start, b.end)}: {session(b)} does not start on a "
                f"{v.slot}-minute slot boundary."
            )
    for s in v.shifts:
        if s.start % v.slot or s.end % v.slot:
            yield (
                f"{when(s.date, s.start, s.end)}: the on-call shift of {s.staff} for {s.program} "
                f"does not start and end on {v.slot}-minute slot boundaries."
            )


def duration(v: View) -> Iterator[str]:
    for b in v.bookings:
        prog = v.regular(b)
        if prog is not None and b.end - b.start != prog.duration:
            yield (
                f"{when(b.date, b.start, b.end)}: {session(b)} lasts {b.end - b.start} minutes; "
                f"{prog.id} lasts {prog.duration} minutes."
            )
    for s in v.shifts:
        if s.end <= s.start:
            yield (
                f"{when(s.date, s.start, s.end)}: the on-call shift of {s.staff} for {s.program} "
                "ends before it starts."
            )


def program_unknown(v: View) -> Iterator[str]:
    for b in v.bookings:
        if b.program not in v.programs:
            yield (
                f"{when(b.date, b.start, b.end)}: {session(b)} is for an unknown program "
                f"{b.program!r}."
            )


def on_call_booking(v: View) -> Iterator[str]:
    for b in v.bookings:
        prog = v.programs.get(b.program)
        if prog is not None and prog.frequency.as_needed:
            yield (
                f"{when(b.date, b.start, b.end)}: {session(b)} books the as-needed program "
                f"{prog.id}, which is covered by an on-call rota, not by sessions."
            )


def session_program(v: View) -> Iterator[str]:
    for b in v.bookings:
        prog = v.regular(b)
        if prog is not None and split_session(prog.id, b.session) is None:
            yield (
                f"{when(b.date, b.start, b.end)}: session id {b.session!r} does not have the "
                f"form {prog.id}/GROUP/K for program {prog.id}."
            )


def room_unknown(v: View) -> Iterator[str]:
    for b in v.bookings:
        if b.room not in v.rooms:
            yield f"{when(b.date, b.start, b.end)}: {session(b)} is in an unknown room {b.room!r}."


def staff_unknown(v: View) -> Iterator[str]:
    for b in v.bookings:
        for sid in dict.fromkeys(b.facilitators):
            if sid not in v.staff:
                yield (
                    f"{when(b.date, b.start, b.end)}: {session(b)} is led by unknown staff {sid!r}."
                )
    for s in v.shifts:
        if s.staff not in v.staff:
            yield (
                f"{when(s.date, s.start, s.end)}: the on-call shift of {s.staff} for {s.program} "
                f"names unknown staff {s.staff!r}."
            )


def resident_unknown(v: View) -> Iterator[str]:
    for b in v.bookings:
        for rid in dict.fromkeys(b.residents):
            if rid not in v.residents:
                yield (
                    f"{when(b.date, b.start, b.end)}: {session(b)} includes unknown resident "
                    f"{rid!r}."
                )


def on_call_program(v: View) -> Iterator[str]:
    for s in v.shifts:
        prog = v.programs.get(s.program)
        if prog is None or not prog.frequency.as_needed:
            kind = "an unknown program" if prog is None else "a program with sessions, not on call"
            yield (
                f"{when(s.date, s.start, s.end)}: the on-call shift of {s.staff} for {s.program} "
                f"is for {kind}."
            )


def unmet_unreported(v: View) -> Iterator[str]:
    short: dict[str, int] = {}
    for s in v.shortfalls:
        short[s.program] = short.get(s.program, 0) + s.expected - s.found
    reported = {u.program for u in v.timetable.unmet}
    for pid, missing in short.items():
        if pid not in reported:
            yield (
                f"{pid} is short of {missing} resident-session(s), but the timetable's "
                "unmet list does not mention it."
            )


def unmet_spurious(v: View) -> Iterator[str]:
    short = {s.program for s in v.shortfalls}
    gaps = {c.program for c in v.coverage if c.uncovered}
    for pid in sorted({u.program for u in v.timetable.unmet}):
        if pid in short or pid in gaps:
            continue
        prog = v.programs.get(pid)
        if prog is None:
            why = "the scenario has no such program"
        elif prog.frequency.as_needed:
            why = "its on-call rota covers every opening hour"
        else:
            why = "every resident gets every session of it"
        yield f"The unmet list names {pid}, but {why}."
