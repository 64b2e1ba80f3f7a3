"""What every command shares: exit codes, the solve options, the output folder, the error
handler. Only the command line turns an outcome into an exit code."""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from optimizer.reports.output import RunFolder, prepare_out
from optimizer.run.executor import Executor, ExecutorUnavailable, make_executor
from optimizer.run.pipeline import Say, UsageError
from optimizer.search.result import Settings

EXIT_OK = 0  # every required session placed (or the comparison written)
EXIT_BUG = 1  # an internal error, or a timetable the tool made breaks a rule
EXIT_INVALID = 2  # the scenario or the command is invalid; nothing written
EXIT_UNMET = 3  # some demand could not be met, none was found, or interrupted
EXIT_BROKEN_RULES = 4  # a timetable given to ``validate`` or ``report --from`` breaks a rule


def say_from(args: argparse.Namespace) -> Say:
    """Progress lines, unless ``--quiet``."""
    return (lambda _m: None) if args.quiet else (lambda m: print(m, flush=True))


def add_solve_options(p: argparse.ArgumentParser, *, many: bool = False) -> None:
    """``--out --force --time-limit --seed --workers --deterministic --quiet``; with ``many``
    (``compare``, ``staffing``) per plan, plus ``--parallel`` and ``--cluster``."""
    p.add_argument(
        "--out",
        type=Path,
        help="output folder" if many else "output folder (default: reports/<scenario>/<time>/)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty --out folder, keeping its old contents beside it",
    )
    per = " per plan" if many else ""
    p.add_argument("--time-limit", type=float, default=60.0, help=f"seconds{per} (default 60)")
    p.add_argument("--seed", type=int, default=0)
    if many:
        p.add_argument(
            "--workers",
            type=int,
            default=None,
            help="solver threads per plan (default: the CPUs divided among the plans solved "
            "at once)",
        )
        p.add_argument("--parallel", type=int, default=None, help="plans solved at once (local)")
        p.add_argument(
            "--deterministic",
            action="store_true",
            help="same timetables for the same seed (slower)",
        )
        p.add_argument(
            "--cluster",
            metavar="ADDRESS",
            help="solve on a Dask cluster, e.g. tcp://host:8786 (needs the 'cluster' extra)",
        )
    else:
        p.add_argument("--workers", type=int, default=2, help="solver threads (default 2)")
        p.add_argument(
            "--deterministic",
            action="store_true",
            help="same timetable for the same seed and workers (slower)",
        )
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def check_many_options(args: argparse.Namespace) -> None:
    """The options of :func:`add_solve_options` with ``many``; raises :class:`UsageError`."""
    for name in ("workers", "parallel"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            raise UsageError(f"--{name} must be at least 1")
    if not args.time_limit > 0:
        raise UsageError("--time-limit must be more than 0 seconds")
    if args.cluster and args.parallel:
        raise UsageError("--parallel is for local solves; a Dask cluster decides it itself")


def settings_from(args: argparse.Namespace, workers: int | None = None) -> Settings:
    return Settings(
        time_limit=args.time_limit,
        workers=workers or (1 if args.workers is None else args.workers),
        seed=args.seed,
        deterministic=args.deterministic,
    )


def executor_from(args: argparse.Namespace, jobs: int) -> Executor:
    """Where ``jobs`` solves run: ``--cluster``, else a local pool (``--parallel``)."""
    return make_executor(jobs, cluster=args.cluster, workers=args.workers, parallel=args.parallel)


def output_run(args: argparse.Namespace, default: Path, say: Say) -> RunFolder:
    """The run folder of ``--out`` (checked, old contents kept aside with ``--force``), else
    ``default``."""
    return RunFolder(output_path(args, default, say))


def output_path(args: argparse.Namespace, default: Path, say: Say) -> Path:
    if args.out is None:
        return default
    kept = prepare_out(args.out, args.force)
    if kept is not None:
        say(f"Kept the previous contents of {args.out} in {kept}")
    return Path(args.out)


def internal_error(exc: BaseException, debug: bool) -> int:
    """A bug: say so plainly (the traceback only with ``--debug``)."""
    if debug:
        traceback.print_exc()
    print(
        f"Internal error ({type(exc).__name__}: {exc}). This is a bug in the tool, not in "
        "your scenario; please report it with the scenario file (run with --debug for "
        "details).",
        file=sys.stderr,
    )
    return EXIT_BUG


def usage_errors(command: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run ``command``; an unusable option or executor is said plainly, exit 2."""
    try:
        return command(args)
    except (UsageError, ExecutorUnavailable) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID
