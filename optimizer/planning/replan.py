"""Re-planning after a change without reshuffling everyone.

The scenario holds the change (an absence, a new or discharged resident, a room out of
service). The previous timetable is matched to the new problem's occurrences by session id and
period; what lies before ``since`` is frozen as it happened, and every other difference costs
``goals.replan_change`` per person affected (see :mod:`optimizer.model.changes`). The change
list is computed from the two timetables alone, so it says exactly what staff and residents
must be told.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, replace

from optimizer.planning.problem import Previous, PreviousBooking, Problem
from optimizer.scenario.phrases import DAY_NAMES, format_minutes
from optimizer.timetable import Booking, OnCallShift, Timetable


def attach_previous(
    problem: Problem, bookings: list[Booking], shifts: list[OnCallShift], since: dt.date
) -> Problem:
    """The problem with the previous timetable attached (see :class:`Previous`)."""
    p = problem
    clock = p.clock
    staff = {s.id: s.index for s in p.staff}
    rooms = {r.id: r.index for r in p.rooms}
    series = {s.id: s for s in p.series}

    matched: dict[int, PreviousBooking] = {}
    for b in bookings:
        if not (clock.start <= b.date < clock.start + dt.timedelta(days=clock.days)):
            continue
        s = series.get(b.session)
        start = clock.slot_of(b.date, b.start)
        frozen = b.date < since
        if s is None:
            continue
        occ = next(
            (
                p.occurrences[o]
                for o in s.occurrences
                if p.occurrences[o].lo <= start < p.occurrences[o].hi
            ),
            None,
        )
        if occ is None or occ.index in matched:
            continue
        matched[occ.index] = PreviousBooking(
            start=start,
            staff=tuple(staff[x] for x in b.facilitators if x in staff),
            room=rooms.get(b.room),
            people=len(b.residents) + len(b.facilitators),
            frozen=frozen,
        )
    on_call: dict[int, tuple[int, bool]] = {}
    for sh in shifts:
        if sh.staff not in staff:
            continue
        a = clock.slot_of(sh.date, sh.start)
        z = a + (sh.end - sh.start) // clock.slot_minutes
        for block in p.on_call_blocks:
            if p.programs[block.program].id == sh.program and a <= block.start and block.end <= z:
                on_call[block.index] = (staff[sh.staff], sh.date < since)
    end = clock.start + dt.timedelta(days=clock.days)
    since_slot = (
        0 if since <= clock.start else clock.horizon if since >= end else clock.slot_of(since, 0)
    )
    previous = Previous(matched, on_call, since, since_slot, tuple(bookings), tuple(shifts))
    return replace(problem, previous=previous)


def previous_groups(bookings: list[Booking]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(program, group name) -> the residents the previous timetable had in that group, so a
    re-plan keeps its groups (newcomers join one, see
    :func:`optimizer.planning.problem.build_problem`)."""
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    for b in bookings:
        parts = b.session.rsplit("/", 2)
        if len(parts) == 3:
            out[(b.program, parts[1])].update(b.residents)
    return {key: tuple(sorted(ids)) for key, ids in out.items()}


# --- the change list ------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    kind: str  # moved | added | removed | changed (same time, other room or facilitator)
    session: str
    program: str
    before: Booking | None
    after: Booking | None

    @property
    def people(self) -> list[str]:
        ids: list[str] = []
        for b in (self.before, self.after):
            if b is not None:
                ids += [*b.facilitators, *b.residents]
        return sorted(set(ids))


def _when(b: Booking) -> str:
    return f"{DAY_NAMES[b.date.weekday()]} {b.date} {format_minutes(b.start)}"


def _key(b: Booking, weeks: int, start: dt.date) -> tuple[str, int]:
    return (b.session, (b.date - start).days // (7 * weeks))


def changes_between(
    old: list[Booking], new: list[Booking], period_weeks: dict[str, int], start: dt.date
) -> list[Change]:
    """Occurrences matched by session id and period; what differs between them."""

    def index(bookings: list[Booking]) -> dict[tuple[str, int], Booking]:
        return {_key(b, period_weeks.get(b.program, 1), start): b for b in bookings}

    before, after = index(old), index(new)
    out = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[1], k[0])):
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None:
            if (a.date, a.start) != (b.date, b.start):
                out.append(Change("moved", key[0], a.program, a, b))
            elif a.room != b.room or a.facilitators != b.facilitators or a.residents != b.residents:
                out.append(Change("changed", key[0], a.program, a, b))
        elif a is not None:
            out.append(Change("removed", key[0], a.program, a, None))
        elif b is not None:
            out.append(Change("added", key[0], b.program, None, b))
    return out


def describe(c: Change) -> str:
    a, b = c.before, c.after
    if c.kind == "moved" and a and b:
        text = f"{c.session} moves from {_when(a)} to {_when(b)}"
        if a.room != b.room:
            text += f", room {a.room} -> {b.room}"
        return text
    if c.kind == "changed" and a and b:
        parts = []
        if a.room != b.room:
            parts.append(f"room {a.room} -> {b.room}")
        if a.facilitators != b.facilitators:
            parts.append(f"led by {';'.join(b.facilitators)} instead of {';'.join(a.facilitators)}")
        if a.residents != b.residents:
            parts.append("different residents")
        return f"{c.session} on {_when(a)}: " + ", ".join(parts)
    if c.kind == "removed" and a:
        return f"{c.session} on {_when(a)} is cancelled"
    assert b is not None
    return f"{c.session} is added on {_when(b)}"


def tell_list(changes: list[Change]) -> dict[str, list[str]]:
    """Per person, the sentences they need: 'Thu 2026-12-10 10:00 peer-counseling/R07/1 ...'."""
    out: dict[str, list[str]] = defaultdict(list)
    for c in changes:
        for person in c.people:
            out[person].append(describe(c))
    return dict(sorted(out.items()))


def changes_csv(changes: list[Change]) -> str:
    import csv
    import io

    from optimizer.timetable import csv_cell

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["change", "session", "program", "before", "after", "room_before", "room_after",
         "facilitators_before", "facilitators_after", "people_to_tell", "description"]
    )  # fmt: skip
    for c in changes:
        a, b = c.before, c.after
        w.writerow(
            [
                csv_cell(x)
                for x in (
                    c.kind,
                    c.session,
                    c.program,
                    _when(a) + f"-{format_minutes(a.end)}" if a else "",
                    _when(b) + f"-{format_minutes(b.end)}" if b else "",
                    a.room if a else "",
                    b.room if b else "",
                    ";".join(a.facilitators) if a else "",
                    ";".join(b.facilitators) if b else "",
                    ";".join(c.people),
                    describe(c),
                )
            ]
        )
    return buf.getvalue()


def change_count(changes: list[Change]) -> int:
    """People to tell, summed over changed occurrences (what ``replan_change`` weighs)."""
    return sum(len(c.before.residents) + len(c.before.facilitators) for c in changes if c.before)


def keep_the_past(timetable: Timetable, previous: Previous) -> tuple[Timetable, list[Booking]]:
    """The new timetable with every row before ``since`` exactly as handed out, every column,
    and the past rows that the changed scenario makes impossible (an event entered for a day
    that has gone: the solve could not keep the session there), listed apart as corrections
    of the record. Nothing new starts before ``since`` (the constructor and the model see to
    that); a solved row there that the previous timetable lacks is dropped all the same."""
    since = previous.since
    if since is None:
        return timetable, []
    solved = {(b.session, b.date, b.start) for b in timetable.bookings if b.date < since}
    kept: list[Booking] = []
    corrections: list[Booking] = []
    for b in previous.rows:
        if b.date >= since:
            continue
        (kept if (b.session, b.date, b.start) in solved else corrections).append(b)
    shifts = [s for s in previous.shifts if s.date < since]
    return (
        Timetable(
            kept + [b for b in timetable.bookings if b.date >= since],
            shifts + [s for s in timetable.on_call if s.date >= since],
            list(timetable.unmet),
        ).sorted(),
        corrections,
    )
