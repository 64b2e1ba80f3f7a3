"""A given timetable priced by the model: its decision variables fixed to the timetable (see
:mod:`.represent`), solved with the objective unchanged, so that the model says whether it
accepts the timetable, which rule families reject it, and what each goal counts.

Which families reject a timetable: each family is built alone with the variables and the same
fixed values; those that cannot hold them reject it. When none does alone but the whole model
does, the smallest set found by leaving families out one at a time rejects it together.

Tests compare this with the solver-free checker (``tests/test_agreement.py``); a hand-edited
timetable can be priced the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from optimizer.model.builder import FAMILIES, Family, build_model
from optimizer.model.context import Context
from optimizer.model.represent import Issue, Values, represent
from optimizer.planning.problem import Problem
from optimizer.planning.templates import Plan, plan_all
from optimizer.timetable import Timetable


@dataclass
class Verdict:
    """What the model says of a timetable. Goal counts are read only when it is accepted."""

    issues: list[Issue] = field(default_factory=list)  # what the model cannot express
    rejected_by: list[tuple[str, ...]] = field(default_factory=list)  # families, each alone
    together: tuple[str, ...] = ()  # rule ids of families that reject it only together
    terms: dict[str, int] = field(default_factory=dict)  # goal id -> the model's count
    cover_short: dict[str, int] = field(default_factory=dict)  # program id -> slots short
    objective: int | None = None

    @property
    def accepted(self) -> bool:
        return not (self.issues or self.rejected_by or self.together)

    def names(self) -> list[frozenset[str]]:
        """Each reason the model rejects the timetable, as the rule ids it could be: one id
        for an issue the model cannot express, a family's ids for a family that rejects it."""
        out = [frozenset({i.rule}) for i in self.issues if i.rule]
        out += [frozenset(ids) for ids in self.rejected_by]
        return out + ([frozenset(self.together)] if self.together else [])

    def __str__(self) -> str:
        if self.accepted:
            return f"accepted, score {self.objective}"
        lines = [str(i) for i in self.issues]
        lines += [f"rejected by the family of {', '.join(ids)}" for ids in self.rejected_by]
        if self.together:
            lines.append(f"rejected by the families of {', '.join(self.together)} together")
        return "; ".join(lines)


def fix(ctx: Context, values: Values) -> None:
    """Fix ``ctx``'s decision variables to ``values`` where its domains allow them (a value
    they do not allow is an issue of :func:`.represent.represent` already)."""
    m, v, p = ctx.model, ctx.vars, ctx.problem
    for s, value in values.series.items():
        plan = ctx.plans[s]
        if value.active is not None:
            m.add(v.active[s] == int(value.active))
        template = v.template.get(s)
        allowed = [t for t in value.offsets or () if plan.offsets[t]]
        if template is not None and allowed:
            m.add_linear_expression_in_domain(template, cp_model.Domain.from_values(allowed))
        if value.active:
            _choose(ctx, v.leads[s], value.staff)
            _choose(ctx, v.pool[s], value.pool)
    for o, placed in values.exceptions.items():
        m.add(v.placed[o] == int(placed is not None))
        if placed is None:
            continue
        if p.occurrences[o].starts:
            m.add(v.start[o] == placed.start)
        _choose(ctx, v.facilitator[o], placed.staff)
        _choose(ctx, v.room[o], placed.pool)
    for (b, s), lit in v.on_call.items():
        m.add(lit == int(s in values.on_call.get(b, ())))


def _choose(ctx: Context, lits: dict[int, cp_model.IntVar], chosen: int | None) -> None:
    if chosen in lits:
        for x, lit in lits.items():
            ctx.model.add(lit == int(x == chosen))


def _decide(ctx: Context, time_limit: float) -> cp_model.CpSolver | None:
    """The solver holding the optimum of the fixed model, or None when it is infeasible."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.cp_model_probing_level = 0
    status = solver.solve(ctx.model)
    if status == cp_model.OPTIMAL:
        return solver
    if status == cp_model.INFEASIBLE:
        return None
    raise RuntimeError(f"the fixed model was not decided in {time_limit:g} s ({status})")


class _Pricer:
    def __init__(self, p: Problem, plans: list[Plan], values: Values, time_limit: float):
        self.p, self.plans, self.values, self.time_limit = p, plans, values, time_limit

    def solve(self, families: tuple[Family, ...]) -> tuple[Context, cp_model.CpSolver | None]:
        ctx = build_model(self.p, plans=self.plans, families=families)
        fix(ctx, self.values)
        return ctx, _decide(ctx, self.time_limit)

    def holds(self, families: tuple[Family, ...]) -> bool:
        return self.solve(families)[1] is not None

    def reject(self, verdict: Verdict) -> None:
        base, rest = FAMILIES[0], FAMILIES[1:]
        if not self.holds((base,)):
            verdict.issues.append(Issue(None, "the model's variables cannot take these values"))
            return
        verdict.rejected_by = [f.ids for f in rest if not self.holds((base, f))]
        if verdict.rejected_by:
            return
        needed = list(rest)  # leave out each family that the rest reject without
        for f in rest:
            trial = [g for g in needed if g is not f]
            if not self.holds((base, *trial)):
                needed = trial
        verdict.together = tuple(dict.fromkeys(i for f in needed for i in f.ids))


def price(
    p: Problem, timetable: Timetable, *, plans: list[Plan] | None = None, time_limit: float = 60
) -> Verdict:
    """What the full model says of ``timetable`` (see the module docstring)."""
    plans = plans if plans is not None else plan_all(p)
    values = represent(p, plans, timetable)
    pricer = _Pricer(p, plans, values, time_limit)
    verdict = Verdict(issues=list(values.issues))
    ctx, solver = pricer.solve(FAMILIES)
    if solver is None:
        pricer.reject(verdict)
        return verdict
    verdict.objective = int(solver.objective_value)
    for name, term in ctx.terms.items():
        assert term.total is not None
        verdict.terms[name] = int(solver.value(term.total))
    for prog in p.programs:
        short = ctx.vars.cover_short.get(prog.index)
        if short is not None:
            verdict.cover_short[prog.id] = int(solver.value(short))
    return verdict
