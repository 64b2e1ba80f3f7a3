"""The search: construct, form groups again where sessions are left out, improve with
CP-SAT, explain what is still unmet; the best timetable seen is returned, by one score.

In: a :class:`~optimizer.planning.problem.Problem` and :class:`~.solve.Settings`. Out: a
:class:`~.solve.Result` (status, timetable, score, bound, terms, the true stop reason, progress
lines on the way). Hints between assignments and the model: :mod:`.hints`; groups formed again:
:mod:`.regroup`."""
