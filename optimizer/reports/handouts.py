"""Printed sheets drawn as tables (matplotlib), on the scenario's paper in portrait:

- ``handouts/week-<n>.pdf``: one page per resident, their own sessions of week ``n`` only
  (staff print the file and hand each page out);
- ``sign-in/week-<n>.pdf``: one page per group session of week ``n``: date, time, room,
  facilitator and one line per expected attendee with a signature column;
- the today board's PDF (:mod:`.today`) uses :func:`table_pages` too.

Residents appear as staff sheets show them (never two alike); every page carries the
confidentiality note.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from optimizer.reports.charts import plain
from optimizer.reports.data import ReportData
from optimizer.reports.html import day_text
from optimizer.reports.pdf import _fonts, paper
from optimizer.reports.privacy import CONFIDENTIAL
from optimizer.scenario.phrases import format_minutes
from optimizer.timetable import Booking

ROW = 0.34  # inches per table row
TOP, BOTTOM, SIDE = 1.45, 0.75, 0.6  # inches


@dataclass(frozen=True)
class Sheet:
    """One printed page: a title, a line under it, a table, and a note at the foot."""

    title: str
    subtitle: str
    columns: tuple[tuple[str, float], ...]  # (header, share of the width)
    rows: tuple[tuple[str, ...], ...]
    note: str = CONFIDENTIAL
    ruled: bool = False  # tall rows with lines to write on (sign-in sheets)


def _draw(fig: Figure, sheet: Sheet, page: int, pages: int, home: str) -> None:
    w, h = (float(x) for x in fig.get_size_inches())
    fig.text(SIDE / w, 1 - 0.35 / h, plain(home), fontsize=8, color="#555")
    fig.text(SIDE / w, 1 - 0.65 / h, plain(sheet.title), fontsize=16, fontweight="bold")
    fig.text(SIDE / w, 1 - 0.92 / h, plain(sheet.subtitle), fontsize=10, color="#333")
    row = ROW * (1.6 if sheet.ruled else 1)
    x, y = SIDE, h - TOP
    width = w - 2 * SIDE
    for header, share in sheet.columns:
        fig.text(x / w, y / h, header, fontsize=9, fontweight="bold", va="bottom")
        x += share * width
    fig.add_artist(_line(fig, SIDE, w - SIDE, y - 0.06, 0.9))
    for cells in sheet.rows:
        y -= row
        x = SIDE
        for (_, share), text in zip(sheet.columns, cells, strict=True):
            chars = max(4, int(share * width * 72 / (10 * 0.55)))
            shown = text if len(text) <= chars else text[: chars - 1] + "…"
            fig.text(x / w, (y + 0.1) / h, plain(shown), fontsize=10, va="bottom")
            x += share * width
        fig.add_artist(_line(fig, SIDE, w - SIDE, y, 0.4))
    if not sheet.rows:
        fig.text(SIDE / w, (y - ROW) / h, "Nothing booked.", fontsize=10, color="#555")
    note = "\n".join(textwrap.wrap(sheet.note, int((w - 2 * SIDE) * 72 / (6.5 * 0.5))))
    fig.text(SIDE / w, 0.3 / h, note, fontsize=6.5, color="#555", va="bottom")
    fig.text(1 - SIDE / w, 0.15 / h, f"Page {page} of {pages}", fontsize=6.5, ha="right")


def _line(fig: Figure, x0: float, x1: float, y: float, width: float) -> Line2D:
    w, h = (float(v) for v in fig.get_size_inches())
    return Line2D([x0 / w, x1 / w], [y / h, y / h], color="#999", linewidth=width)


def rows_per_page(data: ReportData, ruled: bool = False, landscape: bool = False) -> int:
    w, h = paper(data)
    height = w if not landscape else h  # portrait: the long side is the height
    return max(1, int((height - TOP - BOTTOM - 0.3) / (ROW * (1.6 if ruled else 1))))


def table_pages(data: ReportData, sheets: Sequence[Sheet], landscape: bool = False) -> bytes:
    """A PDF with one page per sheet (a sheet with more rows than fit continues)."""
    w, h = paper(data)
    size = (w, h) if landscape else (h, w)
    pages: list[Sheet] = []
    for sheet in sheets:
        n = rows_per_page(data, sheet.ruled, landscape)
        chunks = [sheet.rows[i : i + n] for i in range(0, len(sheet.rows), n)] or [()]
        pages += [
            Sheet(
                sheet.title + (" (continued)" if i else ""),
                sheet.subtitle,
                sheet.columns,
                c,
                sheet.note,
                sheet.ruled,
            )
            for i, c in enumerate(chunks)
        ]
    out = io.BytesIO()
    meta = {"Creator": "recovery-home-optimizer", "CreationDate": None}
    with _fonts(data), PdfPages(out, metadata=meta) as pdf:
        for i, sheet in enumerate(pages or [Sheet("", "", (), ())], start=1):
            fig = Figure(figsize=size)
            _draw(fig, sheet, i, len(pages) or 1, data.scenario.name)
            pdf.savefig(fig)
    return out.getvalue()


def _when(b: Booking) -> str:
    return f"{format_minutes(b.start)}–{format_minutes(b.end)}"


def resident_sheet(data: ReportData, resident: str, week: int) -> Sheet:
    """One resident's own sessions in ``week`` (0-based)."""
    dates = data.week_dates(week)
    rows = tuple(
        (
            day_text(b.date, year=False),
            _when(b),
            data.program_label(b.program),
            data.room_label(b.room),
            ", ".join(data.staff_label(s) for s in b.facilitators),
        )
        for b in data.bookings
        if resident in b.residents and dates[0] <= b.date <= dates[-1]
    )
    return Sheet(
        f"Your week: {data.resident_shown(resident)}",
        f"Week {week + 1} of {data.weeks}, {day_text(dates[0])} – {day_text(dates[-1])}",
        (("Day", 0.13), ("Time", 0.14), ("Session", 0.31), ("Room", 0.21), ("With", 0.21)),
        rows,
        "Personal: for this resident only. " + CONFIDENTIAL,
    )


def resident_handouts(data: ReportData, week: int) -> bytes:
    return table_pages(data, [resident_sheet(data, r.id, week) for r in data.scenario.residents])


def is_group(data: ReportData, b: Booking) -> bool:
    return not data.is_one_on_one(b.program) and bool(b.residents)


def sign_in_sheet(data: ReportData, b: Booking) -> Sheet:
    """The attendance sheet of one group session: one line per expected attendee."""
    rows = tuple((str(i), data.resident_shown(r), "", "") for i, r in enumerate(b.residents, 1))
    staff = ", ".join(data.staff_label(s) for s in b.facilitators)
    return Sheet(
        f"Sign-in: {data.program_label(b.program)}",
        f"{day_text(b.date)}, {_when(b)} · {data.room_label(b.room)} · facilitator: {staff}",
        (("#", 0.06), ("Resident", 0.3), ("Signature", 0.44), ("Time in", 0.2)),
        rows,
        ruled=True,
    )


def sign_in_sheets(data: ReportData, week: int) -> bytes:
    dates = data.week_dates(week)
    sessions = [b for b in data.bookings if dates[0] <= b.date <= dates[-1] and is_group(data, b)]
    return table_pages(data, [sign_in_sheet(data, b) for b in sessions])
