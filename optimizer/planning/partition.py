"""Groups by a small exact model: who goes in which group so that every group shares enough
free time, when the constructive partition (:mod:`optimizer.planning.grouping`) leaves a group
without.

Time is looked at as the group's week (an offset into the program's period, free in every
full period, as a weekly template needs). For each day of that week the offsets are reduced
to their *classes*: the set of residents free at an offset, keeping only the largest sets of
a day. A group meets on a day when one class of the day holds all its members; it needs as
many days as sessions in a period (one day will do where ``same_day_allowed``).

The model (CP-SAT, a deterministic time limit so the same home gives the same groups) keeps
the hard rules of groups: size within the limit, used groups within
:data:`~optimizer.planning.grouping.SIZE_TOLERANCE` of each other, ``together`` and ``apart``. It
minimises, in order: residents in groups without enough days, groups beyond the fewest,
groups with no day to spare.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model

Starts = NDArray[np.bool_]

SHORT, EXTRA, TIGHT = 10_000, 100, 10  # weights, in that order
DETERMINISTIC_SECONDS = 0.5


def weekly(flat: Starts, span: int) -> Starts:
    """Offsets into the period free in every full period (a plan shorter than one period is
    one period)."""
    periods = len(flat) // span
    if periods == 0:
        return np.concatenate([flat, np.zeros(span - len(flat), dtype=bool)])
    return np.asarray(flat[: periods * span].reshape(periods, span).all(axis=0), dtype=bool)


def day_classes(free: list[Starts], slots_per_day: int) -> list[list[int]]:
    """Per day of the period, the maximal sets of units free together at one offset, each a
    bitmask over ``free``'s units."""
    span = len(free[0])
    packed = np.packbits(np.stack(free), axis=0, bitorder="little")  # bytes x offsets
    out = []
    for d in range(span // slots_per_day):
        masks = set()
        for t in range(d * slots_per_day, (d + 1) * slots_per_day):
            mask = int.from_bytes(packed[:, t].tobytes(), "little")
            if mask:
                masks.add(mask)
        keep = [a for a in masks if not any(a != b and a & b == a for b in masks)]
        out.append(sorted(keep))
    return out


def partition(
    units: Sequence[Sequence[int]],
    free: list[Starts],
    needed: int,
    extra: int,
    limit: int,
    days_needed: int,
    slots_per_day: int,
    foes: dict[int, set[int]],
    tolerance: int,
    hint: Sequence[Sequence[int]] = (),
) -> list[list[int]] | None:
    """Units (lists of residents) into ``needed`` to ``needed + extra`` groups; ``free[i]`` is
    unit ``i``'s weekly free offsets; ``hint`` a partition of the residents to start from.
    None when the model finds no partition in time."""
    n = len(units)
    if n == 0:
        return []
    k = min(n, needed + extra)
    m = cp_model.CpModel()
    x = {(u, g): m.new_bool_var(f"x{u}_{g}") for u in range(n) for g in range(k) if g <= u}
    used = [m.new_bool_var(f"used{g}") for g in range(k)]
    for u in range(n):
        m.add_exactly_one(x[u, g] for g in range(k) if (u, g) in x)
    for g in range(k):
        if g < needed:
            m.add(used[g] == 1)
        if g + 1 < k:
            m.add_implication(used[g + 1], used[g])
        for u in range(n):
            if (u, g) in x:
                m.add_implication(x[u, g], used[g])
    sizes = [sum(len(units[u]) * x[u, g] for u in range(n) if (u, g) in x) for g in range(k)]
    hi = m.new_int_var(0, limit, "hi")
    lo = m.new_int_var(0, limit, "lo")
    for g in range(k):
        m.add(sizes[g] <= limit)
        m.add(sizes[g] <= hi)
        m.add(sizes[g] >= lo).only_enforce_if(used[g])
        m.add(sizes[g] >= 1).only_enforce_if(used[g])
    m.add(hi - lo <= tolerance)
    residents = [set(u) for u in units]
    for a in range(n):
        for b in range(a + 1, n):
            if any(foes.get(r, set()) & residents[b] for r in residents[a]):
                for g in range(k):
                    if (a, g) in x and (b, g) in x:
                        m.add_bool_or([~x[a, g], ~x[b, g]])
    classes = day_classes(free, slots_per_day)
    short_terms = []
    tight_terms = []
    for g in range(k):
        meets = []
        for d, masks in enumerate(classes):
            if not masks:
                continue
            options = []
            for c, mask in enumerate(masks):
                z = m.new_bool_var(f"z{g}_{d}_{c}")
                for u in range(n):
                    if (u, g) in x and not (mask >> u) & 1:
                        m.add_implication(z, ~x[u, g])
                options.append(z)
            meet = m.new_bool_var(f"meet{g}_{d}")
            m.add_bool_or(options).only_enforce_if(meet)
            meets.append(meet)
        days = sum(meets)
        short = m.new_bool_var(f"short{g}")  # the group cannot meet on enough days
        m.add(days >= days_needed * used[g]).only_enforce_if(~short)
        for u in range(n):  # its members are the residents who lose sessions
            if (u, g) in x:
                lost = m.new_bool_var(f"lost{u}_{g}")
                m.add_bool_or([~x[u, g], ~short, lost])
                short_terms.append(len(units[u]) * lost)
        tight = m.new_bool_var(f"tight{g}")
        m.add(days >= (days_needed + 1) * used[g]).only_enforce_if(~tight)
        tight_terms.append(tight)
    m.minimize(SHORT * sum(short_terms) + EXTRA * sum(used) + TIGHT * sum(tight_terms))
    _hint(m, x, units, hint, k)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = DETERMINISTIC_SECONDS
    solver.parameters.random_seed = 0
    if solver.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    groups: list[list[int]] = [[] for _ in range(k)]
    for (u, g), lit in x.items():
        if solver.value(lit):
            groups[g] += list(units[u])
    return [sorted(g) for g in groups if g]


def _hint(
    m: cp_model.CpModel,
    x: dict[tuple[int, int], cp_model.IntVar],
    units: Sequence[Sequence[int]],
    hint: Sequence[Sequence[int]],
    k: int,
) -> None:
    """Hint the partition ``hint`` (groups renumbered in order of their first unit, as the
    symmetry breaking of ``x`` wants); nothing when it does not fit ``k`` groups."""
    where = {r: g for g, members in enumerate(hint) for r in members}
    order: dict[int, int] = {}
    for u, unit in enumerate(units):
        g = where.get(unit[0])
        if g is None:
            return
        order.setdefault(g, len(order))
        if (u, order[g]) not in x or order[g] >= k:
            return
    for (u, g), lit in x.items():
        m.add_hint(lit, int(order[where[units[u][0]]] == g))
