"""The week grid shared by the HTML page and the PDFs: day columns, blocks placed by time and
side by side where they overlap, and shading for closed and unavailable time.

A grid is drawn for one *view* (a staff member, a room or a resident) and one week. What a
block says depends on the view: a staff member's block names the room and the residents (per
the privacy setting), a resident's (keyed by id) names the room and facilitator. A room's is a
wall sheet: the facilitator, a neutral title unless ``sharing.wall_programs`` lists the
program, no resident (at most a count), and no program or session id in the markup.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Literal

from optimizer.planning.problem import Mask, slot_runs
from optimizer.reports.data import ReportData
from optimizer.scenario.phrases import format_minutes
from optimizer.timetable import Booking, OnCallShift

View = Literal["staff", "room", "resident"]
VIEWS: tuple[View, ...] = ("staff", "room", "resident")
VIEW_TITLES = {"staff": "Staff", "room": "Rooms", "resident": "Residents"}
UNAVAILABLE_LABEL = {"staff": "Not on shift", "room": "Unavailable", "resident": "Busy"}


@dataclass(frozen=True)
class Block:
    """One session or on-call shift in a day column; ``lane`` of ``lanes`` side by side."""

    column: int
    date: dt.date
    start: int
    end: int
    kind: Literal["session", "on_call"]
    program: str
    session: str
    title: str
    details: tuple[str, ...]
    lane: int = 0
    lanes: int = 1

    @property
    def time(self) -> str:
        return f"{format_minutes(self.start)}–{format_minutes(self.end)}"


@dataclass(frozen=True)
class Shade:
    """Time in a day column with nothing to book: the home is closed, or the person or room
    is not available."""

    column: int
    start: int
    end: int
    kind: Literal["closed", "unavailable"]
    label: str


@dataclass(frozen=True)
class WeekGrid:
    view: View
    entity: str  # id
    heading: str
    week: int  # 0-based
    dates: tuple[dt.date, ...]
    first_minute: int
    last_minute: int
    blocks: tuple[Block, ...]
    shades: tuple[Shade, ...]
    booked_minutes: int
    on_call_minutes: int


def entities(data: ReportData, view: View) -> list[tuple[str, str]]:
    """(id, heading) of everyone and everything with a timetable in ``view``."""
    if view == "staff":
        return [(s.id, s.label) for s in data.scenario.staff]
    if view == "room":
        return [(r.id, r.label) for r in data.scenario.rooms]
    return [(r.id, r.id) for r in data.scenario.residents]


def _availability(data: ReportData, view: View, entity: str) -> Mask:
    p = data.problem
    if view == "staff":
        return next(s.available for s in p.staff if s.id == entity)
    if view == "room":
        return next(r.available for r in p.rooms if r.id == entity)
    return next(r.free for r in p.residents if r.id == entity) & p.open


def _involves(booking: Booking, view: View, entity: str) -> bool:
    if view == "staff":
        return entity in booking.facilitators
    if view == "room":
        return booking.room == entity
    return entity in booking.residents


def _details(data: ReportData, b: Booking, view: View) -> tuple[str, ...]:
    staff = ", ".join(data.staff_label(s) for s in b.facilitators)
    residents = ", ".join(data.residents_shown(b.residents))
    if view == "staff":
        return (data.room_label(b.room), residents)
    if view == "room":
        return (staff, data.wall_residents(b.residents))
    return (data.room_label(b.room), staff)


def _session_block(data: ReportData, b: Booking, view: View, column: int) -> Block:
    if view == "room":
        named = b.program in data.scenario.sharing.wall_programs
        program, session = (b.program, b.session) if named else ("", "")
        title = data.wall_title(b.program)
    else:
        program, session, title = b.program, b.session, data.program_label(b.program)
    return Block(
        column, b.date, b.start, b.end, "session", program, session, title, _details(data, b, view)
    )


def _on_call_block(data: ReportData, s: OnCallShift, column: int) -> Block:
    return Block(
        column,
        s.date,
        s.start,
        s.end,
        "on_call",
        s.program,
        "",
        "On call",
        (data.program_label(s.program),),
    )


def assign_lanes(blocks: list[Block]) -> list[Block]:
    """Blocks of one column that overlap go side by side; others keep the full width."""
    out: list[Block] = []
    ordered = sorted(blocks, key=lambda b: (b.start, b.end))
    cluster: list[Block] = []
    cluster_end = -1
    for b in [*ordered, None]:
        if b is None or b.start >= cluster_end:
            out += _lanes_for_cluster(cluster)
            cluster, cluster_end = [], -1
        if b is not None:
            cluster.append(b)
            cluster_end = max(cluster_end, b.end)
    return out


def _lanes_for_cluster(cluster: list[Block]) -> list[Block]:
    lane_ends: list[int] = []
    placed = []
    for b in cluster:
        lane = next((i for i, end in enumerate(lane_ends) if end <= b.start), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(b.end)
        else:
            lane_ends[lane] = b.end
        placed.append((b, lane))
    return [replace(b, lane=lane, lanes=len(lane_ends)) for b, lane in placed]


def _shades(data: ReportData, available: Mask, columns: list[dt.date], view: View) -> list[Shade]:
    lo, hi = data.hour_range()
    slot = data.slot_minutes
    a, b = lo // slot, -(-hi // slot)
    out: list[Shade] = []
    for col, day in enumerate(columns):
        d = data.day_index(day)
        is_open = data.problem.open[d, a:b]
        free = available[d, a:b]
        for s, e in slot_runs(~is_open):
            out.append(Shade(col, lo + s * slot, lo + e * slot, "closed", "Closed"))
        for s, e in slot_runs(is_open & ~free):
            out.append(
                Shade(col, lo + s * slot, lo + e * slot, "unavailable", UNAVAILABLE_LABEL[view])
            )
    return out


def week_grid(data: ReportData, view: View, entity: str, heading: str, week: int) -> WeekGrid:
    """The grid of ``entity`` (a staff, room or resident id) for ``week`` (0-based)."""
    weekdays = data.open_weekdays()
    dates = [data.week_dates(week)[d] for d in weekdays]
    column = {day: i for i, day in enumerate(dates)}
    raw: list[Block] = [
        _session_block(data, b, view, column[b.date])
        for b in data.bookings
        if b.date in column and _involves(b, view, entity)
    ]
    if view == "staff":
        raw += [
            _on_call_block(data, s, column[s.date])
            for s in data.on_call
            if s.staff == entity and s.date in column
        ]
    blocks: list[Block] = []
    for col in range(len(dates)):
        blocks += assign_lanes([b for b in raw if b.column == col])
    lo, hi = data.hour_range()
    return WeekGrid(
        view=view,
        entity=entity,
        heading=heading,
        week=week,
        dates=tuple(dates),
        first_minute=lo,
        last_minute=hi,
        blocks=tuple(sorted(blocks, key=lambda b: (b.date, b.start, b.lane))),
        shades=tuple(_shades(data, _availability(data, view, entity), dates, view)),
        booked_minutes=sum(b.end - b.start for b in blocks if b.kind == "session"),
        on_call_minutes=sum(b.end - b.start for b in blocks if b.kind == "on_call"),
    )


def hours_text(minutes: int) -> str:
    hours = minutes / 60
    return f"{hours:.0f} h" if float(hours).is_integer() else f"{hours:.2f}".rstrip("0") + " h"
