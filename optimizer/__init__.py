"""Program scheduling for recovery homes. Data flows one way, one package per stage; a package
imports only from the stages above it in this list (``tests/test_layers.py`` holds the order,
``docs/architecture.md`` explains it):

1. ``scenario``: YAML in, a validated scenario out.
2. ``timetable``: the output schema, a timetable as plain data (one module).
3. ``rules``: the rule catalogue and the definitions several stages share.
4. ``planning``: the scenario as a problem to place (solver-free).
5. ``check`` and ``findings``: a timetable against its scenario; what the ``check`` command finds.
6. ``construct``: a first timetable without the solver.
7. ``assemble``: an assignment made into a timetable.
8. ``model``: the CP-SAT model, one module per rule family.
9. ``explain``: why unmet sessions could not be placed.
10. ``search``: construct, search, regroup, explain; the best timetable by one score.
11. ``reports``: the run folder's files, the summary.
12. ``run``: the pipeline every command shares.
13. ``whatif``: comparisons and staffing searches.
14. ``cli``: the commands.
"""
