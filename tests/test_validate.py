"""The validator: a valid hand-made timetable passes; each rule catches one hand-made break."""

from __future__ import annotations

import ast
import copy
import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

import optimizer.check
from optimizer.check import CoverageReport, Shortfall, ValidationReport, validate
from optimizer.scenario import Scenario, load_scenario
from optimizer.timetable import Booking, OnCallShift, Timetable, Unmet

MON = dt.date(2026, 12, 7)
TUE, WED, THU, FRI = (MON + dt.timedelta(days=i) for i in range(1, 5))


def hm(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


BASE: dict[str, Any] = {
    "name": "Validator test home",
    "calendar": {
        "start": "2026-12-07",
        "weeks": 1,
        "open": "Mon-Fri 09:00-17:00",
        "slot_minutes": 15,
        "closed": ["2026-12-11 13:00-17:00"],
    },
    "rooms": [
        {"id": "hall", "capacity": 10, "features": ["large"]},
        {
            "id": "office-a",
            "capacity": 3,
            "available": "Mon-Thu 09:10-17:00",
            "unavailable": ["2026-12-09 14:10-15:00"],
        },
        {"id": "lounge", "capacity": 6},
    ],
    "staff": [
        {"id": "s1", "roles": ["counselor"], "max_hours_per_week": 4},
        {
            "id": "s2",
            "roles": ["counselor", "nurse"],
            "available": "Mon-Fri 09:00-13:00",
            "unavailable": [{"when": "2026-12-08 09:00-10:00", "reason": "training"}],
        },
        {"id": "s3", "roles": ["counselor"]},
        {"id": "s4", "roles": ["nurse"]},
    ],
    "residents": [
        {"id": "R01", "tracks": ["trauma"], "busy": ["Mon 09:00-10:00"]},
        {"id": "R02", "tracks": ["trauma"]},
        {"id": "R03"},
    ],
    "programs": [
        {
            "id": "group-therapy",
            "frequency": "twice a week",
            "duration": "1 hour",
            "facilitator": "counselor",
            "attendees": "all",
            "max_group_size": 4,
            "room": "large",
        },
        {
            "id": "peer-counseling",
            "frequency": "once a week",
            "duration": "30 minutes",
            "facilitator": "counselor",
            "attendees": "each",
        },
        {
            "id": "trauma-group",
            "frequency": "weekly",
            "duration": "1 hour",
            "facilitator": "counselor",
            "attendees": "track:trauma",
        },
        {
            "id": "crisis",
            "frequency": "as needed",
            "duration": "4 hours",
            "facilitator": "nurse",
        },
    ],
}


def book(
    date: dt.date,
    start: str,
    end: str,
    session: str,
    room: str,
    facilitators: tuple[str, ...],
    residents: tuple[str, ...],
) -> Booking:
    return Booking(
        date, hm(start), hm(end), session.split("/")[0], session, room, facilitators, residents
    )


def shift(date: dt.date, start: str, end: str, staff: str, program: str = "crisis") -> OnCallShift:
    return OnCallShift(date, hm(start), hm(end), program, staff)


ALL = ("R01", "R02", "R03")
VALID_BOOKINGS = {
    "gt1": book(MON, "10:00", "11:00", "group-therapy/A/1", "hall", ("s1",), ALL),
    "gt2": book(WED, "10:00", "11:00", "group-therapy/A/2", "hall", ("s1",), ALL),
    "pc1": book(TUE, "11:00", "11:30", "peer-counseling/R01/1", "office-a", ("s1",), ("R01",)),
    "pc2": book(TUE, "11:30", "12:00", "peer-counseling/R02/1", "office-a", ("s1",), ("R02",)),
    "pc3": book(TUE, "12:00", "12:30", "peer-counseling/R03/1", "office-a", ("s1",), ("R03",)),
    "tg": book(THU, "10:00", "11:00", "trauma-group/A/1", "hall", ("s3",), ("R01", "R02")),
}
VALID_SHIFTS = [shift(MON, "09:00", "13:00", "s2")]


def write_scenario(tmp_path: Path, data: dict[str, Any]) -> Scenario:
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_scenario(path)


@pytest.fixture
def scenario(tmp_path: Path) -> Scenario:
    return write_scenario(tmp_path, BASE)


def timetable(
    change: dict[str, Booking | None] | None = None,
    extra: list[Booking] | None = None,
    shifts: list[OnCallShift] | None = None,
    unmet: list[Unmet] | None = None,
) -> Timetable:
    """The valid timetable with some bookings replaced (or removed, with None) and extras."""
    bookings = dict(VALID_BOOKINGS)
    for key, value in (change or {}).items():
        if value is None:
            del bookings[key]
        else:
            bookings[key] = value
    return Timetable(
        [*bookings.values(), *(extra or [])],
        VALID_SHIFTS + (shifts or []),
        list(unmet or []),
    )


def rules(report: ValidationReport) -> set[str]:
    return {v.rule for v in report.violations}


def changed(key: str, **fields: Any) -> dict[str, Booking | None]:
    b = VALID_BOOKINGS[key]
    for name in ("start", "end"):
        if isinstance(fields.get(name), str):
            fields[name] = hm(fields[name])
    return {key: replace(b, **fields)}


# --- the valid timetable --------------------------------------------------------------------


def test_valid_timetable_passes(scenario: Scenario) -> None:
    report = validate(scenario, timetable())
    assert report.violations == []
    assert report.ok
    assert report.complete
    assert report.shortfalls == []
    [crisis] = report.coverage
    # Open Mon-Thu 09:00-17:00 and Fri 09:00-13:00; on call Mon 09:00-13:00.
    assert crisis.open_minutes == 4 * 480 + 240
    assert crisis.covered_minutes == 240
    assert crisis.uncovered[0] == (MON, hm("13:00"), hm("17:00"))
    assert crisis.uncovered[-1] == (FRI, hm("09:00"), hm("13:00"))


# --- one break, one rule --------------------------------------------------------------------

BREAKS: dict[str, tuple[str, dict[str, Any]]] = {
    # time
    "outside horizon": (
        "horizon",
        {"extra": [replace(VALID_BOOKINGS["pc1"], date=TUE + dt.timedelta(7))]},
    ),
    "shift outside horizon": (
        "horizon",
        {"shifts": [shift(MON - dt.timedelta(7), "09:00", "13:00", "s2")]},
    ),
    "closure": ("opening_hours", {"change": changed("gt2", date=FRI, start="14:00", end="15:00")}),
    "before opening": ("opening_hours", {"change": changed("gt2", start="08:00", end="09:00")}),
    "weekend": ("opening_hours", {"change": changed("gt2", date=MON + dt.timedelta(5))}),
    "off slot": ("slot", {"change": changed("pc2", date=THU, start="11:35", end="12:05")}),
    "shift off slot": ("slot", {"shifts": [shift(TUE, "09:05", "13:00", "s4")]}),
    "too short": ("duration", {"change": changed("pc2", end="11:45")}),
    "shift ends before start": ("duration", {"shifts": [shift(TUE, "12:00", "11:00", "s4")]}),
    # programs and sessions
    "unknown program": (
        "program_unknown",
        {"extra": [book(FRI, "10:00", "11:00", "yoga/A/1", "hall", ("s3",), ("R03",))]},
    ),
    "session of another program": (
        "session_program",
        {"change": changed("pc2", session="peer/R02/1")},
    ),
    "session without k": (
        "session_program",
        {"change": changed("pc2", session="peer-counseling/R02")},
    ),
    "session twice a period": (
        "session_time",
        {"change": changed("gt2", session="group-therapy/A/1")},
    ),
    "group changes": ("group_stable", {"change": changed("gt2", session="group-therapy/B/1")}),
    # rooms
    "unknown room": ("room_unknown", {"change": changed("pc2", room="attic")}),
    "room lacks feature": ("room_features", {"change": changed("gt1", room="lounge")}),
    "room not open that day": ("room_available", {"change": changed("pc2", date=FRI)}),
    "room unavailable": (
        "room_available",
        {"change": changed("pc2", date=WED, start="14:00", end="14:30")},
    ),
    "room twice": (
        "room_double_booked",
        {"change": changed("pc2", start="11:15", end="11:45", facilitators=("s2",))},
    ),
    # staff
    "no facilitator": ("one_facilitator", {"change": changed("pc2", facilitators=())}),
    "two facilitators": ("one_facilitator", {"change": changed("pc2", facilitators=("s1", "s3"))}),
    "unknown staff": ("staff_unknown", {"change": changed("pc2", facilitators=("s9",))}),
    "unknown on-call staff": ("staff_unknown", {"shifts": [shift(TUE, "09:00", "13:00", "s9")]}),
    "facilitator lacks role": (
        "facilitator_role",
        {"change": changed("pc2", facilitators=("s4",))},
    ),
    "facilitator off duty": (
        "facilitator_available",
        {"change": changed("pc2", start="13:00", end="13:30", facilitators=("s2",))},
    ),
    "facilitator unavailable": (
        "facilitator_available",
        {"change": changed("pc2", start="09:30", end="10:00", facilitators=("s2",))},
    ),
    "facilitator twice": (
        "facilitator_double_booked",
        {"change": changed("pc2", start="11:15", end="11:45", room="lounge")},
    ),
    "facilitator listed twice": (
        "facilitator_double_booked",
        {"change": changed("pc2", facilitators=("s1", "s1"))},
    ),
    "facilitator on call": (
        "facilitator_double_booked",
        {"change": changed("gt1", facilitators=("s2",))},
    ),
    # residents
    "unknown resident": ("resident_unknown", {"change": changed("gt1", residents=(*ALL, "R09"))}),
    "resident twice": (
        "resident_double_booked",
        {"change": changed("pc1", date=MON, start="10:30", end="11:00", facilitators=("s3",))},
    ),
    "resident listed twice": (
        "resident_double_booked",
        {"change": changed("gt1", residents=(*ALL, "R01"))},
    ),
    "resident busy": (
        "resident_busy",
        {"change": changed("pc1", date=MON, start="09:30", end="10:00", facilitators=("s3",))},
    ),
    "no residents": (
        "no_residents",
        {"extra": [book(FRI, "10:00", "11:00", "trauma-group/B/1", "hall", ("s3",), ())]},
    ),
    # demand
    "not an attendee": ("not_attendee", {"change": changed("tg", residents=("R01", "R02", "R03"))}),
    "two in a one-on-one": (
        "one_on_one",
        {"change": {"pc3": None, **changed("pc2", residents=("R02", "R03"))}},
    ),
    "too many": (
        "too_many",
        {"extra": [book(THU, "14:00", "15:00", "group-therapy/A/3", "hall", ("s3",), ALL)]},
    ),
    "on-call program booked": (
        "on_call_booking",
        {"extra": [book(THU, "13:00", "17:00", "crisis/A/1", "hall", ("s4",), ("R01",))]},
    ),
    # on call
    "on call without role": ("on_call_role", {"shifts": [shift(TUE, "10:00", "13:00", "s3")]}),
    "on call off duty": ("on_call_available", {"shifts": [shift(TUE, "13:00", "14:00", "s2")]}),
    "on call unavailable": ("on_call_available", {"shifts": [shift(TUE, "09:00", "10:00", "s2")]}),
    "on call after hours": ("on_call_available", {"shifts": [shift(MON, "17:00", "18:00", "s4")]}),
    "on call overlap": ("on_call_overlap", {"shifts": [shift(MON, "12:00", "14:00", "s4")]}),
    "on call for an unknown program": (
        "on_call_program",
        {"shifts": [shift(FRI, "09:00", "10:00", "s4", "crises")]},
    ),
    "on call for a session program": (
        "on_call_program",
        {"shifts": [shift(FRI, "09:00", "10:00", "s4", "group-therapy")]},
    ),
    # the unmet list
    "shortfall not reported": ("unmet_unreported", {"change": {"tg": None}}),
    "spurious unmet": (
        "unmet_spurious",
        {"unmet": [Unmet("group-therapy", "group-therapy/A/1", "R01", "week 1", 1, "?")]},
    ),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_each_break_is_caught_by_its_rule(scenario: Scenario, case: str) -> None:
    rule, how = BREAKS[case]
    report = validate(scenario, timetable(**how))
    assert rules(report) == {rule}, report.summary()
    assert not report.ok
    for v in report.violations:
        assert v.message.endswith(".")
        assert len(v.message) > 20


def test_together_and_apart(scenario: Scenario) -> None:
    """grouping.apart: R01 and R02 share group A of group therapy (and the trauma group);
    grouping.together: R01 and R03 do share it, until R03 is moved to group B."""
    from optimizer.scenario.schema import Grouping

    apart = scenario.model_copy(update={"grouping": Grouping(apart=[["R01", "R02"]])})
    assert rules(validate(apart, timetable())) == {"apart"}
    together = scenario.model_copy(update={"grouping": Grouping(together=[["R01", "R03"]])})
    assert validate(together, timetable()).ok
    split = timetable(
        change={
            "gt1": replace(VALID_BOOKINGS["gt1"], residents=("R01", "R02")),
            "gt2": replace(VALID_BOOKINGS["gt2"], residents=("R01", "R02")),
        },
        extra=[
            book(MON, "11:00", "12:00", "group-therapy/B/1", "hall", ("s1",), ("R03",)),
            book(WED, "11:00", "12:00", "group-therapy/B/2", "hall", ("s1",), ("R03",)),
        ],
    )
    assert "together" in rules(validate(together, split))


def test_validator_is_independent_of_the_model() -> None:
    """No module of the check package imports the model, the solver or the slot masks of
    ``optimizer.planning.problem``."""
    imported = set()
    for path in Path(optimizer.check.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                imported.add(node.module or "")
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert imported, "no module read"
    banned = ("problem", "model", "solve", "ortools", "construct")
    assert not any(word in name for name in imported for word in banned), imported


def test_room_double_booking_message(scenario: Scenario) -> None:
    report = validate(scenario, timetable(**BREAKS["room twice"][1]))
    [v] = report.violations
    assert v.message == (
        "Tue 2026-12-08 11:15-11:30: room office-a is booked twice "
        "(peer-counseling/R01/1 and peer-counseling/R02/1)."
    )


def test_weekly_hours(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["staff"][0]["max_hours_per_week"] = 3  # s1 leads 2 x 1 h + 3 x 30 min = 3.5 h
    report = validate(write_scenario(tmp_path, data), timetable())
    assert rules(report) == {"weekly_hours"}
    assert "s1" in report.violations[0].message
    data["staff"][0]["max_hours_per_week"] = 3.5
    assert validate(write_scenario(tmp_path, data), timetable()).ok


def test_weekly_hours_ignore_on_call(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["staff"][1]["max_hours_per_week"] = 1  # s2 is on call 4 h but leads nothing
    assert validate(write_scenario(tmp_path, data), timetable()).ok


def test_group_size(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["programs"][0]["max_group_size"] = 2
    report = validate(write_scenario(tmp_path, data), timetable())
    assert rules(report) == {"group_size"}
    assert len(report.violations) == 2  # both group-therapy sessions


@pytest.fixture
def house_data() -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for room in data["rooms"]:
        room["house"] = "north"
    data["rooms"][2]["house"] = "south"  # the lounge
    for res in data["residents"]:
        res["house"] = "north"
    data["staff"][1]["houses"] = ["north"]
    return data


def test_houses_valid(tmp_path: Path, house_data: dict[str, Any]) -> None:
    assert validate(write_scenario(tmp_path, house_data), timetable()).ok


def test_house_room(tmp_path: Path, house_data: dict[str, Any]) -> None:
    report = validate(
        write_scenario(tmp_path, house_data), timetable(changed("pc2", room="lounge"))
    )
    assert rules(report) == {"house"}


def test_house_staff(tmp_path: Path, house_data: dict[str, Any]) -> None:
    house_data["staff"][1]["houses"] = ["south"]
    scenario = write_scenario(tmp_path, house_data)
    report = validate(scenario, timetable(changed("pc2", facilitators=("s2",))))
    assert rules(report) == {"house"}
    assert "s2" in report.violations[0].message


# --- shortfalls -----------------------------------------------------------------------------


def test_shortfall_is_not_a_violation(scenario: Scenario) -> None:
    unmet = Unmet("trauma-group", "trauma-group/A/1", "group A", "week 1", 1, "no room")
    report = validate(scenario, timetable({"tg": None}, unmet=[unmet]))
    assert report.ok
    assert not report.complete
    sunday = MON + dt.timedelta(days=6)
    assert report.shortfalls == [
        Shortfall("trauma-group", "R01", MON, sunday, 1, 0),
        Shortfall("trauma-group", "R02", MON, sunday, 1, 0),
    ]


def test_partial_periods(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["calendar"]["weeks"] = 5
    data["calendar"]["closed"] = []
    data["residents"] = [{"id": "R01"}]
    data["programs"] = [
        {"id": "monthly", "frequency": "monthly", "duration": 60, "facilitator": "counselor"},
        {"id": "fortnight", "frequency": "3 times every 2 weeks", "duration": 60,
         "facilitator": "counselor"},
        {"id": "five", "frequency": "5 times a month", "duration": 60, "facilitator": "counselor"},
    ]  # fmt: skip
    report = validate(write_scenario(tmp_path, data), Timetable())
    got = [(s.program, s.period_start, s.period_end, s.expected) for s in report.shortfalls]
    week = dt.timedelta(days=7)
    day = dt.timedelta(days=1)
    assert got == [
        # 4 weeks + 1 week: the last week's share of once a month is 0.25, rounded to 0.
        ("monthly", MON, MON + 4 * week - day, 1),
        # 2 + 2 + 1 weeks: the last week's share of 3 is 1.5, rounded half up to 2.
        ("fortnight", MON, MON + 2 * week - day, 3),
        ("fortnight", MON + 2 * week, MON + 4 * week - day, 3),
        ("fortnight", MON + 4 * week, MON + 5 * week - day, 2),
        # 5 a month: the last week's share is 1.25, rounded to 1.
        ("five", MON, MON + 4 * week - day, 5),
        ("five", MON + 4 * week, MON + 5 * week - day, 1),
    ]
    assert all(s.found == 0 and s.resident == "R01" for s in report.shortfalls)
    assert rules(report) == {"unmet_unreported"}


def test_booking_in_an_empty_final_period_is_too_many(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["calendar"]["weeks"] = 5
    data["residents"] = [{"id": "R01"}]
    data["programs"] = [
        {"id": "monthly", "frequency": "monthly", "duration": 60, "facilitator": "counselor"}
    ]
    first = book(MON, "10:00", "11:00", "monthly/A/1", "hall", ("s3",), ("R01",))
    last = replace(first, date=MON + dt.timedelta(days=28))
    report = validate(write_scenario(tmp_path, data), Timetable([first, last]))
    assert rules(report) == {"too_many"}
    assert report.complete


# --- coverage -------------------------------------------------------------------------------

COVERAGE: dict[str, Any] = {
    "name": "Coverage",
    "calendar": {"start": "2026-12-07", "weeks": 1, "open": "Mon 09:00-11:00"},
    "rooms": [{"id": "office", "capacity": 2}],
    "staff": [{"id": "n1", "roles": ["nurse"]}],
    "residents": [{"id": "R01"}],
    "programs": [
        {"id": "crisis", "frequency": "as needed", "duration": "1 hour", "facilitator": "nurse"}
    ],
}


def test_coverage_half(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path, COVERAGE)
    report = validate(scenario, Timetable(on_call=[shift(MON, "09:00", "10:00", "n1")]))
    assert report.ok
    assert report.coverage == [CoverageReport("crisis", 120, 60, [(MON, hm("10:00"), hm("11:00"))])]
    assert report.coverage[0].percent == 50.0


def test_coverage_full_and_merged(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path, COVERAGE)
    shifts = [shift(MON, "09:00", "10:00", "n1"), shift(MON, "10:00", "11:00", "n1")]
    [cov] = validate(scenario, Timetable(on_call=shifts)).coverage
    assert (cov.open_minutes, cov.covered_minutes, cov.uncovered, cov.percent) == (
        120,
        120,
        [],
        100,
    )


def test_coverage_rounds_to_slots(tmp_path: Path) -> None:
    data = copy.deepcopy(COVERAGE)
    # 09:10 shrinks to 09:15; the closure 10:20-10:25 widens to 10:15-10:30.
    data["calendar"]["open"] = ["Mon 09:10-11:00", "Wed 13:00-14:00"]
    data["calendar"]["closed"] = ["2026-12-07 10:20-10:25"]
    scenario = write_scenario(tmp_path, data)
    [cov] = validate(scenario, Timetable()).coverage
    assert cov.open_minutes == 60 + 30 + 60
    assert cov.covered_minutes == 0
    assert cov.percent == 0.0
    assert cov.uncovered == [
        (MON, hm("09:15"), hm("10:15")),
        (MON, hm("10:30"), hm("11:00")),
        (WED, hm("13:00"), hm("14:00")),
    ]


def test_rounded_availability_is_enforced(tmp_path: Path) -> None:
    data = copy.deepcopy(COVERAGE)
    data["staff"][0]["available"] = "Mon 09:10-11:00"  # shrinks to 09:15
    scenario = write_scenario(tmp_path, data)
    early = validate(scenario, Timetable(on_call=[shift(MON, "09:00", "11:00", "n1")]))
    assert rules(early) == {"on_call_available"}
    late = validate(scenario, Timetable(on_call=[shift(MON, "09:15", "11:00", "n1")]))
    assert late.ok


def test_on_call_gap_may_be_reported_as_unmet(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path, COVERAGE)
    gap = Unmet("crisis", "crisis", "on call", "week 1", 1, "nobody free")
    half = Timetable(on_call=[shift(MON, "09:00", "10:00", "n1")], unmet=[gap])
    assert validate(scenario, half).ok
    full = Timetable(on_call=[shift(MON, "09:00", "11:00", "n1")], unmet=[gap])
    assert rules(validate(scenario, full)) == {"unmet_spurious"}


# --- scale ----------------------------------------------------------------------------------


def test_ten_thousand_bookings_validate(tmp_path: Path) -> None:
    rooms, residents, weeks = 20, 500, 10
    data = {
        "name": "Big",
        "calendar": {"start": "2026-12-07", "weeks": weeks, "open": "Daily 08:00-20:00"},
        "rooms": [{"id": f"room{r}", "capacity": 2} for r in range(rooms)],
        "staff": [{"id": f"s{r}", "roles": ["counselor"]} for r in range(rooms)],
        "residents": [{"id": f"R{i:03d}", "busy": "Sun 06:00-07:00"} for i in range(residents)],
        "programs": [
            {
                "id": "one-on-one",
                "frequency": "twice a week",
                "duration": 30,
                "facilitator": "counselor",
                "attendees": "each",
            }
        ],
    }
    scenario = write_scenario(tmp_path, data)
    bookings = []
    for w in range(weeks):
        for k in range(2):
            for r in range(residents):
                i = k * residents + r  # a cell of (day, half hour, room) in the week
                room, half_hour, day = i % rooms, (i // rooms) % 24, i // (rooms * 24)
                start = 8 * 60 + 30 * half_hour
                bookings.append(
                    Booking(
                        MON + dt.timedelta(days=7 * w + day),
                        start,
                        start + 30,
                        "one-on-one",
                        f"one-on-one/R{r:03d}/{k + 1}",
                        f"room{room}",
                        (f"s{room}",),
                        (f"R{r:03d}",),
                    )
                )
    assert len(bookings) == 10_000
    report = validate(scenario, Timetable(bookings))
    assert report.ok, report.summary()[:2000]
    assert report.complete


# --- rules the model holds that the validator checks too (issue 17) ---------------------------


def test_room_too_small_for_the_group(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE)
    data["rooms"][1]["capacity"] = 2  # office-a: the trauma group (2 + facilitator) is 3
    scenario = write_scenario(tmp_path, data)
    assert validate(scenario, timetable()).ok
    report = validate(scenario, timetable(changed("tg", room="office-a")))
    assert rules(report) == {"room_capacity"}
    assert "puts 3 people in room office-a, which holds 2" in report.violations[0].message


def test_two_facilitators_message(scenario: Scenario) -> None:
    [v] = validate(scenario, timetable(BREAKS["two facilitators"][1]["change"])).violations
    assert v.message == (
        "Tue 2026-12-08 11:30-12:00: peer-counseling/R02/1 is led by s1 and s3; a session has "
        "exactly one facilitator."
    )


TEN = {
    "name": "Ten residents",
    "calendar": {"start": "2026-12-07", "weeks": 1, "open": "Mon-Fri 09:00-17:00"},
    "rooms": [{"id": "hall", "capacity": 12}, {"id": "den", "capacity": 12}],
    "staff": [{"id": "s1", "roles": ["counselor"]}, {"id": "s2", "roles": ["counselor"]}],
    "residents": [{"id": f"R{i:02d}"} for i in range(1, 11)],
    "programs": [
        {
            "id": "group",
            "frequency": "once a week",
            "duration": "1 hour",
            "facilitator": "counselor",
            "max_group_size": 8,
        }
    ],
}
RESIDENTS = tuple(f"R{i:02d}" for i in range(1, 11))


def groups_of(first: int) -> Timetable:
    """Group A with the first ``first`` residents, group B with the rest, at once."""
    return Timetable(
        [
            book(MON, "10:00", "11:00", "group/A/1", "hall", ("s1",), RESIDENTS[:first]),
            book(MON, "10:00", "11:00", "group/B/1", "den", ("s2",), RESIDENTS[first:]),
        ]
    )


def test_groups_differ_in_size_by_at_most_two(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path, TEN)
    assert validate(scenario, groups_of(4)).ok  # 4 and 6
    report = validate(scenario, groups_of(2))  # 2 and 8
    assert rules(report) == {"balanced_groups"}
    assert report.violations[0].message == (
        "group: group B has 8 residents and group A 2; groups of one program differ in size by "
        "at most 2."
    )


def test_cli_validate_rejects_two_facilitators_and_unbalanced_groups(tmp_path: Path) -> None:
    from optimizer.cli import main as cli
    from optimizer.timetable import timetable_csv

    home = tmp_path / "ten.yaml"
    home.write_text(yaml.safe_dump(TEN, sort_keys=False), encoding="utf-8")
    cases = {
        "balanced.csv": groups_of(4).bookings,
        "unbalanced.csv": groups_of(2).bookings,
        "two-facilitators.csv": [
            replace(b, facilitators=("s1", "s2")) if b.session == "group/A/1" else b
            for b in groups_of(4).bookings
        ],
    }
    codes = {}
    for name, bookings in cases.items():
        path = tmp_path / name
        path.write_text(timetable_csv(bookings), encoding="utf-8")
        codes[name] = cli.main(["validate", str(home), str(path)])
    assert codes == {"balanced.csv": 0, "unbalanced.csv": 4, "two-facilitators.csv": 4}


def test_different_days(tmp_path: Path) -> None:
    """Group therapy twice a week: both sessions on Monday break the rule, unless the program
    allows the same day."""
    same_day = timetable(changed("gt2", date=MON, start="14:00", end="15:00"))
    report = validate(write_scenario(tmp_path, BASE), same_day)
    assert rules(report) == {"different_days"}
    assert report.violations[0].message == (
        "Mon 2026-12-07: group-therapy/A/1 and group-therapy/A/2 of group group-therapy/A fall "
        "on the same day; group-therapy meets on different days (same_day_allowed is off)."
    )
    data = copy.deepcopy(BASE)
    data["programs"][0]["same_day_allowed"] = True
    assert validate(write_scenario(tmp_path, data), same_day).ok


def two_weeks(tmp_path: Path, **calendar: Any) -> Scenario:
    data = copy.deepcopy(BASE)
    data["calendar"].update({"weeks": 2, "closed": [], **calendar})
    data["programs"] = [data["programs"][2]]  # the trauma group, weekly
    return write_scenario(tmp_path, data)


def trauma(*days: dt.date) -> Timetable:
    tg = VALID_BOOKINGS["tg"]
    return Timetable([replace(tg, date=d) for d in days])


def test_moves_need_a_reason(tmp_path: Path) -> None:
    """Thursday 10:00 both weeks is the usual time; week 2 on Friday needs a reason there."""
    week = dt.timedelta(days=7)
    scenario = two_weeks(tmp_path)
    assert validate(scenario, trauma(THU, THU + week)).ok
    moved = trauma(THU, FRI + week)
    report = validate(scenario, moved)
    assert rules(report) == {"moves_need_a_reason"}
    assert report.violations[0].message == (
        "Fri 2026-12-18 10:00-11:00: trauma-group/A/1 is away from its usual time (Thu "
        "2026-12-17 10:00-11:00), but nothing blocks the usual time that week; a session moves "
        "only for a closure, an absence, an appointment or a room out of use."
    )
    closed = two_weeks(tmp_path, closed=[(THU + week).isoformat()])
    assert validate(closed, moved).ok


def test_a_move_with_a_reason_either_way_is_not_a_violation(tmp_path: Path) -> None:
    """Two weeks, one on Thursday and one on Friday: the usual time is a tie, and the closure
    explains the move from Thursday in week 2; reading Friday as usual must not condemn it."""
    week = dt.timedelta(days=7)
    scenario = two_weeks(tmp_path, closed=[(THU + week).isoformat()])
    assert validate(scenario, trauma(THU, FRI + week)).ok
    assert validate(scenario, trauma(FRI, THU + week)).ok is False


# --- the score card -------------------------------------------------------------------------


def test_score_card_counts_unplaced_sessions(scenario: Scenario) -> None:
    from optimizer.check.goals import score_card

    unmet = Unmet("trauma-group", "trauma-group/A/1", "group A", "week 1", 1, "no room")
    without = timetable({"tg": None}, unmet=[unmet])
    card = score_card(scenario, without, validate(scenario, without))
    assert card["unplaced_session"].count == 2  # R01 and R02 miss the trauma group
    assert "replan_change" not in card  # not a re-plan


REPLAN: dict[str, Any] = {
    "name": "Re-plan",
    "calendar": {"start": "2026-12-07", "weeks": 1, "open": "Mon-Fri 09:00-12:00"},
    "rooms": [{"id": "room", "capacity": 4}],
    "staff": [{"id": "rivera", "roles": ["clinician"]}, {"id": "lee", "roles": ["clinician"]}],
    "residents": [{"id": "R01"}, {"id": "R02"}],
    "programs": [
        {
            "id": "group",
            "frequency": "twice a week",
            "duration": "1 hour",
            "facilitator": "clinician",
        }
    ],
}


def test_replan_score_card_adds_up_to_the_objective(tmp_path: Path) -> None:
    """A re-plan after an absence: the score card, with the previous timetable, counts
    ``replan_change`` like the model, so its penalties sum to the proven optimum."""
    from optimizer.check.goals import score_card
    from optimizer.planning.build import build_problem
    from optimizer.planning.replan import attach_previous
    from optimizer.search.result import Settings, Status
    from optimizer.search.solve import solve

    settings = Settings(time_limit=60, patience=None, deterministic=True)
    first = solve(build_problem(write_scenario(tmp_path, REPLAN)), settings)
    assert first.status == Status.OPTIMAL and first.timetable is not None
    old = first.timetable.bookings
    data = copy.deepcopy(REPLAN)
    away = old[0]
    data["staff"] = [
        {**s, "unavailable": [away.date.isoformat()]} if s["id"] in away.facilitators else s
        for s in data["staff"]
    ]
    scenario = write_scenario(tmp_path, data)
    problem = attach_previous(build_problem(scenario), old, [], MON)
    result = solve(problem, settings)
    assert result.status == Status.OPTIMAL and result.timetable is not None
    report = validate(scenario, result.timetable)
    assert report.ok, report.summary()
    card = score_card(scenario, result.timetable, report, previous=Timetable(old), since=MON)
    assert card["replan_change"].count > 0  # the absent facilitator's session changed
    assert sum(g.penalty for g in card.values()) == result.objective
    alone = score_card(scenario, result.timetable, report)  # without the previous timetable
    assert (
        sum(g.penalty for g in alone.values()) == result.objective - card["replan_change"].penalty
    )
