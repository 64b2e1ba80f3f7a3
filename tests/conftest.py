"""Shared fixtures: tiny scenarios written as YAML (so the whole loading path is exercised),
and a quick solve that always runs the validator."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from optimizer.check import ValidationReport, validate
from optimizer.planning.build import build_problem
from optimizer.scenario import Scenario, load_scenario
from optimizer.search.result import Result, Settings
from optimizer.search.solve import solve

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SCENARIO = ROOT / "scenarios" / "mission-recovery.yaml"

TINY: dict[str, Any] = {
    "name": "Tiny House",
    "calendar": {"start": "2026-12-07", "weeks": 1, "open": "Mon-Fri 09:00-17:00"},
    "rooms": [
        {"id": "group-room", "capacity": 8, "features": ["group"]},
        {"id": "office", "capacity": 2, "features": ["private"]},
    ],
    "staff": [
        {"id": "rivera", "name": "Dr. Ana Rivera", "roles": ["clinician"]},
        {"id": "peer-1", "name": "Sam Peer", "roles": ["peer"]},
    ],
    "residents": [{"id": "R01", "name": "Jordan P."}, {"id": "R02", "name": "Alex M."}],
    "programs": [
        {
            "id": "group-therapy",
            "name": "Group Therapy",
            "frequency": "3 times a week",
            "duration": "1 hour",
            "facilitator": "clinician",
            "attendees": "all",
            "room": "group",
        }
    ],
}


def tiny(**changes: Any) -> dict[str, Any]:
    """A copy of the tiny scenario with top-level keys replaced."""
    data = copy.deepcopy(TINY)
    data.update(copy.deepcopy(changes))
    return data


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[[dict[str, Any]], Path]:
    counter = iter(range(1000))

    def write(data: dict[str, Any]) -> Path:
        path = tmp_path / f"scenario-{next(counter)}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture
def load(write_scenario: Callable[[dict[str, Any]], Path]) -> Callable[[dict[str, Any]], Scenario]:
    return lambda data: load_scenario(write_scenario(data))


def solve_checked(scenario: Scenario, time_limit: float = 10.0) -> tuple[Result, ValidationReport]:
    """Solve, then check the timetable with the solver-free validator (always)."""
    result = solve(build_problem(scenario), Settings(time_limit=time_limit, workers=2))
    assert result.timetable is not None, "no timetable found"
    report = validate(scenario, result.timetable)
    assert report.ok, report.summary()
    return result, report
