"""Week-grid sheets of the workbook, and the print setup every sheet shares.

A grid sheet has one block of rows per week: a title row, a row of day names with their
dates, then a row per time slot with the time of day (a real Excel time) in column A. A session
fills the cells of its day from its start to its end (merged) with its time, title and details,
in its program's colour; the same blocks as the HTML and PDF grids (:func:`.grid.week_grid`),
so a room's grid is a wall sheet too.
"""

from __future__ import annotations

import datetime as dt

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from optimizer.reports.data import ON_CALL_COLOUR, ReportData
from optimizer.reports.grid import Block, View, week_grid
from optimizer.reports.privacy import CONFIDENTIAL, WALL_NOTE, neutralize
from optimizer.scenario.phrases import DAY_NAMES

THIN = Side(style="thin", color="FFB9C0C8")
FOOTER_LIMIT = 250  # Excel allows 255 characters in a header or footer section


def print_setup(
    sheet: Worksheet, note: str, title_rows: str | None = None, pages_tall: int = 0
) -> None:
    """Landscape, one page wide (and ``pages_tall`` pages tall, 0: as many as it takes), the
    title rows repeated, the note in the footer."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = pages_tall
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        sheet.print_title_rows = title_rows
    if sheet.max_row and sheet.max_column:
        sheet.print_area = sheet.dimensions
    sheet.oddFooter.left.text = note.replace("&", "&&")[:FOOTER_LIMIT]
    sheet.oddFooter.left.size = 7
    sheet.oddFooter.right.text = "Page &P of &N"


def _fill(hex_colour: str) -> PatternFill:
    return PatternFill("solid", fgColor="FF" + hex_colour.lstrip("#").upper())


def _block_colour(data: ReportData, b: Block) -> str:
    if b.kind == "on_call":
        return ON_CALL_COLOUR[1]
    if not b.program:  # a neutral session on a wall sheet
        return "#e6eaf0"
    return data.colour(b.program).light


def _write_week(
    sheet: Worksheet, data: ReportData, view: View, entity: str, label: str, week: int, top: int
) -> int:
    """One week's block of rows from row ``top``; returns the next free row."""
    grid = week_grid(data, view, entity, label, week)
    slot = data.slot_minutes
    first, last = grid.first_minute, grid.last_minute
    title = sheet.cell(
        row=top, column=1, value=neutralize(f"{label}: week {week + 1} of {data.weeks}")
    )
    title.font = Font(bold=True, size=13)
    head = top + 1
    sheet.cell(row=head, column=1, value="Time").font = Font(bold=True)
    for col, day in enumerate(grid.dates, start=2):
        cell = sheet.cell(row=head, column=col, value=day)
        cell.number_format = f'"{DAY_NAMES[day.weekday()]}" d mmm'
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    row_of = {m: head + 1 + (m - first) // slot for m in range(first, last, slot)}
    for m, r in row_of.items():
        cell = sheet.cell(row=r, column=1, value=dt.time(m // 60, m % 60))
        cell.number_format = "hh:mm"
        cell.font = Font(size=9, color="FF5B6470" if m % 60 else "FF1D2430")
    used: set[tuple[int, int]] = set()
    for b in grid.blocks:
        col = 2 + b.column
        r0 = row_of.get(b.start // slot * slot, head + 1)
        r1 = row_of.get((b.end - 1) // slot * slot, r0)
        text = "\n".join([f"{b.time} {b.title}", *(d for d in b.details if d)])
        cells = {(r, col) for r in range(r0, r1 + 1)}
        if cells & used:  # overlaps another block of the day: add to the cell it starts in
            cell = sheet.cell(row=r0, column=col)
            cell.value = neutralize(f"{cell.value or ''}\n{text}".strip())
            continue
        used |= cells
        cell = sheet.cell(row=r0, column=col, value=neutralize(text))
        cell.fill = _fill(_block_colour(data, b))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.font = Font(size=9)
        cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
        if r1 > r0:
            sheet.merge_cells(start_row=r0, start_column=col, end_row=r1, end_column=col)
    return head + 2 + len(row_of)


def _grid_sheet(sheet: Worksheet, data: ReportData, view: View, entity: str, label: str) -> None:
    row = 1
    for week in range(data.weeks):
        if week:
            sheet.row_breaks.append(Break(id=row - 1))
        row = _write_week(sheet, data, view, entity, label, week, row)
    sheet.column_dimensions["A"].width = 8
    for col in range(2, 2 + len(data.open_weekdays())):
        sheet.column_dimensions[get_column_letter(col)].width = 24
    sheet.freeze_panes = "B1"
    note = WALL_NOTE if view == "room" else CONFIDENTIAL
    sheet.cell(row=row, column=1, value=note).font = Font(size=8, italic=True)
    print_setup(sheet, note, pages_tall=data.weeks)  # with the row breaks: a week a page


def grid_sheets(book: Workbook, data: ReportData, names: list[str]) -> None:
    """A week-grid sheet per staff member, then per room, named ``names`` in that order."""
    targets: list[tuple[View, str, str]] = [("staff", s.id, s.label) for s in data.scenario.staff]
    targets += [("room", r.id, r.label) for r in data.scenario.rooms]
    for name, (view, entity, label) in zip(names, targets, strict=True):
        _grid_sheet(book.create_sheet(name), data, view, entity, label)
