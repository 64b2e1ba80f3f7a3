"""``python -m optimizer staffing BASE.yaml --role ROLE --max N``: the command over
:func:`optimizer.whatif.staffing.run_staffing`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from optimizer.cli.common import (
    EXIT_BUG,
    EXIT_OK,
    EXIT_UNMET,
    UsageError,
    add_solve_options,
    check_many_options,
    executor_from,
    output_run,
    say_from,
    settings_from,
    usage_errors,
)
from optimizer.cli.compare import publish_solved, says_violations
from optimizer.reports.output import safe_name
from optimizer.run.pipeline import load_plan
from optimizer.scenario.overlay import read_scenario_data
from optimizer.scenario.phrases import parse_windows
from optimizer.whatif.compare import default_folder
from optimizer.whatif.staffing import (
    DEFAULT_COVERAGE,
    MAX_HEAD_COUNT,
    StaffingResult,
    Template,
    _roles,
    _staff_list,
    run_staffing,
)
from optimizer.whatif.staffing_report import curve_table, verdict_text
from optimizer.whatif.table import terminal_table


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "staffing", help="find the smallest number of staff in a role that meets all demand"
    )
    p.add_argument("base", type=Path, help="the base scenario")
    p.add_argument("--role", required=True, help="the role to vary, e.g. peer")
    p.add_argument("--min", dest="min_count", type=int, default=1, help="fewest people (default 1)")
    p.add_argument("--max", dest="max_count", type=int, required=True, help="most people")
    p.add_argument(
        "--template-available",
        action="append",
        metavar="WINDOW",
        help='working hours of each generated staff member, e.g. "Mon-Fri 09:00-17:00" '
        "(repeat for more windows; default: the base's first member with the role)",
    )
    p.add_argument("--max-hours", type=float, help="their max_hours_per_week")
    p.add_argument("--hourly-cost", type=float, help="their hourly_cost")
    p.add_argument(
        "--coverage",
        type=float,
        default=DEFAULT_COVERAGE,
        help=f"on-call coverage, in percent of opening hours, that counts as full "
        f"(default {DEFAULT_COVERAGE:g})",
    )
    add_solve_options(p, many=True)


def _template(args: argparse.Namespace) -> Template:
    windows = None
    if args.template_available:
        windows = tuple(args.template_available)
        for w in windows:
            try:
                parse_windows(w)
            except ValueError as exc:
                raise UsageError(f"--template-available {w!r}: {exc}") from None
    if args.max_hours is not None and not 0 < args.max_hours <= 168:
        raise UsageError("--max-hours must be more than 0 and at most 168")
    if args.hourly_cost is not None and not args.hourly_cost >= 0:
        raise UsageError("--hourly-cost must be 0 or more")
    return Template(windows, args.max_hours, args.hourly_cost)


def _check(args: argparse.Namespace, base_data: Any, template: Template) -> range:
    if not 1 <= args.min_count <= args.max_count:
        raise UsageError("--min must be at least 1 and no more than --max")
    if args.max_count - args.min_count + 1 > MAX_HEAD_COUNT:
        raise UsageError(f"at most {MAX_HEAD_COUNT} head counts in one search")
    if not 0 < args.coverage <= 100:
        raise UsageError("--coverage is a percentage: more than 0 and at most 100")
    staff = _staff_list(base_data) if isinstance(base_data, dict) else []
    if not any(args.role in _roles(s) for s in staff) and template.available is None:
        known = sorted({r for s in staff for r in _roles(s)})
        raise UsageError(
            f"no staff member of the base has the role {args.role!r} (known roles: "
            f"{', '.join(known)}); give --template-available (and --max-hours, --hourly-cost) "
            "to describe the new staff"
        )
    programs = base_data.get("programs") if isinstance(base_data, dict) else None
    needs = [
        p for p in (programs if isinstance(programs, list) else [])
        if isinstance(p, dict) and args.role in _roles({"roles": p.get("facilitator")})
    ]  # fmt: skip
    if not needs:
        print(f"Note: no program needs the role {args.role!r}; the head count changes nothing.")
    return range(args.min_count, args.max_count + 1)


def run_cli(args: argparse.Namespace) -> int:
    """``python -m optimizer staffing``: 0 when some head count in the range is enough, 3 when
    none is (or the search was interrupted), 2 invalid input, 1 a bug."""
    return usage_errors(_staffing, args)


def _staffing(args: argparse.Namespace) -> int:
    say = say_from(args)
    check_many_options(args)
    template = _template(args)
    load_plan(args.base)  # the base must be valid on its own
    base_data, _ = read_scenario_data(args.base)
    counts = _check(args, base_data, template)
    executor = executor_from(args, len(counts))
    default = default_folder(Path("reports"), args.base, f"staffing-{safe_name(args.role)}")
    run = output_run(args, default, say)

    def work() -> StaffingResult:
        return run_staffing(
            args.base,
            args.role,
            counts,
            template,
            args.coverage,
            settings_from(args),
            executor,
            run,
            say,
        )

    result, folder = publish_solved(
        run, executor, work, lambda r: bool(r.comparison.runs) and r.curve is not None
    )
    if folder is None or result.curve is None:
        return EXIT_UNMET
    print()
    print(curve_table(result.curve, args.role))
    print()
    print(verdict_text(result.smallest, result.curve, args.role, args.coverage))
    print()
    print(terminal_table(result.comparison.frame))
    print(f"Files:     {folder}/comparison.html (and staffing.csv, staffing.png, overlays/)")
    if says_violations(result.comparison):
        return EXIT_BUG
    if result.comparison.interrupted or result.smallest is None:
        return EXIT_UNMET
    return EXIT_OK
