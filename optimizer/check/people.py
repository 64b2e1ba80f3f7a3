"""Checks of who is in each session: exactly one qualified facilitator, and the residents
the program is for, in groups of the allowed sizes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from optimizer.check.text import and_, session, split_session, when
from optimizer.check.view import View
from optimizer.planning.grouping import SIZE_TOLERANCE


def one_facilitator(v: View) -> Iterator[str]:
    for b in v.bookings:
        leads = list(dict.fromkeys(b.facilitators))
        if not leads:
            yield f"{when(b.date, b.start, b.end)}: {session(b)} has no facilitator."
        elif len(leads) > 1:
            yield (
                f"{when(b.date, b.start, b.end)}: {session(b)} is led by {and_(leads)}; a "
                "session has exactly one facilitator."
            )


def facilitator_role(v: View) -> Iterator[str]:
    for b in v.bookings:
        prog = v.regular(b)
        if prog is None:
            continue
        for sid in dict.fromkeys(b.facilitators):
            st = v.staff.get(sid)
            missing = [r for r in prog.facilitator if st is not None and r not in st.roles]
            if missing:
                yield (
                    f"{when(b.date, b.start, b.end)}: staff {sid} leads {session(b)} without the "
                    f"role {and_(missing)} that {prog.id} needs."
                )


def one_on_one(v: View) -> Iterator[str]:
    for b in v.bookings:
        prog = v.regular(b)
        distinct = list(dict.fromkeys(b.residents))
        if prog is not None and prog.attendees.one_each and len(distinct) != 1:
            who = and_(distinct) or "nobody"
            yield f"{when(b.date, b.start, b.end)}: {session(b)} is one-on-one but has {who}."


def no_residents(v: View) -> Iterator[str]:
    for b in v.bookings:
        prog = v.regular(b)
        if not b.residents and not (prog is not None and prog.attendees.one_each):
            yield f"{when(b.date, b.start, b.end)}: {session(b)} has no residents."


def not_attendee(v: View) -> Iterator[str]:
    for b in v.bookings:
        prog = v.regular(b)
        if prog is None:
            continue
        for rid in dict.fromkeys(b.residents):
            if rid in v.residents and rid not in v.attendees[prog.id]:
                yield (
                    f"{when(b.date, b.start, b.end)}: resident {rid} is booked in {session(b)}, "
                    f"but {prog.id} is for {prog.attendees.describe()}."
                )


def group_size(v: View) -> Iterator[str]:
    for b in v.bookings:
        prog = v.regular(b)
        size = len(set(b.residents))
        if prog is not None and prog.max_group_size and size > prog.max_group_size:
            yield (
                f"{when(b.date, b.start, b.end)}: {session(b)} has {size} residents; {prog.id} "
                f"allows at most {prog.max_group_size}."
            )


def balanced_groups(v: View) -> Iterator[str]:
    """Groups of one program and house differ in size by at most ``SIZE_TOLERANCE``."""
    members: dict[tuple[str, str | None], dict[str, set[str]]] = defaultdict(dict)
    for b in v.bookings:
        prog = v.regular(b)
        parts = split_session(prog.id, b.session) if prog is not None else None
        if prog is None or parts is None or prog.attendees.one_each or not b.residents:
            continue
        first = v.residents.get(b.residents[0])
        key = (prog.id, first.house if first is not None else None)
        members[key].setdefault(parts[0], set()).update(b.residents)
    for (pid, home), groups in sorted(members.items(), key=str):
        small = min(groups, key=lambda g: (len(groups[g]), g))
        big = max(groups, key=lambda g: (len(groups[g]), g))
        if len(groups[big]) - len(groups[small]) > SIZE_TOLERANCE:
            where = f" in house {home}" if v.houses_used and home else ""
            yield (
                f"{pid}{where}: group {big} has {len(groups[big])} residents and group {small} "
                f"{len(groups[small])}; groups of one program differ in size by at most "
                f"{SIZE_TOLERANCE}."
            )
