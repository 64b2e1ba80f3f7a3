"""Between a timetable of the constructor's kind
(:class:`~optimizer.construct.constructor.Assignment`)
and the CP-SAT model's variables: the assignment as a complete hint, and a solver's solution
read back as an assignment or a timetable."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ortools.sat.python import cp_model

from optimizer.assemble.assembly import timetable_of
from optimizer.construct.constructor import Assignment, Placed
from optimizer.model.context import Context
from optimizer.timetable import Timetable


def found(code: Any) -> bool:
    return code in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def hint(ctx: Context, a: Assignment) -> None:
    """The constructed timetable as a hint on every decision variable, each variable once
    (a clean week shares its template's variables, and CP-SAT refuses a model whose hint names
    a variable twice: MODEL_INVALID); where two values are asked of one, the first stands."""
    p, v = ctx.problem, ctx.vars
    hints: dict[int, tuple[Any, int]] = {}

    def put(var: Any, value: int) -> None:
        index = var.index if var.index >= 0 else -var.index - 1  # a literal's variable
        hints.setdefault(index, (var, value))

    for s, template in v.template.items():
        if s in a.templates:
            t, st, pl = a.templates[s]
            put(template, t)
            put(v.active[s], 1)
            for x, lit in v.leads[s].items():
                put(lit, int(x == st))
            for x, lit in v.pool[s].items():
                put(lit, int(x == pl))
        else:
            put(v.active[s], 0)
            for lit in [*v.leads[s].values(), *v.pool[s].values()]:
                put(lit, 0)
    for o, moved in v.moved.items():
        placed = a.sessions.get(o)
        occ = p.occurrences[o]
        start = v.start[o]
        if isinstance(start, cp_model.IntVar) and placed is not None:
            put(start, placed.start)
        put(v.placed[o], int(placed is not None))
        usual = a.templates.get(occ.series)
        away = placed is not None and usual is not None and placed.start != usual[0] + occ.lo
        put(moved, int(away))
        for x, lit in v.facilitator[o].items():
            put(lit, int(placed is not None and x == placed.staff))
        for x, lit in v.room[o].items():
            put(lit, int(placed is not None and x == placed.pool))
    for (b, s), lit in v.on_call.items():
        put(lit, int(a.on_call.get(b) == s))
    for var, value in hints.values():
        ctx.model.add_hint(var, value)


def complete(ctx: Context, run: Callable[..., Any], solver: cp_model.CpSolver) -> bool:
    """Solve with the hinted decisions fixed, so CP-SAT derives the rest (goal counters and
    the like), then hint that complete solution: a partial hint leaves the search blind."""
    solver.parameters.fix_variables_to_their_hinted_value = True
    code = run(solver, ctx.model, None)
    if not found(code):
        return False
    model = ctx.model
    model.clear_hints()
    for index, value in enumerate(solver.response_proto.solution):
        model.add_hint(model.get_int_var_from_proto_index(index), value)
    return True


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
