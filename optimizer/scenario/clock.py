"""Times of day as a program manager writes them: ``09:00``, ``9``, ``8am``, ``5:30 pm``,
``noon``, ``midnight``, and ranges of them (``9-5``, ``9am to 5pm``, ``noon-midnight``).

Everything is minutes after midnight (0 to 1440). Each function raises ``ValueError`` whose
message quotes what was written and proposes a spelling that works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DAY_END = 24 * 60
_HALF_DAY = 12 * 60
TIME_EXAMPLES = "09:00, 9, 8am, 5:30pm, noon or midnight"

_TIME = re.compile(r"(\d{1,2})(?::(\d\d))?\s*(?:([ap])\.?\s*m\.?)?", re.IGNORECASE)
_RANGE = re.compile(r"(.+?)\s*(?:-|–|\sto\s)\s*(.+)", re.IGNORECASE)


def format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class _Time:
    """One written time: its 24-hour reading and how it was written."""

    text: str
    minutes: int
    meridiem: str | None = None  # "a" or "p" when written with am/pm
    hour: int = 0  # the hour as written
    padded: bool = False  # written with a leading zero (09:00): 24-hour style
    midnight: bool = False  # "midnight" or "12am": 00:00 as a start, 24:00 as an end

    @property
    def twelve_hour(self) -> bool:
        """Could be a 12-hour time written without am/pm (``9``, ``5:30``, not ``05:00``)."""
        return self.meridiem is None and not self.padded and 1 <= self.hour <= 12


def _time(text: str, raw: str) -> _Time:
    s = text.strip()
    said = repr(s) if s == raw.strip() else f"{raw!r}: {s!r}"
    low = s.lower()
    if low in ("noon", "midday"):
        return _Time(s, _HALF_DAY, meridiem="p", hour=12)
    if low == "midnight":
        return _Time(s, 0, meridiem="a", hour=12, midnight=True)
    m = _TIME.fullmatch(s)
    if not m:
        raise ValueError(f"{said} is not a time of day; {_proposal(s)}")
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    meridiem = m.group(3).lower() if m.group(3) else None
    if minute >= 60:
        raise ValueError(
            f"{said} is not a time of day (an hour has 60 minutes); expected HH:MM "
            "between 00:00 and 24:00, e.g. 09:30"
        )
    if meridiem is not None:
        if not 1 <= hour <= 12:
            instead = f"{format_minutes(hour * 60 + minute)}" if hour < 24 else "09:00"
            raise ValueError(
                f"{said} is not a time of day: with am or pm the hour runs from 1 to "
                f"12; write {instead} (24-hour) or e.g. 5pm"
            )
        minutes = (hour % 12) * 60 + minute + (_HALF_DAY if meridiem == "p" else 0)
        return _Time(s, minutes, meridiem, hour, midnight=minutes == 0)
    if hour > 24 or (hour == 24 and minute):
        raise ValueError(
            f"{said} is not a time of day; expected HH:MM between 00:00 and 24:00 "
            "(24:00 is the end of the day), e.g. 21:00 or 9pm"
        )
    return _Time(s, hour * 60 + minute, None, hour, padded=s.startswith("0"))


def _proposal(s: str) -> str:
    """What to write instead of an unreadable time, made from it where possible."""
    m = re.fullmatch(r"(\d{1,2})[.h](\d\d)", s) or re.fullmatch(r"(\d{1,2})(\d\d)", s)
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return f"write {int(m.group(1)):02d}:{m.group(2)} (hours and minutes with a colon)"
    return f"expected e.g. {TIME_EXAMPLES}"


def parse_time_of_day(text: str) -> int:
    """Minutes after midnight for one time: ``19:00``, ``7pm``, ``7:30 pm``, ``noon``."""
    return _time(str(text), str(text)).minutes


class BackwardsRange(ValueError):
    """A range that ends before (or when) it starts: ``17:00-09:00``, ``10pm-2am``.

    The caller knows the days and says how to split the window at midnight; ``meant`` is the
    afternoon end someone who wrote ``9:00-05:00`` may have meant, if there is one.
    """

    def __init__(self, raw: str, start: _Time, end: _Time, meant: int | None):
        self.start, self.end, self.meant = start.minutes, end.minutes, meant
        super().__init__(
            f"{raw!r}: the window ends ({end.text}) before or when it starts ({start.text}); "
            "expected the end after the start"
        )


def parse_clock_range(text: str, raw: str) -> tuple[int, int]:
    """``(start, end)`` in minutes for ``09:00-17:00``, ``9-5``, ``9am to 5:30pm``,
    ``noon-midnight``. Raises :class:`BackwardsRange` for a range that runs backwards."""
    s = re.sub(r"\s+", " ", text.strip())
    m = _RANGE.fullmatch(s)
    if not m:
        lone = re.sub(r"\s*(?:-|–|\sto)$", "", s)  # "09:00-": the end is missing
        single = _time(lone, raw)  # a lone readable time: say it needs an end
        hour_later = min(single.minutes + 60, DAY_END)
        raise ValueError(
            f"{raw!r}: {s!r} is not a time range (it has no end); give the end too, e.g. "
            f"{format_minutes(single.minutes)}-{format_minutes(hour_later)}"
        )
    start, end = _time(m.group(1), raw), _time(m.group(2), raw)
    start_min = start.minutes
    end_min = DAY_END if end.midnight or end.minutes == 0 else end.minutes
    if start.twelve_hour and end.meridiem is not None and not end.midnight:
        # "9-5pm", "1-3pm", "10-11am": the start takes the end's am/pm if that keeps it first
        pm = (start.hour % 12) * 60 + start_min % 60 + (_HALF_DAY if end.meridiem == "p" else 0)
        start_min = next((t for t in (pm, pm - _HALF_DAY) if 0 <= t < end_min), start_min)
    elif end_min <= start_min and end.twelve_hour and end.hour < 12 and _morning(start):
        end_min += _HALF_DAY  # "9-5" is 09:00-17:00, and so is "9am-5"
    if end_min <= start_min:
        later = end_min + _HALF_DAY
        meant = later if end_min < _HALF_DAY and later > start_min and _morning(start) else None
        raise BackwardsRange(raw, start, end, meant)
    return start_min, end_min


def _morning(start: _Time) -> bool:
    """A start that reads as 12-hour style: with am/pm, or before 13:00."""
    return start.meridiem is not None or start.minutes < 13 * 60
