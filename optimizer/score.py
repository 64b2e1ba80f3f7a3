"""The score card, recomputed from a timetable without the solver: see
:mod:`optimizer.check.goals`."""

from __future__ import annotations

from .check.goals import COUNTS, GOAL_TEXT, GoalScore, score_card

__all__ = ["COUNTS", "GOAL_TEXT", "GoalScore", "score_card"]
