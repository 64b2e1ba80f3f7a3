"""What a goal's count reads (:class:`Card`) and what it adds up to (:class:`GoalScore`):
shared by the counts of :mod:`.goals` and the re-plan count of :mod:`.changes`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from optimizer.check.results import ValidationReport
from optimizer.check.view import View
from optimizer.rules.catalogue import BY_ID, GOALS
from optimizer.timetable import Timetable

GOAL_TEXT: dict[str, str] = {g: BY_ID[g].name for g in GOALS}


@dataclass
class GoalScore:
    name: str
    weight: int
    count: int = 0
    offenders: list[str] = field(default_factory=list)

    @property
    def penalty(self) -> int:
        return self.weight * self.count

    @property
    def text(self) -> str:
        return GOAL_TEXT.get(self.name, self.name)


@dataclass
class Card:
    """What a count reads: the view, the validator's report and, for a re-plan, the
    previous timetable's bookings and shifts and the first day that may change."""

    view: View
    report: ValidationReport
    previous: Timetable | None = None
    since: dt.date | None = None
