"""Why sessions a solve left out could not be placed, in sentences: a blocking ``check``
finding for their program, the one cause an occurrence has, what blocks it in the timetable
(a cause is named alone only when relaxing it alone would let the session in), or a set of
sessions that cannot all fit (from the placement model's assumptions). The solve's last step,
on its time budget (:func:`optimizer.search.solve.solve`)."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

import numpy as np

from optimizer.findings.diagnose import check_capacity, explain_occurrence
from optimizer.findings.finding import Finding
from optimizer.findings.finding import names as _names
from optimizer.findings.weekly_hours import limits_used_up, members
from optimizer.planning.problem import Problem
from optimizer.rules.definitions import needs_different_days
from optimizer.timetable import Timetable, Unmet

# --- after a solve --------------------------------------------------------------------------


def explain_unmet(p: Problem, timetable: Timetable, deadline: float | None = None) -> list[Unmet]:
    """Every unmet session row with its reason: a blocking ``check`` finding for its program,
    the one cause that leaves the occurrence no start at all, or what blocks it in this
    timetable (:func:`blockers`). Where no single thing does, a set of sessions that cannot
    all fit is asked of the placement model, if ``deadline`` (``time.monotonic()``) leaves
    time for it. On-call rows keep the reason they have."""
    blocking: dict[str, Finding] = {}
    findings = [f for f in check_capacity(p) if f.blocking]
    for f in findings:
        if f.program and f.program not in blocking:
            blocking[f.program] = f
    for f in findings:  # demand of several programs that cannot all be met, when nothing else
        for program in () if f.program else f.programs:
            blocking.setdefault(program, f)
    out = []
    series_by_id = {s.id: s for s in p.series}
    busy = _Busy(p, timetable)
    core: list[int] | None = None
    for u in timetable.unmet:
        series = series_by_id.get(u.session)
        if u.on_call or series is None:
            out.append(u)
            continue
        if u.program in blocking:
            reason = f"{blocking[u.program].sentence()} ({members(p, series.index)})"
            out.append(replace(u, reason=reason))
            continue
        occ = next(
            (p.occurrences[o] for o in series.occurrences if _period_text(p, o) == u.period),
            p.occurrences[series.occurrences[0]],
        )
        reason = explain_occurrence(p, occ.index)
        if not reason:
            reason = blockers(p, occ.index, busy, timetable)
            left = None if deadline is None else deadline - time.monotonic()
            if left is None or left > 1.0:  # the sessions it competes with, if time allows
                if core is None:
                    core = conflicting_sessions(p, 10.0 if left is None else left) or []
                if occ.index in core:
                    reason = explain_conflict(p, core) + "; " + reason
        out.append(replace(u, reason=reason))
    return out


def _period_text(p: Problem, o: int) -> str:
    occ = p.occurrences[o]
    return f"{p.clock.date_of(occ.lo)}..{p.clock.date_of(occ.hi - 1)}"


class _Busy:
    """Per staff member, room and resident: the slots the timetable books them; per staff
    member and week, the minutes counted against their weekly limit."""

    def __init__(self, p: Problem, timetable: Timetable):
        h, slot = p.clock.horizon, p.clock.slot_minutes
        self.staff = {s.id: np.zeros(h, dtype=bool) for s in p.staff}
        self.room = {r.id: np.zeros(h, dtype=bool) for r in p.rooms}
        self.resident = {r.id: np.zeros(h, dtype=bool) for r in p.residents}
        self.minutes: Counter[tuple[str, int]] = Counter()
        self.days: dict[tuple[str, int], set[int]] = defaultdict(set)  # (group, week) -> days
        counted = {x.id for x in p.scenario.programs if x.on_call_counts_toward_hours}
        for b in timetable.bookings:
            a = p.clock.slot_of(b.date, b.start)
            span = slice(a, a + (b.end - b.start) // slot)
            week = (b.date - p.clock.start).days // 7
            for s in b.facilitators:
                self.staff[s][span] = True
                self.minutes[(s, week)] += b.end - b.start
            self.room[b.room][span] = True
            for r in b.residents:
                self.resident[r][span] = True
            self.days[(b.session.rsplit("/", 1)[0], week)].add(a // p.clock.slots_per_day)
        for sh in timetable.on_call:
            a = p.clock.slot_of(sh.date, sh.start)
            self.staff[sh.staff][a : a + (sh.end - sh.start) // slot] = True
            if sh.program in counted:
                self.minutes[(sh.staff, (sh.date - p.clock.start).days // 7)] += sh.end - sh.start


# What stands in the way at one start time, each a rule the session would have to break.
_STAFF, _HOURS, _ROOM, _PEOPLE, _DAY = "staff", "hours", "room", "residents", "day"


def blockers(p: Problem, o: int, busy: _Busy, timetable: Timetable) -> str:
    """What keeps occurrence ``o`` out of the timetable as it stands. At each start the
    occurrence may use, the rules it would break are listed; a rule is named as *the* cause
    only when relaxing it alone, for this session alone, opens a start (everything else
    kept). Otherwise the causes that clash at the same times are named."""
    occ = p.occurrences[o]
    series = p.series[occ.series]
    group = p.groups[series.group]
    prog = p.programs[series.program]
    dur, slot = prog.duration, p.clock.slot_minutes
    staff = p.staff_candidates(prog, group.house)
    size = len(group.members) + 1
    rooms = [r for r in p.room_candidates(prog, group.house) if r.capacity >= size]
    member_ids = [p.residents[r].id for r in group.members]
    group_key = series.id.rsplit("/", 1)[0]
    alone: Counter[str] = Counter()
    pairs: Counter[tuple[str, ...]] = Counter()
    clear = 0
    in_the_way: Counter[str] = Counter()
    for t in occ.starts:
        span = slice(t, t + dur)
        week = t // p.clock.week_slots
        free = [s for s in staff if not busy.staff[s.id][span].any()]
        within = [
            s
            for s in staff
            if s.max_slots_per_week is None
            or busy.minutes[(s.id, week)] + dur * slot <= s.max_slots_per_week * slot
        ]
        avail = {s.index for s in staff if s.available.reshape(-1)[span].all()}
        broken = set()
        if not any(s.index in avail for s in free):
            broken.add(_STAFF)
        if not any(s.index in avail for s in within):
            broken.add(_HOURS)
        if not broken and not any(s in within and s.index in avail for s in free):
            broken.add(_STAFF)  # the free ones have no hours left, and the reverse
        if not any(r.available.reshape(-1)[span].all() and not busy.room[r.id][span].any()
                   for r in rooms):  # fmt: skip
            broken.add(_ROOM)
        taken = [m for m in member_ids if busy.resident[m][span].any()]
        if taken:
            broken.add(_PEOPLE)
            in_the_way.update(taken)
        same_day = t // p.clock.slots_per_day in busy.days.get((group_key, week), set())
        if same_day and needs_different_days(prog) and prog.period_weeks == 1:
            broken.add(_DAY)
        if not broken:
            clear += 1
        elif len(broken) == 1:
            alone[next(iter(broken))] += 1
        else:
            pairs[tuple(sorted(broken))] += 1
    when = f"between {p.clock.date_of(occ.lo)} and {p.clock.date_of(occ.hi - 1)}"
    if clear:
        return (
            f"it could run {when} on its own, but its weekly time must be the same in every "
            "week that nothing dated changes, and no one time is free in all of them "
            f"({members(p, series.index)})"
        )
    if alone:
        named = [k for k, _ in alone.most_common()]
        return "; or ".join(_words(k, p, o, staff, rooms, in_the_way, timetable, when)
                            for k in named[:2])  # fmt: skip
    if not pairs:
        return f"no time {when} suits everyone involved ({members(p, series.index)})"
    top = pairs.most_common(1)[0][0]
    return (
        f"at every time it could run {when}, two or more things are in the way at once: "
        + " and ".join(_SHORT[k] for k in top)
        + f" ({members(p, series.index)})"
    )


_SHORT = {
    _STAFF: "everyone who can lead it is busy",
    _HOURS: "its facilitators' weekly hours are used up",
    _ROOM: "every suitable room is taken",
    _PEOPLE: "its residents are in other sessions",
    _DAY: "its group already meets that day",
}


def _words(
    kind: str,
    p: Problem,
    o: int,
    staff: list[Any],
    rooms: list[Any],
    in_the_way: Counter[str],
    timetable: Timetable,
    when: str,
) -> str:
    series = p.series[p.occurrences[o].series]
    who = members(p, series.index)
    if kind == _HOURS:
        return limits_used_up(p, o, timetable)
    if kind == _STAFF:
        return (
            f"at the times it could run {when}, everyone who can lead it "
            f"({_names([s.label for s in staff])}) is leading another session or on call then; "
            f"an hour more of their time would let it fit ({who})"
        )
    if kind == _ROOM:
        return (
            f"at the times it could run {when}, every suitable room "
            f"({_names([r.label for r in rooms])}) is taken; another room would let it fit ({who})"
        )
    if kind == _DAY:
        return (
            f"its group already meets on each day it could use {when}, and a group's sessions "
            f"of one week fall on different days ({who})"
        )
    busiest = [r for r, _ in in_the_way.most_common(4)]
    return (
        f"at the times it could run {when}, {_names(busiest)} "
        f"{'is' if len(busiest) == 1 else 'are'} in other sessions; their week is too full "
        f"({who})"
    )


# --- from the model: a set of sessions that cannot all be placed ----------------------------


def conflicting_sessions(p: Problem, time_limit: float = 10.0) -> list[int] | None:
    """A small set of occurrences that cannot all be placed together, from the placement model
    with one assumption literal per occurrence ("this one is placed"): CP-SAT returns the
    assumptions that suffice for infeasibility. None when all fit or no answer in time."""
    from ortools.sat.python import cp_model

    from optimizer.model.builder import build_model

    ctx = build_model(p, placement=True)
    m, v = ctx.model, ctx.vars
    demand = {}
    for occ in p.occurrences:
        group = p.groups[p.series[occ.series].group]
        if group.optional:
            continue
        lit = m.new_bool_var(f"demand[{occ.index}]")
        m.add_implication(lit, v.placed[occ.index])
        demand[lit.index] = occ.index
    m.clear_objective()
    m.add_assumptions([m.get_bool_var_from_proto_index(i) for i in demand])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # assumptions cores need a single worker
    solver.parameters.max_time_in_seconds = time_limit
    if solver.solve(m) != cp_model.INFEASIBLE:
        return None
    return sorted(demand[i] for i in solver.sufficient_assumptions_for_infeasibility())


def explain_conflict(p: Problem, core: list[int]) -> str:
    """What the sessions of a conflicting set share: the people and rooms they compete for."""
    sessions = sorted({p.series[p.occurrences[o].series].id for o in core})
    staff_sets = []
    people: Counter[str] = Counter()
    for o in core:
        occ = p.occurrences[o]
        group = p.groups[p.series[occ.series].group]
        prog = p.programs[group.program]
        staff_sets.append({s.id for s in p.staff_candidates(prog, group.house)})
        for r in group.members or group.candidates:
            people[p.residents[r].id] += 1
    shared_staff = sorted(set.intersection(*staff_sets)) if staff_sets else []
    shared_people = sorted(r for r, n in people.items() if n > 1)
    parts = []
    if shared_staff:
        parts.append(f"all need {_names(shared_staff)}")
    if shared_people:
        parts.append(f"share residents {_names(shared_people)}")
    what = "; they " + " and ".join(parts) if parts else ""
    first = p.clock.date_of(min(p.occurrences[o].lo for o in core))
    last = p.clock.date_of(max(p.occurrences[o].hi for o in core) - 1)
    return (
        f"these {len(sessions)} sessions cannot all fit between {first} and {last}: "
        f"{_names(sessions, 6)}{what}"
    )
