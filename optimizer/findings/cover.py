"""On-call cover before solving: how much of a crisis program's opening hours any rota can
cover, which hours it cannot, and why, in a program manager's words.

A rota is made of the problem's on-call blocks (``Problem.on_call_blocks``): one qualified
person covers a whole block. So an hour is lost when

- no one with the roles is available then at all (``_nobody``),
- someone is, but no one for the whole block around it (``_no_whole_block``), or
- the only person who can cover the block is also the only one who can lead a required session
  whose every possible time overlaps the block (``_must_lead``): one of the two must give.

Each lost hour becomes a finding (:func:`cover_findings`): blocking when the program's
``cover`` requires those hours, else warnings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimizer.findings.finding import Finding, dated_ranges, hours, names, span, who
from optimizer.planning.cover import required_slots
from optimizer.planning.problem import Mask, Problem, ProgramInfo, slot_runs
from optimizer.rules.definitions import cover_required
from optimizer.scenario.phrases import DAY_NAMES
from optimizer.scenario.schema import Cover


@dataclass(frozen=True)
class _Rota:
    """One crisis program's masks (days x slots): open, coverable, and what it must cover."""

    prog: ProgramInfo
    cover: Cover | None
    open: Mask
    anyone: Mask  # some qualified person is available
    coverable: Mask  # inside a block that one qualified person can cover whole
    required: Mask  # the hours ``cover`` asks for (nothing when cover is a goal)


def _rota(p: Problem, prog: ProgramInfo) -> _Rota:
    shape = p.open.shape
    open_ = np.zeros(p.clock.horizon, dtype=bool)
    coverable = np.zeros(p.clock.horizon, dtype=bool)
    for b in p.on_call_blocks:
        if b.program == prog.index:
            open_[b.start : b.end] = True
            coverable[b.start : b.end] = bool(b.candidates)
    anyone = p.clock.empty()
    for s in prog.qualified:
        anyone |= p.staff[s].available
    cover = p.scenario.programs[prog.index].cover
    open_mask = open_.reshape(shape)
    required = open_mask & required_slots(p, prog.index).reshape(shape)
    return _Rota(prog, cover, open_mask, anyone & open_mask, coverable.reshape(shape), required)


def _role(prog: ProgramInfo) -> str:
    roles = sorted(prog.roles)
    return roles[0] if len(roles) == 1 else f"staff member with roles {' + '.join(roles)}"


def _nobody_word(prog: ProgramInfo) -> str:
    roles = sorted(prog.roles)
    return f"no {roles[0]}" if len(roles) == 1 else f"no one with roles {' + '.join(roles)}"


def readable_times(p: Problem, mask: Mask, limit: int = 4) -> tuple[str, list[int]]:
    """A mask of slots as words: runs that repeat on every open day of a weekday in a plan of
    several weeks as 'Sat 08:00-10:00 in any week', the rest dated ('Wed 2026-12-09 08:00-
    12:00'). Also the weekdays of the weekly runs."""
    weekly = np.zeros((7, p.clock.slots_per_day), dtype=bool)
    if p.clock.days > 7:
        for w in range(7):
            days = list(range(w, p.clock.days, 7))
            open_days = p.open[days]
            seen = open_days.sum(axis=0)
            weekly[w] = (seen >= 2) & ((mask[days] | ~open_days).all(axis=0))
    rest = mask.copy()
    for d in range(p.clock.days):
        rest[d] &= ~weekly[d % 7]
    day_of = [(p.clock.start.weekday() + w) % 7 for w in range(7)]
    parts_weekly = [
        f"{DAY_NAMES[day_of[w]]} {span(p, a, b)}" for w in range(7) for a, b in slot_runs(weekly[w])
    ]
    dated = dated_ranges(p, rest)
    text = ""
    if parts_weekly:
        text = names(parts_weekly, limit) + " in any week"
    if dated:
        text += (", and on " if text else "") + names(dated, limit)
    weekdays = [day_of[w] for w in range(7) if weekly[w].any()]
    return text, weekdays


def cover_findings(p: Problem) -> list[Finding]:
    findings: list[Finding] = []
    for prog in p.programs:
        if prog.on_call and prog.qualified:
            rota = _rota(p, prog)
            conflicts = _conflicts(p, rota)
            lost = [_nobody(p, rota), _no_whole_block(p, rota), *_must_lead(p, rota, conflicts)]
            findings += [f for f in lost if f is not None]
            taken = np.zeros_like(rota.open)
            for mask in conflicts.values():
                taken |= mask
            findings += _share(p, rota, taken)
    return findings


def _what(p: Problem, rota: _Rota, mask: Mask) -> tuple[bool, str]:
    """Whether losing ``mask`` breaks a cover that every required hour be covered, and how
    the program is introduced."""
    cover = rota.cover
    label = rota.prog.label
    if cover is None:
        return False, f"{label} (cover is a goal, not a rule):"
    if cover.percent >= 100 and (mask & rota.required).any():
        return True, f"{label} must have someone on call (cover: {cover.text}), but"
    return False, f"{label} (cover: {cover.text}):"


def _ceiling_text(p: Problem, rota: _Rota) -> str:
    opened = int(rota.open.sum())
    share = 100 * int(rota.coverable.sum()) / opened if opened else 100.0
    return f"; no rota can cover more than {share:.1f} % of the opening hours"


def _nobody(p: Problem, rota: _Rota) -> Finding | None:
    gaps = rota.open & ~rota.anyone
    if not gaps.any():
        return None
    blocking, intro = _what(p, rota, gaps)
    times, weekdays = readable_times(p, gaps & rota.required if blocking else gaps)
    role = _role(rota.prog)
    staff = [p.staff[s] for s in rota.prog.qualified]
    ceiling = "" if blocking else _ceiling_text(p, rota)
    people = names([s.id for s in staff]).replace(" and ", " or ")
    if weekdays:
        days = names([_full_day(d) for d in weekdays])
        fix = f"extend the {days} hours of {people}, or add a {role}."
    else:
        fix = f"move an absence or extend the hours of {people} on those days, or add a {role}."
    return Finding(
        f"{intro} {_nobody_word(rota.prog)} is available {times}{ceiling}.",
        blocking,
        rota.prog.id,
        tuple(s.id for s in staff),
        fix,
    )


def _no_whole_block(p: Problem, rota: _Rota) -> Finding | None:
    gaps = rota.anyone & ~rota.coverable
    if not gaps.any():
        return None
    blocking, intro = _what(p, rota, gaps)
    times, _ = readable_times(p, gaps & rota.required if blocking else gaps)
    length = hours(rota.prog.duration, p.clock.slot_minutes)
    return Finding(
        f"{intro} on-call blocks are {length} long and one person covers a whole block; "
        f"someone is available {times}, but no one for the whole block around it.",
        blocking,
        rota.prog.id,
        fix=f"shorten the program's duration (the block length), or have one {_role(rota.prog)} "
        "work the whole block.",
    )


def _conflicts(p: Problem, rota: _Rota) -> dict[tuple[int, int], Mask]:
    """(staff, series) -> blocks lost to it: a block only that person can cover, and a
    required session only they can lead whose every possible time overlaps the block. Exact:
    either the session is not placed or the block is not covered."""
    sole: dict[int, list[int]] = {}  # staff -> occurrences only they can lead
    for occ in p.occurrences:
        group = p.groups[p.series[occ.series].group]
        leaders = p.staff_candidates(p.programs[group.program], group.house)
        if not group.optional and occ.starts and len(leaders) == 1:
            sole.setdefault(leaders[0].index, []).append(occ.index)
    lost: dict[tuple[int, int], Mask] = {}
    for block in p.on_call_blocks:
        if block.program != rota.prog.index or len(block.candidates) != 1:
            continue
        s = block.candidates[0]
        for o in sole.get(s, ()):
            occ = p.occurrences[o]
            dur = p.programs[p.series[occ.series].program].duration
            if block.start - dur < min(occ.starts) and max(occ.starts) < block.end:
                mask = lost.setdefault((s, occ.series), np.zeros(p.clock.horizon, dtype=bool))
                mask[block.start : block.end] = True
    return {key: flat.reshape(p.open.shape) for key, flat in lost.items()}


def _must_lead(p: Problem, rota: _Rota, conflicts: dict[tuple[int, int], Mask]) -> list[Finding]:
    findings = []
    for (s, series_index), mask in conflicts.items():
        series = p.series[series_index]
        session = p.programs[series.program]
        st = p.staff[s]
        blocking, intro = _what(p, rota, mask)
        findings.append(
            Finding(
                f"{intro} only {who(st)} can be on call {names(dated_ranges(p, mask))}, and "
                f"{st.label} is also the only one who can lead {session.label} "
                f"({series.id}), which can only be at that time.",
                blocking,
                rota.prog.id,
                (st.id,),
                fix=f"give another {_role(rota.prog)} hours then, or another staff member the "
                f"roles {' + '.join(sorted(session.roles))}.",
            )
        )
    return findings


def _share(p: Problem, rota: _Rota, taken: Mask) -> list[Finding]:
    """A cover of less than 100 %: blocking when what availability leaves, less the blocks
    taken by sessions only their on-call person can lead, is below it."""
    cover = rota.cover
    if cover is None or cover.percent >= 100:
        return []
    scope = int(rota.required.sum())
    reachable = int((rota.required & rota.coverable & ~taken).sum())
    short = cover_required(cover, scope) - reachable
    if not scope or short <= 0:
        return []
    return [
        Finding(
            f"{rota.prog.label} must have someone on call {cover.percent:g} % of "
            f"{'those' if cover.windows else 'the opening'} hours (cover: {cover.text}), but no "
            f"rota can cover more than {100 * reachable / scope:.1f} % "
            f"({hours(reachable, p.clock.slot_minutes)} of {hours(scope, p.clock.slot_minutes)}).",
            True,
            rota.prog.id,
            fix=f"add at least {hours(short, p.clock.slot_minutes)} of {_role(rota.prog)} "
            "availability in the hours listed, or lower the cover.",
        )
    ]


def _full_day(day: int) -> str:
    return ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[day]
