"""Issue 20: one truth per rule. The constructor, the model, the checker and the explanations
take each rule from one definition (:mod:`optimizer.rules.definitions`); drift found before is
tested here, the agreement of whole timetables in ``test_agreement.py``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from optimizer.assemble.assembly import cover_unmet
from optimizer.check import validate
from optimizer.check.goals import score_card
from optimizer.construct.constructor import construct
from optimizer.model.builder import FAMILIES, build_model
from optimizer.planning.build import build_problem
from optimizer.rules.catalogue import BY_ID, HARD, SOFT
from optimizer.rules.definitions import cover_required, wait_limit
from optimizer.scenario import Scenario
from optimizer.timetable import Booking, OnCallShift, Timetable

from .agreement import disagreements
from .conftest import TINY, tiny

Load = Callable[[dict[str, Any]], Scenario]
MONDAY_ONLY = {"start": "2026-12-07", "weeks": 1, "open": "Mon 09:00-17:00"}


def test_constructor_lets_sessions_share_a_day_when_allowed_issue_20(load: Load) -> None:
    """The constructor used to keep a group's sessions on different days even where the
    program allows the same day: open on Monday only, it placed one of three."""
    program = dict(TINY["programs"][0], same_day_allowed=True)
    problem = build_problem(load(tiny(programs=[program], calendar=MONDAY_ONLY)))
    assert len(construct(problem).sessions) == len(problem.occurrences) == 3
    apart = build_problem(load(tiny(calendar=MONDAY_ONLY)))
    assert len(construct(apart).sessions) == 1


HALF_HOURS: dict[str, Any] = {
    "name": "Cover rounding",
    "calendar": {"start": "2026-12-07", "weeks": 1, "open": "Mon 09:00-11:00"},
    "rooms": [{"id": "office", "capacity": 2}],
    "staff": [{"id": "n1", "roles": ["nurse"]}],
    "residents": [{"id": "R01"}],
    "programs": [
        {
            "id": "crisis",
            "frequency": "as needed",
            "duration": "15 minutes",
            "facilitator": "nurse",
            "cover": "50.1 %",
        }
    ],
}
MON = dt.date(2026, 12, 7)


def test_required_cover_is_rounded_one_way_issue_20(load: Load) -> None:
    """50.1 % of 8 slots asks for 5 covered slots. The score card counted 4 (it truncated
    the share times the slots before rounding up) while the validator and the model asked
    for 5; with 4 covered, the cover is 1 slot short everywhere now."""
    scenario = load(HALF_HOURS)
    assert scenario.programs[0].cover is not None
    assert cover_required(scenario.programs[0].cover, 8) == 5
    rota = [OnCallShift(MON, 9 * 60, 10 * 60, "crisis", "n1")]
    assert validate(scenario, Timetable(on_call=rota)).rules() == {"on_call_cover"}
    problem = build_problem(scenario)
    [row] = cover_unmet(problem, {b.index: 0 for b in problem.on_call_blocks[:4]})
    reported = Timetable(on_call=rota, unmet=[row])
    report = validate(scenario, reported)
    assert report.ok, report.summary()
    assert score_card(scenario, reported, report)["on_call_cover"].count == 1


def test_placement_drops_soft_terms_not_hard_rules_issue_20(load: Load) -> None:
    """The tier comes from the catalogue: the on-call family was tagged soft as a whole, so a
    placement model had no rota at all; now it keeps the family's hard rules (here: one person
    on call at a time) and drops only the terms of goals the catalogue calls soft."""
    nurses = [{"id": "n1", "roles": ["nurse"]}, {"id": "n2", "roles": ["nurse"]}]
    crisis = dict(HALF_HOURS["programs"][0], cover="all")
    problem = build_problem(load(dict(HALF_HOURS, staff=nurses, programs=[crisis])))
    full = build_model(problem)
    assert {"on_call_gap", "on_call_handover", "on_call_cover"} <= set(full.terms)
    ctx = build_model(problem, placement=True)
    assert set(ctx.terms) == {"unplaced_session", "on_call_cover"}
    assert all(BY_ID[t].tier != SOFT for t in ctx.terms)
    block = problem.on_call_blocks[0]
    for s in block.candidates:
        ctx.model.add(ctx.vars.on_call[(block.index, s)] == 1)
    assert cp_model.CpSolver().solve(ctx.model) == cp_model.INFEASIBLE
    families = {f.add.__name__: f.tiers for f in FAMILIES}
    assert families["add_on_call"] == {HARD, SOFT} and families["add_changes"] == {SOFT}


def _priced(load: Load, data: dict[str, Any], bookings: list[Booking], goal: str) -> int:
    """The goal's count on the score card, after the harness finds the model agrees."""
    scenario = load(data)
    timetable = Timetable(bookings)
    assert disagreements(build_problem(scenario), timetable) == []
    return score_card(scenario, timetable, validate(scenario, timetable))[goal].count


TWO_LEADS = tiny(
    staff=[{"id": "rivera", "roles": ["clinician"]}, {"id": "lee", "roles": ["clinician"]}],
    programs=[dict(TINY["programs"][0], frequency="once a week"),
              dict(TINY["programs"][0], id="trauma-group", frequency="once a week")],
    goals={"split_shift": 1, "max_split_gap": "1 hour"},
)  # fmt: skip


def test_a_split_shift_counts_only_sessions_one_leads_issue_20(load: Load) -> None:
    """The model took the times of every session a staff member could lead into their day:
    rivera at 09:00 and lee at 15:00 made a split shift of 5 hours beyond the limit for each
    of them. Neither has one."""
    both = ("R01", "R02")
    bookings = [
        Booking(MON, 9 * 60, 10 * 60, "group-therapy", "group-therapy/A/1", "group-room",
                ("rivera",), both),
        Booking(MON, 15 * 60, 16 * 60, "trauma-group", "trauma-group/A/1", "group-room",
                ("lee",), both),
    ]  # fmt: skip
    assert _priced(load, TWO_LEADS, bookings, "split_shift") == 0


def test_a_wait_costs_each_whole_slot_beyond_the_limit_issue_20(load: Load) -> None:
    """A limit of 35 minutes with 15-minute slots: a wait of 60 minutes is 25 minutes beyond
    it, one whole slot for each of the two residents. The model rounded the limit down to 30
    minutes and counted two slots each."""
    data = dict(TWO_LEADS, goals={"resident_idle_gap": 1, "max_idle_gap": "35 minutes"})
    both = ("R01", "R02")
    bookings = [
        Booking(MON, 9 * 60, 10 * 60, "group-therapy", "group-therapy/A/1", "group-room",
                ("rivera",), both),
        Booking(MON, 11 * 60, 12 * 60, "trauma-group", "trauma-group/A/1", "group-room",
                ("rivera",), both),
    ]  # fmt: skip
    assert wait_limit(35, 15) == 3
    assert _priced(load, data, bookings, "resident_idle_gap") == 2


def test_a_spare_group_costs_only_when_it_meets_issue_20(load: Load) -> None:
    """R03 shares no time with the others, so the model may form a spare group for her. It
    counted that group as extra even with none of its sessions placed; the score card counts
    groups that meet."""
    busy = ["Mon 10:00-17:00", "Tue-Fri"]
    data = tiny(
        residents=[{"id": "R01", "busy": busy}, {"id": "R02", "busy": busy},
                   {"id": "R03", "busy": "Mon 09:00-10:00"}],
        programs=[dict(TINY["programs"][0], frequency="once a week", max_group_size=3)],
    )  # fmt: skip
    bookings = [Booking(MON, 9 * 60, 10 * 60, "group-therapy", "group-therapy/A/1", "group-room",
                        ("rivera",), ("R01", "R02"))]  # fmt: skip
    assert _priced(load, data, bookings, "extra_group") == 0
    spare = Booking(MON, 10 * 60, 11 * 60, "group-therapy", "group-therapy/B/1", "group-room",
                    ("rivera",), ("R03",))  # fmt: skip
    assert _priced(load, data, [*bookings, spare], "extra_group") == 1
