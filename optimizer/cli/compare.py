"""``python -m optimizer compare BASE.yaml PLAN.yaml ...``: the command over
:func:`optimizer.whatif.compare.run_comparison`, and what it and ``staffing`` print and publish."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from optimizer.cli.common import (
    EXIT_BUG,
    EXIT_OK,
    EXIT_UNMET,
    add_solve_options,
    check_many_options,
    executor_from,
    output_run,
    say_from,
    settings_from,
    usage_errors,
)
from optimizer.reports.output import RunFolder
from optimizer.run import pipeline
from optimizer.run.executor import Executor
from optimizer.whatif.compare import Comparison, default_folder, run_comparison
from optimizer.whatif.table import _clip, notes, terminal_table


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "compare", help="solve a base scenario and staffing plans (overlays), side by side"
    )
    p.add_argument("base", type=Path, help="the base scenario")
    p.add_argument("plans", type=Path, nargs="*", help="overlay files (base: ...) to compare")
    add_solve_options(p, many=True)
    p.add_argument(
        "--repeat-current",
        action="store_true",
        help="solve the base twice (another seed) to show which differences are only noise",
    )


def run_cli(args: argparse.Namespace) -> int:
    """``python -m optimizer compare``: 0 when the comparison is written (plans with unmet
    demand are a finding, not a failure), 2 for invalid input, 3 if interrupted, 1 a bug."""
    return usage_errors(_compare, args)


def _compare(args: argparse.Namespace) -> int:
    say = say_from(args)
    check_many_options(args)
    plans = pipeline.load_plans(args.base, args.plans, lambda m: print(m, flush=True))
    executor = executor_from(args, len(plans) + (1 if args.repeat_current else 0))
    run = output_run(args, default_folder(Path("reports"), args.base, "compare"), say)

    def work() -> Comparison:
        return run_comparison(
            plans, settings_from(args), executor, run, say=say, repeat_current=args.repeat_current
        )

    comparison, folder = publish_solved(run, executor, work, lambda c: bool(c.runs))
    if folder is None:
        return EXIT_UNMET
    print()
    print(terminal_table(comparison.frame))
    for line in notes(comparison.frame):
        print(f"- {_clip(line, 240)}")
    if comparison.unsolved:
        print(f"Not solved (interrupted): {', '.join(comparison.unsolved)}")
    print(f"Files:     {folder}/comparison.html (and comparison.csv, plans/<plan>/)")
    if says_violations(comparison):
        return EXIT_BUG
    return EXIT_UNMET if comparison.interrupted else EXIT_OK


T = TypeVar("T")


def publish_solved(
    run: RunFolder, executor: Executor, work: Callable[[], T], solved: Callable[[T], bool]
) -> tuple[T, Path | None]:
    """Run ``work`` with ``executor`` and publish ``run``, or discard it (and say so) when
    nothing was solved; the folder is ``None`` then. Any failure discards ``run``."""
    try:
        with executor:
            value = work()
        if not solved(value):
            run.discard()
            print("Interrupted before any plan was solved; nothing was written.", file=sys.stderr)
            return value, None
        return value, run.publish()
    except BaseException:
        run.discard()
        raise


def says_violations(comparison: Comparison) -> bool:
    """Whether a plan's timetable breaks a rule (a bug), said on the terminal."""
    if any(r.rule_violations for r in comparison.runs):
        print("RULE VIOLATIONS in a timetable: this is a bug; see the plan's summary.json.")
        return True
    return False
