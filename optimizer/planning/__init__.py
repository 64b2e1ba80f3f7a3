"""Planning (solver-free): a scenario made into what is to be placed.

In: a :class:`~optimizer.scenario.schema.Scenario` (and, for a re-plan, the previous timetable).
Out: a frozen, index-based :class:`~.problem.Problem`: slots (:mod:`.slots`), groups
(:mod:`.grouping`, :mod:`.partition`), recurring demand (:mod:`.demand`), weekly templates and
their exceptions (:mod:`.templates`), on-call blocks and the cover any rota can reach
(:mod:`.cover`), the previous timetable matched to it (:mod:`.replan`). Nothing here solves."""
