"""``timetable.xlsx``: a workbook staff can work in (pandas + openpyxl).

Sheets: ``About`` (the confidentiality note and how to read the workbook), ``Timetable``
(every dated session), ``On call`` (the rota), one list per staff member (sessions and
on-call shifts) and per room, then a week grid per staff member and per room
(:mod:`.xlsx_grid`). Dates and times are real Excel dates and times; every list has a frozen
header, a filter and a print setup (landscape, one page wide, the header repeated, the note in
the footer).

Residents appear per the privacy setting, never two alike. Room sheets are wall sheets: no
resident and a neutral session name (see :mod:`.privacy`). Session ids are left out, since a
one-on-one's id holds the resident's id. Every text cell is neutralised: text a spreadsheet
would run as a formula (starting with =, +, -, @, tab or CR) gets a leading ``'``.
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from optimizer.reports.data import ReportData
from optimizer.reports.privacy import CONFIDENTIAL, WALL_NOTE, neutralize, neutralize_cell
from optimizer.reports.xlsx_grid import grid_sheets, print_setup
from optimizer.timetable import Booking

MAX_SHEET_NAME = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
ABOUT_SHEET = "About"
TIMETABLE_SHEET = "Timetable"
ON_CALL_SHEET = "On call"
DATE_FORMAT = "ddd yyyy-mm-dd"
TIME_FORMAT = "hh:mm"


def sheet_names(wanted: list[str]) -> list[str]:
    """Valid, unique (ignoring case) sheet names in the same order: at most 31 characters,
    none of []:*?/\\, no leading or trailing apostrophe, not the reserved "History"."""
    out: list[str] = []
    taken: set[str] = set()
    for raw in wanted:
        name = _SHEET_FORBIDDEN.sub("-", raw).strip().strip("'") or "Sheet"
        if name.lower() == "history":
            name = "History (sheet)"
        name = name[:MAX_SHEET_NAME].strip().strip("'") or "Sheet"
        candidate, n = name, 2
        while candidate.lower() in taken:
            suffix = f" ({n})"
            candidate = name[: MAX_SHEET_NAME - len(suffix)].rstrip() + suffix
            n += 1
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def clock(minute: int) -> dt.time:
    """Minutes after midnight as a time of day (24:00 is shown as 23:59)."""
    minute = min(minute, 24 * 60 - 1)
    return dt.time(minute // 60, minute % 60)


def _row(data: ReportData, b: Booking, wall: bool = False) -> dict[str, object]:
    return {
        "Date": b.date,
        "Day": b.day,
        "Week": data.week_of(b.date) + 1,
        "Start": clock(b.start),
        "End": clock(b.end),
        "Program": data.wall_title(b.program) if wall else data.program_label(b.program),
        "Room": data.room_label(b.room),
        "Facilitators": ", ".join(data.staff_label(s) for s in b.facilitators),
        "Residents": (
            data.wall_residents(b.residents)
            if wall
            else ", ".join(data.residents_shown(b.residents))
        ),
    }


TIMETABLE_COLUMNS = [
    "Date",
    "Day",
    "Week",
    "Start",
    "End",
    "Program",
    "Room",
    "Facilitators",
    "Residents",
]


def timetable_frame(data: ReportData) -> pd.DataFrame:
    return pd.DataFrame([_row(data, b) for b in data.bookings], columns=TIMETABLE_COLUMNS)


def on_call_frame(data: ReportData, staff_id: str | None = None) -> pd.DataFrame:
    rows = [
        {
            "Date": s.date,
            "Day": s.date.strftime("%a"),
            "Week": data.week_of(s.date) + 1,
            "Start": clock(s.start),
            "End": clock(s.end),
            "Program": data.program_label(s.program),
            "Staff": data.staff_label(s.staff),
        }
        for s in data.on_call
        if staff_id is None or s.staff == staff_id
    ]
    return pd.DataFrame(rows, columns=["Date", "Day", "Week", "Start", "End", "Program", "Staff"])


def staff_frame(data: ReportData, staff_id: str) -> pd.DataFrame:
    """Sessions the staff member leads and their on-call shifts, by time."""
    mine = [_row(data, b) for b in data.bookings if staff_id in b.facilitators]
    sessions = pd.DataFrame(mine, columns=TIMETABLE_COLUMNS).drop(columns=["Facilitators"])
    on_call = on_call_frame(data, staff_id).drop(columns=["Staff"])
    on_call["Program"] = "On call: " + on_call["Program"]
    both = pd.concat([sessions, on_call], ignore_index=True) if len(on_call) else sessions
    return both.sort_values(["Date", "Start"], kind="stable").reset_index(drop=True)


def room_frame(data: ReportData, room_id: str) -> pd.DataFrame:
    """A room's sessions as a wall sheet: neutral names, no residents (at most a count)."""
    rows = [_row(data, b, wall=True) for b in data.bookings if b.room == room_id]
    frame = pd.DataFrame(rows, columns=TIMETABLE_COLUMNS).drop(columns=["Room"])
    if data.scenario.sharing.wall_residents == "none":
        frame = frame.drop(columns=["Residents"])
    return frame


def _format_list(sheet: Worksheet, frame: pd.DataFrame, note: str) -> None:
    """Column widths, real date and time formats, frozen header, filter, print setup."""
    for i, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(i)
        values = frame[column].head(500)
        longest = max([len(str(column)), *(len(str(v)) for v in values)])
        if column == "Date":
            longest = 15
        sheet.column_dimensions[letter].width = min(60, max(8, longest + 2))
        fmt = {"Date": DATE_FORMAT, "Start": TIME_FORMAT, "End": TIME_FORMAT}.get(str(column))
        if fmt:
            for (cell,), value in zip(
                sheet.iter_rows(min_row=2, min_col=i, max_col=i), frame[column], strict=False
            ):
                if isinstance(value, dt.time):
                    cell.value = value  # pandas writes a time of day as text
                cell.number_format = fmt
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    if len(frame.columns):
        sheet.auto_filter.ref = sheet.dimensions
    print_setup(sheet, note, title_rows="1:1")


def _about(sheet: Worksheet, data: ReportData) -> None:
    lines = [
        (data.scenario.name, True),
        (CONFIDENTIAL, False),
        ("", False),
        ("Timetable: every session; On call: the crisis on-call rota.", False),
        ("Staff - ...: a staff member's sessions and on-call shifts.", False),
        ("Room - ...: a room's bookings, for posting. " + WALL_NOTE, False),
        ("Week - ...: the same as a week grid, one block of rows per week.", False),
        ("Dates and times are real dates and times: sort and filter them like any other.", False),
    ]
    for r, (text, bold) in enumerate(lines, start=1):
        cell = sheet.cell(row=r, column=1, value=neutralize(text))
        cell.font = Font(bold=bold, size=14 if bold else 11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 110
    print_setup(sheet, CONFIDENTIAL)


def sheets(data: ReportData) -> list[tuple[str, pd.DataFrame, str]]:
    """(sheet name, table, footer note) of the list sheets, in workbook order."""
    wanted = [TIMETABLE_SHEET, ON_CALL_SHEET]
    frames = [timetable_frame(data), on_call_frame(data)]
    notes = [CONFIDENTIAL, CONFIDENTIAL]
    for s in data.scenario.staff:
        wanted.append(f"Staff - {s.label}")
        frames.append(staff_frame(data, s.id))
        notes.append(CONFIDENTIAL)
    for r in data.scenario.rooms:
        wanted.append(f"Room - {r.label}")
        frames.append(room_frame(data, r.id))
        notes.append(WALL_NOTE)
    return list(zip(sheet_names(wanted), frames, notes, strict=True))


def workbook(data: ReportData) -> bytes:
    out = io.BytesIO()
    lists = sheets(data)
    grid_wanted = [f"Week - {s.label}" for s in data.scenario.staff]
    grid_wanted += [f"Week - {r.label}" for r in data.scenario.rooms]
    names = sheet_names([ABOUT_SHEET, *(n for n, _, _ in lists), *grid_wanted])
    grid_names = names[1 + len(lists) :]
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        pd.DataFrame().to_excel(writer, sheet_name=ABOUT_SHEET, index=False)
        _about(writer.sheets[ABOUT_SHEET], data)
        for name, frame, note in lists:
            safe = frame.map(neutralize_cell)
            safe.columns = [str(neutralize_cell(c)) for c in frame.columns]
            safe.to_excel(writer, sheet_name=name, index=False)
            _format_list(writer.sheets[name], safe, note)
        grid_sheets(writer.book, data, grid_names)
    return out.getvalue()
