"""Rules that several parts decide, each defined once (issue 20): the constructor, the model,
the checker, ``check`` and the explanations call these instead of deciding them again.

Nothing here knows slot masks, the model or the solver, so the solver-free checker can use it:
inputs are the scenario's own types, minutes from midnight and counts of slots.
"""

from __future__ import annotations

from typing import Protocol


class _SameDay(Protocol):
    @property
    def same_day_allowed(self) -> bool: ...


def needs_different_days(program: _SameDay) -> bool:
    """Rule ``different_days``: must a group's sessions of one period fall on different days?
    Yes unless the program says ``same_day_allowed``."""
    return not program.same_day_allowed
