"""Solving: CP-SAT parameters in one place, progress lines, clean interruption, and a
:class:`Result` that carries a status rather than raising. Only the CLI maps it to exit codes."""

from __future__ import annotations

import datetime as dt
import signal
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from ortools.sat.python import cp_model

from .diagnose import explain_unmet
from .model.builder import build_model
from .model.changes import keepable
from .model.context import Context
from .problem import Occurrence, Problem
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


class _Counter:
    """Counts timetables across all steps and makes each step's progress callback."""

    def __init__(self, started: float, report: Progress | None):
        self.started = started
        self.report = report
        self.first: float | None = None
        self.count = 0

    def callback(self, ctx: Context, quiet: bool) -> _Progress:
        return _Progress(ctx, None if quiet else self.report, self.started, self)


class _Progress(cp_model.CpSolverSolutionCallback):
    def __init__(self, ctx: Context, report: Progress | None, started: float, counter: _Counter):
        super().__init__()
        self.ctx = ctx
        self.report = report
        self.started = started
        self.counter = counter

    def on_solution_callback(self) -> None:
        now = time.monotonic() - self.started
        self.counter.count += 1
        if self.counter.first is None:
            self.counter.first = now
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


# Shares of the time limit, at most, for each step (a step that finishes early leaves more).
PATTERN_SHARE = 0.2  # a weekly pattern from the first week
REPAIR_SHARE = 0.25  # the pattern repeated every week, repaired where it clashes
PLACE_SHARE = 0.25  # placing every session from scratch (when the pattern falls short)
COMPLETION_SHARE = 0.05  # turning a placement into a complete start for the full model


@dataclass
class _Best:
    """The best timetable of one step: its model context and solver."""

    ctx: Context
    solver: cp_model.CpSolver
    code: Any
    full: bool = False  # from the full model (only then does OPTIMAL mean every goal)


@dataclass
class _Pattern:
    """A week's timetable used as a template: per series its start offset, facilitator and
    room; group membership."""

    series: dict[int, tuple[int, int, int]]
    members: dict[tuple[int, int], int]
    used: dict[int, int]


def _found(code: Any) -> bool:
    return code in (cp_model.OPTIMAL, cp_model.FEASIBLE)


class _Steps:
    """The search, step by step. Each step keeps the best so far if time runs out or the
    solve is interrupted; placing sessions always comes before any other goal."""

    def __init__(
        self,
        settings: Settings,
        stopper: _Stopper,
        counter: _Counter,
        say: Progress,
        stats: dict[str, Any],
    ):
        self.settings = settings
        self.stopper = stopper
        self.counter = counter
        self.say = say
        self.stats = stats
        self.started = time.monotonic()
        self.spent = 0.0  # deterministic time used by the solver so far

    def now(self) -> float:
        """Seconds into the solve: wall-clock, or in deterministic mode the solver's own
        deterministic time, so that every step gets the same budget on every run."""
        if self.settings.deterministic:
            return self.spent
        return time.monotonic() - self.started

    def left(self) -> float:
        return max(0.5, self.settings.time_limit - self.now())

    def run_solver(self, solver: cp_model.CpSolver, model: cp_model.CpModel, callback: Any) -> Any:
        if self.stopped():  # stopped between two solver calls: do not start another
            return cp_model.UNKNOWN
        code = self.stopper.run(solver, model, callback)
        self.spent += solver.response_proto.deterministic_time
        return code

    def share(self, fraction: float) -> float:
        return min(self.left(), self.settings.time_limit * fraction)

    def stopped(self) -> bool:
        return self.stopper.stopped.is_set()

    def run(self, problem: Problem) -> _Best | None:
        if problem.previous is not None:
            return self.replan(problem)
        placed = None
        multi_week = problem.clock.days > 7
        if multi_week:
            self.say("Step 1 of 3: a weekly pattern, from the first week alone...")
            week = self.two_phase(first_week(problem), self.share(PATTERN_SHARE), quiet=True)
            if week is not None and not self.stopped():
                self.say("Step 2 of 3: the pattern in every week, repaired where it clashes...")
                placed = self.repair(problem, _pattern(week))
        if not self.stopped() and (placed is None or _unplaced(placed) > 0):
            # No pattern, or it leaves sessions out: place from scratch and keep the better.
            self.say("Placing every session..." if multi_week else "Step 1 of 2: placing...")
            fresh = self.place(build_model(problem, placement=True), self.share(PLACE_SHARE))
            if fresh is not None and (placed is None or _unplaced(fresh) < _unplaced(placed)):
                placed = fresh
        if self.stopped():
            return placed
        self.say(
            f"Step {3 if multi_week else 2} of {3 if multi_week else 2}: optimising every goal..."
        )
        return self.polish(problem, placed, self.left())

    def replan(self, problem: Problem) -> _Best | None:
        """Start from the previous timetable: keep what the change allows, place the rest."""
        self.say("Step 1 of 2: keeping the previous timetable wherever the change allows...")
        ctx = build_model(problem, placement=True, keep_times=True)
        _hint_previous(ctx)
        start = _make_solver(self.settings, self.share(COMPLETION_SHARE))
        placed: _Best | None
        if _complete_hint(ctx, self, start) and not self.stopped():
            placed = self.place(ctx, self.share(REPAIR_SHARE)) or _Best(
                ctx, start, cp_model.FEASIBLE
            )
        else:
            placed = self.place(ctx, self.share(REPAIR_SHARE))
        if self.stopped():
            return placed
        self.say("Step 2 of 2: optimising every goal...")
        return self.polish(problem, placed, self.left())

    def two_phase(self, problem: Problem, budget: float, quiet: bool = False) -> _Best | None:
        end = self.now() + budget
        placed = self.place(build_model(problem, placement=True), budget * 0.5, quiet)
        if self.stopped():
            return placed
        return self.polish(problem, placed, max(0.5, end - self.now()), quiet)

    def place(self, ctx: Context, budget: float, quiet: bool = False) -> _Best | None:
        solver = _make_solver(self.settings, budget)
        code = self.run_solver(solver, ctx.model, self.counter.callback(ctx, quiet))
        return _Best(ctx, solver, code) if _found(code) else None

    def repair(self, problem: Problem, pattern: _Pattern) -> _Best | None:
        """Repeat the pattern every week. First keep every session that fits its pattern time
        fixed and place only the exceptions; if that leaves sessions out, let everything move
        (moves cost the same-time goal) starting from there."""
        fixed = build_model(problem, placement=True)
        _hint_pattern(fixed, pattern, fix=True)
        best = self.place(fixed, self.share(REPAIR_SHARE / 2))
        if best is not None and (_unplaced(best) == 0 or self.stopped()):
            return best
        ctx = build_model(problem, placement=True, keep_times=True)
        if best is not None:
            _hint_from(ctx, best.ctx, best.solver)
        else:
            _hint_pattern(ctx, pattern)
        start = _make_solver(self.settings, self.share(COMPLETION_SHARE))
        if not _complete_hint(ctx, self, start) or self.stopped():
            return best
        return self.place(ctx, self.share(REPAIR_SHARE)) or _Best(ctx, start, cp_model.FEASIBLE)

    def polish(
        self, problem: Problem, placed: _Best | None, budget: float, quiet: bool = False
    ) -> _Best | None:
        """Every goal, starting from ``placed`` and never placing fewer sessions."""
        end = self.now() + budget
        full = build_model(problem)
        if not quiet:
            self.stats.update(_model_stats(full))
        completion: cp_model.CpSolver | None = None
        if placed is not None:
            _hint_from(full, placed.ctx, placed.solver)
            completion = _make_solver(self.settings, budget * COMPLETION_SHARE / 0.3)
            if _complete_hint(full, self, completion):
                total = full.terms["unplaced_session"].total
                assert total is not None
                full.model.add(total <= _unplaced(placed))
            else:
                completion = None
        if not self.stopped():
            solver = _make_solver(self.settings, max(0.5, end - self.now()))
            code = self.run_solver(solver, full.model, self.counter.callback(full, quiet))
            if _found(code):
                return _Best(full, solver, code, full=True)
        if completion is not None:
            return _Best(full, completion, cp_model.FEASIBLE, full=True)
        return placed


def _unplaced(best: _Best) -> int:
    return _term_value(best.ctx, "unplaced_session", best.solver.value)


def solve(problem: Problem, settings: Settings, progress: Progress | None = None) -> Result:
    """Find the best timetable within the time limit (see :class:`_Steps`).

    For a multi-week plan: 1. optimise a weekly pattern on the first week alone (several
    times smaller); 2. repeat it every week and repair the clashes (dated closures, absences,
    appointments); if that leaves sessions out, also place from scratch and keep the better;
    3. optimise every goal from there without placing fewer sessions. A one-week plan places,
    then optimises.
    """
    started = time.monotonic()
    stats: dict[str, Any] = {"parameters": settings.parameters(settings.time_limit)}
    counter = _Counter(started, progress)
    with _Stopper() as stopper:
        best = _Steps(settings, stopper, counter, progress or (lambda _m: None), stats).run(problem)
    interrupted = stopper.stopped.is_set()
    seconds = time.monotonic() - started
    if best is None:
        return Result(
            Status.NO_SOLUTION, None, None, None, seconds, {}, stats, interrupted, counter.first
        )
    ctx, solver = best.ctx, best.solver
    stats.update(
        {
            "solve_seconds": round(seconds, 3),
            "branches": solver.num_branches,
            "conflicts": solver.num_conflicts,
            "solutions": counter.count,
        }
    )
    status = Status.OPTIMAL if best.full and best.code == cp_model.OPTIMAL else Status.FEASIBLE
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
        counter.first,
    )


def first_week(problem: Problem) -> Problem:
    """The problem cut to each series' first occurrence, inside the first week, and the first
    week's on-call blocks: small enough to optimise a weekly pattern quickly."""
    week = problem.clock.week_slots
    occurrences: list[Occurrence] = []
    series = []
    for s in problem.series:
        ids: tuple[int, ...] = ()
        if s.occurrences:
            occ = problem.occurrences[s.occurrences[0]]
            if occ.period == 0:
                starts = tuple(x for x in occ.starts if x < week) or occ.starts
                occurrences.append(replace(occ, index=len(occurrences), starts=starts))
                ids = (occurrences[-1].index,)
        series.append(replace(s, occurrences=ids))
    blocks = [b for b in problem.on_call_blocks if b.start < week]
    return replace(
        problem,
        occurrences=tuple(occurrences),
        series=tuple(series),
        on_call_blocks=tuple(replace(b, index=i) for i, b in enumerate(blocks)),
    )


def _pattern(best: _Best) -> _Pattern:
    p, v, value = best.ctx.problem, best.ctx.vars, best.solver.value
    series = {}
    for occ in p.occurrences:
        if not value(v.placed[occ.index]):
            continue
        staff = next(s for s, lit in v.facilitator[occ.index].items() if value(lit))
        room = next(r for r, lit in v.room[occ.index].items() if value(lit))
        series[occ.series] = (value(v.start[occ.index]) - occ.lo, staff, room)
    return _Pattern(
        series,
        {key: value(var) for key, var in v.member.items()},
        {key: value(var) for key, var in v.used.items()},
    )


def _hint_previous(ctx: Context) -> None:
    """Hint every occurrence where it was, if the changed scenario still allows it there."""
    p, v, m = ctx.problem, ctx.vars, ctx.model
    previous = p.previous
    assert previous is not None
    families: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    for each in p.groups:
        families[(each.program, each.house)].append(each.index)
    for r, g in previous.members:
        group = p.groups[g]
        for other in families[(group.program, group.house)]:
            if (r, other) in v.member:
                m.add_hint(v.member[(r, other)], int(other == g))
    for o, before in previous.bookings.items():
        if not keepable(ctx, o, before):
            continue
        m.add_hint(v.start[o], before.start)
        m.add_hint(v.placed[o], 1)
        for s, lit in v.facilitator[o].items():
            m.add_hint(lit, int(s in before.staff))
        for r, lit in v.room[o].items():
            m.add_hint(lit, int(r == before.room))


def _hint_pattern(ctx: Context, pattern: _Pattern, fix: bool = False) -> None:
    """Hint (or with ``fix``, require) every occurrence at its series' pattern time, with the
    same facilitator, room and group members, wherever that week allows it."""
    p, v, m = ctx.problem, ctx.vars, ctx.model

    def hint(var: cp_model.IntVar, value: int) -> None:
        if fix:
            m.add(var == value)
        else:
            m.add_hint(var, value)

    for pair, value in pattern.members.items():
        hint(v.member[pair], value)
    for g, value in pattern.used.items():
        hint(v.used[g], value)
    for occ in p.occurrences:
        if occ.series not in pattern.series:
            continue
        offset, staff, room = pattern.series[occ.series]
        start = offset + occ.lo
        group = p.groups[p.series[occ.series].group]
        dur = p.programs[group.program].duration
        members = group.members or [
            r for r in group.candidates if pattern.members.get((r, group.index))
        ]
        fits = (
            start in occ.starts
            and staff in v.facilitator[occ.index]
            and room in v.room[occ.index]
            and ctx.starts_in(("staff", staff), dur)[start]
            and ctx.starts_in(("room", room), dur)[start]
            and all(ctx.starts_in(("resident", r), dur)[start] for r in members)
        )
        if not fits:  # this week is an exception: leave it to the solver
            continue
        hint(v.start[occ.index], start)
        hint(v.placed[occ.index], 1)
        for s, lit in v.facilitator[occ.index].items():
            hint(lit, int(s == staff))
        for r, lit in v.room[occ.index].items():
            hint(lit, int(r == room))


def _complete_hint(ctx: Context, steps: _Steps, solver: cp_model.CpSolver) -> bool:
    """Fix the hinted sessions and solve the rest (on-call rota, goal counters), so the full
    model starts from a complete timetable; a partial hint leaves CP-SAT searching blind."""
    model = ctx.model
    fixed = model.clone()
    hint = fixed.proto.solution_hint
    for index, value in zip(list(hint.vars), list(hint.values), strict=True):
        fixed.add(fixed.get_int_var_from_proto_index(index) == value)
    code = steps.run_solver(solver, fixed, None)
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
    _hint_templates(target, source, solver)
    if target.vars.on_call and not source.vars.on_call:
        _hint_on_call(target, source, solver)


def _hint_on_call(target: Context, source: Context, solver: cp_model.CpSolver) -> None:
    """Given the sessions, the best rota is found block by block (see :func:`greedy_rota`)."""
    p = target.problem
    rota = greedy_rota(p, _busy_staff(source, solver))
    for block in p.on_call_blocks:
        for s in block.candidates:
            target.model.add_hint(
                target.vars.on_call[(block.index, s)], int(rota.get(block.index) == s)
            )


def _busy_staff(ctx: Context, solver: cp_model.CpSolver) -> dict[int, set[int]]:
    """Staff index -> the slots they lead sessions in, in the solver's timetable."""
    p, v = ctx.problem, ctx.vars
    busy: dict[int, set[int]] = defaultdict(set)
    for occ in p.occurrences:
        if not solver.value(v.placed[occ.index]):
            continue
        start = solver.value(v.start[occ.index])
        dur = p.programs[p.series[occ.series].program].duration
        for s, lit in v.facilitator[occ.index].items():
            if solver.value(lit):
                busy[s].update(range(start, start + dur))
    return busy


def greedy_rota(p: Problem, busy: dict[int, set[int]]) -> dict[int, int]:
    """On-call block -> staff: whoever is free, keeping the same person on as long as they
    stay free (fewer handovers). With the sessions fixed, this covers every block that can be
    covered, since blocks do not compete with each other."""
    busy = {s: set(slots) for s, slots in busy.items()}
    rota: dict[int, int] = {}
    previous: int | None = None
    for block in p.on_call_blocks:
        free = [
            s
            for s in block.candidates
            if not any(t in busy.get(s, ()) for t in range(block.start, block.end))
        ]
        chosen = previous if previous in free else None
        if chosen is None and free:
            chosen = max(free, key=lambda s: _free_run(busy.get(s, set()), block.end))
        if chosen is not None:
            rota[block.index] = chosen
            busy.setdefault(chosen, set()).update(range(block.start, block.end))
        previous = chosen
    return rota


def _free_run(busy: set[int], start: int, limit: int = 96) -> int:
    """How many slots from ``start`` the person stays free (up to a day)."""
    n = 0
    while n < limit and start + n not in busy:
        n += 1
    return n


def _hint_templates(target: Context, source: Context, solver: cp_model.CpSolver) -> None:
    """Each series' template at its most common start, so moves are counted as a person would
    (a model without templates gives no hint for them)."""
    p, t = target.problem, target.vars
    for series in p.series:
        template = t.template.get(series.index)
        if template is None:
            continue
        offsets = {
            o: solver.value(source.vars.start[o]) - p.occurrences[o].lo
            for o in series.occurrences
            if solver.value(source.vars.placed[o])
        }
        allowed = set(_domain_values(template))
        counts = Counter(x for x in offsets.values() if x in allowed)
        if not counts:
            continue
        usual = min(counts, key=lambda x: (-counts[x], x))
        target.model.add_hint(template, usual)
        for o in series.occurrences:
            target.model.add_hint(t.moved[o], int(o in offsets and offsets[o] != usual))


def _domain_values(var: cp_model.IntVar) -> list[int]:
    bounds = list(var.proto.domain)
    return [x for a, b in zip(bounds[::2], bounds[1::2], strict=True) for x in range(a, b + 1)]


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
    if not v.on_call and p.on_call_blocks:
        # A timetable from a step without the rota (the solve was stopped early): fill it.
        on_duty = greedy_rota(p, _busy_staff(ctx, solver))
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
