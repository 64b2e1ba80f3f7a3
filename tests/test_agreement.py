"""Issue 20: one truth per rule. The constructor, the model, the checker and the explanations
take each rule from one definition (:mod:`optimizer.definitions`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from optimizer.construct import construct
from optimizer.problem import build_problem
from optimizer.scenario import Scenario

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
