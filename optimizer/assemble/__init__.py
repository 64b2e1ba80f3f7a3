"""Assembly: an assignment (constructed or solved) made into a timetable.

In: a :class:`~optimizer.planning.problem.Problem` and an
:class:`~optimizer.construct.constructor.Assignment`. Out: a
:class:`~optimizer.timetable.Timetable` with rooms chosen in each pool, on-call shifts and the
unmet list (the reasons are the explain stage's)."""
