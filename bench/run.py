"""Benchmark harness: solve generated scenarios of each size and record what it took.

``python -m bench.run [S M L XL] [--seed 1] [--time-limit 60] [--workers 2] [--deterministic]``

Each case runs in its own subprocess (so its peak memory is its own, read with ``wait4``):
the scenario is generated and written to ``bench/scenarios/<size>-<seed>.yaml``, loaded through
``optimizer.scenario.load_scenario``, turned into a problem with ``build_problem`` and solved
with ``optimizer.search.solve.solve``. The progress lines give the time to the first *complete*
timetable (the first one with "0 resident-session(s) not placed"); the validator gives the
on-call coverage and the sessions placed. One row per case is appended to
``bench/results/<date>-<machine>.csv``, the progress log is kept under ``bench/results/logs/``,
and a chart of time and memory against size is drawn next to the CSV.

``python -m bench.run --profile XL`` profiles the Python side (scenario, problem, both model
builds) with cProfile and times each constraint family; ``--describe`` prints the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime as dt
import hashlib
import io
import json
import os
import platform
import pstats
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.generate import SIZES, write

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RESULT_TAG = "BENCH-RESULT "

# The targets (measured and reported, never asserted in tests).
TARGETS: dict[str, str] = {
    "S": "complete < 1 s (from reading the YAML)",
    "M": "complete < 2 s",
    "L": "complete < 5 s",
    "XL": "complete < 20 s; peak memory < 2 GB",
}
FIRST_COMPLETE = {"S": 1.0, "M": 2.0, "L": 5.0, "XL": 20.0}
COVERAGE_TARGET = 95.0  # % of opening hours, where staff availability allows

COLUMNS = (
    "timestamp", "machine", "git_commit", "optimizer_dirty", "optimizer_hash",
    "python", "ortools", "size", "seed", "workers", "time_limit", "deterministic",
    "residents", "staff", "rooms", "houses",
    "load_s", "problem_s", "construct_s", "placement_build_s", "full_build_s", "model_builds",
    "build_s", "stopped_by", "patience",
    "variables", "constraints", "intervals",
    "first_timetable_s", "first_complete_s", "first_complete_step", "first_complete_total_s",
    "status", "optimal_s", "solve_s", "objective", "bound", "gap_pct",
    "required", "placed", "bookings", "valid", "violations",
    "coverage_pct", "coverable_pct", "solutions", "branches", "conflicts",
    "peak_rss_mb", "cpu_s", "cpu_per_wall", "load_before", "timetable_hash",
    "target", "target_met", "coverage_met", "notes",
)  # fmt: skip

_STEP = re.compile(r"\b(?:phase|step) (\d+) of \d+", re.IGNORECASE)
_LINE = re.compile(
    r"^\s*(?P<t>[\d.]+) s\s+timetable (?P<n>\d+)(?: \(constructed\))?: score (?P<score>[\d,]+) .*?"
    r"(?P<unplaced>[\d,]+) resident-session\(s\) not placed"
)


# --- one case, in a subprocess ----------------------------------------------------------------


def run_case(path: Path, size: str, seed: int, time_limit: float, workers: int,
             patience: float | None,
             deterministic: bool) -> dict[str, Any]:  # fmt: skip
    """Load, build and solve one scenario file; every number the CSV row needs."""
    import optimizer.search.solve as solve_module
    from optimizer.check import validate
    from optimizer.planning.build import build_problem
    from optimizer.scenario import load_scenario
    from optimizer.search.result import Settings, Status
    from optimizer.search.solve import solve

    row: dict[str, Any] = {}
    builds: dict[bool, list[float]] = {True: [], False: []}  # placement model or not
    real_build = solve_module.build_model

    def timed_build(*args: Any, **kwargs: Any) -> Any:
        t = time.monotonic()
        ctx = real_build(*args, **kwargs)
        builds[bool(kwargs.get("placement"))].append(time.monotonic() - t)
        return ctx

    solve_module.build_model = timed_build
    t0 = time.monotonic()
    scenario = load_scenario(path)
    t1 = time.monotonic()
    problem = build_problem(scenario)
    t2 = time.monotonic()

    phase = 0
    first_complete: float | None = None
    first_complete_step: int | None = None

    def progress(line: str) -> None:
        nonlocal phase, first_complete, first_complete_step
        print(line, flush=True)
        step = _STEP.search(line)
        if step:
            phase = int(step[1])
        m = _LINE.match(line)
        if m and first_complete is None and int(m["unplaced"].replace(",", "")) == 0:
            first_complete = float(m["t"])
            first_complete_step = phase

    settings = Settings(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        deterministic=deterministic,
        patience=patience,
    )
    result = solve(problem, settings, progress)
    t3 = time.monotonic()

    row.update(
        size=size,
        seed=seed,
        workers=workers,
        time_limit=time_limit,
        deterministic=deterministic,
        residents=len(problem.residents),
        staff=len(problem.staff),
        rooms=len(problem.rooms),
        houses=max(1, len(problem.houses)),
        load_s=round(t1 - t0, 3),
        problem_s=round(t2 - t1, 3),
        placement_build_s=round(sum(builds[True]), 3),
        full_build_s=round(sum(builds[False]), 3),
        model_builds=len(builds[True]) + len(builds[False]),
        construct_s=result.stats.get("construct_seconds"),
        build_s=round(
            t2
            - t0
            + sum(builds[True])
            + sum(builds[False])
            + (result.stats.get("construct_seconds") or 0),
            3,
        ),
        stopped_by=result.stats.get("stopped_by"),
        patience=patience,
        variables=result.stats.get("variables"),
        constraints=result.stats.get("constraints"),
        intervals=result.stats.get("intervals"),
        first_timetable_s=_round(result.first_solution_seconds),
        first_complete_s=first_complete,
        first_complete_step=first_complete_step,
        first_complete_total_s=(
            _round(first_complete + t2 - t0) if first_complete is not None else None
        ),
        status=str(result.status),
        optimal_s=round(result.seconds, 2) if result.status == Status.OPTIMAL else None,
        solve_s=round(t3 - t2, 2),
        objective=result.objective,
        bound=result.bound,
        gap_pct=_round(100 * result.gap) if result.gap is not None else None,
        solutions=result.stats.get("solutions"),
        branches=result.stats.get("branches"),
        conflicts=result.stats.get("conflicts"),
        notes="interrupted" if result.interrupted else "",
    )
    required = sum(
        len(prog.attendees) * sum(period.count for period in prog.periods)
        for prog in problem.programs
        if not prog.on_call
    )
    row["required"] = required
    total = sum(b.end - b.start for b in problem.on_call_blocks)
    coverable = sum(b.end - b.start for b in problem.on_call_blocks if b.candidates)
    row["coverable_pct"] = _round(100 * coverable / total) if total else None
    if result.timetable is not None:
        report = validate(scenario, result.timetable)
        missing = sum(s.expected - s.found for s in report.shortfalls)
        row["placed"] = required - missing
        row["bookings"] = len(result.timetable.bookings)
        row["valid"] = report.ok
        row["violations"] = len(report.violations)
        row["coverage_pct"] = _round(report.coverage[0].percent) if report.coverage else None
        row["timetable_hash"] = _timetable_hash(result.timetable)
    return row


def _round(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


def _timetable_hash(timetable: Any) -> str:
    text = repr((timetable.bookings, timetable.on_call))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


# --- the parent: cases in subprocesses, CSV, chart --------------------------------------------


def machine_slug() -> str:
    """A stable, descriptive machine name: architecture, CPUs and memory (hostnames of
    containers are random). Override with --machine or BENCH_MACHINE."""
    gb = round(_mem_total_kb() / 2**20) if _mem_total_kb() else 0
    return f"{platform.machine()}-{os.cpu_count()}cpu-{gb}gb"


def _mem_total_kb() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _versions() -> tuple[str, str]:
    import ortools

    return platform.python_version(), str(getattr(ortools, "__version__", "unknown"))


def describe_machine() -> str:
    py, ort = _versions()
    return "\n".join(
        [
            f"- machine: `{machine_slug()}`",
            f"- CPU: {_cpu_model()}, {os.cpu_count()} logical CPUs (nproc)",
            f"- RAM: {_mem_total_kb() / 2**20:.1f} GiB",
            f"- OS: {platform.system()} {platform.release()}",
            f"- Python {py}, OR-Tools {ort}",
        ]
    )


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _optimizer_hash() -> str:
    """The optimizer sources as measured (others may have uncommitted changes in the tree)."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "optimizer").rglob("*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def spawn_case(size: str, seed: int, time_limit: float, workers: int, deterministic: bool,
               log_path: Path, patience: float | None = None) -> dict[str, Any]:  # fmt: skip
    """Run one case in a subprocess; its own peak RSS comes from wait4's rusage."""
    path = write(size, seed)
    cmd = [sys.executable, "-m", "bench.run", "--case", str(path), "--size", size,
           "--seed", str(seed), "--time-limit", str(time_limit),
           "--workers", str(workers)]  # fmt: skip
    if deterministic:
        cmd.append("--deterministic")
    if patience is not None:
        cmd += ["--patience", str(patience)]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1)  # fmt: skip
    # A generous deadline: the solve's own limit, model builds, and validation.
    deadline = (time_limit * 20 if deterministic else time_limit) * 3 + 600
    load_before = round(os.getloadavg()[0], 2)
    started = time.monotonic()
    timer = threading.Timer(deadline, proc.kill)
    timer.start()
    result: dict[str, Any] | None = None
    assert proc.stdout is not None
    with log_path.open("w", encoding="utf-8") as log:
        for line in proc.stdout:
            if line.startswith(RESULT_TAG):
                result = json.loads(line[len(RESULT_TAG) :])
                continue
            log.write(line)
            print(f"  [{size}] {line}", end="", flush=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    timer.cancel()
    if result is None:
        result = {"size": size, "seed": seed, "status": f"crashed (exit {proc.returncode})"}
    result["peak_rss_mb"] = round(usage.ru_maxrss / 1024, 1)  # Linux: kilobytes
    # CPU seconds per wall second: about the worker count when the machine was otherwise idle;
    # much less means other work shared the CPUs and the times above are pessimistic.
    result["cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    result["cpu_per_wall"] = round(result["cpu_s"] / wall, 2) if wall else None
    result["load_before"] = load_before
    return result


def judge(row: dict[str, Any]) -> None:
    """Fill the target columns: the size's target (first complete timetable, counted from
    reading the YAML, and for XL peak memory), and on-call coverage."""
    size = str(row.get("size"))
    fc = row.get("first_complete_total_s")
    ok: bool | None = None
    if size in FIRST_COMPLETE:
        ok = fc is not None and fc < FIRST_COMPLETE[size] and bool(row.get("valid"))
        if size == "XL":
            ok = ok and row.get("peak_rss_mb", 1e9) < 2048
    row["target"] = TARGETS.get(size, "")
    row["target_met"] = ok
    cov, ceiling = row.get("coverage_pct"), row.get("coverable_pct")
    if cov is not None and ceiling is not None:
        row["coverage_met"] = cov >= min(COVERAGE_TARGET, ceiling)


def append_csv(path: Path, rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> Path:
    """Append rows; a file with other columns is left alone and a sibling file is used."""
    candidate = path
    n = 2
    while candidate.exists():
        with candidate.open(newline="", encoding="utf-8") as f:
            header = next(csv.reader(f), [])
        if tuple(header) == columns:
            break
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        n += 1
    new = not candidate.exists()
    with candidate.open("a", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        if new:
            writer.writeheader()
        writer.writerows(rows)
    return candidate


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def draw_chart(csv_path: Path, png_path: Path) -> Path | None:
    """Time and memory against size, from the latest non-deterministic row of each size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    latest: dict[str, dict[str, str]] = {}
    for row in read_csv(csv_path):
        if row.get("deterministic") == "False" and row.get("size") in SIZES:
            latest[row["size"]] = row
    sizes = [s for s in SIZES if s in latest]
    if not sizes:
        return None

    def col(name: str) -> list[float]:
        return [float(latest[s][name]) if latest[s].get(name) else float("nan") for s in sizes]

    x = [SIZES[s].residents for s in sizes]
    fig, (ax_t, ax_m) = plt.subplots(1, 2, figsize=(11, 4.2))
    ax_t.plot(x, col("first_complete_s"), "o-", label="first complete timetable")
    never = [(n, float(latest[s]["time_limit"])) for s, n in zip(sizes, x, strict=True)
             if not latest[s].get("first_complete_s")]  # fmt: skip
    if never:
        ax_t.plot(*zip(*never, strict=True), "o", mfc="none", mec="tab:blue", markersize=11,
                  label="no complete timetable within the limit")  # fmt: skip
    ax_t.plot(x, col("first_timetable_s"), "^:", label="first timetable (any)")
    ax_t.plot(x, col("build_s"), "s--", label="Python: scenario + problem + model builds")
    ax_t.plot(x, col("solve_s"), "x-.", label="whole solve (to optimum or limit)")
    targets = {"S": 10, "M": 5, "L": 10, "XL": 60}
    tx = [SIZES[s].residents for s in sizes]
    ax_t.plot(tx, [targets[s] for s in sizes], "k_", markersize=18, mew=2, label="target")
    ax_t.set_xscale("log")
    ax_t.set_yscale("log")
    ax_t.set_xlabel("residents")
    ax_t.set_ylabel("seconds")
    ax_t.set_title("Time")
    ax_m.plot(x, col("peak_rss_mb"), "o-", color="tab:red", label="peak RSS (subprocess)")
    ax_m.axhline(4096, color="k", linestyle=":", label="4 GB target (XL)")
    ax_m.set_xscale("log")
    ax_m.set_yscale("log")
    ticks = [125, 250, 500, 1000, 2000, 4096]
    ax_m.set_yticks(ticks, [str(t) for t in ticks])
    ax_m.set_xlabel("residents")
    ax_m.set_ylabel("MB")
    ax_m.set_title("Memory")
    for ax in (ax_t, ax_m):
        ax.set_xticks(x, [f"{s}\n{n}" for s, n in zip(sizes, x, strict=True)])
        ax.minorticks_off()
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=7)
    ax_t.set_yticks([0.1, 1, 5, 10, 60], ["0.1", "1", "5", "10", "60"])
    first = latest[sizes[0]]
    fig.suptitle(
        f"{csv_path.stem}: seed {first['seed']}, {first['workers']} workers, "
        f"time limit {float(first['time_limit']):.0f} s, ortools {first['ortools']}",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(png_path, dpi=110)
    plt.close(fig)
    return png_path


def print_table(rows: list[dict[str, Any]]) -> None:
    head = ("size", "vars", "build s", "1st complete s", "status", "gap %", "placed",
            "on call %", "peak MB", "target met")  # fmt: skip
    print("\n" + " | ".join(head))
    for r in rows:
        cells = (
            r.get("size"),
            r.get("variables"),
            r.get("build_s"),
            r.get("first_complete_s"),
            r.get("status"),
            r.get("gap_pct"),
            f"{r.get('placed')}/{r.get('required')}",
            f"{r.get('coverage_pct')} (max {r.get('coverable_pct')})",
            r.get("peak_rss_mb"),
            f"{r.get('target_met')} ({r.get('target')}); coverage {r.get('coverage_met')}",
        )
        print(" | ".join(str(c) for c in cells))


# --- profile ------------------------------------------------------------------------------------


def profile(size: str, seed: int, out_dir: Path, top: int = 30) -> Path:
    """Where the time of a solve's Python side goes, and what CP-SAT's presolve then costs.

    Times each step once without the profiler, then again under cProfile; per constraint
    family, the seconds and the variables and constraints it adds; finally the full model is
    presolved by CP-SAT (``stop_after_presolve``) with its log kept."""
    from ortools.sat.python import cp_model

    from optimizer.construct.constructor import construct
    from optimizer.model import builder
    from optimizer.planning.build import build_problem
    from optimizer.planning.templates import plan_all
    from optimizer.scenario import load_scenario

    families: dict[tuple[bool, str], list[float]] = {}  # (placement, name): [s, vars, cons]
    placement_flag = [False]

    def timed(name: str, add: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def run(ctx: Any) -> Any:
            proto = ctx.model.proto
            v0, c0 = len(proto.variables), len(proto.constraints)
            t = time.monotonic()
            found = add(ctx)
            secs = time.monotonic() - t
            row = families.setdefault((placement_flag[0], name), [0.0, 0, 0])
            row[0] += secs
            row[1] = len(proto.variables) - v0
            row[2] = len(proto.constraints) - c0
            return found

        return run

    def build(problem: Any, placement: bool) -> Any:
        placement_flag[0] = placement
        return builder.build_model(problem, placement=placement)

    original = builder.FAMILIES
    builder.FAMILIES = tuple(builder.Family(f.ids, timed(f.name, f.add)) for f in original)
    path = write(size, seed)
    plain: dict[str, float] = {}
    profiled: dict[str, float] = {}
    prof = cProfile.Profile()

    def steps(times: dict[str, float], profiler: cProfile.Profile | None) -> Any:
        def step(name: str, run: Callable[[], Any]) -> Any:
            t = time.monotonic()
            if profiler:
                profiler.enable()
            value = run()
            if profiler:
                profiler.disable()
            times[name] = time.monotonic() - t
            return value

        scenario = step("load_scenario", lambda: load_scenario(path))
        problem = step("build_problem", lambda: build_problem(scenario))
        plans = step("plan_all (weekly templates)", lambda: plan_all(problem))
        step("construct (first timetable)", lambda: construct(problem, plans))
        return step("build_model(full)", lambda: builder.build_model(problem, plans=plans))

    try:
        steps(plain, None)
        families.clear()
        ctx = steps(profiled, prof)
    finally:
        builder.FAMILIES = original

    model = ctx.model
    with tempfile.TemporaryDirectory() as tmp:
        model.export_to_file(f"{tmp}/model.pb")
        megabytes = Path(f"{tmp}/model.pb").stat().st_size / 2**20
    proto = model.proto
    log: list[str] = []
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.cp_model_probing_level = 0  # as optimizer.search.solve sets it
    solver.parameters.stop_after_presolve = True
    solver.parameters.log_search_progress = True
    solver.parameters.log_to_stdout = False
    solver.log_callback = log.append
    t = time.monotonic()
    solver.solve(model)
    presolve = time.monotonic() - t

    out = io.StringIO()
    out.write(f"# Profile of {size}-{seed}: the Python side of a solve, and CP-SAT presolve\n\n")
    out.write(f"{describe_machine()}\n- optimizer sources: {_optimizer_hash()}\n\n")
    out.write(f"full model: {len(proto.variables):,} variables, {len(proto.constraints):,} "
              f"constraints, {megabytes:.1f} MB as a binary proto\n\n")  # fmt: skip
    out.write("## wall time per step (s): plain, and under cProfile\n\n")
    for name, secs in plain.items():
        out.write(f"{secs:8.2f} {profiled[name]:8.2f}  {name}\n")
    out.write(f"{presolve:8.2f} {'':>8}  CP-SAT presolve of the full model (2 workers)\n")
    out.write("\n## per constraint family (under cProfile): seconds, variables, constraints\n\n")
    out.write(f"{'model':>9} {'seconds':>8} {'variables':>10} {'constraints':>11}  family\n")
    for (placement, name), (secs, nv, nc) in sorted(families.items(), key=lambda kv: -kv[1][0]):
        kind = "placement" if placement else "full"
        out.write(f"{kind:>9} {secs:8.2f} {int(nv):>10,} {int(nc):>11,}  {name}\n")
    for key in ("cumulative", "tottime"):
        out.write(f"\n## top {top} by {key}\n\n")
        stats = pstats.Stats(prof, stream=out)
        stats.strip_dirs().sort_stats(key).print_stats(top)
    out.write("\n## CP-SAT presolve log (full model)\n\n")
    out.write("\n".join(log))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"profile-{size}-{seed}.txt"
    target.write_text(out.getvalue(), encoding="utf-8")
    return target


# --- entry point --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Scale and speed benchmark of the solver.")
    parser.add_argument("sizes", nargs="*", metavar="SIZE", help=f"{', '.join(SIZES)} (all)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--deterministic", action="store_true",
                        help="Settings(deterministic=True): interleaved search, "
                             "deterministic time limit")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1, help="run each size this many times")
    parser.add_argument("--patience", type=float, default=None,
                        help="stop a solve after this many seconds without a better timetable "
                             "(default: run to the time limit, to compare scores)")  # fmt: skip
    parser.add_argument("--machine", default=os.environ.get("BENCH_MACHINE") or machine_slug())
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--profile", action="store_true", help="profile the model build instead")
    parser.add_argument("--describe", action="store_true", help="print the machine and exit")
    parser.add_argument("--case", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--size", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    unknown = [s for s in args.sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size(s) {', '.join(unknown)}; expected {', '.join(SIZES)}")
    args.sizes = args.sizes or list(SIZES)

    if args.describe:
        print(describe_machine())
        return 0
    if args.case is not None:  # inside the subprocess
        row = run_case(args.case, args.size, args.seed, args.time_limit, args.workers,
                       args.patience, args.deterministic)  # fmt: skip
        print(RESULT_TAG + json.dumps(row, default=str), flush=True)
        return 0
    if args.profile:
        for size in args.sizes:
            print(profile(size, args.seed, args.results))
        return 0

    today = dt.date.today().isoformat()
    stem = f"{today}-{args.machine}"
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = bool(_git("status", "--porcelain", "--", "optimizer"))
    py, ort = _versions()
    rows = []
    for size in args.sizes:
        for rep in range(args.repeat):
            suffix = ("-det" if args.deterministic else "") + (f"-r{rep + 1}" if args.repeat > 1
                                                                 else "")  # fmt: skip
            log = args.results / "logs" / f"{stem}-{commit}" / f"{size}-{args.seed}{suffix}.log"
            print(f"{size}: {SIZES[size].residents} residents, seed {args.seed}, "
                  f"limit {args.time_limit:g} s, {args.workers} workers"
                  + (", deterministic" if args.deterministic else ""), flush=True)  # fmt: skip
            row = spawn_case(size, args.seed, args.time_limit, args.workers,
                             args.deterministic, log, args.patience)  # fmt: skip
            row.update(
                timestamp=dt.datetime.now().isoformat(timespec="seconds"),
                machine=args.machine,
                git_commit=commit,
                optimizer_dirty=dirty,
                optimizer_hash=_optimizer_hash(),
                python=py,
                ortools=ort,
            )
            judge(row)
            rows.append(row)
            csv_path = append_csv(args.results / f"{stem}.csv", [row])
    print_table(rows)
    print(f"\nrows appended to {csv_path}")
    chart = draw_chart(csv_path, csv_path.with_suffix(".png"))
    if chart:
        print(f"chart: {chart}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
