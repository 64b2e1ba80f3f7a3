"""Checks of the on-call rota of crisis (as-needed) programs: who is on call, when, without
overlaps, with the cover and shift lengths the program asks for."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

from optimizer.check.results import CoverageReport
from optimizer.check.text import (
    Interval,
    and_,
    contains,
    hours_minutes,
    intersect,
    length,
    merge,
    overlapping_pairs,
    span,
    when,
)
from optimizer.check.view import View
from optimizer.rules.definitions import cover_hours, cover_short
from optimizer.scenario.schema import Program
from optimizer.timetable import OnCallShift


def _shifts(v: View) -> Iterator[tuple[OnCallShift, Program | None]]:
    """Shifts of known staff, with their program when it is an as-needed one."""
    for s in v.shifts:
        if s.staff in v.staff:
            prog = v.programs.get(s.program)
            yield s, prog if prog is not None and prog.frequency.as_needed else None


def on_call_role(v: View) -> Iterator[str]:
    for s, prog in _shifts(v):
        if prog is None:
            continue
        missing = [r for r in prog.facilitator if r not in v.staff[s.staff].roles]
        if missing:
            yield (
                f"{when(s.date, s.start, s.end)}: staff {s.staff} is on call for {prog.id} "
                f"without the role {and_(missing)}."
            )


def on_call_available(v: View) -> Iterator[str]:
    for s, _prog in _shifts(v):
        if not v.in_horizon(s.date):
            continue
        at = when(s.date, s.start, s.end)
        if not contains(v.open_on(s.date), s.start, s.end):
            hours = ", ".join(span(a, e) for a, e in v.open_on(s.date)) or "closed"
            yield (
                f"{at}: the on-call shift of {s.staff} for {s.program} is outside the opening "
                f"hours (that day: {hours})."
            )
        st = v.staff[s.staff]
        why = v.availability_problem(st.available, st.unavailable, s.date, s.start, s.end)
        if why:
            yield f"{at}: staff {st.id} is on call but {why}."


def on_call_overlap(v: View) -> Iterator[str]:
    by_program: dict[tuple[str, dt.date], list[tuple[int, int, OnCallShift]]]
    by_program = defaultdict(list)
    for s in v.shifts:
        by_program[(s.program, s.date)].append((s.start, s.end, s))
    for (pid, date), items in by_program.items():
        for x, y in overlapping_pairs(items):
            at = when(date, max(x.start, y.start), min(x.end, y.end))
            yield (
                f"{at}: on-call shifts for {pid} overlap ({x.staff} "
                f"{span(x.start, x.end)} and {y.staff} {span(y.start, y.end)})."
            )


def cover_scope(v: View, prog: Program, date: dt.date) -> list[Interval]:
    """The opening hours on ``date`` that a required cover asks for
    (:func:`optimizer.rules.definitions.cover_hours`)."""
    hours = v.open_on(date)
    return hours if prog.cover is None else cover_hours(prog.cover, date, hours, v.slot)


def on_call_cover(v: View) -> Iterator[str]:
    """A required cover (``cover``): the share of its hours with someone on call."""
    for report in v.coverage:
        yield from _cover(v, v.programs[report.program], report)


def _missing(v: View, prog: Program, report: CoverageReport):
    """(slots a required cover asks for, the uncovered stretches of them, uncovered slots)."""
    gaps: dict[dt.date, list[Interval]] = defaultdict(list)
    for date, a, b in report.uncovered:
        gaps[date].append((a, b))
    scope = 0
    missing: list[tuple[dt.date, int, int]] = []
    for date in v.days():
        hours = cover_scope(v, prog, date)
        scope += length(hours) // v.slot
        missing += [(date, a, b) for a, b in intersect(hours, gaps.get(date, []))]
    return scope, missing, sum(b - a for _, a, b in missing) // v.slot


def _cover(v: View, prog: Program, report: CoverageReport) -> Iterator[str]:
    cover = prog.cover
    if cover is None or any(u.program == prog.id for u in v.timetable.unmet):
        return  # met, or reported as unmet demand (the solve could not reach it)
    scope, missing, uncovered = _missing(v, prog, report)
    if not cover_short(cover, scope, scope - uncovered):
        return
    what = f"{prog.id} must have someone on call (cover: {cover.text})"
    if cover.percent >= 100:
        for date, a, b in missing:
            yield f"{what}, but no one is on call {when(date, a, b)}."
        return
    share = 100 * (scope - uncovered) / scope
    shown = [when(*m) for m in missing[:5]]
    if len(missing) > 5:
        shown.append(f"{len(missing) - 5} more")
    yield (
        f"{what}, but the rota covers {share:.1f} % of those hours; no one is on call "
        f"{and_(shown)}."
    )


def on_call_shift_length(v: View) -> Iterator[str]:
    """``shifts: {shortest, longest}``: one person's unbroken stretch on call on one day.
    A stretch may be shorter than ``shortest`` when it is all the home is open then."""
    spans: dict[tuple[str, str, dt.date], list[Interval]] = defaultdict(list)
    for s in v.shifts:
        prog = v.programs.get(s.program)
        if prog is not None and prog.shifts is not None:
            spans[(s.program, s.staff, s.date)].append((s.start, s.end))
    for (pid, sid, date), items in sorted(spans.items()):
        rules = v.programs[pid].shifts
        assert rules is not None
        for a, b in merge(items):
            at = when(date, a, b)
            if rules.longest is not None and b - a > rules.longest:
                yield (
                    f"{at}: {sid} is on call for {pid} {hours_minutes(b - a)} in a row; the "
                    f"longest shift is {hours_minutes(rules.longest)}."
                )
            whole_opening = (a, b) in v.open_on(date)
            if rules.shortest is not None and b - a < rules.shortest and not whole_opening:
                yield (
                    f"{at}: {sid} is on call for {pid} only {hours_minutes(b - a)}; the "
                    f"shortest shift is {hours_minutes(rules.shortest)}."
                )


def cover_short_slots(v: View, prog: Program) -> int:
    """Slots a required cover is short of: what its share asks for less what is covered."""
    cover = prog.cover
    report = next((r for r in v.coverage if r.program == prog.id), None)
    if cover is None or report is None:
        return 0
    scope, _, uncovered = _missing(v, prog, report)
    return cover_short(cover, scope, scope - uncovered)
