"""A read-only view of a timetable against its scenario, in dates and minutes from midnight.

Every check and every goal count reads the timetable through this view: the scenario's rooms,
staff, residents and programs by id, opening hours and availability rounded to whole slots,
each program's attendees and periods, and what is derived once (the demand met, the on-call
coverage, why a session is away from its usual time). It shares nothing with the CP-SAT model
or with the slot masks of ``optimizer.planning.problem``: agreeing with them independently is what
makes it a check.

Rounding follows the scenario's slots: availability and opening windows shrink to whole slots
(09:10-17:00 with 15-minute slots is 09:15-17:00); busy, closed and unavailable blocks widen to
whole slots (14:10-15:00 blocks 14:00-15:00).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from optimizer.check.results import CoverageReport, Shortfall
from optimizer.check.text import Interval, block_text, contains, intersect, length, merge, subtract
from optimizer.scenario.phrases import Window
from optimizer.scenario.schema import Program, Resident, Room, Scenario, Staff, TimedBlock
from optimizer.timetable import Booking, Timetable

MAKE_ROOM = "moved to make room for other sessions (no closure or absence at the usual time)"


@dataclass(frozen=True)
class Period:
    index: int
    first_week: int
    end_week: int  # exclusive
    expected: int


def periods(weeks: int, times: int, period_weeks: int) -> list[Period]:
    """Blocks of ``period_weeks`` weeks from the start; a final short block gets a share of
    ``times``, rounded half up (it may be 0)."""
    out: list[Period] = []
    first = 0
    while first < weeks:
        end = min(first + period_weeks, weeks)
        size = end - first
        expected = times if size == period_weeks else math.floor(times * size / period_weeks + 0.5)
        out.append(Period(len(out), first, end, expected))
        first = end
    return out


class View:
    def __init__(self, scenario: Scenario, timetable: Timetable):
        self.scenario = scenario
        self.timetable = timetable
        self.bookings = timetable.bookings
        self.shifts = timetable.on_call
        cal = scenario.calendar
        self.slot = cal.slot_minutes
        self.start = cal.start
        self.end = cal.end  # last day, inclusive
        self.weeks = cal.weeks
        self.rooms: dict[str, Room] = {r.id: r for r in scenario.rooms}
        self.staff: dict[str, Staff] = {s.id: s for s in scenario.staff}
        self.residents: dict[str, Resident] = {r.id: r for r in scenario.residents}
        self.programs: dict[str, Program] = {p.id: p for p in scenario.programs}
        self.houses_used = any(r.house for r in scenario.rooms) or any(
            r.house for r in scenario.residents
        )
        self.attendees: dict[str, set[str]] = {p.id: self._attendees(p) for p in scenario.programs}
        self._open: dict[dt.date, list[Interval]] = {}
        self._windows: dict[tuple[int, dt.date], list[Interval]] = {}

    def _attendees(self, p: Program) -> set[str]:
        att = p.attendees
        if att.kind == "all":
            return {r.id for r in self.scenario.residents}
        if att.kind == "track":
            return {r.id for r in self.scenario.residents if att.track in r.tracks}
        return set(att.ids)

    # -- time --

    def in_horizon(self, date: dt.date) -> bool:
        return self.start <= date <= self.end

    def week_of(self, date: dt.date) -> int:
        return (date - self.start).days // 7

    def period_of(self, prog: Program, date: dt.date) -> int:
        return self.week_of(date) // prog.frequency.period_weeks

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=d) for d in range(self.weeks * 7)]

    def shrunk(self, windows: Sequence[Window], date: dt.date) -> list[Interval]:
        """Windows that apply on ``date``, each shrunk to whole slots, merged."""
        key = (id(windows), date)
        cached = self._windows.get(key)
        if cached is None:
            s = self.slot
            cached = merge(
                (-(-w.start // s) * s, w.end // s * s) for w in windows if w.applies_on(date)
            )
            self._windows[key] = cached
        return cached

    def widened(
        self, blocks: Sequence[TimedBlock], date: dt.date
    ) -> list[tuple[int, int, TimedBlock]]:
        """Blocks that apply on ``date``, each widened to whole slots."""
        s = self.slot
        return [
            (b.when.start // s * s, -(-b.when.end // s) * s, b)
            for b in blocks
            if b.when.applies_on(date)
        ]

    def open_on(self, date: dt.date) -> list[Interval]:
        """Opening hours on ``date``: open windows (shrunk) minus closures (widened)."""
        cached = self._open.get(date)
        if cached is None:
            closed = merge((a, b) for a, b, _ in self.widened(self.scenario.calendar.closed, date))
            cached = subtract(self.shrunk(self.scenario.calendar.open, date), closed)
            self._open[date] = cached
        return cached

    def clash(
        self, blocks: Sequence[TimedBlock], date: dt.date, start: int, end: int
    ) -> TimedBlock | None:
        """The first block (widened) that overlaps [start, end) on ``date``."""
        for a, b, block in self.widened(blocks, date):
            if a < end and start < b:
                return block
        return None

    def availability_problem(
        self,
        available: list[Window] | None,
        unavailable: list[TimedBlock],
        date: dt.date,
        start: int,
        end: int,
    ) -> str | None:
        """Why [start, end) on ``date`` is outside ``available`` or inside ``unavailable``."""
        if available is not None and not contains(self.shrunk(available, date), start, end):
            shown = "; ".join(w.text for w in available)
            return f"is only available {shown}"
        block = self.clash(unavailable, date, start, end)
        if block is not None:
            return f"is unavailable {block_text(block)}"
        return None

    # -- sessions --

    def regular(self, b: Booking) -> Program | None:
        """The booking's program when it is one with sessions (not on call)."""
        prog = self.programs.get(b.program)
        return prog if prog is not None and not prog.frequency.as_needed else None

    def why_moved(self, regular: Booking, b: Booking, day: dt.date, start: int, end: int) -> str:
        """What stands in the way of the usual time ([start, end) on ``day``, where
        ``regular`` sits in other weeks) in ``b``'s week, as far as the data says; else
        :data:`MAKE_ROOM`."""
        if not self.in_horizon(day):
            return "the usual day is outside the plan"
        if not contains(self.open_on(day), start, end):
            block = self.clash(self.scenario.calendar.closed, day, start, end)
            return f"the home is closed then ({block.when.text})" if block else "closed then"
        for sid in regular.facilitators:
            st = self.staff.get(sid)
            if st is not None:
                problem = self.availability_problem(st.available, st.unavailable, day, start, end)
                if problem:
                    return f"{sid} {problem}"
        room = self.rooms.get(regular.room)
        if room is not None:
            problem = self.availability_problem(room.available, room.unavailable, day, start, end)
            if problem:
                return f"room {room.id} {problem}"
        for rid in b.residents:
            res = self.residents.get(rid)
            block = self.clash(res.busy, day, start, end) if res else None
            if block is not None:
                return f"{rid} is busy then ({block.reason or block.when.text})"
        return MAKE_ROOM

    # -- derived once --

    @cached_property
    def attended(self) -> dict[tuple[str, str, int], int]:
        """(program, resident, period) -> sessions attended, for the program's attendees."""
        counts: dict[tuple[str, str, int], int] = defaultdict(int)
        for b in self.bookings:
            prog = self.regular(b)
            if prog is None or not self.in_horizon(b.date):
                continue
            attendees = self.attendees[prog.id]
            period = self.period_of(prog, b.date)
            for rid in dict.fromkeys(b.residents):
                if rid in attendees:
                    counts[(prog.id, rid, period)] += 1
        return counts

    def demand(self) -> list[tuple[Program, str, dt.date, dt.date, Period, int]]:
        """Per regular program, attendee and period: (program, resident, first day, last day,
        period, sessions found)."""
        out = []
        for prog in self.scenario.programs:
            freq = prog.frequency
            if freq.as_needed:
                continue
            for res in self.scenario.residents:
                if res.id not in self.attendees[prog.id]:
                    continue
                for p in periods(self.weeks, freq.times, freq.period_weeks):
                    found = self.attended.get((prog.id, res.id, p.index), 0)
                    first = self.start + dt.timedelta(days=7 * p.first_week)
                    last = self.start + dt.timedelta(days=7 * p.end_week - 1)
                    out.append((prog, res.id, first, last, p, found))
        return out

    @cached_property
    def shortfalls(self) -> list[Shortfall]:
        return [
            Shortfall(prog.id, rid, first, last, p.expected, found)
            for prog, rid, first, last, p, found in self.demand()
            if found < p.expected
        ]

    @cached_property
    def coverage(self) -> list[CoverageReport]:
        by_program: dict[tuple[str, dt.date], list[Interval]] = defaultdict(list)
        for s in self.shifts:
            by_program[(s.program, s.date)].append((s.start, s.end))
        out = []
        for prog in self.scenario.programs:
            if not prog.frequency.as_needed:
                continue
            report = CoverageReport(prog.id, 0, 0, [])
            for date in self.days():
                hours = self.open_on(date)
                if not hours:
                    continue
                covered = merge(by_program.get((prog.id, date), ()))
                report.open_minutes += length(hours)
                report.covered_minutes += length(intersect(hours, covered))
                report.uncovered += [(date, a, b) for a, b in subtract(hours, covered)]
            out.append(report)
        return out
