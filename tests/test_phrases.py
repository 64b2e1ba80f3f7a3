"""The plain-language phrases a program manager writes: frequencies, durations, time windows.

Every accepted form is listed with what it means; every rejected one with a piece of the message
that says what was expected instead.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optimizer.scenario.phrases import (
    Frequency,
    Window,
    format_minutes,
    parse_duration,
    parse_frequency,
    parse_window,
    parse_windows,
)

WEEK = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

# --- frequency ------------------------------------------------------------------------------

FREQUENCIES: list[tuple[str, Frequency]] = [
    ("weekly", Frequency(1, 1)),
    ("Weekly", Frequency(1, 1)),
    ("once weekly", Frequency(1, 1)),
    ("once a week", Frequency(1, 1)),
    ("ONCE  A  WEEK", Frequency(1, 1)),
    ("  once a week  ", Frequency(1, 1)),
    ("every week", Frequency(1, 1)),
    ("a session a week", Frequency(1, 1)),
    ("1 time a week", Frequency(1, 1)),
    ("1 time per week", Frequency(1, 1)),
    ("twice a week", Frequency(2, 1)),
    ("3 times a week", Frequency(3, 1)),
    ("3 times per week", Frequency(3, 1)),
    ("5 times per week", Frequency(5, 1)),
    ("three times a week", Frequency(3, 1)),
    ("ten times a week", Frequency(10, 1)),
    ("3x a week", Frequency(3, 1)),
    ("3x/week", Frequency(3, 1)),
    ("3/week", Frequency(3, 1)),
    ("3 times/wk", Frequency(3, 1)),
    ("2 sessions per week", Frequency(2, 1)),
    ("4 times each week", Frequency(4, 1)),
    ("50 times a week", Frequency(50, 1)),
    ("bi-weekly", Frequency(1, 2)),
    ("biweekly", Frequency(1, 2)),
    ("Bi-Weekly", Frequency(1, 2)),
    ("fortnightly", Frequency(1, 2)),
    ("every other week", Frequency(1, 2)),
    ("every two weeks", Frequency(1, 2)),
    ("every 2 weeks", Frequency(1, 2)),
    ("once every 2 weeks", Frequency(1, 2)),
    ("once a fortnight", Frequency(1, 2)),
    ("every 3 weeks", Frequency(1, 3)),
    ("every 1 week", Frequency(1, 1)),
    ("2 times every 3 weeks", Frequency(2, 3)),
    ("monthly", Frequency(1, 4)),
    ("once a month", Frequency(1, 4)),
    ("every month", Frequency(1, 4)),
    ("twice a month", Frequency(2, 4)),
    ("4/month", Frequency(4, 4)),
    ("as needed", Frequency(0, 1, as_needed=True)),
    ("As Needed", Frequency(0, 1, as_needed=True)),
    ("as-needed", Frequency(0, 1, as_needed=True)),
    ("on call", Frequency(0, 1, as_needed=True)),
    ("on-call", Frequency(0, 1, as_needed=True)),
]


@pytest.mark.parametrize(("text", "expected"), FREQUENCIES)
def test_frequency_accepted(text: str, expected: Frequency) -> None:
    assert parse_frequency(text) == expected


@pytest.mark.parametrize(
    ("text", "expected_in_message"),
    [
        ("0 times a week", "expected at least one"),
        ("zero times a week", "expected e.g."),
        ("every 0 weeks", "at least one week"),
        ("51 times a week", "expected at most 50"),
        ("3", 'e.g. "3 times a week"'),
        ("", "expected e.g."),
        ("sometimes", "expected e.g."),
        ("3 times a day", "expected e.g."),
        ("daily", "expected e.g."),
        ("weakly", "expected e.g."),
        ("three a week", "expected e.g."),
        ("-1 times a week", "expected e.g."),
    ],
)
def test_frequency_rejected(text: str, expected_in_message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_frequency(text)
    assert expected_in_message in str(info.value)
    assert repr(text) in str(info.value)  # names what was written


def test_frequency_describes_itself() -> None:
    assert parse_frequency("3 times a week").describe() == "3 times a week"
    assert parse_frequency("weekly").describe() == "once a week"
    assert parse_frequency("bi-weekly").describe() == "once every 2 weeks"
    assert parse_frequency("twice a month").describe() == "twice every 4 weeks"
    assert parse_frequency("as needed").describe() == "as needed (on-call rota)"


# --- duration -------------------------------------------------------------------------------

DURATIONS: list[tuple[str | int | float, int]] = [
    ("1 hour", 60),
    ("1 Hour", 60),
    ("2 hours", 120),
    ("1.5 hours", 90),
    ("1.25 hours", 75),
    ("1.1 hours", 66),  # not 66.00000000000001
    ("0.1 hours", 6),
    ("an hour", 60),
    ("one hour", 60),
    ("half an hour", 30),
    ("half hour", 30),
    ("45 minutes", 45),
    ("45 min", 45),
    ("45 mins", 45),
    ("45min", 45),
    ("90 min", 90),
    ("1 minute", 1),
    ("2 hrs", 120),
    ("2 hr", 120),
    ("2h", 120),
    ("1h30", 90),
    ("1h 30", 90),
    ("1h30m", 90),
    ("1 h 30 min", 90),
    ("1 hour 30 minutes", 90),
    ("1 hour, 30 minutes", 90),
    ("1 hour and 30 minutes", 90),
    ("1:30", 90),
    ("0:45", 45),
    ("90", 90),
    (90, 90),
    (90.0, 90),
    ("24 hours", 24 * 60),
]


@pytest.mark.parametrize(("text", "minutes"), DURATIONS)
def test_duration_accepted(text: str | int | float, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "expected_in_message"),
    [
        ("0 minutes", "longer than zero"),
        ("0 hours", "longer than zero"),
        ("0", "longer than zero"),
        (0, "longer than zero"),
        (-30, "longer than zero"),
        ("-30 minutes", "longer than zero"),
        ("-1 hour", "longer than zero"),
        ("-30", "longer than zero"),
        ("25 hours", "longer than a day"),
        (24 * 60 + 1, "longer than a day"),
        ("1.5", "whole number of minutes"),
        (1.5, "whole number of minutes"),
        ("0.01 hours", "whole number of minutes"),
        ("a while", "expected e.g."),
        ("1 day", "expected e.g."),
        ("one and a half hours", "expected e.g."),
        ("1,5 hours", "expected e.g."),
        ("", "expected e.g."),
        (None, "expected e.g."),
        (True, "expected e.g."),
        (float("nan"), "expected e.g."),
        (float("inf"), "expected e.g."),
    ],
)
def test_duration_rejected(text: str | int | float | None, expected_in_message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    assert expected_in_message in str(info.value)


# --- time windows ---------------------------------------------------------------------------


def weekly(text: str, days: frozenset[int], start: str, end: str) -> tuple[str, Window]:
    return text, Window(text, _minutes(start), _minutes(end), days=days)


def dated(text: str, first: str, last: str, start: str, end: str) -> tuple[str, Window]:
    return text, Window(
        text,
        _minutes(start),
        _minutes(end),
        first=dt.date.fromisoformat(first),
        last=dt.date.fromisoformat(last),
    )


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


WINDOWS: list[tuple[str, Window]] = [
    weekly("Mon-Fri 09:00-17:00", WEEKDAYS, "09:00", "17:00"),
    weekly("mon-fri 09:00-17:00", WEEKDAYS, "09:00", "17:00"),
    weekly("Mon-Fri 9:00-17:00", WEEKDAYS, "09:00", "17:00"),
    weekly("Mon-Fri 9-17", WEEKDAYS, "09:00", "17:00"),
    weekly("Mon-Fri 09:00 - 17:00", WEEKDAYS, "09:00", "17:00"),
    weekly("Mon-Fri 09:00 to 17:00", WEEKDAYS, "09:00", "17:00"),
    weekly("Mon-Fri 09:00–17:00", WEEKDAYS, "09:00", "17:00"),
    weekly("Monday-Friday 09:00-17:00", WEEKDAYS, "09:00", "17:00"),
    weekly("Mon,Wed,Fri 18:00-20:00", frozenset({MON, WED, FRI}), "18:00", "20:00"),
    weekly("Mon, Wed, Fri 18:00-20:00", frozenset({MON, WED, FRI}), "18:00", "20:00"),
    weekly("Mon-Wed,Sat 10:00-11:00", frozenset({MON, TUE, WED, SAT}), "10:00", "11:00"),
    weekly("Tues,Weds,Thurs 10:00-11:00", frozenset({TUE, WED, THU}), "10:00", "11:00"),
    weekly("Thur 10:00-11:00", frozenset({THU}), "10:00", "11:00"),
    weekly("Daily", WEEK, "00:00", "24:00"),
    weekly("Everyday 08:00-21:00", WEEK, "08:00", "21:00"),
    weekly("Daily 08:00-21:00", WEEK, "08:00", "21:00"),
    weekly("Weekdays 08:00-12:00", WEEKDAYS, "08:00", "12:00"),
    weekly("Weekends", frozenset({SAT, SUN}), "00:00", "24:00"),
    weekly("Sat", frozenset({SAT}), "00:00", "24:00"),
    weekly("Sunday", frozenset({SUN}), "00:00", "24:00"),
    # ranges may wrap past Sunday
    weekly("Fri-Mon", frozenset({FRI, SAT, SUN, MON}), "00:00", "24:00"),
    weekly("Sat-Mon 10:00-12:00", frozenset({SAT, SUN, MON}), "10:00", "12:00"),
    weekly("Sun-Sat", WEEK, "00:00", "24:00"),
    # 24:00 is the end of the day
    weekly("Mon 20:00-24:00", frozenset({MON}), "20:00", "24:00"),
    weekly("Mon 00:00-24:00", frozenset({MON}), "00:00", "24:00"),
    # the parser keeps times that are not on slot boundaries; the problem rounds them later
    weekly("Mon 09:10-16:55", frozenset({MON}), "09:10", "16:55"),
    weekly("Mon 07:00-08:10", frozenset({MON}), "07:00", "08:10"),
    dated("2026-12-25", "2026-12-25", "2026-12-25", "00:00", "24:00"),
    dated("2026-12-21 13:00-17:00", "2026-12-21", "2026-12-21", "13:00", "17:00"),
    dated("2026-12-28..2026-12-31", "2026-12-28", "2026-12-31", "00:00", "24:00"),
    dated("2026-12-28 .. 2026-12-31", "2026-12-28", "2026-12-31", "00:00", "24:00"),
    dated("2026-12-28..2026-12-31 09:00-12:00", "2026-12-28", "2026-12-31", "09:00", "12:00"),
    dated("2026-12-31..2027-01-02", "2026-12-31", "2027-01-02", "00:00", "24:00"),
    dated("2026-12-25 09:05-09:20", "2026-12-25", "2026-12-25", "09:05", "09:20"),
    # 12-hour times (issue 15)
    weekly("Mon-Fri 9am-5pm", WEEKDAYS, "09:00", "17:00"),
    weekly("Mon-Fri 9 am - 5 pm", WEEKDAYS, "09:00", "17:00"),
    weekly("Mon-Fri 9AM-5PM", WEEKDAYS, "09:00", "17:00"),
    weekly("Mon-Fri 9 a.m. to 5 p.m.", WEEKDAYS, "09:00", "17:00"),
    weekly("Mon 5:30pm-7pm", frozenset({MON}), "17:30", "19:00"),
    weekly("Mon 5:30 pm-7:15 pm", frozenset({MON}), "17:30", "19:15"),
    weekly("Mon 8am-noon", frozenset({MON}), "08:00", "12:00"),
    weekly("Mon noon-17:00", frozenset({MON}), "12:00", "17:00"),
    weekly("Mon noon-5", frozenset({MON}), "12:00", "17:00"),
    weekly("Mon 12pm-1pm", frozenset({MON}), "12:00", "13:00"),
    weekly("Mon 6pm-midnight", frozenset({MON}), "18:00", "24:00"),
    weekly("Mon 10pm-12am", frozenset({MON}), "22:00", "24:00"),
    weekly("Mon 20:00-00:00", frozenset({MON}), "20:00", "24:00"),
    weekly("Mon midnight-6am", frozenset({MON}), "00:00", "06:00"),
    weekly("Mon 12am-6am", frozenset({MON}), "00:00", "06:00"),
    # am/pm on the end only: the start takes it if that keeps the start first
    weekly("Mon 9-5pm", frozenset({MON}), "09:00", "17:00"),
    weekly("Mon 1-3pm", frozenset({MON}), "13:00", "15:00"),
    weekly("Mon 10-11am", frozenset({MON}), "10:00", "11:00"),
    weekly("Mon 11-1pm", frozenset({MON}), "11:00", "13:00"),
    weekly("Mon 9am-5", frozenset({MON}), "09:00", "17:00"),
    # "9-5": bare hours read as 24-hour, unless the end would come first: then afternoon
    weekly("Mon-Fri 9-5", WEEKDAYS, "09:00", "17:00"),
    weekly("Mon-Fri 9:30-4:30", WEEKDAYS, "09:30", "16:30"),
    weekly("Mon 10-2", frozenset({MON}), "10:00", "14:00"),
    weekly("Mon 12-1", frozenset({MON}), "12:00", "13:00"),
    weekly("Mon 9-9", frozenset({MON}), "09:00", "21:00"),
    weekly("Mon 6-9", frozenset({MON}), "06:00", "09:00"),  # the 24-hour reading works
    dated("2026-12-24 9am-noon", "2026-12-24", "2026-12-24", "09:00", "12:00"),
]


@pytest.mark.parametrize(("text", "expected"), WINDOWS)
def test_window_accepted(text: str, expected: Window) -> None:
    assert parse_window(text) == expected


# Several windows in one text: "," separates windows where a new day or date follows a time
# range ("Mon,Wed 13:00-21:00" still lists days); ";" always does.
SEVERAL: list[tuple[str, list[Window]]] = [
    (
        "Tue 16:00-20:00, Sat 09:00-12:00",
        [
            weekly("Tue 16:00-20:00", frozenset({TUE}), "16:00", "20:00")[1],
            weekly("Sat 09:00-12:00", frozenset({SAT}), "09:00", "12:00")[1],
        ],
    ),
    (
        "Tue 16:00-20:00; Sat 09:00-12:00",
        [
            weekly("Tue 16:00-20:00", frozenset({TUE}), "16:00", "20:00")[1],
            weekly("Sat 09:00-12:00", frozenset({SAT}), "09:00", "12:00")[1],
        ],
    ),
    (
        "Mon,Wed 13:00-21:00, Sat 9am-noon",
        [
            weekly("Mon,Wed 13:00-21:00", frozenset({MON, WED}), "13:00", "21:00")[1],
            weekly("Sat 9am-noon", frozenset({SAT}), "09:00", "12:00")[1],
        ],
    ),
    (
        "Mon, Wed 13:00-21:00,Sat,Sun 10:00-12:00",
        [
            weekly("Mon, Wed 13:00-21:00", frozenset({MON, WED}), "13:00", "21:00")[1],
            weekly("Sat,Sun 10:00-12:00", frozenset({SAT, SUN}), "10:00", "12:00")[1],
        ],
    ),
    # a time range after a comma keeps the days before it (a split shift)
    (
        "Mon-Fri 09:00-12:00, 13:00-17:00",
        [
            weekly("Mon-Fri 09:00-12:00", WEEKDAYS, "09:00", "12:00")[1],
            weekly("Mon-Fri 13:00-17:00", WEEKDAYS, "13:00", "17:00")[1],
        ],
    ),
    (
        "2026-12-24 9-12, 1-5pm",
        [
            dated("2026-12-24 9-12", "2026-12-24", "2026-12-24", "09:00", "12:00")[1],
            dated("2026-12-24 1-5pm", "2026-12-24", "2026-12-24", "13:00", "17:00")[1],
        ],
    ),
    (
        "2026-12-25, 2026-12-31 18:00-24:00",
        [
            dated("2026-12-25", "2026-12-25", "2026-12-25", "00:00", "24:00")[1],
            dated("2026-12-31 18:00-24:00", "2026-12-31", "2026-12-31", "18:00", "24:00")[1],
        ],
    ),
    (
        "Sat 09:00-12:00, 2026-12-24",
        [
            weekly("Sat 09:00-12:00", frozenset({SAT}), "09:00", "12:00")[1],
            dated("2026-12-24", "2026-12-24", "2026-12-24", "00:00", "24:00")[1],
        ],
    ),
    # a separator after the last window is nothing more
    ("Tue 16:00-20:00,", [weekly("Tue 16:00-20:00", frozenset({TUE}), "16:00", "20:00")[1]]),
    ("Tue 16:00-20:00;", [weekly("Tue 16:00-20:00", frozenset({TUE}), "16:00", "20:00")[1]]),
]


@pytest.mark.parametrize(("text", "expected"), SEVERAL)
def test_several_windows_in_one_text(text: str, expected: list[Window]) -> None:
    assert parse_windows(text) == expected


def test_one_window_where_one_is_expected() -> None:
    assert parse_window("Mon-Fri 9-5") == parse_windows("Mon-Fri 9-5")[0]
    with pytest.raises(ValueError, match="holds 2 windows"):
        parse_window("Tue 16:00-20:00, Sat 09:00-12:00")


# Each rejected form: a piece of its message, and the spelling the message proposes (which must
# itself be accepted). The message quotes only text that was written.
REJECTED: list[tuple[str, str, str]] = [
    # end before (or at) start; no window runs past midnight
    ("Mon 17:00-09:00", "expected the end after the start", '"Mon 17:00-24:00"'),
    ("Mon 09:00-09:00", "expected the end after the start", '"Mon 09:00-21:00"'),
    ("Mon 09:00-05:00", "if you meant 09:00-17:00", '"Mon 09:00-17:00"'),
    ("Mon 09:00-05:00", "split it in two", '"Tue 00:00-05:00"'),
    ("Fri 22:00-02:00", "split it in two", '"Sat 00:00-02:00"'),
    ("Fri 10pm-2am", "split it in two", '"Fri 22:00-24:00"'),
    ("Mon-Fri 22:00-02:00", "split it in two", '"Tue-Sat 00:00-02:00"'),
    ("Sun 22:00-02:00", "split it in two", '"Mon 00:00-02:00"'),
    ("Mon 17:00-17:00", "expected the end after the start", '"Mon 17:00-18:00"'),
    ("Mon 8pm-6am", "split it in two", '"Tue 00:00-06:00"'),
    ("2026-12-21 17:00-13:00", "expected the end after the start", '"2026-12-22 00:00-13:00"'),
    ("2026-12-31..2026-12-28", "before the first day", "2026-12-28..2026-12-31"),
    # times
    ("Mon 24:30-25:00", "expected HH:MM between 00:00 and 24:00", "21:00"),
    ("Mon 25:00-26:00", "expected HH:MM between 00:00 and 24:00", "9pm"),
    ("Mon 09:60-10:00", "expected HH:MM between 00:00 and 24:00", "09:30"),
    ("Mon 9.30-11:00", "'9.30' is not a time of day", "write 09:30"),
    ("Mon 0930-1100", "'0930' is not a time of day", "write 09:30"),
    ("Mon 13pm-2pm", "with am or pm the hour runs from 1 to 12", "write 13:00"),
    ("Mon 0am-2am", "with am or pm the hour runs from 1 to 12", "write 00:00"),
    ("Mon 09:00", "has no end", "09:00-10:00"),
    ("Mon 09:00-", "has no end", "09:00-10:00"),
    ("Mon 9am", "has no end", "09:00-10:00"),
    ("Mon soon-17:00", "'soon' is not a time of day", "9, 8am, 5:30pm, noon"),
    # days
    ("Funday 09:00-17:00", "'Funday' is not a day", "Mon, Mon-Fri"),
    ("Mon-Fri-Sat 09:00-17:00", "not a day or range of days", "Mon, Mon-Fri"),
    ("Mon,,Wed 09:00-17:00", "two commas with no day between them", "write e.g. Mon,Wed"),
    ("Mon Wed 09:00-17:00", "separate them with commas", "Mon,Wed"),
    ("Weekday 09:00-17:00", "expected e.g. Mon, Mon-Fri", "Weekdays"),
    ("09:00-17:00", "names no days", '"Mon-Fri 09:00-17:00"'),
    ("9-5", "names no days", '"Mon-Fri 09:00-17:00"'),
    ("9am-5pm Mon-Fri", "write the days first", '"Mon-Fri 09:00-17:00"'),
    ("", "expected e.g.", '"Mon-Fri 09:00-17:00"'),
    ("   ", "expected e.g.", '"Mon-Fri 09:00-17:00"'),
    (";", "expected e.g.", '"Tue 16:00-20:00, Sat 09:00-12:00"'),
    # dates
    ("2026-13-01", "expected YYYY-MM-DD", "2026-12-25"),
    ("2026-02-30", "expected YYYY-MM-DD", "2026-12-25"),
    ("2026-12-21 13:00", "has no end", "13:00-14:00"),
    ("2026-12-28..2026-12-32", "expected YYYY-MM-DD", "2026-12-25"),
    # in a text with several windows, the message quotes the window that is wrong, as written
    ("Tue 16:00-20:00, Sat 09:00-25:00", "'Sat 09:00-25:00': '25:00'", "21:00"),
    ("Tue 16:00-20:00, Funday 9-12", "'Funday 9-12': 'Funday' is not a day", "Mon-Fri"),
]


@pytest.mark.parametrize(("text", "expected_in_message", "proposed"), REJECTED)
def test_window_rejected_with_a_proposal(
    text: str, expected_in_message: str, proposed: str
) -> None:
    with pytest.raises(ValueError) as info:
        parse_windows(text)
    message = str(info.value)
    assert expected_in_message in message
    assert proposed in message
    # every quoted window the message proposes is accepted as written
    for quoted in re.findall(r'"([^"]+)"', message):
        parse_windows(quoted)
    # what the message quotes with single quotes was written (no text made up)
    for quoted in re.findall(r"'([^']*)'", message):
        assert quoted in text, (quoted, message)


def test_window_applies_on_days_and_dates() -> None:
    monday = dt.date(2026, 12, 7)
    weekly_window = parse_window("Fri-Mon 10:00-12:00")
    assert [weekly_window.applies_on(monday + dt.timedelta(d)) for d in range(7)] == [
        True,
        False,
        False,
        False,
        True,
        True,
        True,
    ]
    holiday = parse_window("2026-12-24..2026-12-26")
    assert holiday.dated and not weekly_window.dated
    assert not holiday.applies_on(dt.date(2026, 12, 23))
    assert holiday.applies_on(dt.date(2026, 12, 24))
    assert holiday.applies_on(dt.date(2026, 12, 26))
    assert not holiday.applies_on(dt.date(2026, 12, 27))


def test_window_keeps_the_text_as_written() -> None:
    assert parse_window("  mon-fri 09:00-17:00 ").text == "  mon-fri 09:00-17:00 "


@pytest.mark.parametrize(("minutes", "text"), [(0, "00:00"), (545, "09:05"), (1440, "24:00")])
def test_format_minutes(minutes: int, text: str) -> None:
    assert format_minutes(minutes) == text


# --- any text at all: a ValueError with a message, never another exception ------------------

_PHRASE_ALPHABET = "0123456789:-–., /xhmtoaeiwkMTWFSdnyusr\t"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_PHRASE_ALPHABET, max_size=30) | st.text(max_size=30))
def test_any_text_is_parsed_or_rejected_with_a_message(text: str) -> None:
    for parse in (parse_frequency, parse_duration, parse_windows):
        try:
            parse(text)
        except ValueError as exc:
            assert str(exc)
