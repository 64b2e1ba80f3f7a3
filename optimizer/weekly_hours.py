"""check: weekly hour limits against the hours only one person can give.

For a staff member ``s`` with a ``max_hours_per_week`` and a weekly program ``P`` they can
lead, the other people who can lead ``P`` can give it at most their own weekly limit or their
usable time for it that week (available, a room free, whole sessions), whichever is less. What
is left of ``P``'s demand must be led by ``s``. Summed over ``s``'s programs this is a lower
bound on ``s``'s week; above their limit, some sessions cannot be placed. It is exact enough to
name the person, the hours missing and the fix ("raise rivera's max_hours_per_week to at least
4.5"), and cheap: one pass over staff, weekly programs and weeks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .findings import Finding, hours, names, room_mask, usable, who
from .problem import Problem, ProgramInfo, StaffInfo
from .timetable import Timetable


@dataclass(frozen=True)
class _Demand:
    """One weekly program in one house: slots a week, and who can lead it."""

    prog: ProgramInfo
    house: int | None
    slots: int
    staff: tuple[StaffInfo, ...]


def _demands(p: Problem) -> list[_Demand]:
    out = []
    for prog in p.programs:
        if prog.on_call or prog.period_weeks != 1 or not prog.qualified:
            continue
        houses = sorted({g.house for g in p.groups if g.program == prog.index}, key=str)
        for house in houses:
            groups = [g for g in p.groups if g.program == prog.index and g.house == house]
            slots = sum(not g.optional for g in groups) * prog.times * prog.duration
            if slots:
                out.append(_Demand(prog, house, slots, tuple(p.staff_candidates(prog, house))))
    return out


def _supply(p: Problem, d: _Demand, st: StaffInfo, week: int) -> int:
    """The most ``st`` can give ``d`` in ``week``: usable time, capped by their weekly limit."""
    days = slice(week * 7, week * 7 + 7)
    rooms = room_mask(p, d.prog, d.house, 2)
    slots = int(usable((st.available & rooms)[days], d.prog.duration).sum())
    slots -= slots % d.prog.duration  # whole sessions only
    if st.max_slots_per_week is not None:
        slots = min(slots, st.max_slots_per_week)
    return slots


def forced_hours(p: Problem) -> list[Finding]:
    findings = []
    demands = _demands(p)
    weeks = p.clock.days // 7
    for st in p.staff:
        cap = st.max_slots_per_week
        mine = [d for d in demands if st in d.staff]
        if cap is None or not mine:
            continue
        for week in range(weeks):
            forced = []
            for d in mine:
                others = [o for o in d.staff if o.index != st.index]
                given = sum(_supply(p, d, o, week) for o in others)
                if d.slots > given:
                    forced.append((d, d.slots - given, others, given))
            total = sum(f[1] for f in forced)
            if total > cap:
                findings.append(_finding(p, st, week, weeks, forced, total))
                break  # the first week is enough to act on
    return findings


def _finding(
    p: Problem,
    st: StaffInfo,
    week: int,
    weeks: int,
    forced: list[tuple[_Demand, int, list[StaffInfo], int]],
    total: int,
) -> Finding:
    slot = p.clock.slot_minutes
    assert st.max_slots_per_week is not None
    cap = st.max_slots_per_week
    parts = []
    for d, need, others, given in forced:
        roles = " + ".join(sorted(d.prog.roles))
        head = f"{d.prog.label} needs {hours(d.slots, slot)} a week from staff with roles {roles}"
        if not others:
            parts.append(f"{head}, and only {st.id} has them")
        else:
            parts.append(
                f"{head}; the others who can lead it ({names([o.id for o in others])}) can give "
                f"at most {hours(given, slot)}, so {hours(need, slot)} falls to {st.id}"
            )
    first_day = p.clock.date_of(week * p.clock.week_slots)
    when = "a week" if weeks == 1 else f"in the week of {first_day}"
    limit = f"{total * slot / 60:.2f}".rstrip("0").rstrip(".")
    sole = [d for d, _, others, _ in forced if not others] or [forced[0][0]]
    return Finding(
        f"{who(st)} may lead at most {hours(cap, slot)} a week (max_hours_per_week) but must "
        f"lead at least {hours(total, slot)} {when}, {hours(total - cap, slot)} more: "
        + "; ".join(parts)
        + ".",
        True,
        sole[0].prog.id,
        (st.id,),
        fix=f"raise {st.id}'s max_hours_per_week to at least {limit}, or add a staff member who "
        f"can lead {names(sorted({d.prog.label for d, *_ in forced}))}.",
    )


def limits_used_up(p: Problem, o: int, timetable: Timetable) -> str:
    """Why an unplaced session's facilitators have no hours left, from the timetable: each
    one's hours in its least busy week against their limit, and the group waiting for it."""
    occ = p.occurrences[o]
    series = p.series[occ.series]
    group = p.groups[series.group]
    prog = p.programs[series.program]
    slot = p.clock.slot_minutes
    period = prog.periods[occ.period]
    counted = {x.id for x in p.scenario.programs if x.on_call_counts_toward_hours}
    led: dict[tuple[str, int], int] = defaultdict(int)  # (staff, week) -> minutes
    for b in timetable.bookings:
        for s in b.facilitators:
            led[(s, (b.date - p.clock.start).days // 7)] += b.end - b.start
    for sh in timetable.on_call:
        if sh.program in counted:
            led[(sh.staff, (sh.date - p.clock.start).days // 7)] += sh.end - sh.start
    need = prog.duration * slot
    parts = []
    for st in p.staff_candidates(prog, group.house):
        if st.max_slots_per_week is None:
            continue
        cap = st.max_slots_per_week * slot
        used = min(led[(st.id, w)] for w in range(period.first_week, period.end_week))
        short = used + need - cap
        if short > 0:
            parts.append(
                f"{st.id} already leads {hours(used / slot, slot)} of at most "
                f"{hours(cap / slot, slot)} a week and would need {hours(short / slot, slot)} "
                f"more (max_hours_per_week {(cap + short) / 60:g})"
            )
    when = f"between {p.clock.date_of(occ.lo)} and {p.clock.date_of(occ.hi - 1)}"
    text = f"its facilitators' weekly hour limits are used up {when}"
    return text + (": " + "; ".join(parts) if parts else "") + f" ({members(p, series.index)})"


def members(p: Problem, series: int) -> str:
    """Who waits for a series' sessions, by resident id (the manager's files use ids)."""
    group = p.groups[p.series[series].group]
    ids = [p.residents[r].id for r in (group.members or group.candidates)]
    if group.members is not None and len(ids) == 1:
        return f"for {ids[0]}"
    return f"group {group.name}: {names(ids, 8)}"
