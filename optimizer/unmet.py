"""Why sessions a solve left out could not be placed, in sentences: a blocking ``check``
finding for their program, the one cause an occurrence has, or a set of sessions that cannot
all fit (from the placement model's assumptions)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

from .diagnose import check_capacity, explain_occurrence
from .findings import Finding
from .findings import names as _names
from .problem import Problem
from .timetable import Timetable, Unmet
from .weekly_hours import limits_used_up, members

# --- after a solve --------------------------------------------------------------------------


def explain_unmet(p: Problem, timetable: Timetable) -> list[Unmet]:
    """Fill in the reason of every unmet session."""
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
    core: list[int] | None = None
    for u in timetable.unmet:
        series = series_by_id[u.session]
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
            # No single cause: ask the model for a set of sessions that cannot all fit.
            if core is None:
                core = conflicting_sessions(p) or []
            if occ.index in core:
                reason = explain_conflict(p, core) + "; " + _competition(p, occ.index, timetable)
            else:
                reason = _competition(p, occ.index, timetable)
        out.append(replace(u, reason=reason))
    return out


def _period_text(p: Problem, o: int) -> str:
    occ = p.occurrences[o]
    return f"{p.clock.date_of(occ.lo)}..{p.clock.date_of(occ.hi - 1)}"


def _competition(p: Problem, o: int, timetable: Timetable) -> str:
    """Every possible start is taken: say by what, counting the blockers over all starts."""
    occ = p.occurrences[o]
    series = p.series[occ.series]
    group = p.groups[series.group]
    prog = p.programs[series.program]
    slot = p.clock.slot_minutes
    busy_staff: dict[str, list[tuple[int, int]]] = defaultdict(list)
    busy_room: dict[str, list[tuple[int, int]]] = defaultdict(list)
    busy_res: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for b in timetable.bookings:
        a = p.clock.slot_of(b.date, b.start)
        span = (a, a + (b.end - b.start) // slot)
        for s in b.facilitators:
            busy_staff[s].append(span)
        busy_room[b.room].append(span)
        for r in b.residents:
            busy_res[r].append(span)
    for sh in timetable.on_call:
        a = p.clock.slot_of(sh.date, sh.start)
        busy_staff[sh.staff].append((a, a + (sh.end - sh.start) // slot))

    def clash(spans: list[tuple[int, int]], a: int, b: int) -> bool:
        return any(x < b and a < y for x, y in spans)

    staff = p.staff_candidates(prog, group.house)
    rooms = [r for r in p.room_candidates(prog, group.house)]
    members = [p.residents[r].id for r in (group.members or ())]
    counts: Counter[str] = Counter()
    for start in occ.starts:
        end = start + prog.duration
        if all(clash(busy_staff[s.id], start, end) for s in staff):
            counts["staff"] += 1
        elif all(clash(busy_room[r.id], start, end) for r in rooms):
            counts["rooms"] += 1
        elif any(clash(busy_res[m], start, end) for m in members):
            counts["residents"] += 1
        else:
            counts["hours"] += 1
    when = f"between {p.clock.date_of(occ.lo)} and {p.clock.date_of(occ.hi - 1)}"
    if not counts:
        return f"no time {when} suits everyone involved"
    top = counts.most_common(1)[0][0]
    return {
        "staff": f"at every time it could run {when}, everyone who can lead it "
        f"({_names([s.label for s in staff])}) is already leading another session or on call; "
        "more staff hours would let it fit",
        "rooms": f"at every time it could run {when}, every suitable room "
        f"({_names([r.label for r in rooms])}) is taken; another room would let it fit",
        "residents": f"at every time it could run {when}, its residents are in other sessions; "
        "their week is too full",
        "hours": limits_used_up(p, o, timetable),
    }[top]


# --- from the model: a set of sessions that cannot all be placed ----------------------------


def conflicting_sessions(p: Problem, time_limit: float = 10.0) -> list[int] | None:
    """A small set of occurrences that cannot all be placed together, from the placement model
    with one assumption literal per occurrence ("this one is placed"): CP-SAT returns the
    assumptions that suffice for infeasibility. None when all fit or no answer in time."""
    from ortools.sat.python import cp_model

    from .model.builder import build_model

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
