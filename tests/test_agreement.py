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

from optimizer.problem import build_problem
from optimizer.rules import HARD_RULES
from optimizer.scenario import Scenario
from optimizer.timetable import Timetable
from optimizer.validate import validate

from .agreement import OUTSIDE, STATED, disagreements
from .agreement_cases import CASES, LIMITS

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
