"""check: the hours programs need from the only people who can lead them, against the hours
those people have, per week.

For a set ``S`` of staff (one person, or everyone who can lead one program in one house) and
a week, the other people who can lead a program ``P`` can give it at most their own weekly
limit or their usable time for it that week (available, a room free, whole sessions),
whichever is less. What is left of ``P``'s demand (each mandatory group the solver forms for
it in a house, ``times`` sessions each) must be led by someone in ``S``. Summed over every
program and house that depends on ``S``, this is a lower bound on ``S``'s week; each person in
``S`` can give at most their ``max_hours_per_week``, and at most the distinct hours in which
they are available for those programs. Above that, some sessions cannot be placed: the
finding names the people, the hours needed and the hours they have, and the fix ("raise
rivera's max_hours_per_week to at least 4.5"). Programs that meet less often than weekly are
counted the same way over the whole plan. Cheap: one pass over sets, programs and weeks.

What it reports is kept apart from the rest of ``check``: a set is reported only when no
smaller set fails (the person, not their team), and once for the same programs; one program
in one house alone is the count ``diagnose`` makes per program (and words with the free
windows), so it is left to it when that program already has a blocking finding.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from optimizer.findings.finding import Finding, dated_ranges, hours, names, room_mask, usable, who
from optimizer.planning.problem import Mask, Problem, ProgramInfo, StaffInfo
from optimizer.timetable import Timetable


@dataclass(frozen=True)
class _Demand:
    """One program in one house: its mandatory groups, who can lead it, the rooms it can use."""

    prog: ProgramInfo
    house: int | None
    groups: int
    staff: tuple[StaffInfo, ...]
    rooms: Mask


@dataclass(frozen=True)
class _Window:
    """A week (weekly programs only), or the whole plan (every program)."""

    first_day: int
    days: int
    weeks: int
    weekly: bool

    def sessions(self, prog: ProgramInfo) -> int:
        """How many sessions one group of ``prog`` needs in the window."""
        if self.weekly:
            return prog.times if prog.period_weeks == 1 else 0
        return sum(x.count for x in prog.periods)


@dataclass(frozen=True)
class _Part:
    """What a program in a house needs of a set of staff in a window."""

    d: _Demand
    slots: int  # all its sessions in the window
    need: int  # what the others who can lead it cannot give
    others: tuple[StaffInfo, ...]
    given: int


@dataclass(frozen=True)
class _Shortfall:
    staff: tuple[StaffInfo, ...]
    window: _Window
    parts: tuple[_Part, ...]
    times: tuple[Mask, ...]  # per person: when they could lead any of the parts (window days)
    caps: tuple[int | None, ...]  # per person: max_hours_per_week over the window

    @property
    def available(self) -> tuple[int, ...]:
        return tuple(int(m.sum()) for m in self.times)

    @property
    def total(self) -> int:
        return sum(x.need for x in self.parts)

    @property
    def limit(self) -> int:
        return sum(
            a if c is None else min(a, c) for a, c in zip(self.available, self.caps, strict=True)
        )


def _demands(p: Problem) -> list[_Demand]:
    out = []
    for prog in p.programs:
        if prog.on_call or not prog.qualified:
            continue
        houses = sorted({g.house for g in p.groups if g.program == prog.index}, key=str)
        for house in houses:
            if not p.room_candidates(prog, house):
                continue  # no room it can use in that house: a room finding says so
            groups = [g for g in p.groups if g.program == prog.index and g.house == house]
            mandatory = sum(not g.optional for g in groups)
            staff = tuple(p.staff_candidates(prog, house))
            if mandatory and staff:
                out.append(_Demand(prog, house, mandatory, staff, room_mask(p, prog, house, 2)))
    return out


class _Count:
    """Usable time per person, program and window, computed once."""

    def __init__(self, p: Problem):
        self.p = p
        self._usable: dict[tuple[int, int, int | None, int, int], Mask] = {}

    def usable(self, st: StaffInfo, d: _Demand, w: _Window) -> Mask:
        key = (st.index, d.prog.index, d.house, w.first_day, w.days)
        if key not in self._usable:
            days = slice(w.first_day, w.first_day + w.days)
            self._usable[key] = usable((st.available & d.rooms)[days], d.prog.duration)
        return self._usable[key]

    def supply(self, st: StaffInfo, d: _Demand, w: _Window) -> int:
        """The most ``st`` can give ``d`` in ``w``: usable time, capped by their weekly limit."""
        slots = int(self.usable(st, d, w).sum())
        slots -= slots % d.prog.duration  # whole sessions only
        if st.max_slots_per_week is not None:
            slots = min(slots, st.max_slots_per_week * w.weeks)
        return slots

    def available(self, st: StaffInfo, parts: Sequence[_Part], w: _Window) -> Mask:
        """The distinct time ``st`` could lead any of ``parts`` in ``w``."""
        mask = self.p.clock.empty()[: w.days]
        for x in parts:
            if any(s.index == st.index for s in x.d.staff):
                mask |= self.usable(st, x.d, w)
        return mask

    def shortfall(
        self, demands: list[_Demand], group: frozenset[int], w: _Window
    ) -> _Shortfall | None:
        parts = []
        for d in demands:
            if not any(s.index in group for s in d.staff):
                continue
            slots = d.groups * w.sessions(d.prog) * d.prog.duration
            others = tuple(o for o in d.staff if o.index not in group)
            given = sum(self.supply(o, d, w) for o in others)
            if slots > given:
                parts.append(_Part(d, slots, slots - given, others, given))
        if not parts:
            return None
        staff = tuple(self.p.staff[s] for s in sorted(group))
        caps = tuple(
            None if st.max_slots_per_week is None else st.max_slots_per_week * w.weeks
            for st in staff
        )
        times = tuple(self.available(st, parts, w) for st in staff)
        short = _Shortfall(staff, w, tuple(parts), times, caps)
        return short if short.total > short.limit else None


def _sets(demands: list[_Demand]) -> list[frozenset[int]]:
    """Each person who can lead something, then each program's and house's team, smallest
    first."""
    sets = {frozenset({s.index}) for d in demands for s in d.staff}
    sets |= {frozenset(s.index for s in d.staff) for d in demands if len(d.staff) > 1}
    return sorted(sets, key=lambda s: (len(s), sorted(s)))


def forced_hours(p: Problem, known: Sequence[Finding] = ()) -> list[Finding]:
    """Blocking findings for staff who must lead more than they can; ``known``: the findings
    already made (a program with a blocking one keeps it for its own shortfall)."""
    demands = _demands(p)
    count = _Count(p)
    weeks = p.clock.days // 7
    windows = [_Window(7 * w, 7, 1, True) for w in range(weeks)]
    windows.append(_Window(0, 7 * weeks, weeks, False))
    failed: dict[frozenset[int], _Shortfall] = {}
    for group in _sets(demands):
        for w in windows:
            short = count.shortfall(demands, group, w)
            if short is not None:
                failed[group] = short
                break  # the first week is enough to act on
    blocked = {f.program for f in known if f.blocking and f.program}
    findings = []
    said: set[tuple[tuple[int, int | None], ...]] = set()
    for group, short in failed.items():
        if any(other < group for other in failed):
            continue  # a smaller set already fails: say it of them
        key = tuple((x.d.prog.index, x.d.house) for x in short.parts)
        if key in said or (len(key) == 1 and short.parts[0].d.prog.id in blocked):
            continue
        said.add(key)
        findings.append(_finding(p, short))
    return findings


def _when(p: Problem, w: _Window) -> str:
    if not w.weekly:
        return f"over the plan's {w.weeks} weeks" if w.weeks > 1 else "over the plan"
    if p.clock.days // 7 == 1:
        return "a week"
    return f"in the week of {p.clock.start + dt.timedelta(days=w.first_day)}"


def _in(p: Problem, w: _Window) -> str:
    """``_when`` after 'extend their availability': nothing for a plan of one week."""
    return "" if w.weekly and p.clock.days // 7 == 1 else " " + _when(p, w)


def _part_text(p: Problem, x: _Part, w: _Window, group: str) -> str:
    slot = p.clock.slot_minutes
    d = x.d
    roles = " + ".join(sorted(d.prog.roles))
    where = f" in {p.houses[d.house]}" if d.house is not None else ""
    per = "a week" if w.weekly else "over the plan"
    sessions = x.slots // (d.groups * d.prog.duration)
    unit = "resident one-on-one" if d.prog.one_each else "group"
    plural = "residents one-on-one" if d.prog.one_each else "groups"
    size = (
        f"{d.groups} {unit if d.groups == 1 else plural} x {sessions} "
        f"session{'' if sessions == 1 else 's'} of {hours(d.prog.duration, slot)}"
    )
    head = (
        f"{d.prog.label}{where} needs {hours(x.slots, slot)} {per} ({size}) from staff with "
        f"roles {roles}"
    )
    if not x.others:
        return f"{head}, and only {group} can lead it"
    return (
        f"{head}; the others who can lead it ({names([o.id for o in x.others])}) can give "
        f"at most {hours(x.given, slot)}, so {hours(x.need, slot)} falls to {group}"
    )


def _limit_text(short: _Shortfall, slot: int) -> str:
    """The least max_hours_per_week that can hold the shortfall's sessions, e.g. '3.5': over
    several weeks some week takes its share rounded up, in steps that sessions can fill."""
    step = math.gcd(*(x.d.prog.duration for x in short.parts))
    per_week = -(-short.total // (short.window.weeks * step)) * step
    return f"{per_week * slot / 60:.2f}".rstrip("0").rstrip(".")


def _finding(p: Problem, short: _Shortfall) -> Finding:
    slot = p.clock.slot_minutes
    w = short.window
    when = _when(p, w)
    total, limit = short.total, short.limit
    group = names([st.id for st in short.staff])
    parts = "; ".join(_part_text(p, x, w, group) for x in short.parts)
    if len(short.staff) == 1:
        st, avail, cap = short.staff[0], short.available[0], short.caps[0]
        if cap is not None and cap <= avail:  # the weekly limit is what binds
            assert st.max_slots_per_week is not None
            text = (
                f"{who(st)} may lead at most {hours(st.max_slots_per_week, slot)} a week "
                f"(max_hours_per_week) but must lead at least {hours(total, slot)} {when}, "
                f"{hours(total - cap, slot)} more"
            )
            at_least = _limit_text(short, slot)
            fix = f"raise {st.id}'s max_hours_per_week to at least {at_least}"
            if avail < total:
                fix += f" and extend their availability{_in(p, w)} by {hours(total - avail, slot)}"
        else:
            full = p.clock.empty()
            full[w.first_day : w.first_day + w.days] = short.times[0]
            times = names(dated_ranges(p, full))
            text = (
                f"{who(st)} is available for these sessions {hours(avail, slot)} {when} "
                f"({times or 'no time at all'}) but must lead at least {hours(total, slot)}, "
                f"{hours(total - avail, slot)} more"
            )
            fix = f"extend {st.id}'s availability{_in(p, w)} by {hours(total - avail, slot)}"
            if cap is not None and cap < total:
                fix += f" and raise their max_hours_per_week to at least {_limit_text(short, slot)}"
    else:
        text = (
            f"{names([who(st) for st in short.staff])} can lead at most {hours(limit, slot)} "
            f"between them {when} (availability and max_hours_per_week) but must lead at "
            f"least {hours(total, slot)}, {hours(total - limit, slot)} more"
        )
        fix = (
            f"give them {hours(total - limit, slot)} more {when} (availability or "
            "max_hours_per_week)"
        )
    programs = list(dict.fromkeys(x.d.prog.id for x in short.parts))
    return Finding(
        f"{text}: {parts}.",
        True,
        programs[0] if len(programs) == 1 else None,
        tuple(st.id for st in short.staff),
        f"{fix}, or add a staff member {_who_can(short)}.",
        tuple(programs),
    )


def _who_can(short: _Shortfall) -> str:
    roles = list(dict.fromkeys(" + ".join(sorted(x.d.prog.roles)) for x in short.parts))
    if len(roles) == 1:
        return f"with role{'s' if '+' in roles[0] else ''} {roles[0]}"
    labels = list(dict.fromkeys(x.d.prog.label for x in short.parts))
    return "who can lead " + ", ".join(labels[:-1]) + " or " + labels[-1]


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
    if len(ids) == 1:
        return f"for {ids[0]}"
    return f"group {group.name}: {names(ids, 8)}"
