"""Check a timetable against its scenario, without a solver.

The validator re-derives every rule from the scenario and the timetable alone, in dates and
minutes from midnight. It deliberately shares nothing with the CP-SAT model or with the slot
masks of ``optimizer.problem``: agreeing with them independently is what makes it a check.

Hard rules broken are :class:`Violation` s (each with a short, stable ``rule`` name). Demand the
timetable does not meet is a :class:`Shortfall`: not an error, but something the solve must
report as unmet. Crisis (as-needed) programs get a :class:`CoverageReport` of their on-call rota.

Rounding follows the scenario's slots: availability and opening windows shrink to whole slots
(09:10-17:00 with 15-minute slots is 09:15-17:00); busy, closed and unavailable blocks widen to
whole slots (14:10-15:00 blocks 14:00-15:00).
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from .scenario.phrases import DAY_NAMES, Window, format_minutes
from .scenario.schema import Program, Resident, Room, Scenario, Staff, TimedBlock
from .timetable import Booking, OnCallShift, Timetable

Interval = tuple[int, int]  # [start, end) in minutes from midnight
T = TypeVar("T")

RULES = (
    "horizon",
    "opening_hours",
    "slot",
    "duration",
    "program_unknown",
    "room_unknown",
    "room_features",
    "room_capacity",
    "room_available",
    "room_double_booked",
    "house",
    "facilitator_missing",
    "staff_unknown",
    "facilitator_role",
    "facilitator_available",
    "facilitator_double_booked",
    "weekly_hours",
    "resident_unknown",
    "resident_double_booked",
    "resident_busy",
    "no_residents",
    "not_attendee",
    "one_on_one",
    "group_size",
    "group_stable",
    "together",
    "apart",
    "session_program",
    "session_time",
    "too_many",
    "on_call_booking",
    "on_call_program",
    "on_call_role",
    "on_call_available",
    "on_call_overlap",
    "on_call_cover",
    "on_call_shift_length",
    "unmet_unreported",
    "unmet_spurious",
)


# --- results --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    """A hard rule the timetable breaks."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


@dataclass(frozen=True)
class Shortfall:
    """A resident attends a program fewer times in a period than the frequency asks.

    ``period_start`` and ``period_end`` are the first and last day of the period (inclusive).
    """

    program: str
    resident: str
    period_start: dt.date
    period_end: dt.date
    expected: int
    found: int

    def __str__(self) -> str:
        return (
            f"{self.resident} attends {self.program} {self.found} of {self.expected} times "
            f"from {self.period_start} to {self.period_end}."
        )


@dataclass
class CoverageReport:
    """How much of the opening hours an as-needed program's on-call rota covers."""

    program: str
    open_minutes: int
    covered_minutes: int
    uncovered: list[tuple[dt.date, int, int]] = field(default_factory=list)

    @property
    def percent(self) -> float:
        """Covered share of the opening hours, 0-100 (100 when the home never opens)."""
        if self.open_minutes <= 0:
            return 100.0
        return 100.0 * self.covered_minutes / self.open_minutes

    def __str__(self) -> str:
        return (
            f"{self.program}: on call {self.covered_minutes} of {self.open_minutes} open minutes "
            f"({self.percent:.1f} %), {len(self.uncovered)} uncovered window(s)."
        )


@dataclass
class ValidationReport:
    violations: list[Violation] = field(default_factory=list)
    shortfalls: list[Shortfall] = field(default_factory=list)
    coverage: list[CoverageReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No hard rule is broken."""
        return not self.violations

    @property
    def complete(self) -> bool:
        """Every resident gets every session the frequencies ask for."""
        return not self.shortfalls

    def rules(self) -> set[str]:
        return {v.rule for v in self.violations}

    def summary(self) -> str:
        lines = [str(v) for v in self.violations]
        lines += [f"[shortfall] {s}" for s in self.shortfalls]
        lines += [f"[coverage] {c}" for c in self.coverage]
        return "\n".join(lines)


# --- intervals ------------------------------------------------------------------------------


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, disjoint intervals; touching ones are joined (09-12 and 12-17 make 09-17)."""
    out: list[Interval] = []
    for a, b in sorted(intervals):
        if a >= b:
            continue
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _subtract(base: list[Interval], holes: list[Interval]) -> list[Interval]:
    """``base`` minus ``holes``; both merged."""
    out: list[Interval] = []
    j = 0
    for a, b in base:
        while j < len(holes) and holes[j][1] <= a:
            j += 1
        k = j
        cur = a
        while k < len(holes) and holes[k][0] < b:
            ha, hb = holes[k]
            if ha > cur:
                out.append((cur, ha))
            cur = max(cur, hb)
            k += 1
        if cur < b:
            out.append((cur, b))
    return out


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def _contains(merged: list[Interval], start: int, end: int) -> bool:
    """Whether [start, end) lies inside one interval of ``merged``."""
    i = bisect_right(merged, (start, math.inf)) - 1
    return i >= 0 and merged[i][0] <= start and end <= merged[i][1]


def _length(intervals: Iterable[Interval]) -> int:
    return sum(b - a for a, b in intervals)


def _overlapping_pairs(items: Sequence[tuple[int, int, T]]) -> Iterator[tuple[T, T]]:
    """Every pair of items whose [start, end) overlap: sort by start, then sweep forward."""
    ordered = sorted(items, key=lambda it: (it[0], it[1]))
    for i, (_a, b, x) in enumerate(ordered):
        for j in range(i + 1, len(ordered)):
            c, _d, y = ordered[j]
            if c >= b:
                break
            yield x, y


# --- wording --------------------------------------------------------------------------------


def _day(date: dt.date) -> str:
    return f"{DAY_NAMES[date.weekday()]} {date.isoformat()}"


def _span(start: int, end: int) -> str:
    return f"{format_minutes(start)}-{format_minutes(end)}"


def _when(date: dt.date, start: int, end: int) -> str:
    return f"{_day(date)} {_span(start, end)}"


def _duration(minutes: int) -> str:
    return f"{minutes // 60}h{minutes % 60:02d}"


def _and(names: Iterable[str]) -> str:
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _block_text(block: TimedBlock) -> str:
    return block.when.text + (f" ({block.reason})" if block.reason else "")


def _session(b: Booking) -> str:
    return b.session or b.program


def _split_session(program: str, session: str) -> tuple[str, int] | None:
    """``PROGRAM/GROUP/K`` -> (GROUP, K), or None when the id does not have that shape."""
    prefix = program + "/"
    if not session.startswith(prefix):
        return None
    group, sep, k = session[len(prefix) :].rpartition("/")
    if not sep or not group or not k.isdigit() or int(k) < 1:
        return None
    return group, int(k)


# --- the validator --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    index: int
    first_week: int
    end_week: int  # exclusive
    expected: int


def _periods(weeks: int, times: int, period_weeks: int) -> list[_Period]:
    """Blocks of ``period_weeks`` weeks from the start; a final short block gets a share of
    ``times``, rounded half up (it may be 0)."""
    out: list[_Period] = []
    first = 0
    while first < weeks:
        end = min(first + period_weeks, weeks)
        length = end - first
        expected = (
            times if length == period_weeks else math.floor(times * length / period_weeks + 0.5)
        )
        out.append(_Period(len(out), first, end, expected))
        first = end
    return out


def validate(scenario: Scenario, timetable: Timetable) -> ValidationReport:
    """Check ``timetable`` against every hard rule of ``scenario``; see the module docstring."""
    return _Validator(scenario, timetable).run()


class _Validator:
    def __init__(self, scenario: Scenario, timetable: Timetable):
        self.scenario = scenario
        self.timetable = timetable
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
        self.violations: list[Violation] = []
        self._open: dict[dt.date, list[Interval]] = {}
        self._windows: dict[tuple[int, dt.date], list[Interval]] = {}

    # -- helpers --

    def add(self, rule: str, message: str) -> None:
        self.violations.append(Violation(rule, message))

    def _attendees(self, p: Program) -> set[str]:
        att = p.attendees
        if att.kind == "all":
            return {r.id for r in self.scenario.residents}
        if att.kind == "track":
            return {r.id for r in self.scenario.residents if att.track in r.tracks}
        return set(att.ids)

    def in_horizon(self, date: dt.date) -> bool:
        return self.start <= date <= self.end

    def week_of(self, date: dt.date) -> int:
        return (date - self.start).days // 7

    def shrunk(self, windows: Sequence[Window], date: dt.date) -> list[Interval]:
        """Windows that apply on ``date``, each shrunk to whole slots, merged."""
        key = (id(windows), date)
        cached = self._windows.get(key)
        if cached is None:
            s = self.slot
            cached = _merge(
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
            closed = _merge((a, b) for a, b, _ in self.widened(self.scenario.calendar.closed, date))
            cached = _subtract(self.shrunk(self.scenario.calendar.open, date), closed)
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
        if available is not None and not _contains(self.shrunk(available, date), start, end):
            shown = "; ".join(w.text for w in available)
            return f"is only available {shown}"
        block = self.clash(unavailable, date, start, end)
        if block is not None:
            return f"is unavailable {_block_text(block)}"
        return None

    # -- the run --

    def run(self) -> ValidationReport:
        bookings = self.timetable.bookings
        shifts = self.timetable.on_call
        for b in bookings:
            self.check_booking(b)
        for s in shifts:
            self.check_shift(s)
        self.check_rooms(bookings)
        self.check_staff(bookings, shifts)
        self.check_residents(bookings)
        self.check_weekly_hours(bookings, shifts)
        self.check_sessions(bookings)
        shortfalls = self.demand(bookings)
        self.check_on_call_overlap(shifts)
        coverage = self.coverage(shifts)
        for report in coverage:
            self.check_cover(self.programs[report.program], report)
        self.check_shift_lengths(shifts)
        self.check_unmet(shortfalls, coverage)
        return ValidationReport(self.violations, shortfalls, coverage)

    # -- one booking --

    def check_booking(self, b: Booking) -> None:
        when = _when(b.date, b.start, b.end)
        name = _session(b)
        prog = self.programs.get(b.program)
        regular = prog is not None and not prog.frequency.as_needed
        in_horizon = self.in_horizon(b.date)

        if not in_horizon:
            self.add(
                "horizon",
                f"{when}: {name} is outside the plan ({_day(self.start)} to {_day(self.end)}).",
            )
        elif not _contains(self.open_on(b.date), b.start, b.end):
            hours = ", ".join(_span(a, e) for a, e in self.open_on(b.date)) or "closed all day"
            self.add(
                "opening_hours",
                f"{when}: {name} is outside the opening hours (that day: {hours}).",
            )
        if b.start % self.slot:
            self.add(
                "slot",
                f"{when}: {name} does not start on a {self.slot}-minute slot boundary.",
            )

        if prog is None:
            self.add("program_unknown", f"{when}: {name} is for an unknown program {b.program!r}.")
        elif prog.frequency.as_needed:
            self.add(
                "on_call_booking",
                f"{when}: {name} books the as-needed program {prog.id}, which is covered by an "
                "on-call rota, not by sessions.",
            )
        else:
            if b.end - b.start != prog.duration:
                self.add(
                    "duration",
                    f"{when}: {name} lasts {b.end - b.start} minutes; {prog.id} lasts "
                    f"{prog.duration} minutes.",
                )
            if _split_session(prog.id, b.session) is None:
                self.add(
                    "session_program",
                    f"{when}: session id {b.session!r} does not have the form "
                    f"{prog.id}/GROUP/K for program {prog.id}.",
                )

        room = self.rooms.get(b.room)
        if room is None:
            self.add("room_unknown", f"{when}: {name} is in an unknown room {b.room!r}.")
        else:
            if regular:
                assert prog is not None
                missing = [f for f in prog.room if f not in room.features]
                if missing:
                    self.add(
                        "room_features",
                        f"{when}: {name} is in room {room.id}, which lacks {_and(missing)} "
                        f"needed by {prog.id}.",
                    )
            people = len(b.residents) + len(b.facilitators)
            if people > room.capacity:
                self.add(
                    "room_capacity",
                    f"{when}: {name} puts {people} people in room {room.id}, which holds "
                    f"{room.capacity}.",
                )
            if in_horizon:
                why = self.availability_problem(
                    room.available, room.unavailable, b.date, b.start, b.end
                )
                if why:
                    self.add("room_available", f"{when}: {name} is in room {room.id}, which {why}.")

        self.check_facilitators(b, when, name, prog if regular else None, room, in_horizon)
        self.check_booked_residents(b, when, name, prog if regular else None, room, in_horizon)

    def check_facilitators(
        self,
        b: Booking,
        when: str,
        name: str,
        prog: Program | None,
        room: Room | None,
        in_horizon: bool,
    ) -> None:
        if not b.facilitators:
            self.add("facilitator_missing", f"{when}: {name} has no facilitator.")
        seen: set[str] = set()
        for sid in b.facilitators:
            if sid in seen:
                self.add(
                    "facilitator_double_booked",
                    f"{when}: staff {sid} is listed twice as a facilitator of {name}.",
                )
                continue
            seen.add(sid)
            st = self.staff.get(sid)
            if st is None:
                self.add("staff_unknown", f"{when}: {name} is led by unknown staff {sid!r}.")
                continue
            if prog is not None:
                missing = [r for r in prog.facilitator if r not in st.roles]
                if missing:
                    self.add(
                        "facilitator_role",
                        f"{when}: staff {sid} leads {name} without the role {_and(missing)} "
                        f"that {prog.id} needs.",
                    )
            if in_horizon:
                why = self.availability_problem(
                    st.available, st.unavailable, b.date, b.start, b.end
                )
                if why:
                    self.add(
                        "facilitator_available", f"{when}: staff {sid} leads {name} but {why}."
                    )
            if (
                self.houses_used
                and room is not None
                and st.houses is not None
                and room.house not in st.houses
            ):
                self.add(
                    "house",
                    f"{when}: staff {sid} leads {name} in room {room.id} of house {room.house}, "
                    f"but serves only {_and(st.houses)}.",
                )

    def check_booked_residents(
        self,
        b: Booking,
        when: str,
        name: str,
        prog: Program | None,
        room: Room | None,
        in_horizon: bool,
    ) -> None:
        distinct = list(dict.fromkeys(b.residents))
        if prog is not None and prog.attendees.one_each:
            if len(distinct) != 1:
                who = _and(distinct) or "nobody"
                self.add(
                    "one_on_one",
                    f"{when}: {name} is one-on-one but has {who}.",
                )
        elif not distinct:
            self.add("no_residents", f"{when}: {name} has no residents.")
        if prog is not None and prog.max_group_size and len(distinct) > prog.max_group_size:
            self.add(
                "group_size",
                f"{when}: {name} has {len(distinct)} residents; {prog.id} allows at most "
                f"{prog.max_group_size}.",
            )
        if len(distinct) != len(b.residents):
            twice = sorted({r for r in b.residents if b.residents.count(r) > 1})
            self.add(
                "resident_double_booked",
                f"{when}: {_and(twice)} listed twice in {name}.",
            )
        attendees = self.attendees.get(prog.id, set()) if prog is not None else set()
        for rid in distinct:
            res = self.residents.get(rid)
            if res is None:
                self.add("resident_unknown", f"{when}: {name} includes unknown resident {rid!r}.")
                continue
            if prog is not None and rid not in attendees:
                self.add(
                    "not_attendee",
                    f"{when}: resident {rid} is booked in {name}, but {prog.id} is for "
                    f"{prog.attendees.describe()}.",
                )
            if in_horizon:
                block = self.clash(res.busy, b.date, b.start, b.end)
                if block is not None:
                    self.add(
                        "resident_busy",
                        f"{when}: resident {rid} is booked in {name} but is busy "
                        f"{_block_text(block)}.",
                    )
            if self.houses_used and room is not None and res.house != room.house:
                self.add(
                    "house",
                    f"{when}: resident {rid} of house {res.house} is booked in {name} in room "
                    f"{room.id} of house {room.house}.",
                )

    # -- one on-call shift --

    def check_shift(self, s: OnCallShift) -> None:
        when = _when(s.date, s.start, s.end)
        what = f"the on-call shift of {s.staff} for {s.program}"
        prog = self.programs.get(s.program)
        if prog is None or not prog.frequency.as_needed:
            kind = "an unknown program" if prog is None else "a program with sessions, not on call"
            self.add("on_call_program", f"{when}: {what} is for {kind}.")
            prog = None
        in_horizon = self.in_horizon(s.date)
        if not in_horizon:
            self.add(
                "horizon",
                f"{when}: {what} is outside the plan ({_day(self.start)} to {_day(self.end)}).",
            )
        if s.start % self.slot or s.end % self.slot:
            self.add(
                "slot",
                f"{when}: {what} does not start and end on {self.slot}-minute slot boundaries.",
            )
        if s.end <= s.start:
            self.add("duration", f"{when}: {what} ends before it starts.")
        st = self.staff.get(s.staff)
        if st is None:
            self.add("staff_unknown", f"{when}: {what} names unknown staff {s.staff!r}.")
            return
        if prog is not None:
            missing = [r for r in prog.facilitator if r not in st.roles]
            if missing:
                self.add(
                    "on_call_role",
                    f"{when}: staff {st.id} is on call for {prog.id} without the role "
                    f"{_and(missing)}.",
                )
        if in_horizon:
            if not _contains(self.open_on(s.date), s.start, s.end):
                hours = ", ".join(_span(a, e) for a, e in self.open_on(s.date)) or "closed"
                self.add(
                    "on_call_available",
                    f"{when}: {what} is outside the opening hours (that day: {hours}).",
                )
            why = self.availability_problem(st.available, st.unavailable, s.date, s.start, s.end)
            if why:
                self.add("on_call_available", f"{when}: staff {st.id} is on call but {why}.")

    # -- resources over time --

    def check_rooms(self, bookings: list[Booking]) -> None:
        by_room: dict[tuple[str, dt.date], list[tuple[int, int, Booking]]] = defaultdict(list)
        for b in bookings:
            by_room[(b.room, b.date)].append((b.start, b.end, b))
        for (room, date), items in by_room.items():
            for x, y in _overlapping_pairs(items):
                when = _when(date, max(x.start, y.start), min(x.end, y.end))
                self.add(
                    "room_double_booked",
                    f"{when}: room {room} is booked twice ({_session(x)} and {_session(y)}).",
                )

    def check_staff(self, bookings: list[Booking], shifts: list[OnCallShift]) -> None:
        by_staff: dict[tuple[str, dt.date], list[tuple[int, int, Booking | OnCallShift]]]
        by_staff = defaultdict(list)
        for b in bookings:
            for sid in dict.fromkeys(b.facilitators):
                by_staff[(sid, b.date)].append((b.start, b.end, b))
        for s in shifts:
            by_staff[(s.staff, s.date)].append((s.start, s.end, s))
        for (sid, date), items in by_staff.items():
            if len(items) < 2:
                continue
            for x, y in _overlapping_pairs(items):
                if isinstance(x, OnCallShift) and isinstance(y, OnCallShift):
                    continue  # on call for two crisis programs at once is allowed
                when = _when(date, max(x.start, y.start), min(x.end, y.end))
                self.add(
                    "facilitator_double_booked",
                    f"{when}: staff {sid} is booked twice ({self._what(x)} and {self._what(y)}).",
                )

    @staticmethod
    def _what(item: Booking | OnCallShift) -> str:
        if isinstance(item, OnCallShift):
            return f"on call for {item.program} {_span(item.start, item.end)}"
        return f"{_session(item)} {_span(item.start, item.end)}"

    def check_residents(self, bookings: list[Booking]) -> None:
        by_resident: dict[tuple[str, dt.date], list[tuple[int, int, Booking]]] = defaultdict(list)
        for b in bookings:
            for rid in dict.fromkeys(b.residents):
                by_resident[(rid, b.date)].append((b.start, b.end, b))
        for (rid, date), items in by_resident.items():
            if len(items) < 2:
                continue
            for x, y in _overlapping_pairs(items):
                when = _when(date, max(x.start, y.start), min(x.end, y.end))
                self.add(
                    "resident_double_booked",
                    f"{when}: resident {rid} is booked twice ({_session(x)} and {_session(y)}).",
                )

    def check_weekly_hours(self, bookings: list[Booking], shifts: list[OnCallShift]) -> None:
        minutes: dict[tuple[str, int], int] = defaultdict(int)
        for b in bookings:
            if not self.in_horizon(b.date) or b.end <= b.start:
                continue
            week = self.week_of(b.date)
            for sid in dict.fromkeys(b.facilitators):
                minutes[(sid, week)] += b.end - b.start
        on_call = self.counted_on_call(shifts)
        for sid, week in sorted(set(minutes) | set(on_call)):
            st = self.staff.get(sid)
            if st is None or st.max_hours_per_week is None:
                continue
            led, duty = minutes.get((sid, week), 0), on_call.get((sid, week), 0)
            if led + duty > st.max_hours_per_week * 60:
                first = self.start + dt.timedelta(days=7 * week)
                last = first + dt.timedelta(days=6)
                also = f" and is on call {_duration(duty)} (counted toward weekly hours)"
                self.add(
                    "weekly_hours",
                    f"Week {week + 1} ({_day(first)} to {_day(last)}): staff {sid} leads "
                    f"{_duration(led)} of sessions{also if duty else ''}; at most "
                    f"{st.max_hours_per_week:g} hours are allowed.",
                )

    def counted_on_call(self, shifts: list[OnCallShift]) -> dict[tuple[str, int], int]:
        """Minutes on call per (staff, week) for programs whose on-call time counts toward
        weekly hours (``on_call_counts_toward_hours``); on call for two at once counts once."""
        spans: dict[tuple[str, dt.date], list[Interval]] = defaultdict(list)
        for s in shifts:
            prog = self.programs.get(s.program)
            if prog is not None and prog.on_call_counts_toward_hours and self.in_horizon(s.date):
                spans[(s.staff, s.date)].append((s.start, s.end))
        out: dict[tuple[str, int], int] = defaultdict(int)
        for (sid, date), items in spans.items():
            out[(sid, self.week_of(date))] += _length(_merge(items))
        return out

    # -- sessions and demand --

    def period_of(self, prog: Program, date: dt.date) -> int:
        return self.week_of(date) // prog.frequency.period_weeks

    def check_sessions(self, bookings: list[Booking]) -> None:
        groups: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        occurrences: dict[tuple[str, int], list[Booking]] = defaultdict(list)
        for b in bookings:
            prog = self.programs.get(b.program)
            if prog is None or prog.frequency.as_needed:
                continue
            parts = _split_session(prog.id, b.session)
            if parts is None:
                continue
            group = parts[0]
            for rid in dict.fromkeys(b.residents):
                groups[(prog.id, rid)].setdefault(group, b.session)
            if self.in_horizon(b.date):
                occurrences[(b.session, self.period_of(prog, b.date))].append(b)
        for (pid, rid), seen in groups.items():
            if len(seen) > 1:
                self.add(
                    "group_stable",
                    f"Resident {rid} is in more than one group of {pid} "
                    f"({_and(seen.values())}); a resident keeps one group.",
                )
        self.check_grouping(groups)
        for (session, _period), found in occurrences.items():
            if len(found) > 1:
                dates = _and(_when(b.date, b.start, b.end) for b in sorted(found))
                self.add(
                    "session_time",
                    f"Session {session} takes place {len(found)} times in one period ({dates}); "
                    "each session meets once a period.",
                )

    def check_grouping(self, groups: dict[tuple[str, str], dict[str, str]]) -> None:
        """``grouping.together`` share a group in every program both attend; ``apart`` never."""
        group_of = {key: next(iter(seen)) for key, seen in groups.items()}
        programs = {pid for pid, _ in group_of if not self.programs[pid].attendees.one_each}
        for kind in ("together", "apart"):
            for ids in getattr(self.scenario.grouping, kind):
                for pid in sorted(programs):
                    placed = {rid: group_of[(pid, rid)] for rid in ids if (pid, rid) in group_of}
                    names = list(placed.values())
                    if kind == "together" and len(set(names)) > 1:
                        self.add(
                            "together",
                            f"{_and(sorted(placed))} are to share a group, but in {pid} they are "
                            f"in groups {_and(sorted(set(names)))}.",
                        )
                    if kind == "apart" and len(set(names)) < len(names):
                        self.add(
                            "apart",
                            f"{_and(sorted(placed))} are to be kept apart, but in {pid} some of "
                            "them share a group.",
                        )

    def demand(self, bookings: list[Booking]) -> list[Shortfall]:
        counts: dict[tuple[str, str, int], int] = defaultdict(int)
        for b in bookings:
            prog = self.programs.get(b.program)
            if prog is None or prog.frequency.as_needed or not self.in_horizon(b.date):
                continue
            attendees = self.attendees[prog.id]
            period = self.period_of(prog, b.date)
            for rid in dict.fromkeys(b.residents):
                if rid in attendees:
                    counts[(prog.id, rid, period)] += 1
        shortfalls = []
        for prog in self.scenario.programs:
            freq = prog.frequency
            if freq.as_needed:
                continue
            periods = _periods(self.weeks, freq.times, freq.period_weeks)
            for res in self.scenario.residents:
                if res.id not in self.attendees[prog.id]:
                    continue
                for p in periods:
                    found = counts.get((prog.id, res.id, p.index), 0)
                    first = self.start + dt.timedelta(days=7 * p.first_week)
                    last = self.start + dt.timedelta(days=7 * p.end_week - 1)
                    if found < p.expected:
                        shortfalls.append(
                            Shortfall(prog.id, res.id, first, last, p.expected, found)
                        )
                    elif found > p.expected:
                        self.add(
                            "too_many",
                            f"{_day(first)} to {_day(last)}: resident {res.id} attends "
                            f"{prog.id} {found} times; the frequency ({freq.describe()}) asks "
                            f"for {p.expected}.",
                        )
        return shortfalls

    # -- on call --

    def check_on_call_overlap(self, shifts: list[OnCallShift]) -> None:
        by_program: dict[tuple[str, dt.date], list[tuple[int, int, OnCallShift]]]
        by_program = defaultdict(list)
        for s in shifts:
            by_program[(s.program, s.date)].append((s.start, s.end, s))
        for (pid, date), items in by_program.items():
            for x, y in _overlapping_pairs(items):
                when = _when(date, max(x.start, y.start), min(x.end, y.end))
                self.add(
                    "on_call_overlap",
                    f"{when}: on-call shifts for {pid} overlap ({x.staff} "
                    f"{_span(x.start, x.end)} and {y.staff} {_span(y.start, y.end)}).",
                )

    def coverage(self, shifts: list[OnCallShift]) -> list[CoverageReport]:
        by_program: dict[tuple[str, dt.date], list[Interval]] = defaultdict(list)
        for s in shifts:
            by_program[(s.program, s.date)].append((s.start, s.end))
        out = []
        for prog in self.scenario.programs:
            if not prog.frequency.as_needed:
                continue
            report = CoverageReport(prog.id, 0, 0, [])
            for d in range(self.weeks * 7):
                date = self.start + dt.timedelta(days=d)
                hours = self.open_on(date)
                if not hours:
                    continue
                covered = _merge(by_program.get((prog.id, date), ()))
                report.open_minutes += _length(hours)
                report.covered_minutes += _length(_intersect(hours, covered))
                report.uncovered += [(date, a, b) for a, b in _subtract(hours, covered)]
            out.append(report)
        return out

    def cover_scope(self, prog: Program, date: dt.date) -> list[Interval]:
        """The opening hours on ``date`` that a required cover asks for (its windows widened
        to whole slots: a requirement is met only when the whole slot is covered)."""
        hours = self.open_on(date)
        if prog.cover is None or not prog.cover.windows:
            return hours
        s = self.slot
        wanted = [
            (w.start // s * s, -(-w.end // s) * s) for w in prog.cover.windows if w.applies_on(date)
        ]
        return _intersect(hours, _merge(wanted))

    def check_cover(self, prog: Program, report: CoverageReport) -> None:
        """A required cover (``cover``): the share of its hours with someone on call."""
        cover = prog.cover
        if cover is None or any(u.program == prog.id for u in self.timetable.unmet):
            return  # met, or reported as unmet demand (the solve could not reach it)
        gaps: dict[dt.date, list[Interval]] = defaultdict(list)
        for date, a, b in report.uncovered:
            gaps[date].append((a, b))
        scope_minutes = 0
        missing: list[tuple[dt.date, int, int]] = []
        for d in range(self.weeks * 7):
            date = self.start + dt.timedelta(days=d)
            scope = self.cover_scope(prog, date)
            scope_minutes += _length(scope)
            missing += [(date, a, b) for a, b in _intersect(scope, gaps.get(date, []))]
        uncovered = sum(b - a for _, a, b in missing)
        if not missing or (scope_minutes - uncovered) * 100 >= cover.percent * scope_minutes:
            return
        what = f"{prog.id} must have someone on call (cover: {cover.text})"
        if cover.percent >= 100:
            for date, a, b in missing:
                self.add("on_call_cover", f"{what}, but no one is on call {_when(date, a, b)}.")
            return
        share = 100 * (scope_minutes - uncovered) / scope_minutes
        shown = [_when(*m) for m in missing[:5]]
        if len(missing) > 5:
            shown.append(f"{len(missing) - 5} more")
        self.add(
            "on_call_cover",
            f"{what}, but the rota covers {share:.1f} % of those hours; no one is on call "
            f"{_and(shown)}.",
        )

    def check_shift_lengths(self, shifts: list[OnCallShift]) -> None:
        """``shifts: {shortest, longest}``: one person's unbroken stretch on call on one day.
        A stretch may be shorter than ``shortest`` when it is all the home is open then."""
        spans: dict[tuple[str, str, dt.date], list[Interval]] = defaultdict(list)
        for s in shifts:
            prog = self.programs.get(s.program)
            if prog is not None and prog.shifts is not None:
                spans[(s.program, s.staff, s.date)].append((s.start, s.end))
        for (pid, sid, date), items in sorted(spans.items()):
            rules = self.programs[pid].shifts
            assert rules is not None
            for a, b in _merge(items):
                when = _when(date, a, b)
                if rules.longest is not None and b - a > rules.longest:
                    self.add(
                        "on_call_shift_length",
                        f"{when}: {sid} is on call for {pid} {_duration(b - a)} in a row; the "
                        f"longest shift is {_duration(rules.longest)}.",
                    )
                whole_opening = (a, b) in self.open_on(date)
                if rules.shortest is not None and b - a < rules.shortest and not whole_opening:
                    self.add(
                        "on_call_shift_length",
                        f"{when}: {sid} is on call for {pid} only {_duration(b - a)}; the "
                        f"shortest shift is {_duration(rules.shortest)}.",
                    )

    def check_unmet(self, shortfalls: list[Shortfall], coverage: list[CoverageReport]) -> None:
        short = {s.program: 0 for s in shortfalls}
        for s in shortfalls:
            short[s.program] += s.expected - s.found
        reported = {u.program for u in self.timetable.unmet}
        for pid, missing in short.items():
            if pid not in reported:
                self.add(
                    "unmet_unreported",
                    f"{pid} is short of {missing} resident-session(s), but the timetable's "
                    "unmet list does not mention it.",
                )
        gaps = {c.program for c in coverage if c.uncovered}
        for pid in sorted(reported):
            if pid in short or pid in gaps:
                continue
            prog = self.programs.get(pid)
            if prog is None:
                why = "the scenario has no such program"
            elif prog.frequency.as_needed:
                why = "its on-call rota covers every opening hour"
            else:
                why = "every resident gets every session of it"
            self.add("unmet_spurious", f"The unmet list names {pid}, but {why}.")
