"""One pipeline after the solver, for every command that makes a run: solve, validate, score,
summarise, write. ``solve``, ``replan``, ``report --from``, ``compare`` and ``staffing`` all
go through :func:`finish` and :func:`write`, so a run folder means the same whoever made it.

Plans (a base scenario or an overlay of it) are loaded here too, and solved through an
:class:`~optimizer.run.executor.Executor` by :func:`solve_plans`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from optimizer.check import ValidationReport, validate
from optimizer.check.goals import GoalScore, score_card
from optimizer.planning.build import build_problem
from optimizer.planning.problem import Problem
from optimizer.planning.replan import keep_the_past
from optimizer.reports import write_run
from optimizer.reports.output import RunFolder, safe_name
from optimizer.reports.summary import Digest, Summary, build_summary
from optimizer.run.executor import Executor
from optimizer.scenario import Scenario, ScenarioError, parse_scenario
from optimizer.scenario.overlay import read_scenario_data, scenario_files
from optimizer.search.result import Result, Settings
from optimizer.search.solve import solve
from optimizer.timetable import Timetable, Unmet

Say = Callable[[str], None]  # a progress line


class UsageError(Exception):
    """An option or input that cannot be used (exit 2 from the command line)."""


Progress = Callable[[str], None]


@dataclass
class Finished:
    """A solved (or edited) timetable with its checks and its summary."""

    problem: Problem
    result: Result
    report: ValidationReport | None  # None when there is no timetable
    card: dict[str, GoalScore] | None
    summary: Summary


def summarise(
    problem: Problem,
    result: Result,
    report: ValidationReport | None,
    card: dict[str, GoalScore] | None,
    scenario_path: Path,
    digest: Digest | None = None,
) -> Finished:
    summary = build_summary(problem, result, report, scenario_path, card, digest)
    return Finished(problem, result, report, card, summary)


def finish(
    problem: Problem, result: Result, scenario_path: Path, digest: Digest | None = None
) -> Finished:
    """Validate and score a solve's timetable (if any), and summarise it."""
    scenario = problem.scenario
    previous = problem.previous
    if result.groups is not None:  # the solve formed groups anew: the problem it solved
        problem = build_problem(scenario, result.groups)
    timetable = result.timetable
    if timetable is not None and previous is not None and previous.since is not None:
        timetable, corrections = keep_the_past(timetable, previous)
        timetable.unmet = honest_unmet(scenario, timetable, previous.since)
        result.timetable = timetable
        result.stats["past_corrections"] = len(corrections)
    report = validate(scenario, timetable) if timetable else None
    card = score_card(scenario, timetable, report) if timetable and report else None
    return summarise(problem, result, report, card, scenario_path, digest)


def honest_unmet(scenario: Scenario, timetable: Timetable, since: dt.date) -> list[Unmet]:
    """The unmet list of a re-plan whose past is kept as it happened: the solve's own entries
    for programs still short, and one entry per shortfall of a program whose sessions before
    ``since`` were fewer than the frequency asks (what happened cannot be made up for there)."""
    report = validate(scenario, timetable)
    short = {s.program for s in report.shortfalls}
    gaps = {c.program for c in report.coverage if c.uncovered}
    unmet = [u for u in timetable.unmet if u.program in short or u.program in gaps]
    reported = {u.program for u in unmet}
    unmet += [
        Unmet(
            s.program,
            "",
            s.resident,
            f"{s.period_start}..{s.period_end}",
            s.expected - s.found,
            f"{s.found} of {s.expected} session(s) in this period, with the days before "
            f"{since} kept as they happened",
        )
        for s in report.shortfalls
        if s.program not in reported
    ]
    return unmet


def solve_and_finish(
    problem: Problem,
    settings: Settings,
    scenario_path: Path,
    digest: Digest | None = None,
    progress: Progress | None = None,
) -> Finished:
    return finish(problem, solve(problem, settings, progress), scenario_path, digest)


def write(run: RunFolder, done: Finished, files: dict[str, str] | None = None) -> Path:
    """Every file of the run (and ``files``, e.g. ``changes.csv``) into ``run``, published
    atomically: all of it, or nothing."""
    try:
        for name, text in (files or {}).items():
            run.write(name, text)
        write_run(run, done.problem, done.result, done.report, done.summary.to_dict())
        return run.publish()
    except BaseException:
        run.discard()
        raise


# --- plans -----------------------------------------------------------------------------------


@dataclass
class Plan:
    """One scenario to solve: the base, or an overlay of it."""

    id: str  # short name used in tables and as its folder name
    path: Path  # the file loaded
    scenario: Scenario
    files: tuple[str, ...]  # the file, then its bases
    shown_path: str = ""  # the path written in summary.json (default: ``path``)


def load_plan(path: Path, plan_id: str | None = None) -> Plan:
    """A scenario or overlay file, validated (raises :class:`ScenarioError`)."""
    data, source = read_scenario_data(path)
    return Plan(plan_id or path.stem, path, parse_scenario(data, source), scenario_files(source))


def load_plans(base: Path, plans: Sequence[Path], say: Say | None = None) -> list[Plan]:
    """The base and every plan, all validated first: every problem in any of them is reported
    together (one :class:`ScenarioError`), so nothing is solved for a broken plan."""
    loaded: list[Plan] = []
    issues = []
    used: set[str] = set()
    for path in [base, *plans]:
        name = safe_name(path.stem)
        n = 2
        while name in used:
            name = f"{safe_name(path.stem)}-{n}"
            n += 1
        used.add(name)
        try:
            loaded.append(load_plan(path, name))
        except ScenarioError as exc:
            issues += exc.issues
    if issues:
        raise ScenarioError(issues)
    base_file = str(base.resolve())
    for plan in loaded[1:]:
        if say and base_file not in {str(Path(f).resolve()) for f in plan.files}:
            say(f"Note: {plan.path} is not an overlay of {base}; it is compared as it is.")
    return loaded


@dataclass(frozen=True)
class SolveTask:
    """What a worker needs: picklable, no paths (a worker may be another machine)."""

    plan: str
    scenario: Scenario
    settings: Settings


def solve_task(task: SolveTask) -> Result:
    """Runs wherever the executor puts it."""
    return solve(build_problem(task.scenario), task.settings)


def solve_plans(
    plans: Sequence[Plan],
    settings: Settings,
    executor: Executor,
    again: Settings | None = None,
) -> Iterator[tuple[int, Finished]]:
    """Solve every plan through ``executor`` and finish each as it comes back, as (index in
    ``plans``, finished). With ``again``, the first plan is solved once more with those
    settings; that solve comes back with the index ``len(plans)``."""
    tasks = [SolveTask(p.id, p.scenario, settings) for p in plans]
    if again is not None and plans:
        tasks.append(SolveTask(plans[0].id, plans[0].scenario, again))
    for i, result in executor.run(solve_task, tasks):
        plan = plans[i % len(plans)]
        done = finish(build_problem(plan.scenario), result, plan.path)
        done.summary.scenario_file = plan.shown_path or str(plan.path)
        yield i, done
