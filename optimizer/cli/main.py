"""Command line: ``python -m optimizer solve|replan|check|validate|report SCENARIO.yaml``.

Exit codes (defined in ``optimizer/cli_common.py``): 0 every required session placed; 3 a
timetable was written but some demand could not be met (or none was found); 2 the scenario or
the command is invalid (nothing written); 4 a timetable given to ``validate`` or
``report --from`` breaks a hard rule; 1 an internal error (a bug: the message says so,
without a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from optimizer.check import ValidationReport, validate
from optimizer.cli import compare, staffing
from optimizer.cli.common import (
    EXIT_BROKEN_RULES,
    EXIT_BUG,
    EXIT_INVALID,
    EXIT_OK,
    EXIT_UNMET,
    add_solve_options,
    internal_error,
    output_path,
    settings_from,
)
from optimizer.findings.diagnose import check_capacity
from optimizer.planning.build import build_problem
from optimizer.planning.problem import Problem
from optimizer.planning.replan import (
    attach_previous,
    change_count,
    changes_between,
    changes_csv,
    describe,
    previous_groups,
    tell_list,
)
from optimizer.reports.output import OutputError, RunFolder, default_run_folder, point_latest
from optimizer.reports.summary import EditedFrom, Replan, scenario_hash, summary_text
from optimizer.run import pipeline
from optimizer.run.pipeline import Finished
from optimizer.run.rebuild import rebuild
from optimizer.scenario import Scenario, ScenarioError, load_scenario
from optimizer.timetable import read_run


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m optimizer",
        description="Weekly program timetables for recovery homes.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("solve", help="build a timetable for a scenario")
    p.add_argument("scenario", type=Path)
    add_solve_options(p)

    r = sub.add_parser("replan", help="re-plan after a change, moving as little as possible")
    r.add_argument("scenario", type=Path, help="the scenario with the change in it")
    r.add_argument(
        "--from",
        dest="previous",
        type=Path,
        required=True,
        help="the timetable.csv handed out (on_call.csv beside it is read too)",
    )
    r.add_argument(
        "--since",
        type=_date,
        default=None,
        help="keep everything before this date as it happened (default: today)",
    )
    add_solve_options(r)

    c = sub.add_parser("check", help="validate a scenario and say what cannot fit, fast")
    c.add_argument("scenario", type=Path)

    v = sub.add_parser("validate", help="check an existing timetable.csv against a scenario")
    v.add_argument("scenario", type=Path)
    v.add_argument("timetable", type=Path, help="timetable.csv (on_call.csv beside it is read)")

    e = sub.add_parser(
        "report",
        help="check a timetable.csv edited by hand and rebuild every output from it",
    )
    e.add_argument("scenario", type=Path)
    e.add_argument(
        "--from",
        dest="edited",
        type=Path,
        required=True,
        help="the edited timetable.csv (on_call.csv beside it is read too)",
    )
    e.add_argument("--out", type=Path, help="output folder (default: reports/<scenario>/<time>/)")
    e.add_argument(
        "--force",
        action="store_true",
        help="write the outputs even if the timetable breaks a rule (exit code 4 all the same), "
        "and into a non-empty --out folder, keeping its old contents beside it",
    )

    compare.add_parser(sub)  # staffing plans side by side (optimizer/cli/compare.py)
    staffing.add_parser(sub)  # the smallest head count in a role (optimizer/cli/staffing.py)
    return parser


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; expected YYYY-MM-DD") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "solve":
            return _solve(args)
        if args.command == "replan":
            return _replan(args)
        if args.command == "check":
            return _check(args)
        if args.command == "compare":
            return compare.run_cli(args)
        if args.command == "staffing":
            return staffing.run_cli(args)
        if args.command == "report":
            return _report(args)
        return _validate(args)
    except ScenarioError as exc:
        print(
            f"The scenario has {len(exc.issues)} problem(s); nothing was written:", file=sys.stderr
        )
        for issue in exc.issues:
            print(f"  {issue}", file=sys.stderr)
        return EXIT_INVALID
    except OutputError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:  # the output was piped into a program that stopped reading
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print("Interrupted before a timetable was found; nothing was written.", file=sys.stderr)
        return EXIT_UNMET
    except Exception as exc:  # a bug: say so plainly
        return internal_error(exc, args.debug)


def _solve(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    return _run(args, scenario, build_problem(scenario))


def _replan(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    if not args.previous.is_file():
        raise OutputError(f"Cannot re-plan: {args.previous} is not a timetable.csv file")
    try:
        previous = read_run(args.previous, unmet=False)
        old, old_shifts = previous.bookings, previous.on_call
    except (ValueError, KeyError) as exc:
        raise OutputError(f"Cannot re-plan: cannot read the previous timetable: {exc}") from None
    since = args.since or dt.date.today()
    problem = build_problem(scenario, keep_groups=previous_groups(old))
    problem = attach_previous(problem, old, old_shifts, since)
    weeks = {p.id: p.frequency.period_weeks for p in scenario.programs}
    kept = sum(1 for b in old if b.date < since)
    print(f"Re-planning from {args.previous}: {len(old)} sessions, {kept} before {since} kept.")

    def extra(done: Finished) -> dict[str, str]:
        new = done.result.timetable.bookings if done.result.timetable else []
        every = changes_between(old, new, weeks, scenario.calendar.start)
        past = [c for c in every if c.before is not None and c.before.date < since]
        changes = [c for c in every if c not in past]
        done.summary.replan = Replan(
            source=str(args.previous),
            since=since.isoformat(),
            changes=[describe(c) for c in changes],
            people_to_tell=tell_list(changes),
            people_affected=change_count(changes),
            corrections=[describe(c) for c in past],
        )
        return {"changes.csv": changes_csv(changes)}

    return _run(args, scenario, problem, extra)


def _run(
    args: argparse.Namespace,
    scenario: Scenario,
    problem: Problem,
    extra: Callable[[Finished], dict[str, str]] | None = None,
) -> int:
    """Solve, validate, write the run folder atomically, print the summary, exit code."""
    digest = scenario_hash(args.scenario)  # what is solved, even if the file is edited meanwhile
    final = _run_folder(args)
    progress = None if args.quiet else (lambda msg: print(msg, flush=True))
    print(
        f"Solving {scenario.name} ({args.scenario}): {len(scenario.residents)} residents, "
        f"{len(scenario.staff)} staff, {len(scenario.rooms)} rooms, "
        f"{scenario.calendar.weeks} weeks from {scenario.calendar.start}."
    )
    done = pipeline.solve_and_finish(problem, settings_from(args), args.scenario, digest, progress)
    files = extra(done) if extra else {}
    folder = _publish(args, final, done, files)
    print()
    print(summary_text(done.summary, folder))
    if done.report is not None and not done.report.ok:
        return EXIT_BUG
    return EXIT_OK if done.result.complete else EXIT_UNMET


def _run_folder(args: argparse.Namespace) -> Path:
    """The run folder asked for with ``--out`` (checked), or a new one under ``reports/``."""
    return output_path(args, default_run_folder(Path("reports"), args.scenario), print)


def _publish(args: argparse.Namespace, final: Path, done: Finished, files: dict[str, str]) -> Path:
    """Write the run folder atomically (all of it, or nothing) and move ``latest`` to it."""
    with _signals_deferred():  # the work is done: a Ctrl-C now must not lose it
        folder = pipeline.write(RunFolder(final), done, files)
    if args.out is None:
        point_latest(folder)
    return folder


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the run folder is written; act on them afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda signum, frame: received.append(signum))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        print("Stopped as asked, after writing the run folder.", file=sys.stderr)


def _check(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    problem = build_problem(scenario)
    findings = check_capacity(problem)
    blocking = [f for f in findings if f.blocking]
    warnings = [f for f in findings if not f.blocking]
    print(f"{scenario.name}: the scenario file is valid.")
    if blocking:
        print(f"{len(blocking)} thing(s) cannot fit as described:")
        for f in blocking:
            print(f"  - {f.sentence()}")
    else:
        print("Nothing blocks a complete timetable as far as a quick capacity check can tell.")
    if warnings:
        print(f"{len(warnings)} warning(s):")
        for f in warnings:
            print(f"  - {f.sentence()}")
    return EXIT_UNMET if blocking else EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    scenario = load_scenario(args.scenario)
    try:
        timetable = read_run(args.timetable)
    except (OSError, ValueError, KeyError) as exc:
        raise OutputError(f"Cannot validate: cannot read the timetable: {exc}") from None
    bookings = timetable.bookings
    report = validate(scenario, timetable)
    _print_violations(report)
    print(
        f"{len(bookings)} sessions checked: {len(report.violations)} rule violation(s), "
        f"{len(report.shortfalls)} shortfall(s)."
    )
    return EXIT_OK if report.ok else EXIT_BROKEN_RULES


def _print_violations(report: ValidationReport) -> None:
    for v in report.violations:
        print(f"  - {v.message} [{v.rule}]")


def _report(args: argparse.Namespace) -> int:
    """Check an edited timetable and rebuild every output from it, in a new run folder."""
    scenario = load_scenario(args.scenario)
    edited: Path = args.edited
    if not edited.is_file():
        raise OutputError(f"Cannot rebuild the reports: {edited} is not a timetable.csv file")
    source = edited.parent.resolve()
    if args.out is not None and (
        Path(args.out).resolve() == source or Path(args.out).resolve() in source.parents
    ):
        raise OutputError(
            f"Cannot rebuild the reports into {args.out}: it holds the edited timetable, which "
            "is never changed; choose a new folder, or leave out --out"
        )
    digest = scenario_hash(args.scenario)
    problem = build_problem(scenario)
    try:
        run = rebuild(problem, edited)
    except (OSError, ValueError, KeyError) as exc:
        raise OutputError(f"Cannot rebuild the reports: cannot read the timetable: {exc}") from None
    report, result = run.report, run.result
    on_call = f" and {run.on_call_file}" if run.on_call_file else ""
    print(f"Checked {edited}{on_call} against {scenario.name} ({args.scenario}).")
    if not report.ok:
        print(f"The edited timetable breaks {len(report.violations)} rule(s):")
        _print_violations(report)
        if not args.force:
            print(
                "Nothing was written. Fix the timetable, or add --force to write the outputs "
                "anyway.",
                file=sys.stderr,
            )
            return EXIT_BROKEN_RULES
    done = pipeline.summarise(problem, result, report, run.card, args.scenario, digest)
    done.summary.edited_from = EditedFrom(
        timetable=str(edited),
        on_call=str(run.on_call_file) if run.on_call_file else None,
        written_despite_violations=not report.ok,
    )
    folder = _publish(args, _run_folder(args), done, {})
    print()
    print(summary_text(done.summary, folder))
    if not report.ok:
        return EXIT_BROKEN_RULES
    return EXIT_OK if result.complete else EXIT_UNMET
