"""``timetable.xlsx``: the whole timetable, the on-call rota, and one sheet per staff member
and per room (pandas + openpyxl).

Residents appear per the privacy setting. Every text cell is neutralised: text a spreadsheet
would run as a formula (starting with =, +, -, @, tab or CR) gets a leading ``'``.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..scenario.phrases import format_minutes
from ..timetable import Booking
from .data import ReportData
from .privacy import neutralize_cell

MAX_SHEET_NAME = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
TIMETABLE_SHEET = "Timetable"
ON_CALL_SHEET = "On call"


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


def _row(data: ReportData, b: Booking) -> dict[str, object]:
    return {
        "Date": b.date,
        "Day": b.day,
        "Week": data.week_of(b.date) + 1,
        "Start": format_minutes(b.start),
        "End": format_minutes(b.end),
        "Program": data.program_label(b.program),
        "Session": b.session,
        "Room": data.room_label(b.room),
        "Facilitators": ", ".join(data.staff_label(s) for s in b.facilitators),
        "Residents": ", ".join(data.residents_shown(b.residents)),
    }


TIMETABLE_COLUMNS = [
    "Date",
    "Day",
    "Week",
    "Start",
    "End",
    "Program",
    "Session",
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
            "Start": format_minutes(s.start),
            "End": format_minutes(s.end),
            "Program": data.program_label(s.program),
            "Staff": data.staff_label(s.staff),
        }
        for s in data.on_call
        if staff_id is None or s.staff == staff_id
    ]
    return pd.DataFrame(rows, columns=["Date", "Day", "Week", "Start", "End", "Program", "Staff"])


def staff_frame(data: ReportData, staff_id: str) -> pd.DataFrame:
    """Sessions the staff member leads and their on-call shifts, by time."""
    frame = timetable_frame(data)
    mine = [i for i, b in enumerate(data.bookings) if staff_id in b.facilitators]
    sessions = frame.iloc[mine].drop(columns=["Facilitators"])
    on_call = on_call_frame(data, staff_id).drop(columns=["Staff"])
    on_call.insert(5, "Session", "on call")
    both = pd.concat([sessions, on_call], ignore_index=True) if len(on_call) else sessions
    return both.sort_values(["Date", "Start"], kind="stable").reset_index(drop=True)


def room_frame(data: ReportData, room_id: str) -> pd.DataFrame:
    frame = timetable_frame(data)
    mine = [i for i, b in enumerate(data.bookings) if b.room == room_id]
    return frame.iloc[mine].drop(columns=["Room"]).reset_index(drop=True)


def _fit_columns(sheet: Worksheet, frame: pd.DataFrame) -> None:
    for i, column in enumerate(frame.columns, start=1):
        longest = max([len(str(column)), *(len(str(v)) for v in frame[column].head(500))])
        sheet.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
    sheet.freeze_panes = "A2"


def sheets(data: ReportData) -> list[tuple[str, pd.DataFrame]]:
    """(sheet name, table) in workbook order."""
    wanted = [TIMETABLE_SHEET, ON_CALL_SHEET]
    frames = [timetable_frame(data), on_call_frame(data)]
    for s in data.scenario.staff:
        wanted.append(f"Staff - {s.label}")
        frames.append(staff_frame(data, s.id))
    for r in data.scenario.rooms:
        wanted.append(f"Room - {r.label}")
        frames.append(room_frame(data, r.id))
    return list(zip(sheet_names(wanted), frames, strict=True))


def workbook(data: ReportData) -> bytes:
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for name, frame in sheets(data):
            safe = frame.map(neutralize_cell)
            safe.columns = [str(neutralize_cell(c)) for c in frame.columns]
            safe.to_excel(writer, sheet_name=name, index=False)
            _fit_columns(writer.sheets[name], safe)
    return out.getvalue()
