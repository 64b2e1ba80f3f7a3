"""The findings of ``check`` (solver-free): what a scenario asks that cannot be met,
in a manager's words, before any solve.

In: a :class:`~optimizer.planning.problem.Problem`. Out: :class:`~.finding.Finding` lists, blocking
or warning, each with its fix (:func:`.diagnose.diagnose`); counts of hours against caps
(:mod:`.weekly_hours`), one person needed in two places (:mod:`.same_time`), rooms in another house
(:mod:`.house_rooms`)."""
