"""The output schema: a timetable as plain data, independent of how it was made.

The solver writes it, the validator and the reports read it, and ``replan`` reads it back from
``timetable.csv``. Times are minutes from midnight on ``date``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from .scenario.phrases import DAY_NAMES, format_minutes

TIMETABLE_COLUMNS = (
    "date",
    "day",
    "start",
    "end",
    "program",
    "session",
    "room",
    "facilitators",
    "residents",
)
ON_CALL_COLUMNS = ("date", "start", "end", "program", "staff")
UNMET_COLUMNS = ("program", "session", "who", "period", "missing", "reason")


@dataclass(frozen=True, order=True)
class Booking:
    """One dated occurrence of a recurring session."""

    date: dt.date
    start: int
    end: int
    program: str
    session: str
    room: str
    facilitators: tuple[str, ...]
    residents: tuple[str, ...]

    @property
    def day(self) -> str:
        return DAY_NAMES[self.date.weekday()]

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, order=True)
class OnCallShift:
    date: dt.date
    start: int
    end: int
    program: str
    staff: str


@dataclass(frozen=True)
class Unmet:
    """Demand the timetable does not meet: ``missing`` occurrences of ``session``."""

    program: str
    session: str
    who: str
    period: str
    missing: int
    reason: str


@dataclass
class Timetable:
    bookings: list[Booking] = field(default_factory=list)
    on_call: list[OnCallShift] = field(default_factory=list)
    unmet: list[Unmet] = field(default_factory=list)

    def sorted(self) -> Timetable:
        return Timetable(sorted(self.bookings), sorted(self.on_call), list(self.unmet))


# --- CSV ------------------------------------------------------------------------------------


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _split(text: str) -> tuple[str, ...]:
    return tuple(p for p in text.split(";") if p)


def timetable_csv(bookings: list[Booking]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(TIMETABLE_COLUMNS)
    for b in sorted(bookings):
        writer.writerow(
            [
                b.date.isoformat(),
                b.day,
                format_minutes(b.start),
                format_minutes(b.end),
                b.program,
                b.session,
                b.room,
                ";".join(b.facilitators),
                ";".join(b.residents),
            ]
        )
    return out.getvalue()


def on_call_csv(shifts: list[OnCallShift]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ON_CALL_COLUMNS)
    for s in sorted(shifts):
        writer.writerow(
            [s.date.isoformat(), format_minutes(s.start), format_minutes(s.end), s.program, s.staff]
        )
    return out.getvalue()


def unmet_csv(unmet: list[Unmet]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(UNMET_COLUMNS)
    for u in unmet:
        writer.writerow([u.program, u.session, u.who, u.period, u.missing, u.reason])
    return out.getvalue()


def read_timetable_csv(path: Path) -> list[Booking]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = set(TIMETABLE_COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        return [
            Booking(
                date=dt.date.fromisoformat(row["date"]),
                start=_clock(row["start"]),
                end=_clock(row["end"]),
                program=row["program"],
                session=row["session"],
                room=row["room"],
                facilitators=_split(row["facilitators"]),
                residents=_split(row["residents"]),
            )
            for row in reader
        ]


def read_on_call_csv(path: Path) -> list[OnCallShift]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [
            OnCallShift(
                date=dt.date.fromisoformat(row["date"]),
                start=_clock(row["start"]),
                end=_clock(row["end"]),
                program=row["program"],
                staff=row["staff"],
            )
            for row in csv.DictReader(fh)
        ]
