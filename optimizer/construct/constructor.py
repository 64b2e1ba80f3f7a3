"""A complete first timetable without the solver, in a fraction of a second.

Series are placed one at a time, the most constrained first. For each, every candidate
facilitator, room pool and template offset is scored at once with numpy: the offset must be
free in every week where the template applies (weeks where a dated event blocks it are moved
afterwards, to the best free time of that week), and the score follows the scenario's goal
weights (on-call cover left, late evenings, staff wishes, days between a group's sessions, the
same facilitator for a group, fair load). The on-call rota is then filled block by block. The
result seeds the CP-SAT search as a complete hint; it breaks no hard rule by construction (the
validator checks it like any other timetable).

Longer than 400 lines: one builder whose steps share the same numpy arrays of what is taken.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from optimizer.construct.rota import greedy_rota
from optimizer.planning.problem import Problem
from optimizer.planning.templates import Masks, Plan, plan_all
from optimizer.rules.definitions import needs_different_days

BIG = 10**6


@dataclass(frozen=True)
class Placed:
    start: int
    staff: int
    pool: int


@dataclass
class Assignment:
    """Where each occurrence runs (missing: not placed), each series' template, the rota."""

    sessions: dict[int, Placed] = field(default_factory=dict)
    templates: dict[int, tuple[int, int, int]] = field(default_factory=dict)  # offset, st, pool
    on_call: dict[int, int] = field(default_factory=dict)  # block -> staff


def _free_starts(busy: NDArray[np.bool_], length: int) -> NDArray[np.bool_]:
    """Starts where ``length`` slots from there are all free (flat, over the horizon)."""
    out = np.zeros(len(busy), dtype=bool)
    c = np.concatenate([[0], np.cumsum(busy, dtype=np.int32)])
    n = len(busy) - length + 1
    if n > 0:
        out[:n] = (c[length:] - c[:n]) == 0
    return out


def _window_sum(values: NDArray[np.int32], length: int) -> NDArray[np.int64]:
    c = np.concatenate([[0], np.cumsum(values, dtype=np.int64)])
    out = np.zeros(len(values), dtype=np.int64)
    n = len(values) - length + 1
    if n > 0:
        out[:n] = c[length:] - c[:n]
    return out


def _slice(flat: NDArray, lo: int, span: int, fill: object) -> NDArray:
    out = np.full(span, fill, dtype=flat.dtype)
    part = flat[lo : lo + span]
    out[: len(part)] = part
    return out


class _Builder:
    def __init__(self, p: Problem, plans: list[Plan]):
        self.p = p
        self.plans = plans
        self.masks = Masks(p)
        h = p.clock.horizon
        self.staff_busy = {s.index: np.zeros(h, dtype=bool) for s in p.staff}
        self.pool_used = {pl.index: np.zeros(h, dtype=np.int32) for pl in p.pools}
        self.res_busy = {r.index: np.zeros(h, dtype=bool) for r in p.residents}
        self.load: dict[tuple[int, int], int] = defaultdict(int)  # (staff, week) -> slots
        self.days: dict[tuple[int, int], set[int]] = defaultdict(set)  # (group, period) -> days
        self.leaders: dict[int, set[int]] = defaultdict(set)  # group -> staff who led it
        self.booked: dict[int, int] = defaultdict(int)  # staff -> slots
        self.out = Assignment()
        on_call = [b for b in p.on_call_blocks]
        self.cover_staff = {s for b in on_call for s in b.candidates}
        self.cover_need = np.zeros(h, dtype=bool)
        for b in on_call:
            self.cover_need[b.start : b.end] = True
        self.cover_free = np.zeros(h, dtype=np.int32)
        for s in self.cover_staff:
            self.cover_free += p.staff[s].available.reshape(-1)
        self.goals = p.scenario.goals
        required = any(p.scenario.programs[x.index].cover for x in p.programs if x.on_call)
        # A slot of on-call cover left empty: a required cover weighs like demand.
        self.gap_weight = self.goals.on_call_cover if required else self.goals.on_call_gap
        spd = p.clock.slots_per_day
        limit = self.goals.late_evening_after // p.clock.slot_minutes
        self.slot_of_day = np.arange(h) % spd

        self.late_limit = limit
        self._memo: dict[tuple[object, ...], NDArray] = {}
        self.version = 0  # bumps when the on-call cover left changes
        self.pool_version: dict[int, int] = defaultdict(int)

    # -- scoring -------------------------------------------------------------------------------

    def _wishes(self, s: int, length: int) -> NDArray[np.int64]:
        key = ("wishes", s, length)
        if key not in self._memo:
            self._memo[key] = self._wishes_now(s, length)
        return self._memo[key]

    def _wishes_now(self, s: int, length: int) -> NDArray[np.int64]:
        st = self.p.staff[s]
        out = np.zeros(self.p.clock.horizon, dtype=np.int64)
        if st.avoids is not None:
            out += ~_free_starts(st.avoids.reshape(-1), length)
        if st.prefers is not None:
            ok = np.zeros(self.p.clock.horizon, dtype=bool)
            n = len(ok) - length + 1
            c = np.concatenate([[0], np.cumsum(st.prefers.reshape(-1), dtype=np.int32)])
            ok[:n] = (c[length:] - c[:n]) == length
            out += ~ok
        return out

    # -- placing ------------------------------------------------------------------------------

    def order(self, first: dict[str, int] | None = None) -> list[int]:
        """Series, the most constrained first; ``first`` (series id -> priority) goes before
        all others, the highest priority first."""
        p = self.p
        first = first or {}

        def key(s: int) -> tuple[int, float, int]:
            plan = self.plans[s]
            members = len(p.groups[p.series[s].group].members)
            room = int(plan.offsets.sum()) * max(1, len(plan.staff_ok))
            return (-first.get(p.series[s].id, 0), room / max(1, members * plan.duration), s)

        return sorted(range(len(p.series)), key=key)

    def keep_previous(self) -> None:
        """A re-plan: every previous booking that still fits stays where it was."""
        p = self.p
        if p.previous is None:
            return
        kept = {}
        for o, before in sorted(p.previous.bookings.items()):
            pool = next((pl.index for pl in p.pools if before.room in pl.rooms), None)
            if len(before.staff) == 1 and pool is not None:
                kept[o] = Placed(before.start, before.staff[0], pool)
        self.keep(kept)

    def close_the_past(self) -> None:
        """A re-plan: nothing new starts before ``--since`` (what happened is kept above)."""
        previous = self.p.previous
        if previous is not None and previous.since_slot:
            for busy in self.res_busy.values():
                busy[: previous.since_slot] = True

    def keep(
        self, kept: dict[int, Placed], templates: dict[int, tuple[int, int, int]] | None = None
    ) -> None:
        """Bookings to keep where they are, each where it still fits; ``templates`` their
        series' usual times (else the first kept occurrence's)."""
        p = self.p
        self.out.templates.update(templates or {})
        for o, before in sorted(kept.items()):
            occ = p.occurrences[o]
            series = p.series[occ.series]
            group = p.groups[series.group]
            dur = p.programs[series.program].duration
            pool = before.pool
            if before.start not in occ.starts:
                continue
            st = before.staff
            if st not in {x.index for x in p.staff_candidates(p.programs[series.program],
                                                              group.house)}:  # fmt: skip
                continue
            if pool not in {x.index for x in p.pool_candidates(group)}:
                continue
            t = before.start
            busy = any(self.res_busy[r][t : t + dur].any() for r in group.members)
            ok = (
                not busy
                and self.masks.starts("staff", st, dur)[t]
                and self.masks.starts("pool", pool, dur)[t]
                and _free_starts(self.staff_busy[st], dur)[t]
                and self._pool_free(pool, dur)[t]
            )
            if ok:
                self._book(o, t, st, pool)
                self.out.templates.setdefault(occ.series, (t - occ.lo, st, pool))

    def place_series(self, s: int) -> None:
        p, plan = self.p, self.plans[s]
        series = p.series[s]
        group = p.groups[series.group]
        occs = [p.occurrences[o] for o in series.occurrences if o not in self.out.sessions]
        if not occs:
            return
        if s in self.out.templates:  # kept from the previous timetable: the rest on their own
            for occ in occs:
                self._place_alone(occ.index, prefer=self.out.templates[s][1])
            return
        dur, span = plan.duration, plan.span
        spd, week = p.clock.slots_per_day, p.clock.week_slots
        members_busy = np.zeros(p.clock.horizon, dtype=bool)
        for r in group.members:
            members_busy |= self.res_busy[r]
        members_free = _free_starts(members_busy, dur)
        offsets_day = np.arange(span) // spd
        apart = needs_different_days(p.programs[series.program])
        base_ok = []
        for occ in occs:
            ok = _slice(members_free, occ.lo, span, False)
            taken = self.days.get((group.index, occ.period), set())
            if taken and apart:
                ok &= ~np.isin(occ.lo // spd + offsets_day, list(taken))
            base_ok.append(ok)
        risk = self._risk_all(dur)
        late = (self.slot_of_day + dur > self.late_limit).astype(np.int64)
        shared = self._spread_cost(group.index, series.program, occs, span) + np.arange(span) * 1e-6
        for occ in occs:
            shared += _slice(late, occ.lo, span, 0) * self.goals.late_evening
        weeks = p.clock.days // 7
        best: tuple[float, int, int, int] | None = None
        for st, st_ok in plan.staff_ok.items():
            cap = p.staff[st].max_slots_per_week
            staff_free = _free_starts(self.staff_busy[st], dur)
            wishes = self._wishes(st, dur)
            st_cost = shared.copy()
            if self.leaders[group.index] and st not in self.leaders[group.index]:
                st_cost += self.goals.same_facilitator
            st_cost += self.booked[st] * self.goals.fair_load * 0.01
            ok_st = []
            used = np.array([self.load[(st, w)] for w in range(weeks)]) if cap is not None else None
            for occ, ok in zip(occs, base_ok, strict=True):
                ok = ok & _slice(staff_free, occ.lo, span, False)
                if used is not None and cap is not None:
                    w = np.minimum((occ.lo + np.arange(span)) // week, weeks - 1)
                    ok &= used[w] + dur <= cap
                ok_st.append(ok)
                if st in self.cover_staff:
                    st_cost += _slice(risk, occ.lo, span, 0) * self.gap_weight
                st_cost += _slice(wishes, occ.lo, span, 0) * self.goals.staff_preferences
            for pl, pl_ok in plan.pool_ok.items():
                valid = st_ok & pl_ok
                if not valid.any():
                    continue
                pool_free = self._pool_free(pl, dur)
                cost = st_cost.copy()
                fits = np.zeros(span, dtype=np.int64)  # occurrences that can use each offset
                for occ, ok in zip(occs, ok_st, strict=True):
                    if occ.index not in plan.exceptions:
                        valid &= ok & _slice(pool_free, occ.lo, span, False)
                    ok = ok & _slice(pool_free, occ.lo, span, False)
                    blocked = plan.exceptions.get(occ.index)
                    if blocked is not None:
                        moved = blocked.group.copy()
                        if st in blocked.staff:
                            moved |= blocked.staff[st]
                        if pl in blocked.pools:
                            moved |= blocked.pools[pl]
                        ok |= moved
                        cost += moved * self.goals.same_time_every_week
                    fits += ok
                # Every week that nothing dated touches must keep the weekly time (a series
                # runs in all of them or in none, as in the model); of those times, the one
                # that the most weeks with a dated event can keep too.
                if not valid.any():
                    continue
                cost[~valid] = np.inf
                cost += (len(occs) - fits) * BIG
                t = int(np.argmin(cost))
                if fits[t] and (best is None or cost[t] < best[0]):
                    best = (float(cost[t]), t, st, pl)
        if best is None:
            return
        _, t, st, pl = best
        self.out.templates[s] = (t, st, pl)
        for occ in occs:
            blocked = plan.exceptions.get(occ.index)
            if blocked is not None:
                at = bool(blocked.group[t])
                at = at or (st in blocked.staff and bool(blocked.staff[st][t]))
                at = at or (pl in blocked.pools and bool(blocked.pools[pl][t]))
                if at:
                    self._place_alone(occ.index, prefer=st)
                    continue
            if self._free_at(occ.index, occ.lo + t, st, pl):
                self._book(occ.index, occ.lo + t, st, pl)

    def _free_at(self, o: int, t: int, st: int, pl: int) -> bool:
        """Whether occurrence ``o`` can start at ``t`` with ``st`` in pool ``pl`` now."""
        p = self.p
        occ = p.occurrences[o]
        series = p.series[occ.series]
        dur = p.programs[series.program].duration
        span = slice(t, t + dur)
        cap = p.staff[st].max_slots_per_week
        if t not in occ.starts:  # outside the home's or the group's time at all
            return False
        if any(self.res_busy[r][span].any() for r in p.groups[series.group].members):
            return False
        if self.staff_busy[st][span].any() or not self.masks.starts("staff", st, dur)[t]:
            return False
        if cap is not None and self.load[(st, t // p.clock.week_slots)] + dur > cap:
            return False
        taken = self.days.get((series.group, occ.period), set())
        if needs_different_days(p.programs[series.program]) and t // p.clock.slots_per_day in taken:
            return False
        return bool(self._pool_free(pl, dur)[t] and self.masks.starts("pool", pl, dur)[t])

    def _risk_all(self, length: int) -> NDArray[np.int64]:
        """Per start: on-call slots that would be left with no one if a qualified staff member
        (free then) led a session."""
        key = ("risk", length, self.version)
        if key not in self._memo:
            risky = (self.cover_need & (self.cover_free <= 1)).astype(np.int32)
            self._memo[key] = _window_sum(risky, length)
        return self._memo[key]

    def _pool_free(self, pl: int, length: int) -> NDArray[np.bool_]:
        key = ("pool", pl, length, self.pool_version[pl])
        if key not in self._memo:
            size = len(self.p.pools[pl].rooms)
            self._memo[key] = _free_starts(self.pool_used[pl] >= size, length)
        return self._memo[key]

    def _spread_cost(self, g: int, program: int, occs: list, span: int) -> NDArray[np.float64]:
        """Penalty per offset for falling closer than the target to the group's other sessions."""
        p = self.p
        spd = p.clock.slots_per_day
        target = p.spread_target(program)
        out = np.zeros(span, dtype=np.float64)
        if target <= 1:
            return out
        offsets_day = np.arange(span) // spd
        for occ in occs:
            for d in self.days.get((g, occ.period), set()):
                out += np.abs(occ.lo // spd + offsets_day - d) < target
        return out * self.goals.spread_days

    def _place_alone(self, o: int, prefer: int | None = None) -> None:
        """An occurrence away from its template: the best free time of its own period."""
        p = self.p
        occ = p.occurrences[o]
        if not occ.starts:
            return
        series = p.series[occ.series]
        group = p.groups[series.group]
        prog = p.programs[series.program]
        dur = prog.duration
        spd = p.clock.slots_per_day
        starts = np.asarray(occ.starts, dtype=np.int64)
        members_busy = np.zeros(p.clock.horizon, dtype=bool)
        for r in group.members:
            members_busy |= self.res_busy[r]
        ok = _free_starts(members_busy, dur)[starts]
        taken = self.days.get((group.index, occ.period), set())
        if taken and needs_different_days(prog):
            ok &= ~np.isin(starts // spd, list(taken))
        best: tuple[float, int, int, int] | None = None
        for st in p.staff_candidates(prog, group.house):
            cap = st.max_slots_per_week
            st_ok = ok & self.masks.starts("staff", st.index, dur)[starts]
            st_ok &= _free_starts(self.staff_busy[st.index], dur)[starts]
            if cap is not None:
                weeks = starts // p.clock.week_slots
                st_ok &= np.array([self.load[(st.index, int(w))] + dur <= cap for w in weeks])
            if not st_ok.any():
                continue
            for pool in p.pool_candidates(group):
                good = st_ok & self.masks.starts("pool", pool.index, dur)[starts]
                good &= self._pool_free(pool.index, dur)[starts]
                if not good.any():
                    continue
                risk = self._risk_all(dur)[starts] if st.index in self.cover_staff else 0
                cost = risk * self.gap_weight + (
                    0 if st.index == prefer else self.goals.same_facilitator
                )
                cost = np.where(good, cost + np.arange(len(starts)) * 1e-6, np.inf)
                i = int(np.argmin(cost))
                if best is None or cost[i] < best[0]:
                    best = (float(cost[i]), int(starts[i]), st.index, pool.index)
        if best is not None:
            self._book(o, best[1], best[2], best[3])

    def _book(self, o: int, start: int, st: int, pl: int) -> None:
        p = self.p
        occ = p.occurrences[o]
        series = p.series[occ.series]
        group = p.groups[series.group]
        dur = p.programs[series.program].duration
        span = slice(start, start + dur)
        self.staff_busy[st][span] = True
        self.pool_used[pl][span] += 1
        self.pool_version[pl] += 1
        for r in group.members:
            self.res_busy[r][span] = True
        self.load[(st, start // p.clock.week_slots)] += dur
        self.booked[st] += dur
        self.days[(group.index, occ.period)].add(start // p.clock.slots_per_day)
        self.leaders[group.index].add(st)
        if st in self.cover_staff:
            avail = p.staff[st].available.reshape(-1)[span]
            self.cover_free[span] -= avail.astype(np.int32)
            self.version += 1
        self.out.sessions[o] = Placed(start, st, pl)


def construct(
    p: Problem,
    plans: list[Plan] | None = None,
    seed: Assignment | None = None,
    first: dict[str, int] | None = None,
) -> Assignment:
    """A complete (where the greedy order allows) timetable; see the module docstring.
    ``seed``: an earlier timetable of the same home (its occurrences and templates in this
    problem's indices) whose bookings are kept where they still fit. ``first``: series (by id)
    to place before the others, the highest number first (sessions an earlier try left out)."""
    b = _Builder(p, plans if plans is not None else plan_all(p))
    b.keep_previous()
    b.close_the_past()
    if seed is not None:
        b.keep(seed.sessions, seed.templates)
    for s in b.order(first):
        b.place_series(s)
    busy = {s: set(np.flatnonzero(x).tolist()) for s, x in b.staff_busy.items() if x.any()}
    b.out.on_call = greedy_rota(p, busy, dict(b.load))
    return b.out
