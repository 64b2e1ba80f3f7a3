"""The constructor (solver-free): a complete first timetable in a fraction of a second.

In: a :class:`~optimizer.planning.problem.Problem` and its templates. Out: an
:class:`~.constructor.Assignment` (each occurrence's start, facilitator and room pool; each
series' template; the on-call rota of :mod:`.rota`) that breaks no hard rule by construction and
seeds the CP-SAT search."""
