"""Timetables for the agreement harness, each with the scenario it is for and the hard rules
the checker finds broken in it: the deliberately broken timetables of ``tests/test_validate.py``
(every one of its ``BREAKS`` and the breaks its other tests make) and a few more, so that every
hard rule the model states is broken by at least one (``tests/test_registry.py`` holds that)."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import replace
from typing import Any

from optimizer.timetable import Timetable, Unmet

from .test_validate import (
    BASE,
    BREAKS,
    COVERAGE,
    FRI,
    MON,
    TEN,
    THU,
    VALID_BOOKINGS,
    WED,
    book,
    changed,
    groups_of,
    shift,
    timetable,
)

Case = tuple[dict[str, Any], Timetable, frozenset[str]]  # scenario, timetable, rules broken
WEEK = dt.timedelta(days=7)


def _with(data: dict[str, Any], *path: Any, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    *first, last = path
    node = out
    for key in first:
        node = node[key]
    node[last] = value
    return out


def _houses(staff_house: str) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for room in data["rooms"]:
        room["house"] = "north"
    data["rooms"][2]["house"] = "south"  # the lounge
    for res in data["residents"]:
        res["house"] = "north"
    data["staff"][1]["houses"] = [staff_house]
    return data


def _two_weeks(**calendar: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data["calendar"].update({"weeks": 2, "closed": [], **calendar})
    data["programs"] = [data["programs"][2]]  # the trauma group, weekly
    return data


def trauma(*days: dt.date) -> Timetable:
    return Timetable([replace(VALID_BOOKINGS["tg"], date=d) for d in days])


TOGETHER = dict(BASE, grouping={"together": [["R01", "R03"]]})
SPLIT = timetable(
    change={
        "gt1": replace(VALID_BOOKINGS["gt1"], residents=("R01", "R02")),
        "gt2": replace(VALID_BOOKINGS["gt2"], residents=("R01", "R02")),
    },
    extra=[
        book(MON, "11:00", "12:00", "group-therapy/B/1", "hall", ("s1",), ("R03",)),
        book(WED, "11:00", "12:00", "group-therapy/B/2", "hall", ("s1",), ("R03",)),
    ],
)
MONTHLY = _with(
    dict(
        _with(BASE, "calendar", "weeks", value=5),
        residents=[{"id": "R01"}],
        programs=[
            {"id": "monthly", "frequency": "monthly", "duration": 60, "facilitator": "counselor"}
        ],
    ),
    "calendar",
    "closed",
    value=[],
)
_FIRST = book(MON, "10:00", "11:00", "monthly/A/1", "hall", ("s3",), ("R01",))
ROUNDED = _with(COVERAGE, "staff", 0, "available", value="Mon 09:10-11:00")
GAP = Unmet("crisis", "crisis", "on call", "week 1", 1, "nobody free")

# A crisis rota with a required cover and shift lengths: Monday 09:00-12:00 in 1-hour blocks.
ROTA = dict(
    _with(COVERAGE, "calendar", "open", value="Mon 09:00-12:00"),
    staff=[{"id": "n1", "roles": ["nurse"]}, {"id": "n2", "roles": ["nurse"]}],
)
COVERED = _with(ROTA, "programs", 0, "cover", value="all")
SHIFTS = _with(ROTA, "programs", 0, "shifts", value={"shortest": "2 hours", "longest": "2 hours"})


def _unmet(session: str, who: str, period: str = "2026-12-07..2026-12-13") -> Unmet:
    return Unmet(session.split("/")[0], session, who, period, 1, "not placed")


CASES: dict[str, Case] = {
    **{
        f"break: {name}": (BASE, timetable(**how), frozenset({rule}))
        for name, (rule, how) in BREAKS.items()
    },
    "valid": (BASE, timetable(), frozenset()),
    "a session left out": (
        BASE,
        timetable({"tg": None}, unmet=[_unmet("trauma-group/A/1", "group A")]),
        frozenset(),
    ),
    "apart": (dict(BASE, grouping={"apart": [["R01", "R02"]]}), timetable(), frozenset({"apart"})),
    "together": (TOGETHER, timetable(), frozenset()),
    "together split": (TOGETHER, SPLIT, frozenset({"together", "weekly_hours"})),
    "weekly hours": (
        _with(BASE, "staff", 0, "max_hours_per_week", value=3),
        timetable(),
        frozenset({"weekly_hours"}),
    ),
    "weekly hours without on call": (
        _with(BASE, "staff", 1, "max_hours_per_week", value=1),
        timetable(),
        frozenset(),
    ),
    "group size": (
        _with(BASE, "programs", 0, "max_group_size", value=2),
        timetable(),
        frozenset({"group_size"}),
    ),
    "houses": (_houses("north"), timetable(), frozenset()),
    "house of the room": (
        _houses("north"),
        timetable(changed("pc2", room="lounge")),
        frozenset({"house"}),
    ),
    "house of the facilitator": (
        _houses("south"),
        timetable(changed("pc2", facilitators=("s2",))),
        frozenset({"house"}),
    ),
    "room too small": (
        _with(BASE, "rooms", 1, "capacity", value=2),
        timetable(changed("tg", room="office-a")),
        frozenset({"room_capacity"}),
    ),
    "unbalanced groups": (TEN, groups_of(2), frozenset({"balanced_groups"})),
    "same day": (
        BASE,
        timetable(changed("gt2", date=MON, start="14:00", end="15:00")),
        frozenset({"different_days"}),
    ),
    "same day allowed": (
        _with(BASE, "programs", 0, "same_day_allowed", value=True),
        timetable(changed("gt2", date=MON, start="14:00", end="15:00")),
        frozenset(),
    ),
    "same time every week": (_two_weeks(), trauma(THU, THU + WEEK), frozenset()),
    "a move without a reason": (
        _two_weeks(),
        trauma(THU, FRI + WEEK),
        frozenset({"moves_need_a_reason"}),
    ),
    "a move off a closed usual day": (
        _two_weeks(closed=[(THU + WEEK).isoformat()]),
        trauma(FRI, THU + WEEK),
        frozenset({"moves_need_a_reason", "opening_hours"}),
    ),
    "a session in an empty final period": (
        MONTHLY,
        Timetable([_FIRST, replace(_FIRST, date=MON + dt.timedelta(days=28))]),
        frozenset({"too_many"}),
    ),
    "half the opening hours on call": (
        COVERAGE,
        Timetable(on_call=[shift(MON, "09:00", "10:00", "n1")]),
        frozenset(),
    ),
    "a gap reported that is not there": (
        COVERAGE,
        Timetable(on_call=[shift(MON, "09:00", "11:00", "n1")], unmet=[GAP]),
        frozenset({"unmet_spurious"}),
    ),
    "on call before availability, rounded": (
        ROUNDED,
        Timetable(on_call=[shift(MON, "09:00", "11:00", "n1")]),
        frozenset({"on_call_available"}),
    ),
    "a required cover short": (
        COVERED,
        Timetable(on_call=[shift(MON, "09:00", "11:00", "n1")]),
        frozenset({"on_call_cover"}),
    ),
    "a required cover short, reported": (
        COVERED,
        Timetable(on_call=[shift(MON, "09:00", "11:00", "n1")], unmet=[GAP]),
        frozenset(),
    ),
    "a required cover met": (
        COVERED,
        Timetable(on_call=[shift(MON, "09:00", "11:00", "n1"), shift(MON, "11:00", "12:00", "n2")]),
        frozenset(),
    ),
    "shifts of the right length": (
        SHIFTS,
        Timetable(on_call=[shift(MON, "09:00", "11:00", "n1")]),
        frozenset(),
    ),
    "a shift too short": (
        SHIFTS,
        Timetable(on_call=[shift(MON, "09:00", "10:00", "n1"), shift(MON, "10:00", "12:00", "n2")]),
        frozenset({"on_call_shift_length"}),
    ),
    "a shift too long": (
        SHIFTS,
        Timetable(on_call=[shift(MON, "09:00", "12:00", "n1")]),
        frozenset({"on_call_shift_length"}),
    ),
}

# Timetables the checker accepts and the model cannot express: design limits of the model,
# each with its strict xfail in tests/test_agreement.py.
LIMITS: dict[str, tuple[dict[str, Any], Timetable]] = {
    "other groups than the model's": (TEN, groups_of(4)),
    "a usual time blocked in one week": (
        _two_weeks(closed=[(THU + WEEK).isoformat()]),
        trauma(THU, FRI + WEEK),
    ),
    "an on-call shift over part of a block": (
        ROUNDED,
        Timetable(on_call=[shift(MON, "09:15", "11:00", "n1")]),
    ),
}
