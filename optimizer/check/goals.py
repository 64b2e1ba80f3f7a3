"""The score card, recomputed from a timetable without the solver.

Each soft goal is counted here from the timetable's rows (dates, minutes, ids), the way a
person would count it, and weighted by ``scenario.goals``: one function per goal in
:data:`COUNTS`, keyed by its id in :mod:`optimizer.rules.catalogue`. The solver minimises the same
counts; tests check that both agree. Each goal also names its worst offenders in words.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable

from optimizer.check.card import Card, GoalScore
from optimizer.check.changes import replan_change
from optimizer.check.groups import moves, period_start, series, usual_times
from optimizer.check.on_call import cover_short_slots
from optimizer.check.results import ValidationReport
from optimizer.check.text import group_of
from optimizer.check.view import View
from optimizer.check.waits import resident_waits, split_shifts
from optimizer.planning.grouping import fewest_groups
from optimizer.rules.catalogue import GOALS
from optimizer.scenario.phrases import DAY_NAMES, format_minutes
from optimizer.scenario.schema import Scenario
from optimizer.timetable import Booking, Timetable


def _when(d: dt.date, start: int, end: int) -> str:
    return f"{DAY_NAMES[d.weekday()]} {d} {format_minutes(start)}-{format_minutes(end)}"


# -- demand and on-call --


def unplaced_session(c: Card, g: GoalScore) -> None:
    for sf in c.report.shortfalls:
        g.count += sf.expected - sf.found
        g.offenders.append(
            f"{sf.resident}: {sf.program} {sf.found} of {sf.expected} times "
            f"({sf.period_start}..{sf.period_end})"
        )


def on_call_gap(c: Card, g: GoalScore) -> None:
    for cov in c.report.coverage:
        g.count += (cov.open_minutes - cov.covered_minutes) // c.view.slot
        longest = sorted(cov.uncovered, key=lambda u: u[1] - u[2])
        g.offenders += [f"{cov.program}: no one on call {_when(*u)}" for u in longest]


def on_call_handover(c: Card, g: GoalScore) -> None:
    shifts = c.view.shifts
    for sh in shifts:
        if any(a <= sh.end < b for a, b in c.view.open_on(sh.date)):
            nxt = [
                o
                for o in shifts
                if o.date == sh.date and o.start == sh.end and o.program == sh.program
            ]
            if not nxt or nxt[0].staff != sh.staff:
                g.count += 1
                g.offenders.append(f"{sh.staff} hands over at {sh.date} {format_minutes(sh.end)}")


# -- the shape of the week --


def same_time_every_week(c: Card, g: GoalScore) -> None:
    for name, items in series(c.view).items():
        usual, at = usual_times(c.view, items)
        for _b, on, start, end, why in moves(c.view, items, usual[0], at[usual[0]]):
            g.count += 1
            g.offenders.append(
                f"{name} moved from {_when(on, start, end)} to "
                f"{_when(_b.date, _b.start, _b.end)}: {why}"
            )


def _open_days(v: View) -> int:
    return len({d.weekday() for d in v.days() if v.open_on(d)})


def spread_days(c: Card, g: GoalScore) -> None:
    v = c.view
    open_days = _open_days(v)
    by_group: dict[tuple[str, dt.date], list[Booking]] = defaultdict(list)
    for b in v.bookings:
        if b.program in v.programs:
            by_group[(group_of(b.session), period_start(v, b))].append(b)
    for (group, _), items in sorted(by_group.items()):
        freq = v.programs[items[0].program].frequency
        target = max(1, open_days * freq.period_weeks // max(1, freq.times))
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if abs((a.date - b.date).days) < target:
                    g.count += 1
                    g.offenders.append(f"{group}: {a.date} and {b.date}")


def same_facilitator(c: Card, g: GoalScore) -> None:
    by_group: dict[str, set[str]] = defaultdict(set)
    for b in c.view.bookings:
        by_group[group_of(b.session)].update(b.facilitators)
    for group, staff in sorted(by_group.items()):
        if len(staff) > 1:
            g.count += len(staff) - 1
            g.offenders.append(f"{group}: led by {', '.join(sorted(staff))}")


def extra_group(c: Card, g: GoalScore) -> None:
    v = c.view
    houses = {r.id: r.house for r in v.scenario.residents}
    groups: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for b in v.bookings:
        prog = v.programs[b.program]
        if not prog.attendees.one_each and b.residents:
            groups[(b.program, houses.get(b.residents[0]))].add(group_of(b.session))
    for (program, house), used in sorted(groups.items(), key=str):
        n = sum(1 for r in v.attendees[program] if houses.get(r) == house)
        prog = v.programs[program]
        rooms = [
            r.capacity
            for r in v.scenario.rooms
            if set(prog.room) <= set(r.features) and (house is None or r.house == house)
        ]
        extra = len(used) - max(1, fewest_groups(prog.max_group_size, n, rooms))
        if extra > 0:
            g.count += extra
            g.offenders.append(f"{program}: {len(used)} groups for {n} residents")


def late_evening(c: Card, g: GoalScore) -> None:
    for b in c.view.bookings:
        if b.end > c.view.scenario.goals.late_evening_after:
            g.count += 1
            g.offenders.append(f"{b.session} ends {format_minutes(b.end)} on {b.date}")


def staff_preferences(c: Card, g: GoalScore) -> None:
    v, s = c.view, c.view.slot
    for b in v.bookings:
        for sid in b.facilitators:
            st = v.staff.get(sid)
            if st is None:
                continue
            if st.avoids and any(
                w.start // s * s < b.end and b.start < -(-w.end // s) * s
                for w in st.avoids
                if w.applies_on(b.date)
            ):
                g.count += 1
                when = _when(b.date, b.start, b.end)
                g.offenders.append(f"{sid} leads {b.session} {when}, a time they avoid")
            if st.prefers and not any(
                a <= b.start and b.end <= e for a, e in v.shrunk(st.prefers, b.date)
            ):
                g.count += 1
                when = _when(b.date, b.start, b.end)
                g.offenders.append(f"{sid} leads {b.session} {when}, outside preferred times")


def resident_daily_load(c: Card, g: GoalScore) -> None:
    cap = c.view.scenario.goals.max_sessions_per_day
    per_day: Counter[tuple[str, dt.date]] = Counter()
    for b in c.view.bookings:
        for r in b.residents:
            per_day[(r, b.date)] += 1
    for (r, d), n in sorted(per_day.items()):
        if n > cap:
            g.count += n - cap
            g.offenders.append(f"{r} has {n} sessions on {DAY_NAMES[d.weekday()]} {d}")


def fair_load(c: Card, g: GoalScore) -> None:
    v = c.view
    booked: Counter[str] = Counter()
    for b in v.bookings:
        for sid in b.facilitators:
            booked[sid] += (b.end - b.start) // v.slot
    pools = set()
    for prog in v.scenario.programs:
        if prog.frequency.as_needed:
            continue
        pools.add(
            frozenset(st.id for st in v.scenario.staff if set(prog.facilitator) <= set(st.roles))
        )
    for pool in sorted(pools, key=sorted):
        members = sorted(pool)
        if len(members) < 2:
            continue
        loads = {sid: booked[sid] for sid in members}
        spread = max(loads.values()) - min(loads.values())
        g.count += spread
        if spread:
            hours = ", ".join(f"{sid} {loads[sid] * v.slot / 60:g} h" for sid in members)
            g.offenders.append(f"booked hours differ by {spread * v.slot / 60:g} h: {hours}")


def resident_idle_gap(c: Card, g: GoalScore) -> None:
    for w in sorted(resident_waits(c.view.scenario, c.view.timetable), key=lambda w: -w.excess):
        g.count += w.excess
        g.offenders.append(w.text("waits"))


def split_shift(c: Card, g: GoalScore) -> None:
    for w in sorted(split_shifts(c.view.scenario, c.view.timetable), key=lambda w: -w.excess):
        g.count += w.excess
        g.offenders.append(w.text("has a split shift with a gap of"))


def on_call_cover(c: Card, g: GoalScore) -> None:
    """A required cover's missing slots (the model weighs them like demand)."""
    for u in c.view.timetable.unmet:
        prog = c.view.programs.get(u.program)
        if prog is not None and prog.frequency.as_needed and prog.cover is not None:
            g.count += cover_short_slots(c.view, prog)
            g.offenders.append(f"{u.program}: {u.reason}")


COUNTS: dict[str, Callable[[Card, GoalScore], None]] = {
    "unplaced_session": unplaced_session,
    "on_call_gap": on_call_gap,
    "on_call_handover": on_call_handover,
    "same_time_every_week": same_time_every_week,
    "spread_days": spread_days,
    "same_facilitator": same_facilitator,
    "extra_group": extra_group,
    "late_evening": late_evening,
    "staff_preferences": staff_preferences,
    "resident_daily_load": resident_daily_load,
    "fair_load": fair_load,
    "resident_idle_gap": resident_idle_gap,
    "split_shift": split_shift,
    "replan_change": replan_change,
    "on_call_cover": on_call_cover,
}


def score_card(
    scenario: Scenario,
    timetable: Timetable,
    report: ValidationReport,
    *,
    previous: Timetable | None = None,
    since: dt.date | None = None,
) -> dict[str, GoalScore]:
    """Each goal with a positive weight: its count, penalty and offenders. ``replan_change``
    counts only for a re-plan, given the ``previous`` timetable and the first day ``since``
    that may change."""
    card = Card(View(scenario, timetable), report, previous, since)
    out = {}
    required = any(p.cover is not None for p in scenario.programs if p.frequency.as_needed)
    for name in (*GOALS, "on_call_cover") if required else GOALS:
        weight = int(getattr(scenario.goals, name))
        if weight <= 0 or (name == "replan_change" and previous is None):
            continue
        score = GoalScore(name, weight)
        COUNTS[name](card, score)
        out[name] = score
    return out
