"""What cannot be met and why, in a program manager's words.

Three layers, cheapest first:

- :func:`check_capacity` (``optimizer check``): a capacity analysis without solving. Demand
  hours against qualified facilitators' available hours and weekly limits (per program here,
  summed over the programs and houses one person or team leads in :mod:`.weekly_hours`),
  rooms big enough,
  each resident's free time for their sessions, common time of fixed groups, and closures.
  Each finding names the program, people, rooms and times, and a concrete fix where one exists.
- :func:`explain_occurrence`: why one occurrence has no possible start at all.
- after a solve, why each unplaced session was left out: :mod:`optimizer.explain.unmet`.

Longer than 400 lines: one small function per kind of finding, sharing the sentence helpers
of :mod:`optimizer.findings.finding`; the cover, weekly-hour, same-time and room-by-house findings
have their own modules.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np

from optimizer.findings.cover import cover_findings
from optimizer.findings.finding import Finding
from optimizer.findings.finding import hours as _hours
from optimizer.findings.finding import names as _names
from optimizer.findings.finding import room_mask as _room_mask
from optimizer.findings.finding import usable as _usable
from optimizer.findings.finding import who as _who
from optimizer.findings.house_rooms import house_rooms
from optimizer.findings.same_time import same_time_findings
from optimizer.findings.weekly_hours import forced_hours
from optimizer.planning.problem import Mask, Problem, ProgramInfo, slot_runs, starts_where_free
from optimizer.rules.definitions import needs_different_days
from optimizer.scenario.phrases import DAY_NAMES, format_minutes


def _windows_text(p: Problem, mask: Mask, first_day: int, days: int, limit: int = 4) -> str:
    """The free windows of a mask over some days, e.g. 'Mon 13:00-14:00, Fri 16:00-17:00'."""
    parts = []
    for d in range(first_day, min(first_day + days, p.clock.days)):
        for a, b in slot_runs(mask[d]):
            day = DAY_NAMES[(p.clock.start + dt.timedelta(days=d)).weekday()]
            parts.append(
                f"{day} {format_minutes(a * p.clock.slot_minutes)}-"
                f"{format_minutes(b * p.clock.slot_minutes)}"
            )
    if not parts:
        return "no time at all"
    if len(parts) > limit:
        return ", ".join(parts[:limit]) + f" and {len(parts) - limit} more"
    return ", ".join(parts)


def _week_label(p: Problem, week: int) -> str:
    return f"the week of {p.clock.start + dt.timedelta(weeks=week)}"


# --- check ---------------------------------------------------------------------------------


def check_capacity(p: Problem) -> list[Finding]:
    findings: list[Finding] = []
    for prog in p.programs:
        closed = [] if prog.on_call else _closures(p, prog)
        findings += closed or _facilitators(p, prog)
        if prog.on_call:
            continue
        findings += house_rooms(p, prog) + _rooms(p, prog)
        findings += _residents(p, prog)
        findings += _common_time(p, prog)
        findings += _different_days(p, prog)
    findings += forced_hours(p, findings)
    findings += same_time_findings(p, findings)
    findings += cover_findings(p)
    findings += _static_occurrences(p, findings)
    findings += _warnings(p)
    # Blocking findings first, then warnings; keep the order within each.
    return [f for f in findings if f.blocking] + [f for f in findings if not f.blocking]


def _different_days(p: Problem, prog: ProgramInfo) -> list[Finding]:
    """Rule ``different_days``: a group meeting several times a period needs as many days on
    which it can meet (facilitator, room and every member free, the home open)."""
    if not needs_different_days(prog) or prog.times < 2:
        return []
    findings = []
    spd = p.clock.slots_per_day
    for group in p.groups:
        if group.program != prog.index:
            continue
        own = {r: _starts_of(p, prog, r) for r in group.members} if len(group.members) > 1 else {}
        for occs in _by_period(p, group.index):
            days = sorted({s // spd for o in occs for s in p.occurrences[o].starts})
            need = len(occs)
            if not days or len(days) >= need:
                continue
            ids = [p.residents[r].id for r in group.members]
            who = ids[0] if prog.one_each else f"group {group.name} ({_names(ids, 8)})"
            # A group's days are a finding about the groups formed, which the solve can form
            # again; only a resident's own days block whatever the groups.
            lo, hi = p.occurrences[occs[0]].lo, p.occurrences[occs[0]].hi
            for r, starts in own.items():
                mine = sorted({int(s) // spd for s in np.flatnonzero(starts[lo:hi]) + lo})
                if mine and len(mine) < need:
                    who, days, blocking = (
                        f"{p.residents[r].label} ({p.residents[r].id})",
                        mine,
                        True,
                    )
                    break
            else:
                blocking = not own
            shown = _names([f"{DAY_NAMES[(p.clock.start.weekday() + d) % 7]} "
                           f"{p.clock.start + dt.timedelta(days=d)}" for d in days])  # fmt: skip
            findings.append(
                Finding(
                    f"{prog.label}: {who} can meet on only {len(days)} day(s) in the period "
                    f"from {p.clock.date_of(lo)} ({shown}), but its "
                    f"{need} sessions must fall on different days"
                    + (
                        "."
                        if blocking
                        else " (as the groups are formed before solving; the "
                        "solve forms groups again where sessions are left out)."
                    ),
                    blocking,
                    prog.id,
                    fix="free another day for them (their commitments, or the facilitators' "
                    f"hours), or set same_day_allowed: yes on {prog.id}.",
                )
            )
            break
    return findings


def _starts_of(p: Problem, prog: ProgramInfo, r: int) -> np.ndarray:
    """Where resident ``r`` alone could start a session of ``prog`` (flat)."""
    base = _program_mask(p, prog, p.residents[r].house, 2)
    return starts_where_free(base & p.residents[r].free, prog.duration).reshape(-1)


def _by_period(p: Problem, group: int) -> list[list[int]]:
    periods: dict[int, list[int]] = defaultdict(list)
    for s in p.series:
        if s.group == group:
            for o in s.occurrences:
                periods[p.occurrences[o].period].append(o)
    return [periods[k] for k in sorted(periods)]


def _facilitators(p: Problem, prog: ProgramInfo) -> list[Finding]:
    roles = " + ".join(sorted(prog.roles))
    both = "both" if len(prog.roles) == 2 else "all of them"
    if not prog.qualified:
        return [
            Finding(
                f"{prog.label} needs a facilitator with roles {roles}; no staff member has {both}.",
                True,
                prog.id,
                fix=f"give an existing staff member the roles {roles}, or add one who has them.",
            )
        ]
    if prog.on_call or not prog.attendees:
        return []
    findings = []
    houses = {p.groups[g.index].house for g in p.groups if g.program == prog.index}
    for house in houses:
        if not p.room_candidates(prog, house):
            continue  # no room it can use there: a room finding, not one of hours
        groups = [g for g in p.groups if g.program == prog.index and g.house == house]
        mandatory = [g for g in groups if not g.optional]
        staff = p.staff_candidates(prog, house)
        smallest = min(len(g.members) for g in mandatory) + 1
        rooms = _room_mask(p, prog, house, smallest)
        for period in prog.periods:
            weeks = period.end_week - period.first_week
            lo, days = period.first_week * 7, weeks * 7
            demand = len(mandatory) * period.count * prog.duration
            supply = 0
            for st in staff:
                usable = _usable((st.available & rooms)[lo : lo + days], prog.duration)
                slots = int(usable.sum())
                if st.max_slots_per_week is not None:
                    slots = min(slots, st.max_slots_per_week * weeks)
                supply += slots
            if supply >= demand:
                continue
            when = "a week" if weeks == 1 and prog.period_weeks == 1 else f"in {weeks} week(s)"
            span = _week_label(p, period.first_week)
            short = demand - supply
            need = _hours(demand, p.clock.slot_minutes)
            if len(staff) == 1:
                st = staff[0]
                own = (st.available & rooms)[lo : lo + days]
                raw = int(own.sum())
                longest = max((b - a for d in own for a, b in slot_runs(d)), default=0)
                short = max(demand - raw, prog.duration - longest if longest < prog.duration else 0)
                free = _windows_text(p, (st.available & rooms), lo, days)
                has = f"only {_who(st)} has {'both' if len(prog.roles) == 2 else 'them'}"
                if len(prog.roles) == 1:
                    has = f"only {_who(st)} has it"
                capped = st.max_slots_per_week is not None and st.max_slots_per_week * weeks < int(
                    _usable(st.available[lo : lo + days], 1).sum()
                )
                limit = (
                    f" and may lead at most {_hours(st.max_slots_per_week, p.clock.slot_minutes)}"
                    " a week"
                    if capped and st.max_slots_per_week is not None
                    else ""
                )
                text = (
                    f"{prog.label} needs {need} {when} led by someone with roles {roles}; {has}, "
                    f"and in {span} {st.label} is available "
                    f"{_hours(raw, p.clock.slot_minutes)} ({free}){limit}."
                )
                if limit and short <= 0:
                    per_week = -(-demand // weeks)
                    fix = (
                        f"raise {st.id}'s weekly hour limit (max_hours_per_week) to "
                        f"{_hours(per_week, p.clock.slot_minutes)}, or add a second staff "
                        f"member with roles {roles}."
                    )
                else:
                    fix = (
                        f"extend {st.id}'s availability in {span} by "
                        f"{_hours(short, p.clock.slot_minutes)}, or add a second staff member "
                        f"with roles {roles}."
                    )
            else:
                who = _names([_who(s) for s in staff])
                text = (
                    f"{prog.label} needs {need} {when} led by someone with roles {roles}; "
                    f"{who} can lead it but have only {_hours(supply, p.clock.slot_minutes)} "
                    f"between them in {span} (availability and weekly limits)."
                )
                fix = (
                    f"add {_hours(short, p.clock.slot_minutes)} of availability for them in "
                    f"{span}, or another staff member with roles {roles}."
                )
            findings.append(Finding(text, True, prog.id, tuple(s.id for s in staff), fix))
            break  # one finding per program and house is enough to act on
    return findings


def _closures(p: Problem, prog: ProgramInfo) -> list[Finding]:
    """A group's sessions in one period cannot overlap: the home must be open long enough."""
    if not prog.attendees:
        return []
    for period in prog.periods:
        lo, days = period.first_week * 7, (period.end_week - period.first_week) * 7
        usable = _usable(p.open[lo : lo + days], prog.duration)
        starts = starts_where_free(p.open[lo : lo + days], prog.duration)
        # Whole sessions that fit in each open run, summed over the runs.
        fit = sum((b - a) // prog.duration for d in range(days) for a, b in slot_runs(usable[d]))
        if fit >= period.count and starts.any():
            continue
        span = _week_label(p, period.first_week)
        first = p.clock.start + dt.timedelta(days=lo)
        last = first + dt.timedelta(days=days - 1)
        closures = [
            b.when.text
            for b in p.scenario.calendar.closed
            if b.when.dated
            and b.when.first is not None
            and b.when.last is not None
            and b.when.first <= last
            and b.when.last >= first
        ]
        because = f" (closed: {_names(closures)})" if closures else ""
        return [
            Finding(
                f"{prog.label} needs {period.count} session(s) of "
                f"{_hours(prog.duration, p.clock.slot_minutes)} in {span}, but the home is open "
                f"for only {fit} such session(s) that week{because}.",
                True,
                prog.id,
                fix="open the home for longer that week, move the closure, or lower the frequency.",
            )
        ]
    return []


def _common_time(p: Problem, prog: ProgramInfo) -> list[Finding]:
    """Residents who share no possible time must be in different groups; there must be enough."""
    findings = []
    families: dict[int | None, list[int]] = defaultdict(list)
    for g in p.groups:
        if g.program == prog.index and not prog.one_each:
            families[g.house].append(g.index)
    for house, groups in families.items():
        if not p.room_candidates(prog, house):
            continue  # no room at all there: a room finding
        members = p.groups[groups[0]].candidates
        most = len(groups) + (0 if any(p.groups[g].optional for g in groups) else 1)
        if len(members) > 2000:  # the pairwise matrix would not fit in memory; skip the check
            continue
        base = _program_mask(p, prog, house, 2)
        starts = np.stack(
            [
                starts_where_free(base & p.residents[r].free, prog.duration).reshape(-1)
                for r in members
            ]
        ).astype(np.float32)
        shared = starts @ starts.T  # common possible starts, pairwise
        # Greedy clique of residents who pairwise share nothing: each needs its own group.
        apart: list[int] = []
        for i in np.argsort(shared.sum(axis=1)):
            if all(shared[i, j] == 0 for j in apart):
                apart.append(int(i))
        if len(apart) <= most:
            continue
        names = [f"{p.residents[members[i]].label} ({p.residents[members[i]].id})" for i in apart]
        # Not blocking: the solve forms more (spare) groups where sessions are left out.
        findings.append(
            Finding(
                f"{prog.label}: {_names(names, 6)} share no time when it can run, so each needs "
                f"a group of their own: {len(apart)} groups, more than the fewest that fit "
                "(each spare group costs the goal extra_group).",
                False,
                prog.id,
                tuple(p.residents[members[i]].id for i in apart),
                fix="free a common time for some of them (e.g. an evening session), or run it "
                "separately for them.",
            )
        )
    return findings


def _rooms(p: Problem, prog: ProgramInfo) -> list[Finding]:
    findings = []
    features = " + ".join(sorted(prog.features)) or "any room"
    for g in p.groups:
        if g.program != prog.index or g.optional:
            continue
        rooms = p.room_candidates(prog, g.house)
        if not rooms and any(prog.features <= r.features for r in p.rooms):
            continue  # only in other houses: house_rooms says so
        if not rooms:
            findings.append(
                Finding(
                    f"{prog.label} needs a room with {features}; no room has that.",
                    True,
                    prog.id,
                    fix=f"give a room the feature(s) {features}.",
                )
            )
            break
        size = len(g.members)
        biggest = max(r.capacity for r in rooms)
        if size + 1 > biggest:
            who = (
                "the resident and a facilitator"
                if size == 1
                else f"{size} residents and a facilitator"
            )
            findings.append(
                Finding(
                    f"{prog.label}: no room with {features} holds {who} (largest: "
                    f"{_names([r.label for r in rooms if r.capacity == biggest])}, "
                    f"{biggest} people).",
                    True,
                    prog.id,
                    fix=f"use a room for at least {size + 1} people.",
                )
            )
            break
    return findings


def _program_mask(p: Problem, prog: ProgramInfo, house: int | None, people: int) -> Mask:
    staff = p.clock.empty()
    for st in p.staff_candidates(prog, house):
        staff |= st.available
    return p.open & staff & _room_mask(p, prog, house, people)


def _residents(p: Problem, prog: ProgramInfo) -> list[Finding]:
    """Each attendee needs free time when the program can run, in every period."""
    findings = []
    masks: dict[int | None, Mask] = {}
    for r in prog.attendees:
        res = p.residents[r]
        if res.house not in masks:
            masks[res.house] = _program_mask(p, prog, res.house, 2)
        base = starts_where_free(masks[res.house], prog.duration).reshape(-1)
        starts = starts_where_free(masks[res.house] & res.free, prog.duration).reshape(-1)
        for period in prog.periods:
            lo, hi = period.first_week * p.clock.week_slots, period.end_week * p.clock.week_slots
            if starts[lo:hi].sum() >= period.count or base[lo:hi].sum() < period.count:
                continue  # fine, or the program itself cannot run then (reported elsewhere)
            span = _week_label(p, period.first_week)
            hours = _hours(prog.duration, p.clock.slot_minutes)
            busy = _names(sorted({b.reason or b.when.text for b in p.scenario.residents[r].busy}))
            findings.append(
                Finding(
                    f"{res.label} ({res.id}) has no free {hours} in {span} when {prog.label} "
                    f"can run (a facilitator and a room free); their commitments: "
                    f"{busy or 'none listed'}.",
                    True,
                    prog.id,
                    (res.id,),
                    fix=f"check {res.id}'s busy times, or offer {prog.label} at other times.",
                )
            )
            break
    return findings


def _static_occurrences(p: Problem, known: list[Finding]) -> list[Finding]:
    """Occurrences with no possible start, unless a finding already covers their program."""
    covered = {f.program for f in known if f.blocking}
    findings = []
    seen: set[tuple[int, str]] = set()
    for occ in p.occurrences:
        series = p.series[occ.series]
        group = p.groups[series.group]
        prog = p.programs[series.program]
        if group.optional or occ.starts or prog.id in covered:
            continue
        reason = explain_occurrence(p, occ.index)
        if (prog.index, reason) in seen:
            continue
        seen.add((prog.index, reason))
        # "its residents share no time" is about the groups formed: it blocks only a group
        # that cannot be split (one resident, or residents to be kept together).
        blocking = "residents share no free" not in reason or fixed_group(p, group.index)
        findings.append(Finding(f"{prog.label} ({series.id}): {reason}.", blocking, prog.id))
    return findings


def fixed_group(p: Problem, g: int) -> bool:
    """Whether no re-grouping can change who is in group ``g`` with whom."""
    members = {p.residents[r].id for r in p.groups[g].members}
    together = p.scenario.grouping.together
    return len(members) == 1 or any(members <= set(ids) for ids in together)


def _warnings(p: Problem) -> list[Finding]:
    findings = []
    for prog in p.programs:
        if len(prog.qualified) == 1 and prog.attendees:
            st = p.staff[prog.qualified[0]]
            findings.append(
                Finding(
                    f"Only {_who(st)} can lead {prog.label}; when {st.label} is away it cannot "
                    "run.",
                    False,
                    prog.id,
                    (st.id,),
                    fix="train or hire a second person with roles "
                    f"{' + '.join(sorted(prog.roles))}.",
                )
            )
    for occ in p.occurrences:
        group = p.groups[p.series[occ.series].group]
        if len(occ.starts) == 1 and len(group.members) == 1:
            res = p.residents[group.members[0]]
            prog = p.programs[p.series[occ.series].program]
            findings.append(
                Finding(
                    f"{res.label} ({res.id}) has exactly one possible time for {prog.label} "
                    f"between {p.clock.date_of(occ.lo)} and {p.clock.date_of(occ.hi - 1)}.",
                    False,
                    prog.id,
                    (res.id,),
                )
            )
    return findings


# --- one occurrence -------------------------------------------------------------------------


def explain_occurrence(p: Problem, o: int) -> str:
    """The first filter that leaves no start time for occurrence ``o``, or 'competition'."""
    occ = p.occurrences[o]
    series = p.series[occ.series]
    group = p.groups[series.group]
    prog = p.programs[series.program]
    dur = prog.duration
    window = slice(occ.lo, occ.hi)
    hours = _hours(dur, p.clock.slot_minutes)
    when = f"between {p.clock.date_of(occ.lo)} and {p.clock.date_of(occ.hi - 1)}"

    def fits(mask: np.ndarray) -> bool:
        return bool(starts_where_free(mask, dur).reshape(-1)[window].any())

    if not fits(p.open):
        return f"the home is not open for {hours} in a row {when} (closures)"
    staff = p.staff_candidates(prog, group.house)
    roles = " + ".join(sorted(prog.roles))
    if not staff:
        return f"no staff member holds all of the roles {roles}"
    if not any(fits(p.open & s.available) for s in staff):
        return (
            f"no one who can lead it ({_names([s.label for s in staff])}, roles {roles}) "
            f"is available for {hours} in a row {when}"
        )
    size = len(group.members)
    rooms = p.room_candidates(prog, group.house)
    features = ", ".join(sorted(prog.features)) or "any"
    if not rooms:
        where = f" in {p.houses[group.house]}" if group.house is not None else ""
        return f"no room{where} has the features {features}"
    big = [r for r in rooms if r.capacity >= size + 1]
    if not big:
        return (
            f"no room with features {features} holds {size} residents and a facilitator "
            f"(largest: {max(r.capacity for r in rooms)})"
        )
    if not any(fits(p.open & r.available) for r in big):
        return f"no suitable room ({_names([r.label for r in big])}) is open {hours} {when}"
    staff_mask = np.zeros_like(p.open)
    for s in staff:
        staff_mask |= s.available
    room_mask = np.zeros_like(p.open)
    for room in big:
        room_mask |= room.available
    base = p.open & staff_mask & room_mask
    if not fits(base):
        return (
            f"the times its facilitators ({_names([s.label for s in staff])}) are available "
            f"never meet a free suitable room for {hours} {when}"
        )
    members = group.members
    for r in members:
        if not fits(base & p.residents[r].free):
            res = p.residents[r]
            return (
                f"{res.label} ({res.id}) has no free {hours} {when} when a facilitator "
                "and a room are also free"
            )
    if members and not fits(base & np.logical_and.reduce([p.residents[r].free for r in members])):
        return f"its {len(members)} residents share no free {hours} {when}"
    return ""
