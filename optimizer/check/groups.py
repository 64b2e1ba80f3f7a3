"""Checks of groups and series: a resident keeps one group, grouping wishes hold, groups are
balanced, a session meets once a period on its own day, no one attends more often than the
frequency asks, and a session leaves its usual time only for a dated reason."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import combinations

from optimizer.check.text import and_, day, split_session, when
from optimizer.check.view import MAKE_ROOM, View
from optimizer.rules.definitions import needs_different_days
from optimizer.timetable import Booking


def _memberships(v: View) -> dict[tuple[str, str], dict[str, str]]:
    """(program, resident) -> {group: its first session} for sessions of regular programs."""
    groups: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for b in v.bookings:
        prog = v.regular(b)
        parts = split_session(prog.id, b.session) if prog is not None else None
        if prog is None or parts is None:
            continue
        for rid in dict.fromkeys(b.residents):
            groups[(prog.id, rid)].setdefault(parts[0], b.session)
    return groups


def group_stable(v: View) -> Iterator[str]:
    for (pid, rid), seen in _memberships(v).items():
        if len(seen) > 1:
            yield (
                f"Resident {rid} is in more than one group of {pid} "
                f"({and_(seen.values())}); a resident keeps one group."
            )


def _wishes(v: View, kind: str) -> Iterator[tuple[list[str], str, dict[str, str]]]:
    """Per ``grouping.<kind>`` list and group program both attend: (ids, program, resident ->
    group)."""
    group_of = {key: next(iter(seen)) for key, seen in _memberships(v).items()}
    programs = {pid for pid, _ in group_of if not v.programs[pid].attendees.one_each}
    for ids in getattr(v.scenario.grouping, kind):
        for pid in sorted(programs):
            yield ids, pid, {rid: group_of[(pid, rid)] for rid in ids if (pid, rid) in group_of}


def together(v: View) -> Iterator[str]:
    for _ids, pid, placed in _wishes(v, "together"):
        names = set(placed.values())
        if len(names) > 1:
            yield (
                f"{and_(sorted(placed))} are to share a group, but in {pid} they are "
                f"in groups {and_(sorted(names))}."
            )


def apart(v: View) -> Iterator[str]:
    for _ids, pid, placed in _wishes(v, "apart"):
        names = list(placed.values())
        if len(set(names)) < len(names):
            yield (
                f"{and_(sorted(placed))} are to be kept apart, but in {pid} some of "
                "them share a group."
            )


def _by_period(v: View, key) -> dict[tuple[str, int], list[Booking]]:
    out: dict[tuple[str, int], list[Booking]] = defaultdict(list)
    for b in v.bookings:
        prog = v.regular(b)
        if prog is None or split_session(prog.id, b.session) is None or not v.in_horizon(b.date):
            continue
        out[(key(b), v.period_of(prog, b.date))].append(b)
    return out


def session_time(v: View) -> Iterator[str]:
    for (name, _period), found in _by_period(v, lambda b: b.session).items():
        if len(found) > 1:
            dates = and_(when(b.date, b.start, b.end) for b in sorted(found))
            yield (
                f"Session {name} takes place {len(found)} times in one period ({dates}); "
                "each session meets once a period."
            )


def different_days(v: View) -> Iterator[str]:
    """A group's sessions of one program in one period fall on different days, unless the
    program sets ``same_day_allowed``."""
    groups = _by_period(v, lambda b: b.session.rsplit("/", 1)[0])
    for (group, _period), found in groups.items():
        prog = v.programs[found[0].program]
        if not needs_different_days(prog):
            continue
        for a, b in combinations(sorted(found), 2):
            if a.date == b.date and a.session != b.session:
                yield (
                    f"{day(a.date)}: {a.session} and {b.session} of group {group} fall on the "
                    f"same day; {prog.id} meets on different days (same_day_allowed is off)."
                )


def too_many(v: View) -> Iterator[str]:
    for prog, rid, first, last, p, found in v.demand():
        if found > p.expected:
            yield (
                f"{day(first)} to {day(last)}: resident {rid} attends {prog.id} {found} times; "
                f"the frequency ({prog.frequency.describe()}) asks for {p.expected}."
            )


def usual_times(v: View, items: list[Booking]) -> tuple[list[int], dict[int, Booking]]:
    """The most common offsets into the period of one series' bookings (ties all listed,
    earliest first) and, per offset, a booking there."""
    offsets: dict[int, Booking] = {}
    counts: Counter[int] = Counter()
    for b in items:
        o = offset_of(v, b)
        offsets.setdefault(o, b)
        counts[o] += 1
    most = max(counts.values())
    return sorted(o for o, n in counts.items() if n == most), offsets


def period_start(v: View, b: Booking) -> dt.date:
    weeks = v.programs[b.program].frequency.period_weeks
    index = (b.date - v.start).days // (7 * weeks)
    return v.start + dt.timedelta(weeks=index * weeks)


def offset_of(v: View, b: Booking) -> int:
    return (b.date - period_start(v, b)).days * 24 * 60 + b.start


def moves(v: View, items: list[Booking], usual: int, regular: Booking):
    """Each booking of a series away from ``usual``: (booking, usual day, start, end, why)."""
    for b in items:
        if offset_of(v, b) == usual:
            continue
        first = period_start(v, b)
        on = first + dt.timedelta(days=usual // (24 * 60))
        start = usual % (24 * 60)
        end = start + regular.minutes
        yield b, on, start, end, v.why_moved(regular, b, on, start, end)


def series(v: View) -> dict[str, list[Booking]]:
    out: dict[str, list[Booking]] = defaultdict(list)
    for b in v.bookings:
        if b.program in v.programs:
            out[b.session].append(b)
    return dict(sorted(out.items()))


def moves_need_a_reason(v: View) -> Iterator[str]:
    """A session away from its series' usual weekday and time only where something dated
    blocks the usual time (a tie between usual times is read in the series' favour)."""
    for name, items in series(v).items():
        if len({period_start(v, b) for b in items}) < len(items):
            continue  # meets twice in a period: session_time says so, a move is not defined
        usual, at = usual_times(v, items)
        unexplained = [[m for m in moves(v, items, u, at[u]) if m[4] == MAKE_ROOM] for u in usual]
        if all(unexplained):
            for b, on, start, end, _why in unexplained[0]:
                yield (
                    f"{when(b.date, b.start, b.end)}: {name} is away from its usual time "
                    f"({when(on, start, end)}), but nothing blocks the usual time that week; a "
                    "session moves only for a closure, an absence, an appointment or a room out "
                    "of use."
                )
