"""Explanations: why each session a solve left out could not be placed.

In: the problem and a timetable with unmet demand, and a deadline inside the solve's time limit.
Out: the unmet list with a reason per session, verified by a small neighbourhood solve
(:mod:`.unmet`): a blocking ``check`` finding, or the constraint whose relaxation places it."""
