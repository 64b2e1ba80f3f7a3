"""A timetable edited by hand, checked and made into a run again: ``report --from``.

A manager moves a session in ``timetable.csv`` (or swaps an on-call shift in ``on_call.csv``
beside it) and wants the PDFs, calendars and workbook to match. The edited files are read and
checked by the validator like any timetable; the demand they leave unmet is listed from the
validator's shortfalls, since the ``unmet.csv`` beside them describes the timetable before the
edit. The score card is recounted from the edited timetable, without a solver.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from optimizer.check import Shortfall, ValidationReport, validate
from optimizer.check.goals import GoalScore, score_card
from optimizer.planning.problem import Problem
from optimizer.search.result import Result, Status
from optimizer.timetable import Timetable, Unmet, beside, read_run


@dataclass(frozen=True)
class Edited:
    """The edited timetable as a run: a result with no solver behind it, and its checks."""

    result: Result
    report: ValidationReport
    card: dict[str, GoalScore]
    on_call_file: Path | None


def unmet_from(shortfalls: list[Shortfall]) -> list[Unmet]:
    """The unmet list of a timetable, from what the validator finds missing in it."""
    return [
        Unmet(
            s.program,
            "",
            s.resident,
            f"{s.period_start}..{s.period_end}",
            s.expected - s.found,
            f"the edited timetable has {s.found} of the {s.expected} session(s) the frequency "
            "asks for",
        )
        for s in shortfalls
    ]


def rebuild(problem: Problem, timetable_csv: Path) -> Edited:
    """Read, check and score the edited timetable at ``timetable_csv``."""
    scenario = problem.scenario
    read = read_run(timetable_csv, unmet=False)  # the unmet list is made anew
    first = validate(scenario, read)
    timetable = Timetable(read.bookings, read.on_call, unmet_from(first.shortfalls)).sorted()
    report = validate(scenario, timetable)
    card = score_card(scenario, timetable, report)
    result = Result(
        status=Status.FEASIBLE,
        timetable=timetable,
        objective=float(sum(goal.penalty for goal in card.values())),
        bound=None,
        seconds=0.0,
    )
    return Edited(result, report, card, beside(timetable_csv, "on_call.csv"))
