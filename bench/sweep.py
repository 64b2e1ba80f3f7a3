"""The sweep: many varied generated homes, each complete or with a proven reason (issue 20).

``python -m bench.sweep [--homes 40] [--first-seed 1] [--time-limit S] [--workers 2] [--jobs 1]
[--only SEED...] [--fourteen]``

Each home (:func:`bench.homes.varied`) is written to ``bench/scenarios/sweep-<seed>.yaml`` and
run in its own subprocess (so memory is per home and a crash is one row): loaded with
``load_scenario``, checked without a solver (``check_capacity``), solved (``solve``, patience
as ``make solve``) and the timetable validated. A home's verdict:

- ``complete``: every required session placed;
- ``proven``: some are not, but every program short of sessions is named by a blocking check
  finding, or the solve reports a lower bound > 0 on unplaced demand
  (``result.stats["unplaced_bound"]``, read when present);
- ``short``: incomplete with no such proof; ``invalid``: the validator found a broken hard
  rule; ``crashed``: the subprocess gave no result.

One CSV row per home goes to ``bench/results/sweep-<date>-<machine>.csv``, each progress log
to ``bench/results/logs/sweep-<date>-<machine>-<commit>/`` (a run of another commit never
overwrites them). The exit code is 1 if any home is short, invalid or crashed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from bench.homes import fourteen, job_share, varied, write
from bench.run import (
    _LINE,
    RESULT_TAG,
    RESULTS,
    ROOT,
    _git,
    _optimizer_hash,
    _versions,
    append_csv,
    machine_slug,
)

COLUMNS = (
    "timestamp", "machine", "git_commit", "optimizer_dirty", "optimizer_hash", "python",
    "ortools", "home", "seed", "residents", "houses", "weeks", "staff", "rooms",
    "job_share_pct", "clinicians", "time_limit", "workers", "patience",
    "required_sessions", "placed_sessions", "unplaced_sessions",
    "required_resident_sessions", "unplaced_resident_sessions", "short_programs",
    "short_sessions",
    "violations", "violation_rules", "blocking_findings", "blocking_programs",
    "unplaced_bound", "verdict", "unproven_programs", "status", "stopped_by",
    "constructed_unplaced", "first_timetable_s", "first_complete_s", "load_s", "problem_s",
    "check_s", "construct_s", "solve_s", "peak_rss_mb", "cpu_s", "cpu_per_wall",
    "load_before", "notes",
)  # fmt: skip
FAILING = ("short", "invalid", "crashed")


def default_time_limit(residents: int) -> float:
    """60 s, what ``python -m optimizer solve`` gives a home by default: a home is judged as a
    manager runs it (a complete home stops sooner, after 10 s without a better timetable)."""
    del residents  # the same for every size, as the product's default
    return 60.0


# --- one home, in a subprocess ----------------------------------------------------------------


def run_home(path: Path, time_limit: float, workers: int, patience: float | None) -> dict[str, Any]:
    """Load, check, solve and validate one scenario file; the numbers of its CSV row."""
    from optimizer.check import validate
    from optimizer.findings.diagnose import check_capacity
    from optimizer.planning.build import build_problem
    from optimizer.scenario import load_scenario
    from optimizer.search.result import Settings
    from optimizer.search.solve import solve

    t0 = time.monotonic()
    scenario = load_scenario(path)
    t1 = time.monotonic()
    problem = build_problem(scenario)
    t2 = time.monotonic()
    blocking = [f for f in check_capacity(problem) if f.blocking]
    t3 = time.monotonic()
    for f in blocking:
        print(f"check: {f.text}", flush=True)
    seen: dict[str, float | int] = {}

    def progress(line: str) -> None:
        print(line, flush=True)
        m = _LINE.match(line)
        if m:
            unplaced = int(m["unplaced"].replace(",", ""))
            seen.setdefault("constructed", unplaced)
            if unplaced == 0:
                seen.setdefault("complete", float(m["t"]))

    settings = Settings(time_limit=time_limit, workers=workers, patience=patience)
    result = solve(problem, settings, progress)
    t4 = time.monotonic()
    booked = [p for p in problem.programs if not p.on_call]
    row: dict[str, Any] = {
        "residents": len(problem.residents),
        "houses": max(1, len(problem.houses)),
        "weeks": problem.scenario.calendar.weeks,
        "staff": len(problem.staff),
        "rooms": len(problem.rooms),
        "clinicians": sum("clinician" in s.roles for s in problem.staff),
        "required_sessions": len(problem.occurrences),
        "required_resident_sessions": sum(
            len(p.attendees) * sum(period.count for period in p.periods) for p in booked
        ),
        "blocking_findings": len(blocking),
        "blocking_programs": sorted({f.program for f in blocking if f.program}),
        "unplaced_bound": result.stats.get("unplaced_bound"),
        "status": str(result.status),
        "stopped_by": result.stats.get("stopped_by"),
        "constructed_unplaced": seen.get("constructed"),
        "first_timetable_s": _round(result.first_solution_seconds),
        "first_complete_s": seen.get("complete"),
        "load_s": _round(t1 - t0, 3),
        "problem_s": _round(t2 - t1, 3),
        "check_s": _round(t3 - t2, 3),
        "construct_s": result.stats.get("construct_seconds"),
        "solve_s": _round(t4 - t3),
        "notes": "interrupted" if result.interrupted else "",
    }
    timetable = result.timetable
    if timetable is None:
        row.update(placed_sessions=0, unplaced_sessions=row["required_sessions"],
                   unplaced_resident_sessions=row["required_resident_sessions"],
                   short_programs={p.id: 0 for p in booked}, violations=0)  # fmt: skip
        return row
    report = validate(scenario, timetable)
    by_program: Counter[str] = Counter()
    for s in report.shortfalls:
        by_program[s.program] += s.expected - s.found
    ids = {p.id for p in booked}
    sessions: Counter[str] = Counter()
    for u in timetable.unmet:
        if u.program in ids:
            sessions[u.program] += u.missing
    row.update(
        placed_sessions=len(timetable.bookings),
        unplaced_sessions=sum(sessions.values()),
        unplaced_resident_sessions=sum(by_program.values()),
        short_programs={p: by_program[p] for p in sorted(set(sessions) | set(by_program))},
        short_sessions=dict(sessions),
        violations=len(report.violations),
        violation_rules=sorted({v.rule for v in report.violations}),
    )
    return row


def _round(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


# --- the parent -------------------------------------------------------------------------------


def verdict(row: dict[str, Any]) -> str:
    """complete, proven, short, invalid or crashed (see the module's docstring)."""
    if "required_sessions" not in row:
        return "crashed"
    if row.get("violations"):
        return "invalid"
    short = set(row.get("short_programs") or {})
    if not short and not row.get("unplaced_sessions"):
        return "complete"
    bound = row.get("unplaced_bound")
    if bound is not None and float(bound) > 0:
        return "proven"
    return "proven" if short <= set(row.get("blocking_programs") or ()) else "short"


def spawn_home(name: str, data: dict[str, Any], time_limit: float, workers: int,
               patience: float | None, log_path: Path) -> dict[str, Any]:  # fmt: skip
    """Write the home, run it in a subprocess; its peak RSS comes from wait4's rusage."""
    path = write(name, data)
    cmd = [sys.executable, "-m", "bench.sweep", "--case", str(path),
           "--time-limit", str(time_limit), "--workers", str(workers)]  # fmt: skip
    if patience is not None:
        cmd += ["--patience", str(patience)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    load_before = round(os.getloadavg()[0], 2)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1)  # fmt: skip
    timer = threading.Timer(time_limit * 3 + 600, proc.kill)  # builds, check, validation
    timer.start()
    row: dict[str, Any] = {}
    assert proc.stdout is not None
    with log_path.open("w", encoding="utf-8") as log:
        for line in proc.stdout:
            if line.startswith(RESULT_TAG):
                row = json.loads(line[len(RESULT_TAG) :])
                continue
            log.write(line)
            print(f"  [{name}] {line}", end="", flush=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    timer.cancel()
    if not row:
        row["status"] = f"crashed (exit {os.waitstatus_to_exitcode(status)})"
    row["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux: kilobytes
    row["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    row["cpu_per_wall"] = round(row["cpu_s"] / wall, 2) if wall else None
    row["load_before"] = load_before
    return row


def homes(args: argparse.Namespace) -> list[tuple[str, int, dict[str, Any]]]:
    seeds = args.only or range(args.first_seed, args.first_seed + args.homes)
    out = [(f"sweep-{seed}", seed, varied(seed)) for seed in seeds]
    if args.fourteen:
        out.append(("fourteen-1", 1, fourteen(1)))
    return out


def what_was_short(row: dict[str, Any]) -> str:
    """e.g. 'recreation 2 sessions (28 resident-sessions)'."""
    sessions = row.get("short_sessions") or {}
    return "; ".join(
        f"{p} {sessions.get(p, 0)} session(s) ({n} resident-sessions)"
        for p, n in (row.get("short_programs") or {}).items()
    ) or str(row.get("status"))


def csv_row(row: dict[str, Any]) -> dict[str, Any]:
    """Lists and mappings as ';'-joined text ('program:count' for the short programs)."""
    out = dict(row)
    for key, value in row.items():
        if isinstance(value, dict):
            out[key] = ";".join(f"{k}:{v}" for k, v in value.items())
        elif isinstance(value, list):
            out[key] = ";".join(str(v) for v in value)
    return out


def summary(rows: list[dict[str, Any]]) -> str:
    counts = Counter(r["verdict"] for r in rows)
    lines = [f"{len(rows)} home(s): " + " / ".join(
        f"{counts[v]} {v}" for v in ("complete", "proven", *FAILING) if counts[v] or v in
        ("complete", "proven", "short"))]  # fmt: skip
    for r in rows:
        if r["verdict"] != "complete":
            lines.append(
                f"  {r['verdict']:8} {r['home']}: {r.get('residents')} residents, "
                f"{r.get('houses')} house(s), {r.get('weeks')} weeks: {what_was_short(r)}"
                + (f"; blocking: {', '.join(r.get('blocking_programs') or [])}"
                   if r.get("blocking_findings") else "")
                + (f"; violations: {r.get('violations')}" if r.get("violations") else "")
            )  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A sweep of varied generated homes.")
    parser.add_argument("--homes", type=int, default=40)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--only", type=int, nargs="+", metavar="SEED", help="just these seeds")
    parser.add_argument("--fourteen", action="store_true", help="also the 14-resident home")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds per home (default: 60, as python -m optimizer solve)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=1, help="homes solved at the same time")
    parser.add_argument("--patience", type=float, default=10.0,
                        help="stop a solve after this long without a better timetable, as "
                             "make solve does (0: run to the time limit)")  # fmt: skip
    parser.add_argument("--machine", default=os.environ.get("BENCH_MACHINE") or machine_slug())
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--case", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    patience = args.patience or None
    if args.case is not None:  # inside the subprocess
        row = run_home(args.case, args.time_limit, args.workers, patience)
        print(RESULT_TAG + json.dumps(row, default=str), flush=True)
        return 0

    stem = f"sweep-{dt.date.today().isoformat()}-{args.machine}"
    python, ortools = _versions()
    common = {
        "machine": args.machine,
        "git_commit": _git("rev-parse", "--short", "HEAD"),
        "optimizer_dirty": bool(_git("status", "--porcelain", "--", "optimizer")),
        "optimizer_hash": _optimizer_hash(),
        "python": python,
        "ortools": ortools,
    }
    lock = threading.Lock()
    csv_path = args.results / f"{stem}.csv"

    def one(home: tuple[str, int, dict[str, Any]]) -> dict[str, Any]:
        name, seed, data = home
        limit = args.time_limit or default_time_limit(len(data["residents"]))
        print(f"{name}: {len(data['residents'])} residents, limit {limit:g} s", flush=True)
        log = args.results / "logs" / f"{stem}-{common['git_commit']}" / f"{name}.log"
        row = spawn_home(name, data, limit, args.workers, patience, log)
        row.update(common, home=name, seed=seed, time_limit=limit, workers=args.workers,
                   patience=patience, job_share_pct=round(100 * job_share(data), 1),
                   timestamp=dt.datetime.now().isoformat(timespec="seconds"))  # fmt: skip
        row["verdict"] = verdict(row)
        blocking = set(row.get("blocking_programs") or ())
        row["unproven_programs"] = [p for p in row.get("short_programs") or {} if p not in blocking]
        print(f"{name}: {row['verdict']}", flush=True)
        with lock:
            append_csv(csv_path, [csv_row(row)], COLUMNS)
        return row

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        rows = list(pool.map(one, homes(args)))
    print("\n" + summary(rows))
    print(f"\nrows appended to {csv_path}")
    bad = [r for r in rows if r["verdict"] in FAILING or r.get("violations")]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
