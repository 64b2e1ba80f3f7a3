"""The agreement harness (issue 20): fix the model's variables to a timetable and it must
accept the timetable exactly when the solver-free checker finds no broken rule, name the rules
the checker finds (as far as it can), and count every goal as the score card does. Run on every
deliberately broken timetable of the validator tests, on constructed and solved timetables of
tiny, generated and shipped homes; and shown to fail by name when one rule's definition changes
in one place only. Every outcome here is independent of how far a search gets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import optimizer.construct.constructor as construct_module
from bench.homes import fourteen, varied
from optimizer.assemble.assembly import timetable_of
from optimizer.check import validate
from optimizer.construct.constructor import construct
from optimizer.planning.build import build_problem
from optimizer.planning.problem import Problem
from optimizer.planning.templates import plan_all
from optimizer.rules.catalogue import HARD_RULES
from optimizer.scenario import Scenario
from optimizer.search.result import Settings
from optimizer.search.solve import solve
from optimizer.timetable import Timetable

from .agreement import OUTSIDE, STATED, disagreements
from .agreement_cases import CASES, LIMITS, _with
from .test_validate import BASE

Load = Callable[[dict[str, Any]], Scenario]

# Hard rules no timetable here breaks on purpose, and why.
NOT_BROKEN_HERE: dict[str, str] = {}


def covered() -> set[str]:
    """Hard rules a timetable of the harness breaks on purpose."""
    return {rule for _, _, rules in CASES.values() for rule in rules}


@pytest.mark.parametrize("case", sorted(CASES))
def test_model_and_checker_agree_on_a_given_timetable(load: Load, case: str) -> None:
    data, timetable, broken = CASES[case]
    scenario = load(data)
    assert validate(scenario, timetable).rules() == broken  # the case breaks what it says
    assert disagreements(build_problem(scenario), timetable) == []


@pytest.mark.parametrize("case", sorted(LIMITS))
@pytest.mark.xfail(strict=True, reason="issue 20: valid timetables outside the model's form")
def test_limits_of_the_model(load: Load, case: str) -> None:
    """Valid for the checker, outside what the model can express: groups are formed before
    the model; a template that suits every week is chosen before it where there is one (so a
    usual time blocked in one week, and moved there for that reason, cannot be the template);
    the on-call rota is in whole blocks."""
    data, timetable = LIMITS[case]
    scenario = load(data)
    assert validate(scenario, timetable).ok
    assert disagreements(build_problem(scenario), timetable) == []


def test_every_hard_rule_the_model_states_is_broken_by_some_timetable() -> None:
    assert set(HARD_RULES) - OUTSIDE - covered() - set(NOT_BROKEN_HERE) == set()
    assert covered() - OUTSIDE <= STATED


def test_an_empty_timetable_is_priced(load: Load) -> None:
    data, _, _ = CASES["valid"]
    scenario = load(data)
    assert disagreements(build_problem(scenario), Timetable()) == []


def constructed(p: Problem) -> Timetable:
    """The constructor's timetable of ``p`` (no solver, no groups formed again)."""
    return timetable_of(p, construct(p, plan_all(p)))


def _homes() -> dict[str, dict[str, Any]]:
    """Every scenario of the broken timetables, and generated homes none of them is like."""
    homes = {case: data for case, (data, _, _) in CASES.items()}
    homes.update({f"varied({seed})": varied(seed) for seed in GENERATED})
    homes["fourteen()"] = fourteen()
    return homes


GENERATED = (2, 32, 38)  # small generated homes: 32-42 residents, 1-2 houses, 2 weeks
HOMES = _homes()


@pytest.mark.parametrize("home", sorted(HOMES))
def test_constructed_timetables_agree(load: Load, home: str) -> None:
    """The constructor keeps every hard rule the checker and the model hold it to, and the
    score card and the model count its timetable's goals alike."""
    p = build_problem(load(HOMES[home]))
    assert disagreements(p, constructed(p), made_by="constructed") == []


@pytest.mark.parametrize("home", ["fourteen()", "varied(32)"])
def test_solved_timetables_agree(load: Load, home: str) -> None:
    """Whatever timetable the search returns (and however far it got), the model with its
    variables fixed to it accepts it, the checker finds nothing, and every goal counts alike.
    Where the solve formed groups again, it is priced with those groups."""
    scenario = load(HOMES[home])
    result = solve(build_problem(scenario), Settings(time_limit=4, workers=2, patience=2))
    assert result.timetable is not None
    p = build_problem(scenario, result.groups)
    assert disagreements(p, result.timetable, made_by="solved") == []


ONE_MORNING = dict(
    _with(BASE, "calendar", "open", value="Mon-Wed 09:00-11:00"),
    residents=[{"id": "R01"}, {"id": "R02"}, {"id": "R03", "busy": ["Tue-Wed 09:00-11:00"]}],
    programs=BASE["programs"][:1],  # group therapy, twice a week
)


def test_a_rule_changed_in_one_place_fails_by_name(
    load: Load, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The harness names the rule whose definition one part of the product changed alone:
    here the constructor's different-days test, made to allow every group two sessions a day.
    R03 can meet only on Monday, so twice-a-week group therapy fits once a week there, and the
    changed constructor books it twice on that Monday."""
    scenario = load(ONE_MORNING)
    p = build_problem(scenario)
    assert disagreements(p, constructed(p), made_by="constructed") == []
    monkeypatch.setattr(construct_module, "needs_different_days", lambda _prog: False)
    found = disagreements(p, constructed(p), made_by="constructed")
    assert found and all("different_days" in line for line in found), found
