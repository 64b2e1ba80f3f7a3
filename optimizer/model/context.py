"""Shared state of one CP-SAT model: the problem, the model, its variables and objective terms.

Constraint families (one module each) read the problem and variables from here, add their
constraints and return their soft-goal terms (:class:`Term`); literals several families reuse
are typed fields of :class:`Shared`. Variables are created once in :mod:`.variables`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from optimizer.planning.problem import Mask, Problem, starts_where_free
from optimizer.planning.templates import Plan
from optimizer.rules.catalogue import BY_ID, SOFT
from optimizer.scenario.schema import Goals

Lit = cp_model.IntVar  # a Boolean variable or its negation
LinearExpr = cp_model.LinearExprT


def domain_of(values: Iterable[int]) -> cp_model.Domain:
    """A CP-SAT domain from sorted integers, built from runs (much faster than from_values)."""
    arr = np.fromiter(values, dtype=np.int64)
    if not len(arr):
        return cp_model.Domain.from_intervals([])
    breaks = np.flatnonzero(np.diff(arr) != 1)
    starts = np.concatenate([[arr[0]], arr[breaks + 1]])
    ends = np.concatenate([arr[breaks], [arr[-1]]])
    return cp_model.Domain.from_flat_intervals(np.column_stack([starts, ends]).ravel().tolist())


_DOMAINS: dict[tuple[bytes, int, int], cp_model.Domain] = {}


def domain_of_mask(flags: np.ndarray, shift: int = 0) -> cp_model.Domain:
    """The domain of the indices (plus ``shift``) where ``flags`` is true (memoised: the same
    availability recurs across many sessions)."""
    key = (flags.tobytes(), len(flags), shift)
    found = _DOMAINS.get(key)
    if found is None:
        if len(_DOMAINS) > 100_000:
            _DOMAINS.clear()
        found = _DOMAINS[key] = _domain_of_mask(flags, shift)
    return found


def _domain_of_mask(flags: np.ndarray, shift: int) -> cp_model.Domain:
    padded = np.concatenate([[False], flags, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    pairs = np.column_stack([edges[::2] + shift, edges[1::2] - 1 + shift]).ravel()
    return cp_model.Domain.from_flat_intervals(pairs.tolist())


@dataclass
class Term:
    """A named soft goal: ``weight`` times the sum of ``parts`` (each ``(coefficient, expr)``)."""

    name: str
    weight: int
    parts: list[tuple[int, LinearExpr]] = field(default_factory=list)
    total: cp_model.IntVar | None = None  # set by the builder

    def add(self, expr: LinearExpr, coefficient: int = 1) -> None:
        self.parts.append((coefficient, expr))


@dataclass
class Vars:
    """Decision variables per series (the template) and, per occurrence, views of them: a
    clean occurrence's start is the template shifted by whole periods and shares its
    literals; an exception occurrence has variables of its own."""

    template: dict[int, cp_model.IntVar] = field(default_factory=dict)  # series -> offset
    active: dict[int, cp_model.IntVar] = field(default_factory=dict)  # series -> placed
    leads: dict[int, dict[int, cp_model.IntVar]] = field(default_factory=dict)  # series, staff
    pool: dict[int, dict[int, cp_model.IntVar]] = field(default_factory=dict)  # series, pool
    start: list[LinearExpr] = field(default_factory=list)  # per occurrence
    placed: list[cp_model.IntVar] = field(default_factory=list)
    facilitator: list[dict[int, cp_model.IntVar]] = field(default_factory=list)  # staff -> lit
    room: list[dict[int, cp_model.IntVar]] = field(default_factory=list)  # pool -> lit
    moved: dict[int, cp_model.IntVar] = field(default_factory=dict)  # exception occurrences
    day: dict[int, cp_model.IntVar] = field(default_factory=dict)
    on_day: dict[int, dict[int, cp_model.IntVar]] = field(default_factory=dict)
    on_call: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # (block, s)
    cover_short: dict[int, cp_model.IntVar] = field(default_factory=dict)  # program -> slots
    # Intervals per resource, filled by variables and read by the no-overlap families.
    staff_intervals: dict[int, list[cp_model.IntervalVar]] = field(default_factory=dict)
    pool_intervals: dict[int, list[cp_model.IntervalVar]] = field(default_factory=dict)
    resident_intervals: dict[int, list[cp_model.IntervalVar]] = field(default_factory=dict)


def terms(*found: Term | None) -> list[Term]:
    """What a family returns: the terms it asked for that are on."""
    return [t for t in found if t is not None]


@dataclass
class Shared:
    """Literals several families reuse, each keyed as its comment says (clean occurrences of
    a series share one)."""

    template_day: dict[int, cp_model.IntVar] = field(default_factory=dict)  # series -> day
    on_day: dict[int, dict[int, cp_model.IntVar]] = field(default_factory=dict)  # series, day
    close: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # series pair
    flag: dict[tuple[str, int, int, bytes], cp_model.IntVar] = field(default_factory=dict)
    leads_on_day: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    idle_item: dict[int, tuple[cp_model.IntVar, cp_model.IntVar]] = field(default_factory=dict)
    leads_in_week: dict[tuple[int, ...], cp_model.IntVar] = field(default_factory=dict)


@dataclass
class Context:
    problem: Problem
    model: cp_model.CpModel
    goals: Goals
    vars: Vars = field(default_factory=Vars)
    terms: dict[str, Term] = field(default_factory=dict)
    plans: list[Plan] = field(default_factory=list)  # per series, see :mod:`.template`
    shared: Shared = field(default_factory=Shared)
    placement: bool = False  # hard rules and demand only: no term for a soft goal
    _starts: dict[tuple[str, int, int], np.ndarray] = field(default_factory=dict)

    def term(self, name: str) -> Term | None:
        """A new objective term for goal ``name``, which the family that asked returns, or
        None when its weight is zero (goal off) or, in a placement model, when the catalogue
        calls it a soft goal."""
        weight = int(getattr(self.goals, name))
        if weight <= 0 or (self.placement and BY_ID[name].tier == SOFT):
            return None
        return Term(name, weight)

    def clean(self, o: int) -> bool:
        """Whether occurrence ``o`` is its series' template shifted (no variables of its own)."""
        return o not in self.vars.moved

    def plan_of(self, o: int) -> Plan:
        return self.plans[self.problem.occurrences[o].series]

    # --- cached start masks -----------------------------------------------------------------

    def starts_in(self, mask_key: tuple[str, int], length: int) -> np.ndarray:
        """Flat boolean array: may a ``length``-slot session start at each slot here?"""
        key = (*mask_key, length)
        if key not in self._starts:
            self._starts[key] = starts_where_free(self.mask(mask_key), length).reshape(-1)
        return self._starts[key]

    def mask(self, key: tuple[str, int]) -> Mask:
        kind, i = key
        p = self.problem
        if kind == "staff":
            return p.staff[i].available
        if kind == "room":
            return p.rooms[i].available
        if kind == "pool":
            return p.pools[i].available
        if kind == "resident":
            return p.residents[i].free
        if kind == "prefers":
            m = p.staff[i].prefers
            assert m is not None
            return m
        if kind == "not_avoids":
            m = p.staff[i].avoids
            assert m is not None
            return ~m
        raise KeyError(kind)
