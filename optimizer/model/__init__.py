"""The CP-SAT model: variables once (:mod:`.variables`), then one module per rule
family, each stating the hard rules and soft goals its catalogue ids name (:mod:`.builder`).

In: a :class:`~optimizer.planning.problem.Problem` and its weekly plans. Out: a
:class:`~.context.Context` (the model, its variables and one objective term per goal), or, for a
given timetable, the model with its variables fixed to it (:mod:`.fixed`, the agreement harness)."""
