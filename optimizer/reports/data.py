"""Everything the reports read, resolved once: lookups by id, weeks, the visible day columns
and hours, program colours, and slot masks of what is booked."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from optimizer.check import ValidationReport
from optimizer.planning.problem import Mask, Problem
from optimizer.reports.privacy import Privacy, resident_labels
from optimizer.scenario.schema import Program, Resident, Room, Scenario, Staff
from optimizer.search.result import Result
from optimizer.timetable import Booking, OnCallShift, Timetable, Unmet

# (strong, light): strong for charts and borders, light for timetable blocks under dark text.
PALETTE = (
    ("#4c72b0", "#dbe4f3"),
    ("#dd8452", "#f8e0d2"),
    ("#55a868", "#d9eedd"),
    ("#c44e52", "#f3d8d9"),
    ("#8172b3", "#e3dff0"),
    ("#937860", "#eae2da"),
    ("#da8bc3", "#f7e3f1"),
    ("#8c8c8c", "#e6e6e6"),
    ("#ccb974", "#f4efd9"),
    ("#64b5cd", "#dcf0f5"),
)
ON_CALL_COLOUR = ("#5b6470", "#eef0f3")


@dataclass(frozen=True)
class Colour:
    strong: str
    light: str


@dataclass
class ReportData:
    """The inputs of every report, with the lookups they share."""

    problem: Problem
    timetable: Timetable
    summary: dict[str, Any]
    report: ValidationReport | None = None
    staff: dict[str, Staff] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    residents: dict[str, Resident] = field(default_factory=dict)
    programs: dict[str, Program] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)  # resident id -> staff-sheet label

    def __post_init__(self) -> None:
        sc = self.scenario
        self.staff = {s.id: s for s in sc.staff}
        self.rooms = {r.id: r for r in sc.rooms}
        self.residents = {r.id: r for r in sc.residents}
        self.programs = {p.id: p for p in sc.programs}
        self.shown = resident_labels(sc.residents, sc.privacy)

    # --- scenario ------------------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        return self.problem.scenario

    @property
    def privacy(self) -> Privacy:
        return self.scenario.privacy

    @property
    def weeks(self) -> int:
        return self.scenario.calendar.weeks

    @property
    def start(self) -> dt.date:
        return self.scenario.calendar.start

    @property
    def slot_minutes(self) -> int:
        return self.problem.clock.slot_minutes

    @property
    def bookings(self) -> list[Booking]:
        return self.timetable.bookings

    @property
    def on_call(self) -> list[OnCallShift]:
        return self.timetable.on_call

    @property
    def unmet(self) -> list[Unmet]:
        return self.timetable.unmet

    def week_of(self, day: dt.date) -> int:
        """0-based week of the plan."""
        return (day - self.start).days // 7

    def week_dates(self, week: int) -> list[dt.date]:
        monday = self.start + dt.timedelta(days=7 * week)
        return [monday + dt.timedelta(days=i) for i in range(7)]

    def day_index(self, day: dt.date) -> int:
        return (day - self.start).days

    # --- labels --------------------------------------------------------------------------

    def staff_label(self, sid: str) -> str:
        s = self.staff.get(sid)
        return s.label if s else sid

    def room_label(self, rid: str) -> str:
        r = self.rooms.get(rid)
        return r.label if r else rid

    def program_label(self, pid: str) -> str:
        p = self.programs.get(pid)
        return p.label if p else pid

    def resident_shown(self, rid: str) -> str:
        """A resident as the privacy setting allows on staff sheets; never two alike."""
        return self.shown.get(rid, rid)

    def residents_shown(self, ids: Iterable[str]) -> list[str]:
        return [self.resident_shown(r) for r in ids]

    def session_kind(self, pid: str) -> str:
        """ "Group session" or "One-on-one session": says nothing about the treatment."""
        return "One-on-one session" if self.is_one_on_one(pid) else "Group session"

    def wall_title(self, pid: str) -> str:
        """A program as wall sheets show it: its name only if ``sharing.wall_programs`` lists
        it, else the neutral session kind."""
        if pid in self.scenario.sharing.wall_programs:
            return self.program_label(pid)
        return self.session_kind(pid)

    def wall_residents(self, ids: Iterable[str]) -> str:
        """Residents as wall sheets show them: nobody, or only how many."""
        if self.scenario.sharing.wall_residents == "count":
            n = len(list(ids))
            return f"{n} resident{'s' if n != 1 else ''}"
        return ""

    def is_one_on_one(self, pid: str) -> bool:
        p = self.programs.get(pid)
        return bool(p and p.attendees.one_each)

    def colour(self, pid: str) -> Colour:
        ids = [p.id for p in self.scenario.programs if not p.frequency.as_needed]
        if pid not in ids:
            return Colour(*ON_CALL_COLOUR)
        return Colour(*PALETTE[ids.index(pid) % len(PALETTE)])

    def colour_index(self, pid: str) -> int:
        """Index into :data:`PALETTE` (-1 for on-call or unknown programs)."""
        ids = [p.id for p in self.scenario.programs if not p.frequency.as_needed]
        return ids.index(pid) % len(PALETTE) if pid in ids else -1

    # --- days and hours shown ------------------------------------------------------------

    def open_weekdays(self) -> list[int]:
        """Weekdays (0 = Monday) with any opening hours or any booking, in order."""
        days = {d % 7 for d in range(self.problem.clock.days) if self.problem.open[d].any()}
        days |= {b.date.weekday() for b in self.bookings}
        days |= {s.date.weekday() for s in self.on_call}
        return sorted(days) or list(range(5))

    def hour_range(self) -> tuple[int, int]:
        """First and last minute shown in a day, on whole hours around all opening hours."""
        cols = np.flatnonzero(self.problem.open.any(axis=0))
        lo = [int(cols[0]) * self.slot_minutes] if cols.size else []
        hi = [(int(cols[-1]) + 1) * self.slot_minutes] if cols.size else []
        lo += [b.start for b in self.bookings] + [s.start for s in self.on_call]
        hi += [b.end for b in self.bookings] + [s.end for s in self.on_call]
        if not lo:
            return 8 * 60, 18 * 60
        return min(lo) // 60 * 60, min(24 * 60, -(-max(hi) // 60) * 60)

    # --- masks ---------------------------------------------------------------------------

    def mark(self, mask: Mask, day: dt.date, start: int, end: int) -> None:
        """Set the slots of ``[start, end)`` on ``day`` in ``mask`` (outside the plan: ignored)."""
        d = self.day_index(day)
        if 0 <= d < mask.shape[0]:
            a = start // self.slot_minutes
            b = -(-end // self.slot_minutes)
            mask[d, a:b] = True

    def room_booked(self, rid: str) -> Mask:
        mask = self.problem.clock.empty()
        for b in self.bookings:
            if b.room == rid:
                self.mark(mask, b.date, b.start, b.end)
        return mask

    def on_call_mask(self, program: str | None = None) -> Mask:
        mask = self.problem.clock.empty()
        for s in self.on_call:
            if program is None or s.program == program:
                self.mark(mask, s.date, s.start, s.end)
        return mask

    def hours(self, mask: Mask) -> float:
        return float(mask.sum()) * self.slot_minutes / 60


def build_data(
    problem: Problem, result: Result, report: ValidationReport | None, summary: dict[str, Any]
) -> ReportData:
    timetable = (result.timetable or Timetable()).sorted()
    return ReportData(problem=problem, timetable=timetable, summary=summary, report=report)
