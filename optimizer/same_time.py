"""check: one person needed by several groups at the same times (two houses whose residents
can meet only on Saturday morning, and one clinician for both).

A session whose house has one person with the roles can only be led by that person, and only
at one of its occurrence's starts (``Occurrence.starts``: the home open, a room, the leader and
every member free), so it takes place within the union of ``[start, start + duration)``. A
person leads one session at a time: any set of their sessions needs, in total, no more time
than the union of the times those sessions can take place. The person's union splits into runs
of slots; a session whose times touch several runs links them; each linked set is counted.
More sessions than time is blocking: some cannot be led. Exact, cheap, and it names the
groups, houses and times.

Reported only when it takes two groups or more, with no resident in two of them (one group's
own time is what diagnose says about its residents, and residents in two groups at one time
would clash anyway), and for a person no blocking finding already names (hours come first).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .cover import readable_times
from .findings import Finding, hours, names, who
from .problem import Occurrence, Problem, StaffInfo, slot_runs

Flat = NDArray[np.bool_]


def same_time_findings(p: Problem, known: Sequence[Finding] = ()) -> list[Finding]:
    blocked = {f.program for f in known if f.blocking and f.program}
    named = {s for f in known if f.blocking for s in f.people}
    sole: dict[int, list[Occurrence]] = defaultdict(list)
    for occ in p.occurrences:
        series = p.series[occ.series]
        group, prog = p.groups[series.group], p.programs[series.program]
        leaders = p.staff_candidates(prog, group.house)
        if group.optional or not occ.starts or prog.id in blocked or len(leaders) != 1:
            continue
        sole[leaders[0].index].append(occ)
    findings = []
    for s, occs in sole.items():
        st = p.staff[s]
        if st.id in named:
            continue
        finding = _first_clash(p, st, _fitting(p, occs))
        if finding is not None:
            findings.append(finding)
    return findings


def _times(p: Problem, occ: Occurrence) -> Flat:
    """The slots an occurrence can take up: every start, for its duration."""
    dur = p.programs[p.series[occ.series].program].duration
    flat = np.zeros(p.clock.horizon, dtype=bool)
    starts = np.asarray(occ.starts, dtype=np.int64)
    flat[(starts[:, None] + np.arange(dur)).ravel()] = True
    return flat


def _duration(p: Problem, occ: Occurrence) -> int:
    return p.programs[p.series[occ.series].program].duration


def _fitting(p: Problem, occs: list[Occurrence]) -> list[Occurrence]:
    """The occurrences of groups whose own sessions of a period fit in their own times."""
    by_period: dict[tuple[int, int], list[Occurrence]] = defaultdict(list)
    for occ in occs:
        by_period[(p.series[occ.series].group, occ.period)].append(occ)
    out = []
    for same in by_period.values():
        union = np.logical_or.reduce([_times(p, o) for o in same])
        if sum(_duration(p, o) for o in same) <= int(union.sum()):
            out += same
    return sorted(out, key=lambda o: o.index)


def _first_clash(p: Problem, st: StaffInfo, occs: list[Occurrence]) -> Finding | None:
    if not occs:
        return None
    times = {o.index: _times(p, o) for o in occs}
    union = np.logical_or.reduce(list(times.values()))
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

    first: dict[int, int] = {}
    for o in occs:
        touched = [int(i) for i in np.unique(run_of[times[o.index]])]
        first[o.index] = touched[0]
        for i in touched[1:]:
            parent[root(i)] = root(touched[0])
    sets: dict[int, list[Occurrence]] = defaultdict(list)
    for o in occs:
        sets[root(first[o.index])].append(o)
    runs_in: dict[int, int] = defaultdict(int)
    for i, (a, b) in enumerate(runs):
        runs_in[root(i)] += b - a
    for key in sorted(sets, key=lambda k: min(o.lo for o in sets[k])):
        same = sets[key]
        need, have = sum(_duration(p, o) for o in same), runs_in[key]
        groups = sorted({p.series[o.series].group for o in same})
        members = [r for g in groups for r in p.groups[g].members]
        if need > have and len(groups) > 1 and len(members) == len(set(members)):
            return _finding(p, st, same, groups, need, have)
    return None


def _finding(
    p: Problem, st: StaffInfo, same: list[Occurrence], groups: list[int], need: int, have: int
) -> Finding:
    slot = p.clock.slot_minutes
    sole = [o for o in p.occurrences if p.series[o.series].group in groups]
    parts = []
    for g in groups:
        group = p.groups[g]
        prog = p.programs[group.program]
        mask = np.logical_or.reduce(
            [_times(p, o) for o in sole if p.series[o.series].group == g and o.starts]
        )
        when, _ = readable_times(p, mask.reshape(p.open.shape))
        where = f" in {p.houses[group.house]}" if group.house is not None else ""
        ids = names([p.residents[r].id for r in group.members])
        parts.append(f"{prog.label}{where} (group {group.name}: {ids}) can meet only {when}")
    houses = list(dict.fromkeys(p.groups[g].house for g in groups))
    house_names = [p.houses[h] for h in houses if h is not None]
    if len(house_names) > 1:
        both = "both" if len(house_names) == 2 else "all"
        head = f"{names(house_names)} {both} need {who(st)} at the same times"
    else:
        head = f"{len(groups)} groups need {who(st)} at the same times"
    week = min(o.lo for o in same) // p.clock.week_slots
    when = ""
    if p.clock.days > 7:
        when = f" in the week of {p.clock.start + dt.timedelta(weeks=week)}"
    programs = list(dict.fromkeys(p.programs[p.groups[g].program] for g in groups))
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
        fix=f"add a second staff member with {role}{there}, or free another time for the "
        "residents of one of these groups.",
        programs=tuple(x.id for x in programs),
    )
