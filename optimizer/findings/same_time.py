"""check: one person needed by several groups at the same times (two houses whose residents
can meet only on Saturday morning, and one clinician for both).

A program whose house has one person with the roles can only be led there by that person. Its
sessions can take place only when that person, a room of the house and the residents are free:
a group's times lie within any member's, so within the union of its residents' own possible
times, however the residents are grouped (the search may form groups again). A person leads
one session at a time: the sessions of several such programs and houses need, in total, no
more time than the union of the times they can take place. Per program and house and period
the demand is its mandatory groups (never more than any grouping forms) times the sessions of
the period; a one-on-one program counts each resident apart. The person's union of times
splits into runs of slots; demand whose times touch several runs links them; each linked set
is counted. More sessions than time is blocking: some cannot be led.

Reported only when it takes two groups or more (of two houses, of two programs, or one
program's several groups), with no resident wanted by two of the programs (a resident wanted
twice at one time would clash anyway), when each group's own sessions fit in its own times
(else it is that group's problem, which diagnose words), and for a person no blocking finding
already names (hours come first).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.findings.cover import readable_times
from optimizer.findings.finding import Finding, hours, names, room_mask, who
from optimizer.planning.problem import Problem, ProgramInfo, StaffInfo, slot_runs, starts_where_free

Flat = NDArray[np.bool_]


@dataclass(frozen=True)
class _Need:
    """Sessions of one program for some residents (a house's, or one resident's one-on-ones)
    in one period, and the times they can take place."""

    prog: ProgramInfo
    house: int | None
    residents: tuple[int, ...]
    period: int
    groups: int  # how many groups they form at least
    slots: int  # all their sessions' length
    times: Flat


def same_time_findings(p: Problem, known: Sequence[Finding] = ()) -> list[Finding]:
    blocked = {f.program for f in known if f.blocking and f.program}
    named = {s for f in known if f.blocking for s in f.people}
    sole: dict[int, list[_Need]] = defaultdict(list)
    for prog in p.programs:
        if prog.on_call or prog.id in blocked:
            continue
        houses = sorted({g.house for g in p.groups if g.program == prog.index}, key=str)
        for house in houses:
            leaders = p.staff_candidates(prog, house)
            if len(leaders) == 1 and leaders[0].id not in named:
                sole[leaders[0].index] += _needs(p, prog, house, leaders[0])
    findings = []
    for s, needs in sole.items():
        # one group's own sessions must fit in its own times: else it is the group's problem
        fitting = [n for n in needs if n.slots <= n.groups * int(n.times.sum())]
        finding = _first_clash(p, p.staff[s], fitting, needs)
        if finding is not None:
            findings.append(finding)
    return findings


def _needs(p: Problem, prog: ProgramInfo, house: int | None, st: StaffInfo) -> list[_Need]:
    groups = [g for g in p.groups if g.program == prog.index and g.house == house]
    mandatory = [g for g in groups if not g.optional]
    if not mandatory:
        return []
    base = p.open & st.available & room_mask(p, prog, house, 2)
    if prog.one_each:
        units = [(g.members, 1) for g in mandatory]
    else:
        units = [(groups[0].candidates, len(mandatory))]
    out = []
    week = p.clock.week_slots
    for residents, count in units:
        free = [
            starts_where_free(base & p.residents[r].free, prog.duration).reshape(-1)
            for r in residents
        ]
        starts = np.logical_or.reduce(free)
        for period in prog.periods:
            lo, hi = period.first_week * week, period.end_week * week
            times = np.zeros(p.clock.horizon, dtype=bool)
            for k in range(prog.duration):
                times[lo + k : hi + k] |= starts[lo:hi][: p.clock.horizon - lo - k]
            slots = count * period.count * prog.duration
            out.append(_Need(prog, house, tuple(residents), period.index, count, slots, times))
    return out


def _first_clash(
    p: Problem, st: StaffInfo, needs: list[_Need], every: list[_Need]
) -> Finding | None:
    if not needs:
        return None
    union = np.logical_or.reduce([n.times for n in needs])
    runs = slot_runs(union)
    run_of = np.full(p.clock.horizon, -1, dtype=np.int64)
    for i, (a, b) in enumerate(runs):
        run_of[a:b] = i
    parent = list(range(len(runs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: list[int] = []
    for n in needs:
        touched = [int(i) for i in np.unique(run_of[n.times])]
        first.append(touched[0])
        for i in touched[1:]:
            parent[root(i)] = root(touched[0])
    sets: dict[int, list[_Need]] = defaultdict(list)
    for n, i in zip(needs, first, strict=True):
        sets[root(i)].append(n)
    runs_in: dict[int, int] = defaultdict(int)
    for i, (a, b) in enumerate(runs):
        runs_in[root(i)] += b - a
    for key in sorted(sets, key=lambda k: int(np.flatnonzero(sets[k][0].times)[0])):
        same = sets[key]
        need, have = sum(n.slots for n in same), runs_in[key]
        units = list(dict.fromkeys((n.prog.index, n.house, n.residents) for n in same))
        residents = [r for _, _, rs in units for r in rs]
        several = len(units) > 1 or any(n.groups > 1 for n in same)
        if need > have and several and len(residents) == len(set(residents)):
            first_slot = int(np.flatnonzero(np.logical_or.reduce([n.times for n in same]))[0])
            return _finding(p, st, units, every, need, have, first_slot)
    return None


def _finding(
    p: Problem,
    st: StaffInfo,
    units: list[tuple[int, int | None, tuple[int, ...]]],
    every: list[_Need],
    need: int,
    have: int,
    first_slot: int,
) -> Finding:
    slot = p.clock.slot_minutes
    parts = []
    for prog_index, house, residents in units:
        prog = p.programs[prog_index]
        mask = np.logical_or.reduce(
            [
                n.times
                for n in every
                if (n.prog.index, n.house, n.residents) == (prog_index, house, residents)
            ]
        )
        when, _ = readable_times(p, mask.reshape(p.open.shape))
        where = f" in {p.houses[house]}" if house is not None else ""
        ids = names([p.residents[r].id for r in residents])
        whom = f"for {ids}" if prog.one_each else f"({ids})"
        parts.append(f"{prog.label}{where} {whom} can take place only {when}")
    house_names = list(dict.fromkeys(p.houses[h] for _, h, _ in units if h is not None))
    if len(house_names) > 1:
        both = "both" if len(house_names) == 2 else "all"
        head = f"{names(house_names)} {both} need {who(st)} at the same times"
    else:
        groups = sum(max(n.groups for n in every if n.prog.index == i) for i, _, _ in units)
        head = f"{groups} groups need {who(st)} at the same times"
    when = ""
    if p.clock.days > 7:
        week = first_slot // p.clock.week_slots
        when = f" in the week of {p.clock.start + dt.timedelta(weeks=week)}"
    programs = list(dict.fromkeys(p.programs[i] for i, _, _ in units))
    roles = list(dict.fromkeys(" + ".join(sorted(x.roles)) for x in programs))
    role = f"role{'s' if '+' in roles[0] else ''} {roles[0]}" if len(roles) == 1 else "the roles"
    there = f" who works in {house_names[-1]}" if len(house_names) > 1 else ""
    return Finding(
        f"{head}, and {st.label} is the only one who can lead their sessions: "
        + "; ".join(parts)
        + f". {st.label} leads one session at a time, so {hours(need, slot)} of sessions "
        f"would have to fit in {hours(have, slot)}{when}.",
        True,
        programs[0].id if len(programs) == 1 else None,
        (st.id,),
        fix=f"add a second staff member with {role}{there}, or free another time for some of "
        "these residents.",
        programs=tuple(x.id for x in programs),
    )
