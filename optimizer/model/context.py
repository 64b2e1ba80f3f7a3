"""Shared state of one CP-SAT model: the problem, the model, its variables and objective terms.

Constraint families (one module each) read the problem and variables from here and add their
constraints and soft-goal terms. Variables are created once in :mod:`.variables`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from ..problem import Mask, Problem, starts_where_free
from ..scenario.schema import Goals

Lit = cp_model.IntVar  # a Boolean variable or its negation
LinearExpr = cp_model.LinearExprT


def domain_of(values: Iterable[int]) -> cp_model.Domain:
    """A CP-SAT domain from sorted integers, built from runs (much faster than from_values)."""
    runs: list[list[int]] = []
    for v in values:
        if runs and v == runs[-1][1] + 1:
            runs[-1][1] = v
        else:
            runs.append([v, v])
    return cp_model.Domain.from_intervals(runs)


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
    start: list[cp_model.IntVar] = field(default_factory=list)
    placed: list[cp_model.IntVar] = field(default_factory=list)
    moved: dict[int, cp_model.IntVar] = field(default_factory=dict)
    template: dict[int, cp_model.IntVar] = field(default_factory=dict)
    interval: list[cp_model.IntervalVar] = field(default_factory=list)
    facilitator: list[dict[int, cp_model.IntVar]] = field(default_factory=list)
    room: list[dict[int, cp_model.IntVar]] = field(default_factory=list)
    used: dict[int, cp_model.IntVar] = field(default_factory=dict)
    member: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    size: dict[int, cp_model.LinearExpr] = field(default_factory=dict)
    attends: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # (res, occ)
    day: dict[int, cp_model.IntVar] = field(default_factory=dict)
    on_day: dict[int, dict[int, cp_model.IntVar]] = field(default_factory=dict)
    on_call: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)  # (block, s)
    # Intervals per resource, filled by variables and read by the no-overlap families.
    staff_intervals: dict[int, list[cp_model.IntervalVar]] = field(default_factory=dict)
    room_intervals: dict[int, list[cp_model.IntervalVar]] = field(default_factory=dict)
    resident_intervals: dict[int, list[cp_model.IntervalVar]] = field(default_factory=dict)


@dataclass
class Context:
    problem: Problem
    model: cp_model.CpModel
    goals: Goals
    vars: Vars = field(default_factory=Vars)
    terms: dict[str, Term] = field(default_factory=dict)
    _starts: dict[tuple[str, int, int], np.ndarray] = field(default_factory=dict)

    def term(self, name: str) -> Term | None:
        """The objective term for goal ``name``, or None when its weight is zero (goal off)."""
        weight = int(getattr(self.goals, name))
        if weight <= 0:
            return None
        if name not in self.terms:
            self.terms[name] = Term(name, weight)
        return self.terms[name]

    def new_bool(self, name: str) -> cp_model.IntVar:
        return self.model.new_bool_var(name)

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
