"""What ``check`` catches with a count (issue 20): the hours programs need from the only people
who can lead them, summed over programs and houses; one person needed by two houses at the
same times; rooms that exist only in another house.

Each finding has a tiny scenario that has it and a twin, one field changed, that does not.
A blocking finding must be true (the unmet reasons of a solve rest on it), so each blocking
scenario is also solved, and the programs the finding names are shown to be short.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from optimizer.findings.diagnose import check_capacity
from optimizer.findings.finding import Finding
from optimizer.planning.build import build_problem
from optimizer.scenario import Scenario
from optimizer.search.result import Settings
from optimizer.search.solve import solve

from .conftest import TINY, tiny

GROUP = TINY["programs"][0]  # Group Therapy: 3 times a week, 1 hour, clinician, all, group room
TRAUMA = {
    "id": "trauma-group",
    "name": "Trauma Group",
    "frequency": "once a week",
    "duration": "1.5 hours",
    "facilitator": ["clinician", "trauma"],
    "attendees": "all",
    "room": "group",
}
Data = dict[str, Any]
Load = Callable[[Data], Scenario]

TWO_HOUSES: Data = {
    "rooms": [
        {"id": "north-room", "capacity": 8, "features": ["group"], "house": "north"},
        {"id": "south-room", "capacity": 8, "features": ["group"], "house": "south"},
    ],
    "residents": [{"id": "R01", "house": "north"}, {"id": "R02", "house": "south"}],
}


def clinician(**fields: Any) -> dict[str, Any]:
    return {"id": "rivera", "name": "Dr. Ana Rivera", "roles": ["clinician"], **fields}


def findings(load: Load, data: Data) -> list[Finding]:
    return check_capacity(build_problem(load(data)))


def blocking(load: Load, data: Data, program: str | None = None) -> list[Finding]:
    """Blocking findings; with ``program``, those about it (alone or with others)."""
    return [
        f
        for f in findings(load, data)
        if f.blocking and (program is None or program == f.program or program in f.programs)
    ]


def short_programs(load: Load, data: Data) -> set[str]:
    """The programs a solve leaves sessions of unplaced."""
    settings = Settings(time_limit=10, workers=1, deterministic=True)
    result = solve(build_problem(load(data)), settings)
    assert result.timetable is not None
    return {u.program for u in result.timetable.unmet}


def assert_says(finding: Finding, *words: str) -> None:
    for word in words:
        assert word in finding.sentence(), f"{word!r} missing from: {finding.sentence()}"


# --- hours: per program with its groups, and summed over programs and houses ---------------

NINE = tiny(
    staff=[clinician(max_hours_per_week=6)],
    residents=[{"id": f"R0{i}"} for i in range(1, 10)],
    programs=[dict(GROUP, max_group_size=3)],
)


def test_hours_count_the_groups_the_solver_forms_and_are_said_once(load):
    """Nine residents in groups of up to 3: three groups meeting 3 x 1 hour need 9 hours of
    the only clinician, who may lead 6. One finding says so (not one per count)."""
    [finding] = blocking(load, NINE)
    assert finding.program == "group-therapy" and finding.people == ("rivera",)
    assert_says(finding, "Group Therapy needs 9 hours a week", "rivera", "at most 6 hours")
    assert_says(finding, "max_hours_per_week", "to 9 hours")
    assert short_programs(load, NINE) == {"group-therapy"}
    raised = tiny(**{**NINE, "staff": [clinician(max_hours_per_week=9)]})
    assert not blocking(load, raised, "group-therapy")


TWO_HOUSES_AVAILABLE = tiny(
    staff=[clinician(available="Mon-Wed 09:00-11:00", unavailable="Mon 09:00-10:00")],
    **TWO_HOUSES,
)


def test_one_clinicians_available_hours_for_two_houses(load):
    """North and south each need 3 hours a week of the only clinician, who is available 5:
    each house alone fits, both do not."""
    [finding] = blocking(load, TWO_HOUSES_AVAILABLE)
    assert finding.program == "group-therapy" and finding.people == ("rivera",)
    assert_says(
        finding,
        "Dr. Ana Rivera (rivera) is available for these sessions 5 hours a week",
        "Mon 2026-12-07 10:00-11:00",
        "must lead at least 6 hours, 1 hour more",
        "Group Therapy in north needs 3 hours a week (1 group x 3 sessions of 1 hour)",
        "Group Therapy in south needs 3 hours a week",
        "Fix: extend rivera's availability by 1 hour, or add a staff member with role clinician.",
    )
    assert short_programs(load, TWO_HOUSES_AVAILABLE) == {"group-therapy"}
    more = tiny(**{**TWO_HOUSES_AVAILABLE, "staff": [clinician(available="Mon-Wed 09:00-11:00")]})
    assert not blocking(load, more, "group-therapy")


TWO_HOUSES_CAPPED = tiny(staff=[clinician(max_hours_per_week=5)], **TWO_HOUSES)


def test_one_clinicians_weekly_limit_for_two_houses(load):
    [finding] = blocking(load, TWO_HOUSES_CAPPED)
    assert finding.program == "group-therapy"
    assert_says(
        finding,
        "(rivera) may lead at most 5 hours a week (max_hours_per_week) but must lead at least "
        "6 hours a week, 1 hour more",
        "in north",
        "in south",
        "raise rivera's max_hours_per_week to at least 6, or add a staff member with role "
        "clinician",
    )
    assert short_programs(load, TWO_HOUSES_CAPPED) == {"group-therapy"}
    raised = tiny(**{**TWO_HOUSES_CAPPED, "staff": [clinician(max_hours_per_week=6)]})
    assert not blocking(load, raised, "group-therapy")


CHECK_IN = dict(GROUP, id="check-in", name="Check-In", frequency="once a week")
TWO_PROGRAMS = tiny(
    staff=[clinician(roles=["clinician", "trauma"], available="Mon-Thu 09:00-10:30")],
    programs=[dict(GROUP, duration="1.5 hours"), TRAUMA, CHECK_IN],
)


def test_programs_that_depend_on_one_clinician_are_summed(load):
    """Group therapy (3 x 1.5 hours), the trauma group (1.5 hours) and a check-in (1 hour)
    all need the one clinician, available 6 hours: each fits alone, not all three. The
    finding is about all three, so it names no single one."""
    [finding] = blocking(load, TWO_PROGRAMS)
    assert finding.program is None and finding.people == ("rivera",)
    assert finding.programs == ("group-therapy", "trauma-group", "check-in")
    assert_says(
        finding,
        "Dr. Ana Rivera (rivera) is available for these sessions 6 hours a week",
        "must lead at least 7 hours, 1 hour more",
        "Group Therapy needs 4.5 hours a week (1 group x 3 sessions of 1.5 hours)",
        "Trauma Group needs 1.5 hours",
        "Check-In needs 1 hour",
        "Fix: extend rivera's availability by 1 hour, or add a staff member who can lead "
        "Group Therapy, Trauma Group or Check-In.",
    )
    short = short_programs(load, TWO_PROGRAMS)
    assert short and short <= {"group-therapy", "trauma-group", "check-in"}
    cho = {"id": "cho", "roles": ["clinician"]}
    assert not blocking(load, tiny(**{**TWO_PROGRAMS, "staff": [*TWO_PROGRAMS["staff"], cho]}))


def test_a_team_of_two_is_summed_when_neither_alone_is_short(load):
    """Two clinicians at 2 hours a week each; group therapy (3 hours) and skills (2 hours)
    each fit in their 4 hours, together they do not. The finding names both people."""
    skills = dict(GROUP, id="skills", name="Skills Group", frequency="twice a week")
    cho = {"id": "cho", "name": "Daniel Cho", "roles": ["clinician"], "max_hours_per_week": 2}
    data = tiny(staff=[clinician(max_hours_per_week=2), cho], programs=[GROUP, skills])
    [finding] = blocking(load, data)
    assert finding.program is None and finding.people == ("rivera", "cho")
    assert_says(
        finding,
        "Dr. Ana Rivera (rivera) and Daniel Cho (cho) can lead at most 4 hours between them",
        "must lead at least 5 hours, 1 hour more",
        "give them 1 hour more",
    )
    short = short_programs(load, data)
    assert short and short <= {"group-therapy", "skills"}
    data["staff"][1]["max_hours_per_week"] = 3
    assert not blocking(load, data)


def test_programs_that_meet_every_other_week_are_summed_over_the_plan(load):
    """Three programs every 2 weeks, 1 hour each, and one clinician at 1 hour a week: 3
    hours over a plan of 2 weeks that can hold 2."""
    calendar = {"start": "2026-12-07", "weeks": 2, "open": "Mon-Fri 09:00-17:00"}
    programs = [
        dict(GROUP, id=f"p{i}", name=f"Program {i}", frequency="every 2 weeks") for i in (1, 2, 3)
    ]
    data = tiny(calendar=calendar, staff=[clinician(max_hours_per_week=1)], programs=programs)
    [finding] = blocking(load, data)
    assert finding.programs == ("p1", "p2", "p3")
    assert_says(
        finding,
        "must lead at least 3 hours over the plan's 2 weeks",
        "Program 3",
        "raise rivera's max_hours_per_week to at least 2,",
    )
    assert short_programs(load, data)
    data["staff"][0]["max_hours_per_week"] = 2
    assert not blocking(load, data)


def test_the_unmet_reason_of_a_summed_shortfall_is_the_finding(load):
    from optimizer.explain.unmet import explain_unmet

    problem = build_problem(load(TWO_PROGRAMS))
    result = solve(problem, Settings(time_limit=10, workers=1, deterministic=True))
    assert result.timetable is not None and result.timetable.unmet
    for unmet in explain_unmet(problem, result.timetable):
        assert "must lead at least" in unmet.reason, unmet.reason


# --- one person needed by two houses at the same times -------------------------------------

SATURDAY_ONLY = ["Mon-Fri", "Sat 09:00-10:00", "Sat 11:00-17:00"]  # free Sat 10:00-11:00
SATURDAY = tiny(
    calendar={"start": "2026-12-07", "weeks": 1, "open": "Mon-Sat 09:00-17:00"},
    rooms=TWO_HOUSES["rooms"],
    residents=[
        {"id": "R01", "house": "north", "busy": SATURDAY_ONLY},
        {"id": "R02", "house": "south", "busy": SATURDAY_ONLY},
    ],
    staff=[clinician()],
    programs=[dict(GROUP, frequency="once a week")],
)


def test_two_houses_that_need_one_clinician_at_the_same_time(load):
    [finding] = blocking(load, SATURDAY)
    assert finding.program == "group-therapy" and finding.people == ("rivera",)
    assert_says(
        finding,
        "north and south both need Dr. Ana Rivera (rivera) at the same times",
        "Group Therapy in north (R01) can take place only Sat 2026-12-12 10:00-11:00",
        "Group Therapy in south (R02) can take place only Sat 2026-12-12 10:00-11:00",
        "2 hours of sessions would have to fit in 1 hour",
        "Fix: add a second staff member with role clinician who works in south, or free "
        "another time for some of these residents.",
    )
    assert short_programs(load, SATURDAY) == {"group-therapy"}


def test_a_second_clinician_or_another_free_hour_leaves_no_clash(load):
    okafor = {"id": "okafor", "roles": ["clinician"], "houses": ["south"]}
    assert not blocking(load, tiny(**{**SATURDAY, "staff": [clinician(), okafor]}))
    later = tiny(**SATURDAY)
    later["residents"][1]["busy"] = ["Mon-Fri", "Sat 09:00-10:00", "Sat 12:00-17:00"]
    assert not blocking(load, later)


def test_two_groups_of_one_house_at_the_same_time_whatever_the_grouping(load):
    """Groups of one: two groups of group therapy, both residents free only Saturday
    10:00-11:00. However the residents are grouped, each group meets then; one clinician."""
    residents = [{"id": "R01", "busy": SATURDAY_ONLY}, {"id": "R02", "busy": SATURDAY_ONLY}]
    data = tiny(**{**SATURDAY, "rooms": TINY["rooms"], "residents": residents})
    data["programs"][0]["max_group_size"] = 1
    [finding] = blocking(load, data)
    assert finding.program == "group-therapy"
    assert_says(
        finding,
        "2 groups need Dr. Ana Rivera (rivera) at the same times",
        "Group Therapy (R01 and R02) can take place only Sat 2026-12-12 10:00-11:00",
    )
    assert short_programs(load, data) == {"group-therapy"}
    data["residents"][1]["busy"] = ["Mon-Fri", "Sat 09:00-10:00", "Sat 12:00-17:00"]
    assert not blocking(load, data)


# --- rooms in the other house ---------------------------------------------------------------

EDUCATION = {
    "id": "education",
    "name": "Education",
    "frequency": "once a week",
    "duration": "1 hour",
    "facilitator": "peer",
    "attendees": ["R02", "R03"],
    "room": "classroom",
}
CLASSROOM_NORTH = tiny(
    rooms=[
        *TWO_HOUSES["rooms"],
        {
            "id": "classroom",
            "name": "Classroom",
            "capacity": 8,
            "features": ["classroom"],
            "house": "north",
        },
    ],
    residents=[
        {"id": "R01", "house": "north"},
        {"id": "R02", "house": "south"},
        {"id": "R03", "house": "south"},
    ],
    programs=[EDUCATION],
)


def test_a_classroom_only_in_the_other_house(load):
    [finding] = blocking(load, CLASSROOM_NORTH)
    assert finding.program == "education" and finding.people == ("R02", "R03")
    assert_says(
        finding,
        "Education needs a room with classroom; the only room with classroom is in north "
        "(Classroom), and these south residents cannot use it",
        "R02 and R03",
        "Fix: add a room with classroom to south, or give one of south's rooms (south-room) "
        "the feature(s) classroom.",
    )
    text = " ".join(f.sentence() for f in findings(load, CLASSROOM_NORTH))
    assert "no room has that" not in text and "available 0 hours" not in text, text
    assert short_programs(load, CLASSROOM_NORTH) == {"education"}
    moved = tiny(**CLASSROOM_NORTH)
    moved["rooms"][2]["house"] = "south"
    assert not blocking(load, moved, "education")


def test_a_house_with_residents_and_no_room(load):
    """South has residents and no room at all: check says so (it used to be an internal
    error), and the solve leaves its sessions unplaced."""
    data = tiny(
        rooms=[{"id": "north-room", "capacity": 8, "features": ["group"], "house": "north"}],
        residents=TWO_HOUSES["residents"],
        staff=[clinician()],
        programs=[dict(GROUP, frequency="once a week")],
    )
    [finding] = blocking(load, data)
    assert finding.program == "group-therapy" and finding.people == ("R02",)
    assert_says(finding, "the only room with group is in north (north-room)", "south", "R02")
    assert short_programs(load, data) == {"group-therapy"}
    data["rooms"] = TWO_HOUSES["rooms"]
    assert not blocking(load, data)
