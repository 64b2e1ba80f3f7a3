"""Plain-language phrases a program manager writes: frequencies, durations, time windows.

Each parser takes a string and returns a small frozen value, or raises ``ValueError`` whose
message says what was expected. The schema turns those into errors with file, line and field.
Time windows live in :mod:`.windows`, times of day in :mod:`.clock`; both are re-exported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from optimizer.scenario.clock import format_minutes, parse_time_of_day
from optimizer.scenario.windows import (
    DAY_NAMES,
    WINDOW_EXAMPLES,
    Window,
    parse_window,
    parse_windows,
)

__all__ = [
    "DAY_NAMES",
    "DURATION_EXAMPLES",
    "FREQUENCY_EXAMPLES",
    "WINDOW_EXAMPLES",
    "Frequency",
    "Window",
    "format_minutes",
    "parse_duration",
    "parse_frequency",
    "parse_time_of_day",
    "parse_window",
    "parse_windows",
]

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "a": 1,
    "an": 1,
}


# --- frequency ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frequency:
    """``times`` sessions in every period of ``period_weeks`` weeks, or an on-call rota."""

    times: int
    period_weeks: int
    as_needed: bool = False

    def describe(self) -> str:
        if self.as_needed:
            return "as needed (on-call rota)"
        times = {1: "once", 2: "twice"}.get(self.times, f"{self.times} times")
        if self.period_weeks == 1:
            return f"{times} a week"
        return f"{times} every {self.period_weeks} weeks"


FREQUENCY_EXAMPLES = (
    '"3 times a week", "once a week", "twice a week", "weekly", "bi-weekly", '
    '"every 2 weeks", "monthly", "as needed"'
)


def _count(word: str) -> int:
    word = word.lower()
    if word.isdigit():
        return int(word)
    if word in _NUMBER_WORDS:
        return _NUMBER_WORDS[word]
    raise ValueError(word)


_PERIOD_WORDS = {"week": 1, "fortnight": 2, "month": 4}


def parse_frequency(text: str) -> Frequency:
    """Parse "3 times a week", "weekly", "bi-weekly", "every 3 weeks", "monthly", "as needed"."""
    raw = str(text)
    s = re.sub(r"\s+", " ", raw.strip().lower())
    fixed = {
        "as needed": Frequency(0, 1, as_needed=True),
        "as-needed": Frequency(0, 1, as_needed=True),
        "on call": Frequency(0, 1, as_needed=True),
        "on-call": Frequency(0, 1, as_needed=True),
        "weekly": Frequency(1, 1),
        "once weekly": Frequency(1, 1),
        "every week": Frequency(1, 1),
        "bi-weekly": Frequency(1, 2),
        "biweekly": Frequency(1, 2),
        "bi weekly": Frequency(1, 2),
        "fortnightly": Frequency(1, 2),
        "every other week": Frequency(1, 2),
        "monthly": Frequency(1, 4),
        "every month": Frequency(1, 4),
    }
    if s in fixed:
        return fixed[s]
    if re.fullmatch(r"\d+", s):
        raise ValueError(
            f"{raw!r} is a number but not a frequency; say how often, e.g. "
            f'"{s} times a week" or "once every {s} weeks"'
        )
    number = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|a|an)"
    times_part = rf"(?:(once|twice)|{number} ?(?:times?|x|sessions?))"
    m = re.fullmatch(
        times_part + r" ?(?:a|an|per|each|every|/) ?(?:(\w+) )?(week|weeks|fortnight|month)s?", s
    )
    if m:
        once_twice, n, every_n, unit = m.groups()
        times = {"once": 1, "twice": 2}[once_twice] if once_twice else _count(n)
        weeks = _PERIOD_WORDS[unit.rstrip("s")]
        if every_n is not None:
            weeks *= _count(every_n)
        return _checked_frequency(raw, times, weeks)
    m = re.fullmatch(r"every " + number + r" weeks?", s)
    if m:
        return _checked_frequency(raw, 1, _count(m.group(1)))
    m = re.fullmatch(r"(\d+) ?(?:x|times)? ?/ ?(week|wk|month)", s)
    if m:
        return _checked_frequency(raw, int(m.group(1)), 1 if m.group(2) in ("week", "wk") else 4)
    raise ValueError(f"{raw!r} is not a frequency; expected e.g. {FREQUENCY_EXAMPLES}")


def _checked_frequency(raw: str, times: int, weeks: int) -> Frequency:
    if times < 1:
        raise ValueError(
            f'{raw!r} means no sessions at all; expected at least one, e.g. "once a week" '
            "(to drop the program, remove it)"
        )
    if weeks < 1:
        raise ValueError(f'{raw!r}: the period must be at least one week, e.g. "every 2 weeks"')
    if times > 50:
        raise ValueError(
            f"{raw!r} is more than 50 sessions in one period; expected at most 50, e.g. "
            '"3 times a week"'
        )
    return Frequency(times, weeks)


# --- duration -------------------------------------------------------------------------------

DURATION_EXAMPLES = '"1 hour", "1.5 hours", "45 minutes", "90 min", "1h30"'


def parse_duration(text: str | int | float | None) -> int:
    """Return whole minutes for "1 hour", "1.5 hours", "45 minutes", "90 min", "1h30", "1:30"."""
    if text is None:
        raise ValueError(f"the duration is empty; expected e.g. {DURATION_EXAMPLES}")
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        shown = str(text).lower() if isinstance(text, bool) else type(text).__name__
        raise ValueError(f"{shown} is not a duration; expected e.g. {DURATION_EXAMPLES}")
    if isinstance(text, int | float):
        minutes = float(text)  # a bare number means minutes
    else:
        s = re.sub(r"\s+", " ", str(text).strip().lower())
        negative = s.startswith("-")
        parsed = _duration_minutes(s.removeprefix("-").strip() if negative else s)
        if parsed is None:
            raise ValueError(f"{text!r} is not a duration; expected e.g. {DURATION_EXAMPLES}")
        minutes = -parsed if negative else parsed
    if minutes != minutes or minutes in (float("inf"), float("-inf")):
        raise ValueError(f"{text!r} is not a duration; expected e.g. {DURATION_EXAMPLES}")
    minutes = round(minutes, 6)  # 1.1 hours is 66 minutes, not 66.00000000000001
    if minutes <= 0:
        raise ValueError(f'{text!r}: a duration must be longer than zero, e.g. "45 minutes"')
    if minutes != int(minutes):
        raise ValueError(
            f"{text!r} is not a whole number of minutes; expected e.g. {DURATION_EXAMPLES} "
            "(a bare number means minutes)"
        )
    if minutes > 24 * 60:
        raise ValueError(f"{text!r}: a session cannot last longer than a day (24 hours)")
    return int(minutes)


def _duration_minutes(s: str) -> float | None:
    num = r"(\d+(?:\.\d+)?)"
    hours_word = r"(?:h|hr|hrs|hour|hours)"
    mins_word = r"(?:m|min|mins|minute|minutes)"
    m = re.fullmatch(rf"{num} ?{hours_word}(?:,? (?:and )?{num} ?{mins_word})?", s)
    if m:
        return float(m.group(1)) * 60 + (float(m.group(2)) if m.group(2) else 0)
    m = re.fullmatch(rf"(\d+) ?h ?(\d+) ?(?:{mins_word})?", s)
    if m:
        return int(m.group(1)) * 60 + int(m.group(2))
    m = re.fullmatch(rf"{num} ?{mins_word}", s)
    if m:
        return float(m.group(1))
    m = re.fullmatch(r"(\d+):(\d\d)", s)
    if m:
        return int(m.group(1)) * 60 + int(m.group(2))
    if s in ("an hour", "one hour", "half an hour", "half hour"):
        return 60.0 if "half" not in s else 30.0
    if re.fullmatch(num, s):
        return float(s)
    return None
