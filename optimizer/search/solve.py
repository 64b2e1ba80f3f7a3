"""The solve, step by step: construct (groups formed again where sessions are left out), search
with CP-SAT from that hint in rounds, explain what is still unmet; with progress lines, clean
interruption and the best timetable seen returned as a :class:`~.result.Result`."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat.python import cp_model

from optimizer.assemble.assembly import timetable_of
from optimizer.check import validate
from optimizer.check.card import GoalScore
from optimizer.check.goals import score_card
from optimizer.construct.constructor import Assignment, construct
from optimizer.explain.unmet import explain_unmet
from optimizer.model.builder import build_model
from optimizer.model.context import Context
from optimizer.planning.problem import Problem
from optimizer.planning.templates import plan_all
from optimizer.search.hints import assignment_of, complete, extract_timetable, found, hint
from optimizer.search.regroup import Grouped, partition_of, regroup
from optimizer.search.result import Progress, Result, Settings, Status
from optimizer.timetable import Timetable


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

    def constructed(self, score: float, unplaced: int, note: str = "constructed") -> None:
        now = self.seen(score)
        if self.report is not None:
            self.report(
                f"  {now:6.1f} s  timetable {self.count} ({note}): score {score:,.0f}, "
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


@dataclass
class _Incumbent:
    """The best timetable so far, of a problem (its groups), with its score and its count of
    resident-sessions not placed; ``best`` the model solution it is, None if constructed."""

    grouped: Grouped
    assignment: Assignment
    timetable: Timetable
    score: float
    unplaced: int
    terms: dict[str, int]
    best: _Best | None = None


def _constructed(grouped: Grouped, counter: _Counter, note: str) -> _Incumbent:
    """A constructed timetable, priced by the score card (solver-free)."""
    timetable = timetable_of(grouped.problem, grouped.assignment)
    card = _score(grouped.problem, timetable)
    score = float(sum(g.penalty for g in card.values()))
    counter.constructed(score, _unplaced(card), note)
    terms = {name: g.count for name, g in card.items()}
    return _Incumbent(grouped, grouped.assignment, timetable, score, _unplaced(card), terms)


class _Search:
    """One solve's rounds: the model of the incumbent's groups, hinted with it, searched; and
    where demand is still unmet, groups formed again around that timetable, and again."""

    def __init__(self, settings: Settings, started: float, counter: _Counter,
                 stopper: _Stopper, stats: dict[str, Any]):  # fmt: skip
        self.settings, self.started, self.counter = settings, started, counter
        self.stopper, self.stats = stopper, stats

    def left(self) -> float:
        return self.settings.time_limit - (time.monotonic() - self.started)

    def run(self, solver: cp_model.CpSolver, model: cp_model.CpModel, callback: Any) -> Any:
        if self.stopper.stopped.is_set():
            return cp_model.UNKNOWN
        return self.stopper.run(solver, model, callback)

    def optimise(self, inc: _Incumbent, share: float = 1.0) -> _Incumbent:
        """The incumbent improved by CP-SAT (``share`` of the time left), or itself."""
        problem, settings, stats = inc.grouped.problem, self.settings, self.stats
        built = time.monotonic()
        ctx = build_model(problem, plans=inc.grouped.plans)
        stats.update(_model_stats(ctx))
        stats["build_seconds"] = round(stats.get("build_seconds", 0) + time.monotonic() - built, 3)
        hint(ctx, inc.assignment)
        completion = _make_solver(settings, max(0.5, self.left() * COMPLETION_SHARE))
        base: _Best | None = None
        priced = inc.score
        if complete(ctx, self.run, completion):  # the incumbent, priced by the model
            base = _Best(ctx, completion, cp_model.FEASIBLE, full=False)
            if problem.previous is not None:  # the card here cannot count replan_change
                priced = inc.score = completion.objective_value
            elif completion.objective_value != inc.score:  # model and checker disagree
                stats["disagreement"] = (
                    f"score card {inc.score:.0f}, model {completion.objective_value:.0f}"
                )
        else:
            stats["hint"] = "incomplete"
        left = self.left()
        if inc.unplaced:  # leave time to explain what is still left out at the end
            left -= EXPLAIN_SHARE * settings.time_limit
        left *= share
        best = base
        if left > 0.2 and not self.stopper.stopped.is_set():
            solver = _make_solver(settings, left)
            patience = None if settings.deterministic else settings.patience
            self.counter.improved = searched = time.monotonic()  # patience counts from here
            callback = self.counter.callback(ctx, False)
            code = self.stopper.run(solver, ctx.model, callback, patience, self.counter)
            if found(code) and (best is None or solver.objective_value <= priced):
                best = _Best(ctx, solver, code)
            self.counter.stopped_by = _stop_reason(
                code, self.counter, time.monotonic() - searched, left
            )
        elif self.counter.stopped_by is None:
            self.counter.stopped_by = "time limit (no time left to search)"
        if best is None or best is base:
            if base is not None and inc.best is None:
                inc.best = base  # the model's bound and terms of the same timetable
            return inc
        solver = best.solver
        timetable = extract_timetable(ctx, solver)
        score = solver.objective_value
        if "disagreement" in stats:  # never trust one side alone: the score card decides
            score = float(sum(g.penalty for g in _score(problem, timetable).values()))
        if score > inc.score:
            return inc
        terms = {name: _term_value(ctx, name, solver.value) for name in ctx.terms}
        unplaced = terms.get("unplaced_session", 0)
        assignment = assignment_of(ctx, solver)
        return _Incumbent(inc.grouped, assignment, timetable, score, unplaced, terms, best)


ROUNDS = 4  # search, then groups formed again, at most this often
MIN_ROUND = 2.0  # seconds: less than this left, no further round


def solve(problem: Problem, settings: Settings, progress: Progress | None = None) -> Result:
    """Construct a complete first timetable (seconds, no solver; groups formed again where
    sessions are left out), build the model, give it the constructed timetable as a hint, and
    improve until a proven optimum, ``settings.patience`` seconds without a better timetable,
    the time limit, or an interruption, whichever comes first. Where demand is still unmet,
    groups are formed again around the best timetable and the search goes on from there. The
    result is the best timetable seen, by the score card, the constructed one included."""
    started = time.monotonic()
    say = progress or (lambda _m: None)
    stats: dict[str, Any] = {"parameters": settings.parameters(settings.time_limit)}
    counter = _Counter(started, progress)
    limit = settings.time_limit
    with _Stopper() as stopper:
        search = _Search(settings, started, counter, stopper, stats)
        say("Step 1 of 2: a first timetable, constructed session by session...")
        plans = plan_all(problem)
        grouped = Grouped(problem, plans, construct(problem, plans))
        if grouped.unplaced:  # groups that lost sessions are formed again around what is left
            grouped = regroup(grouped, started + REGROUP_SHARE * limit)
        inc = _constructed(grouped, counter, "constructed")
        stats["construct_seconds"] = round(time.monotonic() - started, 3)
        if not stopper.stopped.is_set():
            say("Step 2 of 2: optimising every goal...")
        for round_ in range(ROUNDS):
            if stopper.stopped.is_set():
                break
            last = round_ == ROUNDS - 1
            inc = search.optimise(inc, 1.0 if not inc.unplaced or last else 0.5)
            if not inc.unplaced or search.left() < MIN_ROUND or last:
                break
            deadline = time.monotonic() + REGROUP_SHARE * search.left()
            again = regroup(Grouped(inc.grouped.problem, inc.grouped.plans, inc.assignment),
                            deadline)  # fmt: skip
            if again.unplaced >= inc.unplaced:
                break
            candidate = _constructed(again, counter, "groups formed again")
            if candidate.score > inc.score:
                break
            inc = candidate
    interrupted = stopper.stopped.is_set()
    if interrupted:
        counter.stopped_by = "interrupted"
    seconds = time.monotonic() - started
    stats.update({"solve_seconds": round(seconds, 3), "solutions": counter.count,
                  "stopped_by": counter.stopped_by})  # fmt: skip
    final = inc.grouped.problem
    groups = partition_of(final) if final is not problem else None
    best = inc.best
    if best is not None:
        stats.update({"branches": best.solver.num_branches, "conflicts": best.solver.num_conflicts})
    optimal = best is not None and best.full and best.code == cp_model.OPTIMAL
    bound = best.solver.best_objective_bound if best is not None and best.full else None
    result = Result(Status.OPTIMAL if optimal else Status.FEASIBLE, inc.timetable, inc.score,
                    bound, seconds, inc.terms, stats, interrupted, counter.first,
                    groups)  # fmt: skip
    return _explained(final, result, settings, started, say)


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


def _score(problem: Problem, timetable: Timetable) -> dict[str, GoalScore]:
    return score_card(problem.scenario, timetable, validate(problem.scenario, timetable))
