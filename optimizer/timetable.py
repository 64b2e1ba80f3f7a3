"""The output schema: a timetable as plain data, independent of how it was made.

The solver writes it, the validator and the reports read it, and ``replan`` reads it back from
``timetable.csv``. Times are minutes from midnight on ``date``.

The CSV files are opened in spreadsheets, and ids and names come from a hand-written scenario:
a text cell that a spreadsheet would run as a formula (``=HYPERLINK(...)``, ``+1``, ``-1``,
``@SUM(A1)``) is written with a leading ``'``, and so is one that already starts with ``'``;
the readers remove exactly that one ``'``, so ids read back exactly as written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from optimizer.scenario.phrases import DAY_NAMES, format_minutes

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

# A spreadsheet treats a cell starting with one of these as a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"


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

    @property
    def on_call(self) -> bool:
        """A row for on-call cover the rota falls short of, not for sessions."""
        return self.who == "on call"


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


def csv_cell(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text: a leading ``'`` when it would start
    a formula, or when it starts with ``'`` itself (so :func:`from_csv_cell` can undo it)."""
    if text.startswith((*FORMULA_PREFIXES, _QUOTE)):
        return _QUOTE + text
    return text


def from_csv_cell(text: str) -> str:
    """Undo :func:`csv_cell`."""
    return text.removeprefix(_QUOTE)


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
                csv_cell(b.program),
                csv_cell(b.session),
                csv_cell(b.room),
                csv_cell(";".join(b.facilitators)),
                csv_cell(";".join(b.residents)),
            ]
        )
    return out.getvalue()


def on_call_csv(shifts: list[OnCallShift]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ON_CALL_COLUMNS)
    for s in sorted(shifts):
        writer.writerow(
            [
                s.date.isoformat(),
                format_minutes(s.start),
                format_minutes(s.end),
                csv_cell(s.program),
                csv_cell(s.staff),
            ]
        )
    return out.getvalue()


def unmet_csv(unmet: list[Unmet]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(UNMET_COLUMNS)
    for u in unmet:
        writer.writerow(
            [
                csv_cell(u.program),
                csv_cell(u.session),
                csv_cell(u.who),
                csv_cell(u.period),
                u.missing,
                csv_cell(u.reason),
            ]
        )
    return out.getvalue()


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with ``columns`` (more are ignored), each with its line number;
    a ``ValueError`` naming the file says what is wrong with it."""
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        missing = set(columns) - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        for row in reader:
            yield reader.line_num, {c: row.get(c) or "" for c in columns}


def _bad_row(path: Path, line: int, exc: ValueError) -> ValueError:
    return ValueError(f"{path}:{line}: cannot read this row ({exc})")


def read_timetable_csv(path: Path) -> list[Booking]:
    bookings = []
    for line, row in _rows(path, TIMETABLE_COLUMNS):
        try:
            bookings.append(
                Booking(
                    date=dt.date.fromisoformat(row["date"]),
                    start=_clock(row["start"]),
                    end=_clock(row["end"]),
                    program=from_csv_cell(row["program"]),
                    session=from_csv_cell(row["session"]),
                    room=from_csv_cell(row["room"]),
                    facilitators=_split(from_csv_cell(row["facilitators"])),
                    residents=_split(from_csv_cell(row["residents"])),
                )
            )
        except ValueError as exc:
            raise _bad_row(path, line, exc) from None
    return bookings


def read_on_call_csv(path: Path) -> list[OnCallShift]:
    shifts = []
    for line, row in _rows(path, ON_CALL_COLUMNS):
        try:
            shifts.append(
                OnCallShift(
                    date=dt.date.fromisoformat(row["date"]),
                    start=_clock(row["start"]),
                    end=_clock(row["end"]),
                    program=from_csv_cell(row["program"]),
                    staff=from_csv_cell(row["staff"]),
                )
            )
        except ValueError as exc:
            raise _bad_row(path, line, exc) from None
    return shifts


def read_unmet_csv(path: Path) -> list[Unmet]:
    unmet = []
    for line, row in _rows(path, UNMET_COLUMNS):
        try:
            unmet.append(
                Unmet(
                    program=from_csv_cell(row["program"]),
                    session=from_csv_cell(row["session"]),
                    who=from_csv_cell(row["who"]),
                    period=from_csv_cell(row["period"]),
                    missing=int(row["missing"]),
                    reason=from_csv_cell(row["reason"]),
                )
            )
        except ValueError as exc:
            raise _bad_row(path, line, exc) from None
    return unmet


def beside(timetable_csv: Path, name: str) -> Path | None:
    """The file ``name`` (``on_call.csv``, ``unmet.csv``) next to a ``timetable.csv``, if any."""
    path = timetable_csv.with_name(name)
    return path if path.exists() else None


def read_run(timetable_csv: Path, *, unmet: bool = True) -> Timetable:
    """A run folder's timetable: ``timetable.csv`` with the ``on_call.csv`` and (with ``unmet``)
    the ``unmet.csv`` beside it, where they exist. The one reader of a run folder; raises
    ``OSError``, ``ValueError`` or ``KeyError`` naming the file and row it cannot read."""
    on_call = beside(timetable_csv, "on_call.csv")
    unmet_csv = beside(timetable_csv, "unmet.csv") if unmet else None
    return Timetable(
        read_timetable_csv(timetable_csv),
        read_on_call_csv(on_call) if on_call else [],
        read_unmet_csv(unmet_csv) if unmet_csv else [],
    )
