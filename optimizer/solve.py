"""Solving: CP-SAT parameters in one place, progress lines, clean interruption, and a
:class:`Result` that carries a status rather than raising. Only the CLI maps it to exit codes."""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ortools.sat.python import cp_model

from .diagnose import explain_unmet
from .model.builder import build_model
from .model.context import Context
from .problem import Problem
from .timetable import Booking, OnCallShift, Timetable, Unmet


class Status(StrEnum):
    OPTIMAL = "optimal"  # proven best for the goals' weights
    FEASIBLE = "feasible"  # a timetable, not proven best (time limit or interruption)
    NO_SOLUTION = "no solution"  # stopped before any timetable was found


@dataclass(frozen=True)
class Settings:
    time_limit: float = 60.0
    workers: int = 2
    seed: int = 0
    deterministic: bool = False  # same timetable for the same seed and workers, at some cost
    log: bool = False

    def parameters(self, time_limit: float) -> dict[str, Any]:
        params: dict[str, Any] = {
            "num_workers": self.workers,
            "random_seed": self.seed,
            "max_time_in_seconds": time_limit,
            "log_search_progress": self.log,
            # Probing in presolve costs seconds here and has not paid for itself.
            "cp_model_probing_level": 0,
        }
        if self.deterministic:
            # Interleaved search makes parallel workers reproducible; the wall-clock limit is
            # replaced by a deterministic one so a slower machine ends at the same point.
            params["interleave_search"] = True
            params["max_deterministic_time"] = time_limit
            params["max_time_in_seconds"] = time_limit * 20
        return params


@dataclass
class Result:
    status: Status
    timetable: Timetable | None
    objective: float | None
    bound: float | None
    seconds: float
    terms: dict[str, int] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    interrupted: bool = False
    first_solution_seconds: float | None = None

    @property
    def complete(self) -> bool:
        return self.timetable is not None and not self.timetable.unmet

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        if self.objective == 0:
            return 0.0
        return max(0.0, (self.objective - self.bound) / abs(self.objective))


Progress = Callable[[str], None]


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, ctx: Context, report: Progress | None, started: float):
        super().__init__()
        self.ctx = ctx
        self.report = report
        self.started = started
        self.first: float | None = None
        self.count = 0

    def on_solution_callback(self) -> None:
        now = time.monotonic() - self.started
        self.count += 1
        if self.first is None:
            self.first = now
        if self.report is None:
            return
        unplaced = _term_value(self.ctx, "unplaced_session", self.value)
        self.report(
            f"  {now:6.1f} s  timetable {self.count}: score {self.objective_value:,.0f} "
            f"(best possible {self.best_objective_bound:,.0f}), "
            f"{unplaced} resident-session(s) not placed"
        )


def _term_value(ctx: Context, name: str, value: Callable[[Any], int]) -> int:
    term = ctx.terms.get(name)
    return 0 if term is None or term.total is None else int(value(term.total))


def _model_stats(ctx: Context) -> dict[str, Any]:
    proto = ctx.model.proto
    return {
        "variables": len(proto.variables),
        "constraints": len(proto.constraints),
        "intervals": sum(1 for c in proto.constraints if c.has_interval()),
    }


class _Stopper:
    """Ctrl-C and SIGTERM stop whichever solver is running; the best timetable so far is kept."""

    def __init__(self) -> None:
        self.solver: cp_model.CpSolver | None = None
        self.stopped = threading.Event()
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _Stopper:
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self.previous[sig] = signal.signal(sig, self._stop)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)

    def _stop(self, signum: int, frame: Any) -> None:
        self.stopped.set()
        if self.solver is not None:
            self.solver.stop_search()

    def run(self, solver: cp_model.CpSolver, model: cp_model.CpModel, callback: Any) -> Any:
        """Solve in a worker thread so the main thread stays free to receive signals."""
        self.solver = solver
        outcome: dict[str, Any] = {}
        worker = threading.Thread(
            target=lambda: outcome.update(status=solver.solve(model, callback)),
            name="cp-sat",
            daemon=True,
        )
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
        self.solver = None
        return outcome.get("status", cp_model.UNKNOWN)


def _make_solver(settings: Settings, time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    for key, value in settings.parameters(time_limit).items():
        setattr(solver.parameters, key, value)
    solver.parameters.catch_sigint_signal = False  # _Stopper handles signals
    return solver


PLACEMENT_SHARE = 0.4  # of the time limit, at most, for the placement phase
COMPLETION_SHARE = 0.1  # for turning its timetable into a complete start for the full model


def solve(problem: Problem, settings: Settings, progress: Progress | None = None) -> Result:
    """Place as many sessions as possible, then optimise every goal without placing fewer."""
    started = time.monotonic()
    say = progress or (lambda _msg: None)
    stats: dict[str, Any] = {"parameters": settings.parameters(settings.time_limit)}
    with _Stopper() as stopper:
        placement = build_model(problem, placement=True)
        say("Placing every session (phase 1 of 2)...")
        solver1 = _make_solver(settings, settings.time_limit * PLACEMENT_SHARE)
        callback1 = _Progress(placement, progress, started)
        code1 = stopper.run(solver1, placement.model, callback1)
        found1 = code1 in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        stats["placement_seconds"] = round(time.monotonic() - started, 3)

        full = build_model(problem)
        stats.update(_model_stats(full))
        stats["build_seconds"] = round(time.monotonic() - started - stats["placement_seconds"], 3)
        completion: cp_model.CpSolver | None = None
        if found1 and not stopper.stopped.is_set():
            _hint_from(full, placement, solver1)
            completion = _make_solver(settings, settings.time_limit * COMPLETION_SHARE)
            if _complete_hint(full, stopper, completion):
                # Lexicographic: the goals may not cost a single placed session.
                unplaced = _term_value(placement, "unplaced_session", solver1.value)
                total = full.terms["unplaced_session"].total
                assert total is not None
                full.model.add(total <= unplaced)
            else:
                completion = None
        remaining = settings.time_limit - (time.monotonic() - started)
        code2 = cp_model.UNKNOWN
        solver2 = _make_solver(settings, max(1.0, remaining))
        callback2 = _Progress(full, progress, started)
        if not stopper.stopped.is_set():
            say(
                f"Optimising the goals (phase 2 of 2): {stats['variables']:,} variables, "
                f"{stats['constraints']:,} constraints, {stats['intervals']:,} intervals."
            )
            code2 = stopper.run(solver2, full.model, callback2)
    interrupted = stopper.stopped.is_set()
    seconds = time.monotonic() - started
    first = callback1.first if callback1.first is not None else callback2.first
    found2 = code2 in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    if found2:
        ctx, solver, code = full, solver2, code2
    elif completion is not None:
        ctx, solver, code = full, completion, cp_model.FEASIBLE
    elif found1:
        ctx, solver, code = placement, solver1, cp_model.FEASIBLE
    else:
        return Result(Status.NO_SOLUTION, None, None, None, seconds, {}, stats, interrupted, first)
    stats.update(
        {
            "solve_seconds": round(seconds, 3),
            "branches": solver.num_branches,
            "conflicts": solver.num_conflicts,
            "solutions": callback1.count + callback2.count,
        }
    )
    status = Status.OPTIMAL if code == cp_model.OPTIMAL else Status.FEASIBLE
    terms = {name: _term_value(ctx, name, solver.value) for name in ctx.terms}
    return Result(
        status,
        extract_timetable(ctx, solver),
        solver.objective_value,
        solver.best_objective_bound,
        seconds,
        terms,
        stats,
        interrupted,
        first,
    )


def _complete_hint(ctx: Context, stopper: _Stopper, solver: cp_model.CpSolver) -> bool:
    """Fix the hinted sessions and solve the rest (on-call rota, goal counters), so the full
    model starts from a complete timetable; a partial hint leaves CP-SAT searching blind."""
    model = ctx.model
    fixed = model.clone()
    hint = fixed.proto.solution_hint
    for index, value in zip(list(hint.vars), list(hint.values), strict=True):
        fixed.add(fixed.get_int_var_from_proto_index(index) == value)
    code = stopper.run(solver, fixed, None)
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    model.clear_hints()
    for index, value in enumerate(solver.response_proto.solution):
        model.add_hint(model.get_int_var_from_proto_index(index), value)
    return True


def _hint_from(target: Context, source: Context, solver: cp_model.CpSolver) -> None:
    """Start the full model from the placement phase's timetable."""
    t, s = target.vars, source.vars
    pairs: list[tuple[Any, Any]] = []
    pairs += list(zip(t.start, s.start, strict=True))
    pairs += list(zip(t.placed, s.placed, strict=True))
    for mapping_t, mapping_s in zip(t.facilitator + t.room, s.facilitator + s.room, strict=True):
        pairs += [(mapping_t[k], var) for k, var in mapping_s.items()]
    for name in ("used", "member", "attends"):
        mt, ms = getattr(t, name), getattr(s, name)
        pairs += [(mt[k], var) for k, var in ms.items()]
    for var_t, var_s in pairs:
        domain = list(var_t.proto.domain)  # the proto wrapper has no negative indexing
        if domain[0] != domain[-1] or len(domain) > 2:  # constants need no hint
            target.model.add_hint(var_t, solver.value(var_s))


def extract_timetable(ctx: Context, solver: cp_model.CpSolver) -> Timetable:
    p, v = ctx.problem, ctx.vars
    clock = p.clock
    bookings: list[Booking] = []
    unmet_by_series: dict[int, list[int]] = {}
    absent: list[tuple[int, int]] = []  # (occurrence, resident) of placed group sessions
    for occ in p.occurrences:
        series = p.series[occ.series]
        group = p.groups[series.group]
        prog = p.programs[series.program]
        used = solver.value(v.used[group.index]) if group.index in v.used else True
        if not used:
            continue
        if group.members is not None:
            members = list(group.members)
        else:
            members = [r for r in group.candidates if solver.value(v.member[(r, group.index)])]
        if not members:
            continue
        if not solver.value(v.placed[occ.index]):
            unmet_by_series.setdefault(series.index, []).append(occ.index)
            continue
        if group.members is None:
            for r in members:
                if not solver.value(v.attends[(r, occ.index)]):
                    absent.append((occ.index, r))
        start = solver.value(v.start[occ.index])
        staff = [s for s, lit in v.facilitator[occ.index].items() if solver.value(lit)]
        rooms = [r for r, lit in v.room[occ.index].items() if solver.value(lit)]
        if group.members is None:
            members = [r for r in members if solver.value(v.attends[(r, occ.index)])]
        bookings.append(
            Booking(
                date=clock.date_of(start),
                start=clock.minute_of(start),
                end=clock.minute_of(start) + prog.duration * clock.slot_minutes,
                program=prog.id,
                session=series.id,
                room=p.rooms[rooms[0]].id,
                facilitators=tuple(p.staff[s].id for s in staff),
                residents=tuple(sorted(p.residents[r].id for r in members)),
            )
        )
    on_call = _on_call_shifts(ctx, solver)
    unmet = _unmet(ctx, unmet_by_series, absent)
    timetable = Timetable(sorted(bookings), on_call, unmet)
    if timetable.unmet:
        timetable.unmet = explain_unmet(p, timetable)
    return timetable


def _on_call_shifts(ctx: Context, solver: cp_model.CpSolver) -> list[OnCallShift]:
    """Consecutive blocks with the same person on duty become one shift."""
    p, v = ctx.problem, ctx.vars
    clock = p.clock
    on_duty: dict[int, int] = {}
    for (b, s), lit in v.on_call.items():
        if solver.value(lit):
            on_duty[b] = s
    shifts: list[OnCallShift] = []
    current: list[int] | None = None  # [program, staff, start, end]
    for block in p.on_call_blocks:
        s = on_duty.get(block.index, -1)
        same_day = current is not None and clock.date_of(current[2]) == clock.date_of(block.start)
        if (
            current is not None
            and s >= 0
            and current[0] == block.program
            and current[1] == s
            and current[3] == block.start
            and same_day
        ):
            current[3] = block.end
            continue
        if current is not None:
            shifts.append(_shift(ctx, current))
            current = None
        if s >= 0:
            current = [block.program, s, block.start, block.end]
    if current is not None:
        shifts.append(_shift(ctx, current))
    return shifts


def _shift(ctx: Context, c: list[int]) -> OnCallShift:
    p = ctx.problem
    clock = p.clock
    start = clock.minute_of(c[2])
    return OnCallShift(
        date=clock.date_of(c[2]),
        start=start,
        end=start + (c[3] - c[2]) * clock.slot_minutes,
        program=p.programs[c[0]].id,
        staff=p.staff[c[1]].id,
    )


def _unmet(
    ctx: Context, by_series: dict[int, list[int]], absent: list[tuple[int, int]]
) -> list[Unmet]:
    p = ctx.problem
    rows: list[tuple[int, str]] = []  # (occurrence, who)
    for s, occs in sorted(by_series.items()):
        group = p.groups[p.series[s].group]
        if group.members is not None and len(group.members) == 1:
            who = p.residents[group.members[0]].id
        else:
            who = f"group {group.name}"
        rows += [(o, who) for o in occs]
    rows += [(o, p.residents[r].id) for o, r in absent]
    out = []
    for o, who in rows:
        occ = p.occurrences[o]
        series = p.series[occ.series]
        prog = p.programs[series.program]
        period = prog.periods[occ.period]
        a = p.clock.start + dt.timedelta(weeks=period.first_week)
        b = p.clock.start + dt.timedelta(weeks=period.end_week, days=-1)
        out.append(Unmet(prog.id, series.id, who, f"{a}..{b}", 1, ""))  # reason: diagnose
    return out
