"""Solving: CP-SAT parameters in one place, progress lines, clean interruption, and a
:class:`Result` that carries a status rather than raising. Only the CLI maps it to exit codes."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ortools.sat.python import cp_model

from .assemble import timetable_of
from .construct import Assignment, Placed, construct
from .model.builder import build_model
from .model.context import Context
from .model.template import plan_all
from .problem import KeptGroups, Problem
from .regroup import Grouped, partition_of, regroup
from .timetable import Timetable
from .unmet import explain_unmet


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
    patience: float | None = 10.0  # stop after this long without a better timetable (None: never)

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
    groups: KeptGroups | None = None  # set when the solve formed groups anew (see .regroup)

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


class _Counter:
    """Counts timetables, remembers when the last one improved, makes progress callbacks."""

    def __init__(self, started: float, report: Progress | None):
        self.started = started
        self.report = report
        self.first: float | None = None
        self.count = 0
        self.best: float | None = None
        self.improved = started
        self.stopped_by: str | None = None

    def callback(self, ctx: Context, quiet: bool) -> _Progress:
        return _Progress(ctx, None if quiet else self.report, self.started, self)

    def seen(self, objective: float) -> float:
        now = time.monotonic()
        self.count += 1
        if self.first is None:
            self.first = now - self.started
        if self.best is None or objective < self.best:
            self.best = objective
            self.improved = now
        return now - self.started

    def constructed(self, score: float, unplaced: int) -> None:
        now = self.seen(score)
        if self.report is not None:
            self.report(
                f"  {now:6.1f} s  timetable {self.count} (constructed): score {score:,.0f}, "
                f"{unplaced} resident-session(s) not placed"
            )


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, ctx: Context, report: Progress | None, started: float, counter: _Counter):
        super().__init__()
        self.ctx = ctx
        self.report = report
        self.started = started
        self.counter = counter

    def on_solution_callback(self) -> None:
        now = self.counter.seen(self.objective_value)
        if self.report is None:
            return
        unplaced = _term_value(self.ctx, "unplaced_session", self.value)
        self.report(
            f"  {now:6.1f} s  timetable {self.counter.count}: score {self.objective_value:,.0f} "
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

    def run(
        self,
        solver: cp_model.CpSolver,
        model: cp_model.CpModel,
        callback: Any,
        patience: float | None = None,
        counter: _Counter | None = None,
    ) -> Any:
        """Solve in a worker thread so the main thread stays free to receive signals; with
        ``patience``, stop once no better timetable has come for that long."""
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
            waited = time.monotonic() - (counter.improved if counter else 0.0)
            if patience is not None and counter is not None and waited > patience:
                counter.stopped_by = f"no better timetable for {patience:g} s"
                solver.stop_search()
        self.solver = None
        return outcome.get("status", cp_model.UNKNOWN)


def _make_solver(settings: Settings, time_limit: float) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    for key, value in settings.parameters(time_limit).items():
        setattr(solver.parameters, key, value)
    solver.parameters.catch_sigint_signal = False  # _Stopper handles signals
    return solver


# Stop when the search has not improved for this long (wall clock), unless told otherwise.
PATIENCE = 10.0
REGROUP_SHARE = 0.4  # of the time limit, at most, to form groups again after construction
COMPLETION_SHARE = 0.25  # at most this share of what is left, to complete the hint
EXPLAIN_SHARE = 0.1  # of the time limit, kept for the reasons when demand is left unmet


@dataclass
class _Best:
    """A solution: the model context and the solver whose response holds it."""

    ctx: Context
    solver: cp_model.CpSolver
    code: Any
    full: bool = True  # from the full search (only then does OPTIMAL mean every goal)


def _found(code: Any) -> bool:
    return code in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def _hint(ctx: Context, a: Assignment) -> None:
    """The constructed timetable as a hint on every decision variable."""
    p, v, m = ctx.problem, ctx.vars, ctx.model
    for s, template in v.template.items():
        if s in a.templates:
            t, st, pl = a.templates[s]
            m.add_hint(template, t)
            m.add_hint(v.active[s], 1)
            for x, lit in v.leads[s].items():
                m.add_hint(lit, int(x == st))
            for x, lit in v.pool[s].items():
                m.add_hint(lit, int(x == pl))
        else:
            m.add_hint(v.active[s], 0)
            for lit in [*v.leads[s].values(), *v.pool[s].values()]:
                m.add_hint(lit, 0)
    for o, moved in v.moved.items():
        placed = a.sessions.get(o)
        occ = p.occurrences[o]
        start = v.start[o]
        if isinstance(start, cp_model.IntVar) and placed is not None:
            m.add_hint(start, placed.start)
        if not isinstance(v.placed[o], int):
            m.add_hint(v.placed[o], int(placed is not None))
        usual = a.templates.get(occ.series)
        away = placed is not None and usual is not None and placed.start != usual[0] + occ.lo
        m.add_hint(moved, int(away))
        for x, lit in v.facilitator[o].items():
            m.add_hint(lit, int(placed is not None and x == placed.staff))
        for x, lit in v.room[o].items():
            m.add_hint(lit, int(placed is not None and x == placed.pool))
    for (b, s), lit in v.on_call.items():
        m.add_hint(lit, int(a.on_call.get(b) == s))


def _complete(ctx: Context, run: Callable[..., Any], solver: cp_model.CpSolver) -> bool:
    """Solve with the hinted decisions fixed, so CP-SAT derives the rest (goal counters and
    the like), then hint that complete solution: a partial hint leaves the search blind."""
    solver.parameters.fix_variables_to_their_hinted_value = True
    code = run(solver, ctx.model, None)
    if not _found(code):
        return False
    model = ctx.model
    model.clear_hints()
    for index, value in enumerate(solver.response_proto.solution):
        model.add_hint(model.get_int_var_from_proto_index(index), value)
    return True


def solve(problem: Problem, settings: Settings, progress: Progress | None = None) -> Result:
    """Construct a complete first timetable (seconds, no solver), build the model once, give
    it the constructed timetable as a hint, and improve until a proven optimum,
    ``settings.patience`` seconds without a better timetable, the time limit, or an
    interruption, whichever comes first."""
    started = time.monotonic()
    say = progress or (lambda _m: None)
    stats: dict[str, Any] = {"parameters": settings.parameters(settings.time_limit)}
    counter = _Counter(started, progress)
    best: _Best | None = None
    groups: KeptGroups | None = None
    with _Stopper() as stopper:

        def run(solver: cp_model.CpSolver, model: cp_model.CpModel, callback: Any) -> Any:
            return (
                cp_model.UNKNOWN
                if stopper.stopped.is_set()
                else stopper.run(solver, model, callback)
            )

        say("Step 1 of 2: a first timetable, constructed session by session...")
        plans = plan_all(problem)
        grouped = Grouped(problem, plans, construct(problem, plans))
        if grouped.unplaced:  # groups that lost sessions are formed again around what is left
            grouped = regroup(grouped, started + REGROUP_SHARE * settings.time_limit)
            if grouped.problem is not problem:
                groups = partition_of(grouped.problem)
        problem, plans, assignment = grouped.problem, grouped.plans, grouped.assignment
        constructed = timetable_of(problem, assignment)
        card = _score(problem, constructed)
        first_score = sum(g.penalty for g in card.values())
        stats["construct_seconds"] = round(time.monotonic() - started, 3)
        counter.constructed(first_score, _unplaced(card))
        if not stopper.stopped.is_set():
            say("Step 2 of 2: optimising every goal...")
            ctx = build_model(problem, plans=plans)
            stats.update(_model_stats(ctx))
            stats["build_seconds"] = round(
                time.monotonic() - started - stats["construct_seconds"], 3
            )
            _hint(ctx, assignment)
            left = settings.time_limit - (time.monotonic() - started)
            completion = _make_solver(settings, max(0.5, left * COMPLETION_SHARE))
            if _complete(ctx, run, completion):  # the constructed timetable, priced by the model
                best = _Best(ctx, completion, cp_model.FEASIBLE, full=False)
                if problem.previous is not None:  # the card here cannot count replan_change
                    first_score = int(completion.objective_value)
                elif completion.objective_value != first_score:  # model and checker disagree
                    stats["disagreement"] = (
                        f"constructed timetable: score card {first_score}, "
                        f"model {completion.objective_value:.0f}"
                    )
            else:
                stats["hint"] = "incomplete"
        left = settings.time_limit - (time.monotonic() - started)
        if _unplaced(card):  # leave time to explain what is still left out at the end
            left -= EXPLAIN_SHARE * settings.time_limit
        if left > 0.2 and not stopper.stopped.is_set():
            solver = _make_solver(settings, left)
            patience = None if settings.deterministic else settings.patience
            counter.improved = searched = time.monotonic()  # patience counts from here
            code = stopper.run(solver, ctx.model, counter.callback(ctx, False), patience, counter)
            better = best is None or solver.objective_value <= best.solver.objective_value
            if _found(code) and better:
                best = _Best(ctx, solver, code)
            counter.stopped_by = _stop_reason(code, counter, time.monotonic() - searched, left)
        elif counter.stopped_by is None:
            counter.stopped_by = "time limit (no time left to search)"
    interrupted = stopper.stopped.is_set()
    if interrupted:
        counter.stopped_by = "interrupted"
    seconds = time.monotonic() - started
    stats.update({"solve_seconds": round(seconds, 3), "solutions": counter.count,
                  "stopped_by": counter.stopped_by})  # fmt: skip
    if best is not None:
        ctx, solver = best.ctx, best.solver
        stats.update({"branches": solver.num_branches, "conflicts": solver.num_conflicts})
        timetable = extract_timetable(ctx, solver)
        score = solver.objective_value
        if "disagreement" in stats:  # never trust one side alone: the score card decides
            score = float(sum(g.penalty for g in _score(problem, timetable).values()))
        if score <= first_score:
            full = best.full and best.code == cp_model.OPTIMAL
            terms = {name: _term_value(ctx, name, solver.value) for name in ctx.terms}
            result = Result(
                Status.OPTIMAL if full else Status.FEASIBLE,
                timetable,
                score,
                solver.best_objective_bound if best.full else None,
                seconds,
                terms,
                stats,
                interrupted,
                counter.first,
                groups,
            )
            return _explained(problem, result, settings, started, say)
    # Nothing the search found beats the constructed timetable: that is the answer.
    terms = {name: g.count for name, g in card.items()}
    result = Result(Status.FEASIBLE, constructed, float(first_score), None, seconds, terms,
                    stats, interrupted, counter.first, groups)  # fmt: skip
    return _explained(problem, result, settings, started, say)


def _explained(
    problem: Problem, result: Result, settings: Settings, started: float, say: Progress
) -> Result:
    """The last step: why each session left out could not be placed, within the time limit
    (the search leaves :data:`EXPLAIN_SHARE` of it when demand is unmet)."""
    timetable = result.timetable
    if timetable is None or not any(not u.on_call for u in timetable.unmet):
        return result
    missing = sum(u.missing for u in timetable.unmet if not u.on_call)
    say(f"Last step: why {missing} session(s) could not be placed...")
    began = time.monotonic()
    timetable.unmet = explain_unmet(problem, timetable, started + settings.time_limit)
    spent = time.monotonic() - began
    result.stats["explain_seconds"] = round(spent, 3)
    result.seconds = time.monotonic() - started
    say(f"  {result.seconds:6.1f} s  reasons found ({spent:.1f} s)")
    return result


def _unplaced(card: dict[str, Any]) -> int:
    """Resident-sessions not placed, as the score card counts them (the one count)."""
    goal = card.get("unplaced_session")
    return int(goal.count) if goal is not None else 0


def _stop_reason(code: Any, counter: _Counter, spent: float, limit: float) -> str:
    """Why the search ended, as it happened."""
    if counter.stopped_by is not None:  # patience
        return counter.stopped_by
    if code == cp_model.OPTIMAL:
        return "proven best"
    if code == cp_model.INFEASIBLE:
        return "the model has no timetable (a bug: the constructed one should fit)"
    if spent >= limit - 0.5:
        return "time limit"
    return f"the solver ended the search ({cp_model.CpSolver().status_name(code).lower()})"


def _score(problem: Problem, timetable: Timetable):
    from .score import score_card
    from .validate import validate

    return score_card(problem.scenario, timetable, validate(problem.scenario, timetable))


def assignment_of(ctx: Context, solver: cp_model.CpSolver) -> Assignment:
    """The solver's timetable in the form :mod:`.assemble` turns into bookings."""
    p, v, value = ctx.problem, ctx.vars, solver.value
    out = Assignment()
    for occ in p.occurrences:
        o = occ.index
        if not value(v.placed[o]):
            continue
        staff = next(s for s, lit in v.facilitator[o].items() if value(lit))
        pool = next(x for x, lit in v.room[o].items() if value(lit))
        out.sessions[o] = Placed(int(value(v.start[o])), staff, pool)
    for (b, s), lit in v.on_call.items():
        if value(lit):
            out.on_call[b] = s
    for s, template in v.template.items():
        if value(v.active[s]):
            leads = [x for x, lit in v.leads[s].items() if value(lit)]
            pools = [x for x, lit in v.pool[s].items() if value(lit)]
            if leads and pools:
                out.templates[s] = (int(value(template)), leads[0], pools[0])
    return out


def extract_timetable(ctx: Context, solver: cp_model.CpSolver) -> Timetable:
    return timetable_of(ctx.problem, assignment_of(ctx, solver))
