"""Intervals of minutes and the wording of checks: the small helpers every check shares."""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from optimizer.scenario.phrases import DAY_NAMES, format_minutes
from optimizer.scenario.schema import TimedBlock
from optimizer.timetable import Booking, OnCallShift

Interval = tuple[int, int]  # [start, end) in minutes from midnight
T = TypeVar("T")


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint intervals; touching ones are joined (09-12 and 12-17 make 09-17)."""
    out: list[Interval] = []
    for a, b in sorted(intervals):
        if a >= b:
            continue
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def subtract(base: list[Interval], holes: list[Interval]) -> list[Interval]:
    """``base`` minus ``holes``; both merged."""
    out: list[Interval] = []
    j = 0
    for a, b in base:
        while j < len(holes) and holes[j][1] <= a:
            j += 1
        k = j
        cur = a
        while k < len(holes) and holes[k][0] < b:
            ha, hb = holes[k]
            if ha > cur:
                out.append((cur, ha))
            cur = max(cur, hb)
            k += 1
        if cur < b:
            out.append((cur, b))
    return out


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def contains(merged: list[Interval], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one interval of ``merged``."""
    i = bisect_right(merged, (start, math.inf)) - 1
    return i >= 0 and merged[i][0] <= start and end <= merged[i][1]


def length(intervals: Iterable[Interval]) -> int:
    return sum(b - a for a, b in intervals)


def overlapping_pairs(items: Sequence[tuple[int, int, T]]) -> Iterator[tuple[T, T]]:
    """Every pair of items whose [start, end) overlap: sort by start, then sweep forward."""
    ordered = sorted(items, key=lambda it: (it[0], it[1]))
    for i, (_a, b, x) in enumerate(ordered):
        for j in range(i + 1, len(ordered)):
            c, _d, y = ordered[j]
            if c >= b:
                break
            yield x, y


def day(date: dt.date) -> str:
    return f"{DAY_NAMES[date.weekday()]} {date.isoformat()}"


def span(start: int, end: int) -> str:
    return f"{format_minutes(start)}-{format_minutes(end)}"


def when(date: dt.date, start: int, end: int) -> str:
    return f"{day(date)} {span(start, end)}"


def hours_minutes(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}"


def and_(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def block_text(block: TimedBlock) -> str:
    return block.when.text + (f" ({block.reason})" if block.reason else "")


def session(b: Booking) -> str:
    return b.session or b.program


def what(item: Booking | OnCallShift) -> str:
    if isinstance(item, OnCallShift):
        return f"on call for {item.program} {span(item.start, item.end)}"
    return f"{session(item)} {span(item.start, item.end)}"


def split_session(program: str, session: str) -> tuple[str, int] | None:
    """``PROGRAM/GROUP/K`` -> (GROUP, K), or None when the id does not have that shape."""
    prefix = program + "/"
    if not session.startswith(prefix):
        return None
    group, sep, k = session[len(prefix) :].rpartition("/")
    if not sep or not group or not k.isdigit() or int(k) < 1:
        return None
    return group, int(k)


def group_of(session: str) -> str:
    """``program/group/k`` -> ``program/group``: the sessions one set of people share."""
    return session.rsplit("/", 1)[0]
