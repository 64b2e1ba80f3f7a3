"""Groups the search can change. The groups formed before the model are a starting point:
when a group's sessions cannot be placed, the residents of that program (and house) are
partitioned again around the time they really have left (their free time less their other
sessions, at times a qualified facilitator and a room are still free), with a spare group
where that helps, or in smaller groups that smaller rooms hold; the home is rebuilt with the
new groups, every other booking kept where it still fits, and the new timetable is kept when
it leaves fewer resident-sessions unplaced.

Used by :mod:`optimizer.search.solve` after the constructed timetable and again after a search that
left demand unmet. A re-plan keeps its groups (``problem.previous``): nothing is re-grouped.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from optimizer.construct.constructor import Assignment, construct
from optimizer.planning.build import build_problem
from optimizer.planning.demand import days_needed, group_letter
from optimizer.planning.grouping import by_model
from optimizer.planning.problem import KeptGroups, Problem, starts_where_free
from optimizer.planning.templates import Plan, plan_all

MAX_ROUNDS = 30
SMALLER = 2  # smaller group sizes tried per program and house, for smaller rooms
# What to re-partition: program, house, as few groups as fit, size limit (0: as now).
Candidate = tuple[int, int | None, bool, int]


@dataclass
class Grouped:
    """A problem (its groups), its weekly templates and a timetable of it."""

    problem: Problem
    plans: list[Plan]
    assignment: Assignment

    @property
    def unplaced(self) -> int:
        return unplaced(self.problem, self.assignment)


def unplaced(p: Problem, a: Assignment) -> int:
    """Resident-sessions not placed: the unit of the goal ``unplaced_session``."""
    return sum(
        len(p.groups[p.series[occ.series].group].members)
        for occ in p.occurrences
        if occ.index not in a.sessions
    )


def partition_of(p: Problem) -> KeptGroups:
    """Every group of a group program: (program id, group name) -> resident ids."""
    return {
        (p.programs[g.program].id, g.name): tuple(p.residents[r].id for r in g.members)
        for g in p.groups
        if not p.programs[g.program].one_each
    }


def short(p: Problem, a: Assignment) -> list[tuple[int, int | None]]:
    """(program, house) of group programs with sessions not placed, most residents first."""
    lost: dict[tuple[int, int | None], int] = {}
    for occ in p.occurrences:
        if occ.index in a.sessions:
            continue
        group = p.groups[p.series[occ.series].group]
        if p.programs[group.program].one_each:
            continue
        key = (group.program, group.house)
        lost[key] = lost.get(key, 0) + len(group.members)
    return sorted(lost, key=lambda k: (-lost[k], k[0], -1 if k[1] is None else k[1]))


def _left(
    p: Problem, a: Assignment, program: int, house: int | None, seats: int = 0
) -> dict[int, np.ndarray]:
    """Per resident of ``program`` in ``house``: the starts still open to them once every
    other program's sessions are where ``a`` has them (in rooms of at least ``seats``)."""
    prog = p.programs[program]
    members = [r for r in prog.attendees if p.residents[r].house == house or house is None]
    h = p.clock.horizon
    busy = {r: np.zeros(h, dtype=bool) for r in members}
    staff_busy = {s: np.zeros(h, dtype=bool) for s in prog.qualified}
    pool_used = {pl.index: np.zeros(h, dtype=np.int32) for pl in p.pools}
    for o, placed in a.sessions.items():
        series = p.series[p.occurrences[o].series]
        if series.program == program:
            continue
        span = slice(placed.start, placed.start + p.programs[series.program].duration)
        for r in p.groups[series.group].members:
            if r in busy:
                busy[r][span] = True
        if placed.staff in staff_busy:
            staff_busy[placed.staff][span] = True
        pool_used[placed.pool][span] += 1
    staff_free = np.zeros(h, dtype=bool)
    for st in p.staff_candidates(prog, house):
        staff_free |= st.available.reshape(-1) & ~staff_busy[st.index]
    room_free = np.zeros(h, dtype=bool)
    for pool in p.pools_for(prog, house, seats):
        room_free |= pool.available.reshape(-1) & (pool_used[pool.index] < len(pool.rooms))
    base = p.open.reshape(-1) & staff_free & room_free
    shape = p.open.shape
    return {
        r: starts_where_free((base & p.residents[r].free.reshape(-1) & ~busy[r]).reshape(shape),
                             prog.duration).reshape(-1)
        for r in members
    }  # fmt: skip


def _limits(p: Problem, program: int, house: int | None) -> list[int]:
    """Smaller groups that more rooms hold: each suitable room's places less its facilitator,
    below the largest group now, largest first, at most ``SMALLER`` of them."""
    prog = p.programs[program]
    largest = max(len(g.members) for g in p.groups if g.program == program and g.house == house)
    sizes = {pool.capacity - 1 for pool in p.pools_for(prog, house)}
    return sorted((n for n in sizes if 2 <= n < largest), reverse=True)[:SMALLER]


def _candidates(g: Grouped) -> list[Candidate]:
    """What to re-partition: each (program, house) that lost sessions, allowing a spare group
    more, then in smaller groups that smaller rooms hold; then, with as few groups as fit, the
    group programs of that house that compete with it for its facilitators (fewer groups free
    their hours)."""
    p = g.problem
    out: list[Candidate] = []
    for program, house in short(p, g.assignment):
        out.append((program, house, False, 0))
        out += [(program, house, False, n) for n in _limits(p, program, house)]
        leaders = set(p.programs[program].qualified)
        for other in p.programs:
            rival = not other.one_each and not other.on_call and other.index != program
            if rival and leaders & set(other.qualified):
                out.append((other.index, house, True, 0))
    return list(dict.fromkeys(out))


def _proposal(
    p: Problem,
    a: Assignment,
    program: int,
    house: int | None,
    fewest: bool = False,
    limit: int = 0,
) -> list[list[int]] | None:
    """A new partition of the program's residents in ``house`` around the time they have left:
    with up to two spare groups more than now, or (``fewest``) none; with ``limit``, of groups
    of at most that many, at the times a room that holds such a group is free."""
    prog = p.programs[program]
    groups = [g for g in p.groups if g.program == program and g.house == house]
    if not groups:
        return None
    starts = _left(p, a, program, house, limit + 1 if limit else 0)
    members = sorted(starts)
    needed = sum(not g.optional for g in groups)
    if limit:
        needed = max(needed, -(-len(members) // limit))
    grouping = p.scenario.grouping
    index = {r.id: r.index for r in p.residents}
    together = [[index[i] for i in ids if i in index] for ids in grouping.together]
    apart = [[index[i] for i in ids if i in index] for ids in grouping.apart]
    span = prog.period_weeks * p.clock.week_slots
    return by_model(members, starts, max(1, needed), limit or groups[0].max_size, together,
                    apart, span, days_needed(prog), p.clock.slots_per_day,
                    extra=0 if fewest else max(0, len(groups) - needed) + 2,
                    hint=[list(g.members) for g in groups])  # fmt: skip


def _seed(old: Problem, a: Assignment, new: Problem, changed: int) -> Assignment:
    """``a``'s bookings in ``new``'s indices, for whole series of programs other than
    ``changed`` that ``a`` placed completely."""
    by_key = {(new.series[o.series].id, o.period): o.index for o in new.occurrences}
    series_index = {s.id: s.index for s in new.series}
    out = Assignment()
    for s in old.series:
        if s.program == changed or s.id not in series_index:
            continue
        if not all(o in a.sessions for o in s.occurrences):
            continue
        for o in s.occurrences:
            target = by_key.get((s.id, old.occurrences[o].period))
            if target is not None:
                out.sessions[target] = a.sessions[o]
        if s.index in a.templates:
            out.templates[series_index[s.id]] = a.templates[s.index]
    return out


def regroup(start: Grouped, deadline: float) -> Grouped:
    """Rounds of two moves until nothing is left out, ``MAX_ROUNDS`` pass, or ``deadline``
    (``time.monotonic()``) passes: build again with the sessions left out placed first (the
    more often left out, the earlier), then re-partition one program (and house) whose groups
    lost sessions. Each round goes on from the last, better or not; the best is returned."""
    best = current = start
    if start.problem.previous is not None:
        return best
    tried: set[tuple[object, ...]] = set()
    first: dict[str, int] = {}
    for _ in range(MAX_ROUNDS):
        if time.monotonic() > deadline:
            break
        for o in current.problem.occurrences:
            if o.index not in current.assignment.sessions:
                sid = current.problem.series[o.series].id
                first[sid] = first.get(sid, 0) + 1
        again = construct(current.problem, current.plans, first=first)
        current = Grouped(current.problem, current.plans, again)
        if current.unplaced < best.unplaced:
            best = current
        if not best.unplaced:
            break
        for program, house, fewest, limit in _candidates(current):
            if time.monotonic() > deadline:
                break
            groups = _proposal(current.problem, current.assignment, program, house, fewest,
                               limit)  # fmt: skip
            if groups is None:
                continue
            key = (program, house, frozenset(frozenset(g) for g in groups))
            if key in tried:
                continue
            tried.add(key)
            candidate = _rebuilt(current, program, house, groups, first)
            if candidate.unplaced < current.unplaced:
                current = candidate
                if current.unplaced < best.unplaced:
                    best = current
                break
        if not best.unplaced:
            break
    return best


def _rebuilt(
    best: Grouped, program: int, house: int | None, groups: list[list[int]], first: dict[str, int]
) -> Grouped:
    p = best.problem
    prog = p.programs[program]
    prefix = f"{p.houses[house]}-" if house is not None else ""
    house_of = {r.id: r.house for r in p.residents}
    keep = {
        key: ids
        for key, ids in partition_of(p).items()
        if not (key[0] == prog.id and house_of[ids[0]] == house)
    }
    for i, g in enumerate(groups):
        keep[(prog.id, prefix + group_letter(i))] = tuple(p.residents[r].id for r in g)
    new = build_problem(p.scenario, keep)
    plans = plan_all(new)
    seed = _seed(p, best.assignment, new, program)
    return Grouped(new, plans, construct(new, plans, seed, first))
