"""A run: what every command that makes a run folder does after reading its input.

In: scenario files and settings. Out: a :class:`~.pipeline.Finished` run (result, validation,
score card, summary) written atomically by :mod:`optimizer.reports`; the executor that runs
independent solves (local processes or a Dask cluster, :mod:`.executor`); a hand-edited timetable
checked and made a run again (:mod:`.rebuild`)."""
