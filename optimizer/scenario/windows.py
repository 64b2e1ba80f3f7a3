"""Time windows as a program manager writes them.

A weekly window is days and a time range (``Mon-Fri 09:00-17:00``, ``Tue,Thu 9am-5pm``); a
dated one a date or a range of dates and, optionally, a time range (``2026-12-24 noon-5pm``).
One text may hold several windows, separated by ``;``, or by ``,`` where a new day or date
follows a time range: ``Tue 16:00-20:00, Sat 09:00-12:00``. (A comma between days,
``Mon,Wed 13:00-21:00``, still lists days.) A time range after a comma keeps the days before
it: ``Mon-Fri 09:00-12:00, 13:00-17:00``. Times are read by :mod:`.clock`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from optimizer.scenario.clock import DAY_END, BackwardsRange, format_minutes, parse_clock_range

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_LOOKUP = {
    **{name.lower(): i for i, name in enumerate(DAY_NAMES)},
    **{
        full: i
        for i, full in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
_DAY_GROUPS = {
    "daily": frozenset(range(7)),
    "everyday": frozenset(range(7)),
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
}
_DAY_EXAMPLES = "Mon, Mon-Fri, Mon,Wed,Fri, Weekdays or Daily"

WINDOW_EXAMPLES = (
    '"Mon-Fri 09:00-17:00", "Mon,Wed 6pm-8pm", "Daily", "2026-12-25", '
    '"2026-12-21 13:00-17:00", "2026-12-28..2026-12-31", "Tue 16:00-20:00, Sat 09:00-12:00"'
)

_DATE = r"\d{4}-\d{1,2}-\d{1,2}"
_DATE_SPAN = rf"{_DATE}(?:\s*\.\.\s*{_DATE})?"  # 2026-12-28..2026-12-31
_DATES = re.compile(rf"({_DATE_SPAN})(?:\s+(.*))?", re.DOTALL)
_TIMES_START = r"(?:\d|noon\b|midday\b|midnight\b)"
_DAYS_THEN_TIMES = re.compile(rf"(.*?)(?:^|\s+)({_TIMES_START}.*)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class Window:
    """A block of time: weekly on some weekdays, or on dated days; ``start``/``end`` in minutes.

    A weekly window has ``days``; a dated window has ``first``..``last`` (inclusive).
    ``text`` is the window as written (one part of a text that holds several).
    """

    text: str
    start: int
    end: int
    days: frozenset[int] | None = None
    first: dt.date | None = None
    last: dt.date | None = None

    @property
    def dated(self) -> bool:
        return self.first is not None

    def applies_on(self, day: dt.date) -> bool:
        if self.days is not None:
            return day.weekday() in self.days
        assert self.first is not None and self.last is not None
        return self.first <= day <= self.last


def parse_windows(text: str) -> list[Window]:
    """Every window in ``text``: one (``Mon-Fri 09:00-17:00``) or several
    (``Tue 16:00-20:00, Sat 09:00-12:00``; ``Mon 9-12; Wed 13-17``)."""
    raw = str(text)
    pieces = _pieces(raw)
    if not pieces:
        raise ValueError(f"an empty text is not a time window; expected e.g. {WINDOW_EXAMPLES}")
    if len(pieces) == 1:  # the text as written, spaces and all, unless a separator was dropped
        return [_window(pieces[0][0], None, pieces[0][0])]
    return [_window(piece.strip(), days, piece.strip()) for piece, days in pieces]


def parse_window(text: str) -> Window:
    """The one window in ``text`` (``Mon-Fri 09:00-17:00``, ``2026-12-21 13:00-17:00``)."""
    windows = parse_windows(text)
    if len(windows) > 1:
        listed = ", ".join(f'"{w.text}"' for w in windows)
        raise ValueError(f"{str(text)!r} holds {len(windows)} windows ({listed}); give one here")
    return windows[0]


# --- one text, several windows ---------------------------------------------------------------


def _split_days(text: str) -> tuple[str, str | None]:
    """The days (or dates) of one window as written, and its time range if it has one."""
    s = text.strip()
    m = _DATES.fullmatch(s)
    if m:
        return m.group(1), m.group(2)
    m = _DAYS_THEN_TIMES.fullmatch(s) or re.fullmatch(r"(\S+)\s+(\S*\d.*)", s)
    if m:  # the second form: an unreadable time after the days ("Mon soon-17:00")
        return m.group(1).strip(), m.group(2)
    return s, None


def _pieces(raw: str) -> list[tuple[str, str | None]]:
    """The windows in ``raw``, each as written, with the days it borrows from the window before
    it when it is only a time range (``Mon-Fri 09:00-12:00, 13:00-17:00``).

    ``;`` always separates windows. ``,`` does where a date follows or precedes it, or where a
    time range precedes it; otherwise it lists days (``Mon,Wed 13:00-21:00``)."""
    out: list[tuple[str, str | None]] = []
    for part in raw.split(";"):
        text: str | None = None
        borrowed: str | None = None
        for piece in part.split(","):
            if text is None:
                text = piece
                continue
            days, times = _split_days(text)
            new = piece.strip()
            if times is not None and not new:
                continue  # a comma after the last window: nothing more
            next_is_date = re.match(_DATE, new) is not None
            if next_is_date or re.match(_DATE, text.strip()) or times is not None:
                out.append((text, borrowed))
                only_times = not next_is_date and re.match(_TIMES_START, new, re.IGNORECASE)
                text, borrowed = piece, (borrowed or days) if only_times else None
            else:
                text += "," + piece
        if text is not None:
            out.append((text, borrowed))
    return [(text, days) for text, days in out if text.strip()]


# --- one window ------------------------------------------------------------------------------


def _window(text: str, borrowed_days: str | None, raw: str) -> Window:
    """The window ``text``; ``raw`` is what messages quote (the window as written)."""
    s = re.sub(r"\s+", " ", text.strip())
    if not s:
        raise ValueError(f"an empty text is not a time window; expected e.g. {WINDOW_EXAMPLES}")
    days_text, times = (borrowed_days, s) if borrowed_days is not None else _split_days(s)
    shown = f"{borrowed_days} {s}" if borrowed_days is not None else text
    if re.fullmatch(_DATE_SPAN, days_text):
        first, last = _dates(days_text, raw)
        start, end = _range(times, raw, days_text) if times else (0, DAY_END)
        return Window(shown, start, end, first=first, last=last)
    if not days_text:
        raise ValueError(_no_days(s, raw))
    days = _parse_days(days_text, raw)
    start, end = _range(times, raw, days_text) if times else (0, DAY_END)
    return Window(shown, start, end, days=days)


def _dates(text: str, raw: str) -> tuple[dt.date, dt.date]:
    ends = [e.strip() for e in text.split("..")]
    first = _parse_date(ends[0], raw)
    last = _parse_date(ends[-1], raw)
    if last < first:
        raise ValueError(
            f"{raw!r}: the last day {last} is before the first day {first}; write the "
            f"earlier date first, e.g. {last}..{first}"
        )
    return first, last


def _parse_date(s: str, raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        what = f"{raw!r}" if s == raw.strip() else f"{raw!r}: {s!r}"
        raise ValueError(f"{what} is not a date; expected YYYY-MM-DD such as 2026-12-25") from None


def _no_days(s: str, raw: str) -> str:
    """The message for a window with times but no days; proposes the days first if they were
    written after the times (``9am-5pm Mon-Fri``)."""
    m = re.fullmatch(r"(.*?\S)\s+([A-Za-z][A-Za-z,\-– ]*)", s)
    if m and not re.search(r"\d", m.group(2)):
        try:
            days = _parse_days(m.group(2), raw)
            start, end = parse_clock_range(m.group(1), raw)
        except ValueError:
            pass
        else:
            return (
                f"{raw!r}: write the days first, then the times: "
                f'"{_days_text(days)} {format_minutes(start)}-{format_minutes(end)}"'
            )
    try:
        start, end = parse_clock_range(s, raw)
        times = f"{format_minutes(start)}-{format_minutes(end)}"
    except ValueError:
        times = "09:00-17:00"
    return (
        f"{raw!r} starts with a time or number but names no days; say which days, e.g. "
        f'"Mon-Fri {times}" or "Daily {times}", or a date such as "2026-12-25 {times}"'
    )


def _range(times: str, raw: str, days_text: str) -> tuple[int, int]:
    """The time range of a window, or a message that proposes how to write it."""
    try:
        return parse_clock_range(times, raw)
    except BackwardsRange as exc:
        ways = []
        if exc.meant is not None:
            late = f"{format_minutes(exc.start)}-{format_minutes(exc.meant)}"
            ways.append(f'if you meant {late}, write "{days_text} {late}"')
        if exc.end < exc.start:
            ways.append(
                "a window cannot run past midnight, so for a night split it in two, e.g. "
                f'"{days_text} {format_minutes(exc.start)}-24:00" and '
                f'"{_next_day(days_text)} 00:00-{format_minutes(exc.end)}"'
            )
        if not ways:
            after = format_minutes(min(exc.start + 60, DAY_END))
            ways.append(f'e.g. "{days_text} {format_minutes(exc.start)}-{after}"')
        raise ValueError(f"{exc}; " + "; ".join(ways)) from None


def _next_day(days_text: str) -> str:
    """The days after ``days_text`` (a night's second half), as a window would write them."""
    if re.fullmatch(_DATE_SPAN, days_text):
        ends = [dt.date.fromisoformat(e.strip()) for e in days_text.split("..")]
        return "..".join(dict.fromkeys((d + dt.timedelta(days=1)).isoformat() for d in ends))
    try:
        days = _parse_days(days_text, days_text)
    except ValueError:
        return "Sat"
    return _days_text(frozenset((d + 1) % 7 for d in days))


def _days_text(days: frozenset[int]) -> str:
    """``Mon-Fri``, ``Mon,Wed``, ``Daily``: a set of weekdays as a window writes them."""
    if len(days) == 7:
        return "Daily"
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6:  # Sat-Mon wraps
        runs[0] = runs.pop() + runs[0]
    parts = [
        DAY_NAMES[r[0]] if len(r) == 1 else f"{DAY_NAMES[r[0]]}-{DAY_NAMES[r[-1]]}" for r in runs
    ]
    return ",".join(parts)


def _parse_days(s: str, raw: str) -> frozenset[int]:
    low = s.strip().lower()
    if not low:
        raise ValueError(f"{raw!r} names no days; expected e.g. {WINDOW_EXAMPLES}")
    if low in _DAY_GROUPS:
        return _DAY_GROUPS[low]
    days: set[int] = set()
    for written in s.split(","):
        part = written.strip().lower()
        if not part:
            listed = ",".join(p.strip() for p in s.split(",") if p.strip()) or "Mon,Wed"
            raise ValueError(f"{raw!r}: two commas with no day between them; write e.g. {listed}")
        if part in _DAY_GROUPS:
            days |= _DAY_GROUPS[part]
            continue
        ends = [p.strip() for p in re.split(r"-|–", part)]
        if len(ends) not in (1, 2) or any(e not in _DAY_LOOKUP for e in ends):
            words = part.split()
            if len(words) > 1 and all(w in _DAY_LOOKUP for w in words):
                listed = ",".join(DAY_NAMES[_DAY_LOOKUP[w]] for w in words)
                hint = f"to list days, separate them with commas: {listed}"
            else:
                hint = f"expected e.g. {_DAY_EXAMPLES}"
            raise ValueError(f"{raw!r}: {written.strip()!r} is not a day or range of days; {hint}")
        a, b = _DAY_LOOKUP[ends[0]], _DAY_LOOKUP[ends[-1]]
        d = a
        days.add(d)
        while d != b:  # a range may wrap past Sunday, e.g. Sat-Mon
            d = (d + 1) % 7
            days.add(d)
    return frozenset(days)
