"""What a solve is given (:class:`Settings`: CP-SAT parameters in one place) and what it returns
(:class:`Result`, carrying a :class:`Status` rather than raising; only the CLI maps it to exit
codes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from optimizer.planning.problem import KeptGroups
from optimizer.timetable import Timetable


class Status(StrEnum):
    OPTIMAL = "optimal"  # proven best for the goals' weights
    FEASIBLE = "feasible"  # a timetable, not proven best (time limit or interruption)
    NO_SOLUTION = "no solution"  # stopped before any timetable was found


@dataclass(frozen=True)
class Settings:
    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = False  # same timetable for the same seed and workers, at some cost
    log: bool = False
    patience: float | None = 10.0  # stop after this long without a better timetable (None: never)

    def parameters(self, time_limit: float) -> dict[str, Any]:
        params: dict[str, Any] = {
            "num_workers": self.workers,
            "random_seed": self.seed,
            "max_time_in_seconds": time_limit,
            "log_search_progress": self.log,
            # Probing in presolve costs seconds here and has not paid for itself.
            "cp_model_probing_level": 0,
        }
        if self.deterministic:
            # Interleaved search makes parallel workers reproducible; the wall-clock limit is
            # replaced by a deterministic one so a slower machine ends at the same point.
            params["interleave_search"] = True
            params["max_deterministic_time"] = time_limit
            params["max_time_in_seconds"] = time_limit * 20
        return params


@dataclass
class Result:
    status: Status
    timetable: Timetable | None
    objective: float | None
    bound: float | None
    seconds: float
    terms: dict[str, int] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    interrupted: bool = False
    first_solution_seconds: float | None = None
    groups: KeptGroups | None = None  # set when the solve formed groups anew (see .regroup)

    @property
    def complete(self) -> bool:
        return self.timetable is not None and not self.timetable.unmet

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))


Progress = Callable[[str], None]
