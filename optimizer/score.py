"""The score card, recomputed from a timetable without the solver.

Each soft goal is counted here from the timetable's rows (dates, minutes, ids), the way a
person would count it, and weighted by ``scenario.goals``. The solver minimises the same
counts; tests check that both agree. Each goal also names its worst offenders in words.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .scenario.phrases import DAY_NAMES, format_minutes
from .scenario.schema import Scenario
from .timetable import Booking, Timetable
from .validate import ValidationReport, _Validator
from .waits import resident_waits, split_shifts

GOAL_TEXT = {
    "unplaced_session": "a resident's required session not placed",
    "on_call_gap": "a slot of opening hours with no one on call",
    "on_call_handover": "an on-call handover between staff",
    "same_time_every_week": "a session away from its usual weekday and time",
    "spread_days": "two sessions of one group too close together in a week",
    "same_facilitator": "a facilitator beyond the first for a group or a resident's one-on-ones",
    "extra_group": "a group beyond the fewest that fit the group size",
    "late_evening": "a session ending after the late-evening time",
    "staff_preferences": "a session a staff member leads at a time they avoid or do not prefer",
    "resident_daily_load": "a resident's session beyond the daily limit",
    "fair_load": "a slot of difference between the most and least booked staff of a pool",
    "resident_idle_gap": "a slot a resident waits between sessions beyond the idle-gap limit",
    "split_shift": "a slot of a staff member's split shift beyond the split-gap limit",
}


@dataclass
class GoalScore:
    name: str
    weight: int
    count: int = 0
    offenders: list[str] = field(default_factory=list)

    @property
    def penalty(self) -> int:
        return self.weight * self.count

    @property
    def text(self) -> str:
        return GOAL_TEXT.get(self.name, self.name)


def _when(d: dt.date, start: int, end: int) -> str:
    return f"{DAY_NAMES[d.weekday()]} {d} {format_minutes(start)}-{format_minutes(end)}"


def group_of(session: str) -> str:
    """``program/group/k`` -> ``program/group``: the sessions one set of people share."""
    return session.rsplit("/", 1)[0]


class _Scorer:
    def __init__(self, scenario: Scenario, timetable: Timetable, report: ValidationReport):
        self.s = scenario
        self.t = timetable
        self.r = report
        self.v = _Validator(scenario, timetable)
        self.goals = scenario.goals
        self.start = scenario.calendar.start
        self.slot = scenario.calendar.slot_minutes
        self.programs = {p.id: p for p in scenario.programs}

    def card(self) -> dict[str, GoalScore]:
        names = [n for n in GOAL_TEXT if int(getattr(self.goals, n)) > 0]
        out = {}
        for name in names:
            score = GoalScore(name, int(getattr(self.goals, name)))
            getattr(self, name)(score)
            out[name] = score
        return out

    # -- demand and on-call --

    def unplaced_session(self, g: GoalScore) -> None:
        for sf in self.r.shortfalls:
            g.count += sf.expected - sf.found
            g.offenders.append(
                f"{sf.resident}: {sf.program} {sf.found} of {sf.expected} times "
                f"({sf.period_start}..{sf.period_end})"
            )

    def on_call_gap(self, g: GoalScore) -> None:
        for c in self.r.coverage:
            g.count += (c.open_minutes - c.covered_minutes) // self.slot
            longest = sorted(c.uncovered, key=lambda u: u[1] - u[2])
            g.offenders += [f"{c.program}: no one on call {_when(*u)}" for u in longest]

    def on_call_handover(self, g: GoalScore) -> None:
        for sh in self.t.on_call:
            open_runs = self.v.open_on(sh.date)
            if any(a <= sh.end < b for a, b in open_runs):
                nxt = [
                    o
                    for o in self.t.on_call
                    if o.date == sh.date and o.start == sh.end and o.program == sh.program
                ]
                if not nxt or nxt[0].staff != sh.staff:
                    g.count += 1
                    g.offenders.append(
                        f"{sh.staff} hands over at {sh.date} {format_minutes(sh.end)}"
                    )

    # -- the shape of the week --

    def _period_start(self, b: Booking) -> tuple[int, dt.date]:
        weeks = self.programs[b.program].frequency.period_weeks
        index = (b.date - self.start).days // (7 * weeks)
        return index, self.start + dt.timedelta(weeks=index * weeks)

    def same_time_every_week(self, g: GoalScore) -> None:
        by_series: dict[str, list[tuple[int, Booking]]] = defaultdict(list)
        for b in self.t.bookings:
            _, first = self._period_start(b)
            offset = (b.date - first).days * 24 * 60 + b.start
            by_series[b.session].append((offset, b))
        for session, items in sorted(by_series.items()):
            counts = Counter(offset for offset, _ in items)
            usual = min(counts, key=lambda o: (-counts[o], o))
            regular = next(b for offset, b in items if offset == usual)
            for offset, b in items:
                if offset != usual:
                    g.count += 1
                    _, first = self._period_start(b)
                    day = first + dt.timedelta(days=usual // (24 * 60))
                    start = usual % (24 * 60)
                    end = start + regular.minutes
                    why = self._why_moved(regular, b, day, start, end)
                    g.offenders.append(
                        f"{session} moved from {_when(day, start, end)} to "
                        f"{_when(b.date, b.start, b.end)}: {why}"
                    )

    def _why_moved(self, regular: Booking, b: Booking, day: dt.date, start: int, end: int) -> str:
        """What stands in the way of the usual time in this week, as far as the data says."""
        v = self.v
        if not (v.start <= day <= v.end):
            return "the usual day is outside the plan"
        if not any(a <= start and end <= c for a, c in v.open_on(day)):
            block = v.clash(self.s.calendar.closed, day, start, end)
            return f"the home is closed then ({block.when.text})" if block else "closed then"
        staff = {st.id: st for st in self.s.staff}
        for sid in regular.facilitators:
            st = staff.get(sid)
            if st is not None:
                problem = v.availability_problem(st.available, st.unavailable, day, start, end)
                if problem:
                    return f"{sid} {problem}"
        rooms = {r.id: r for r in self.s.rooms}
        room = rooms.get(regular.room)
        if room is not None:
            problem = v.availability_problem(room.available, room.unavailable, day, start, end)
            if problem:
                return f"room {room.id} {problem}"
        residents = {r.id: r for r in self.s.residents}
        for rid in b.residents:
            res = residents.get(rid)
            block = v.clash(res.busy, day, start, end) if res else None
            if block is not None:
                return f"{rid} is busy then ({block.reason or block.when.text})"
        return "moved to make room for other sessions (no closure or absence at the usual time)"

    def _open_days(self) -> int:
        days = set()
        for i in range(self.s.calendar.weeks * 7):
            d = self.start + dt.timedelta(days=i)
            if self.v.open_on(d):
                days.add(d.weekday())
        return len(days)

    def spread_days(self, g: GoalScore) -> None:
        open_days = self._open_days()
        by_group: dict[tuple[str, int], list[Booking]] = defaultdict(list)
        for b in self.t.bookings:
            by_group[(group_of(b.session), self._period_start(b)[0])].append(b)
        for (group, _), items in sorted(by_group.items()):
            freq = self.programs[items[0].program].frequency
            target = max(1, open_days * freq.period_weeks // max(1, freq.times))
            for i, a in enumerate(items):
                for b in items[i + 1 :]:
                    if abs((a.date - b.date).days) < target:
                        g.count += 1
                        g.offenders.append(f"{group}: {a.date} and {b.date}")

    def same_facilitator(self, g: GoalScore) -> None:
        by_group: dict[str, set[str]] = defaultdict(set)
        for b in self.t.bookings:
            by_group[group_of(b.session)].update(b.facilitators)
        for group, staff in sorted(by_group.items()):
            if len(staff) > 1:
                g.count += len(staff) - 1
                g.offenders.append(f"{group}: led by {', '.join(sorted(staff))}")

    def extra_group(self, g: GoalScore) -> None:
        houses = {r.id: r.house for r in self.s.residents}
        groups: dict[tuple[str, str | None], set[str]] = defaultdict(set)
        for b in self.t.bookings:
            prog = self.programs[b.program]
            if not prog.attendees.one_each and b.residents:
                groups[(b.program, houses.get(b.residents[0]))].add(group_of(b.session))
        attendees = {p.id: self.v._attendees(p) for p in self.s.programs}
        for (program, house), used in sorted(groups.items(), key=str):
            n = sum(1 for r in attendees[program] if houses.get(r) == house)
            size = self.programs[program].max_group_size or n
            extra = len(used) - max(1, math.ceil(n / size))
            if extra > 0:
                g.count += extra
                g.offenders.append(f"{program}: {len(used)} groups for {n} residents")

    def late_evening(self, g: GoalScore) -> None:
        for b in self.t.bookings:
            if b.end > self.goals.late_evening_after:
                g.count += 1
                g.offenders.append(f"{b.session} ends {format_minutes(b.end)} on {b.date}")

    def staff_preferences(self, g: GoalScore) -> None:
        staff = {st.id: st for st in self.s.staff}
        for b in self.t.bookings:
            for sid in b.facilitators:
                st = staff.get(sid)
                if st is None:
                    continue
                s = self.slot
                if st.avoids and any(
                    w.start // s * s < b.end and b.start < -(-w.end // s) * s
                    for w in st.avoids
                    if w.applies_on(b.date)
                ):
                    g.count += 1
                    when = _when(b.date, b.start, b.end)
                    g.offenders.append(f"{sid} leads {b.session} {when}, a time they avoid")
                if st.prefers and not any(
                    a <= b.start and b.end <= c for a, c in self.v.shrunk(st.prefers, b.date)
                ):
                    g.count += 1
                    when = _when(b.date, b.start, b.end)
                    g.offenders.append(f"{sid} leads {b.session} {when}, outside preferred times")

    def resident_daily_load(self, g: GoalScore) -> None:
        cap = self.goals.max_sessions_per_day
        per_day: Counter[tuple[str, dt.date]] = Counter()
        for b in self.t.bookings:
            for r in b.residents:
                per_day[(r, b.date)] += 1
        for (r, d), n in sorted(per_day.items()):
            if n > cap:
                g.count += n - cap
                g.offenders.append(f"{r} has {n} sessions on {DAY_NAMES[d.weekday()]} {d}")

    def fair_load(self, g: GoalScore) -> None:
        booked: Counter[str] = Counter()
        for b in self.t.bookings:
            for sid in b.facilitators:
                booked[sid] += (b.end - b.start) // self.slot
        pools = set()
        for prog in self.s.programs:
            if prog.frequency.as_needed:
                continue
            pool = frozenset(st.id for st in self.s.staff if set(prog.facilitator) <= set(st.roles))
            pools.add(pool)
        for pool in sorted(pools, key=sorted):
            members = sorted(pool)
            if len(members) < 2:
                continue
            loads = {sid: booked[sid] for sid in members}
            spread = max(loads.values()) - min(loads.values())
            g.count += spread
            if spread:
                hours = ", ".join(f"{sid} {loads[sid] * self.slot / 60:g} h" for sid in members)
                g.offenders.append(f"booked hours differ by {spread * self.slot / 60:g} h: {hours}")

    def resident_idle_gap(self, g: GoalScore) -> None:
        for w in sorted(resident_waits(self.s, self.t), key=lambda w: -w.excess):
            g.count += w.excess
            g.offenders.append(w.text("waits"))

    def split_shift(self, g: GoalScore) -> None:
        for w in sorted(split_shifts(self.s, self.t), key=lambda w: -w.excess):
            g.count += w.excess
            g.offenders.append(w.text("has a split shift with a gap of"))


def score_card(
    scenario: Scenario, timetable: Timetable, report: ValidationReport
) -> dict[str, GoalScore]:
    return _Scorer(scenario, timetable, report).card()
