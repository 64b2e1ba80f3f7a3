"""Compare staffing plans: solve a base scenario and its overlays with the same settings, and
put what each plan gives side by side.

``python -m optimizer compare BASE.yaml PLAN.yaml ...`` writes into one folder (default
``reports/<base>/compare-<time>/``):

- ``comparison.csv``: one row per plan, the metrics of :mod:`optimizer.whatif.metrics` (their
  definitions are there, and on the HTML page);
- ``comparison.html``: one self-contained page: the chart, the table, why demand was unmet,
  and a link to each plan's own report (:mod:`optimizer.whatif.page`);
- ``comparison.png``: the chart (also embedded in the page; :mod:`optimizer.whatif.chart`);
- ``plans/<plan>/``: each plan's full run, exactly what ``solve`` writes (``timetable.csv``,
  ``on_call.csv``, ``unmet.csv``, ``summary.json`` and the staff reports), through
  :mod:`optimizer.run.pipeline`.

Solves run through :mod:`optimizer.run.executor` (a local process pool, or a Dask cluster with
``--cluster``); this module does not know where.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.reports.output import RunFolder, safe_name
from optimizer.run import pipeline
from optimizer.run.executor import Executor
from optimizer.run.pipeline import Finished, Plan, Say
from optimizer.search.result import Settings
from optimizer.whatif.chart import comparison_chart
from optimizer.whatif.metrics import plan_metrics
from optimizer.whatif.page import Section, comparison_html, measure_variation
from optimizer.whatif.table import to_csv

PLANS_DIR = "plans"


@dataclass
class PlanRun:
    """One plan of a comparison: its finished run, its metrics, and where it was written."""

    plan: Plan
    done: Finished
    metrics: dict[str, Any]
    folder: str  # relative to the comparison folder

    @property
    def rule_violations(self) -> int:
        return len(self.done.report.violations) if self.done.report else 0


def comparison_frame(runs: Sequence[PlanRun]) -> pd.DataFrame:
    """One row per plan; columns in a stable order (roles, rooms and programs as they come)."""
    rows = [{"plan": r.plan.id, **r.metrics} for r in runs]
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    return pd.DataFrame(rows, columns=columns)


def metrics_of(done: Finished) -> dict[str, Any]:
    return plan_metrics(done.problem, done.result.timetable, done.report, done.summary.to_dict())


@dataclass
class Comparison:
    folder: Path
    frame: pd.DataFrame
    runs: list[PlanRun]
    unsolved: list[str] = field(default_factory=list)  # interrupted before they ran
    interrupted: bool = False


def default_folder(reports: Path, base: Path, prefix: str, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d_%H%M%S")
    parent = reports / safe_name(base.stem)
    candidate = parent / f"{prefix}-{stamp}"
    n = 2
    while candidate.exists():
        candidate = parent / f"{prefix}-{stamp}-{n}"
        n += 1
    return candidate


def run_comparison(
    plans: Sequence[Plan],
    settings: Settings,
    executor: Executor,
    run: RunFolder,
    *,
    say: Say | None = None,
    title: str | None = None,
    extra: Callable[[list[PlanRun], RunFolder], Sequence[Section]] | None = None,
    describe: Sequence[str] = (),
    repeat_current: bool = False,
) -> Comparison:
    """Solve every plan through ``executor`` and write the comparison into ``run`` (published
    by the caller). ``settings.workers`` is replaced by the executor's threads per solve.
    ``extra``, given the finished runs, may write more files and add sections to the page;
    ``describe`` replaces the page's first line (what was compared)."""
    say = say or (lambda _m: None)
    settings = Settings(
        time_limit=settings.time_limit,
        workers=executor.solver_workers,
        seed=settings.seed,
        deterministic=settings.deterministic,
    )
    # the current plan again, another seed: run-to-run variation
    again = replace(settings, seed=settings.seed + 1) if repeat_current else None
    repeat: dict[str, Any] | None = None
    say(
        f"Solving {len(plans)} plan(s), {settings.time_limit:g} s each, seed {settings.seed}: "
        f"{executor.description}."
    )
    runs: dict[int, PlanRun] = {}
    for i, finished in pipeline.solve_plans(plans, settings, executor, again):
        plan = plans[i % len(plans)]
        if i >= len(plans):
            repeat = metrics_of(finished)
            continue
        pipeline.write(RunFolder(run.path(PLANS_DIR, plan.id)), finished)
        metrics = metrics_of(finished)
        runs[i] = PlanRun(plan, finished, metrics, f"{PLANS_DIR}/{plan.id}")
        say(f"  [{len(runs)}/{len(plans)}] {plan.id}: {_one_line(metrics)}")
    done = [runs[i] for i in sorted(runs)]
    unsolved = [p.id for i, p in enumerate(plans) if i not in runs]
    frame = comparison_frame(done)
    if done:
        chart = comparison_chart(frame)
        run.write("comparison.csv", to_csv(frame))
        run.write("comparison.png", chart)
        meta = [
            *(
                describe
                or [
                    f"Current plan: {plans[0].id}; compared with: "
                    + (", ".join(p.id for p in plans[1:]) or "none")
                    + " (each plan's files are listed in its summary.json)."
                ]
            ),
            f"Each solved with a {settings.time_limit:g} s time limit, seed {settings.seed}, "
            f"{settings.workers} solver thread(s)"
            + (", deterministic" if settings.deterministic else "")
            + f"; written {dt.datetime.now():%Y-%m-%d %H:%M}.",
        ]
        if unsolved:
            meta.append(f"Not solved (interrupted): {', '.join(unsolved)}")
        links = {r.plan.id: f"{r.folder}/index.html" for r in done}
        sections = list(extra(done, run)) if extra else []
        variation = (
            measure_variation(done[0].plan.id, done[0].metrics, repeat)
            if repeat is not None and done[0].plan is plans[0]
            else None
        )
        page = comparison_html(
            frame,
            chart,
            title=title or f"Staffing plans for {plans[0].scenario.name}",
            meta=meta,
            links=links,
            extra=sections,
            variation=variation,
        )
        run.write("comparison.html", page)
    return Comparison(run.final, frame, done, unsolved, executor.interrupted)


def _one_line(m: dict[str, Any]) -> str:
    text = f"{m['sessions_placed']} of {m['sessions_required']} sessions placed"
    if m.get("on_call_coverage_min_percent") is not None:
        text += f", on-call coverage {m['on_call_coverage_min_percent']:.1f} %"
    if m.get("total_cost_per_week"):
        text += f", cost/week {m['total_cost_per_week']:,.0f}"
    return text + f" ({m['solve_seconds']} s)"
