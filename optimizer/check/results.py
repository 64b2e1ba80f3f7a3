"""What a check finds: broken hard rules, unmet demand, and on-call coverage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Violation:
    """A hard rule the timetable breaks; ``rule`` is its id in :mod:`optimizer.rules.catalogue`."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


@dataclass(frozen=True)
class Shortfall:
    """A resident attends a program fewer times in a period than the frequency asks.

    ``period_start`` and ``period_end`` are the first and last day of the period (inclusive).
    """

    program: str
    resident: str
    period_start: dt.date
    period_end: dt.date
    expected: int
    found: int

    def __str__(self) -> str:
        return (
            f"{self.resident} attends {self.program} {self.found} of {self.expected} times "
            f"from {self.period_start} to {self.period_end}."
        )


@dataclass
class CoverageReport:
    """How much of the opening hours an as-needed program's on-call rota covers."""

    program: str
    open_minutes: int
    covered_minutes: int
    uncovered: list[tuple[dt.date, int, int]] = field(default_factory=list)

    @property
    def percent(self) -> float:
        """Covered share of the opening hours, 0-100 (100 when the home never opens)."""
        if self.open_minutes <= 0:
            return 100.0
        return 100.0 * self.covered_minutes / self.open_minutes

    def __str__(self) -> str:
        return (
            f"{self.program}: on call {self.covered_minutes} of {self.open_minutes} open minutes "
            f"({self.percent:.1f} %), {len(self.uncovered)} uncovered window(s)."
        )


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    coverage: list[CoverageReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No hard rule is broken."""
        return not self.violations

    @property
    def complete(self) -> bool:
        """Every resident gets every session the frequencies ask for."""
        return not self.shortfalls

    def rules(self) -> set[str]:
        return {v.rule for v in self.violations}

    def summary(self) -> str:
        lines = [str(v) for v in self.violations]
        lines += [f"[shortfall] {s}" for s in self.shortfalls]
        lines += [f"[coverage] {c}" for c in self.coverage]
        return "\n".join(lines)
