"""Staff-facing reports, written into the run folder next to ``timetable.csv``.

``write_reports(run, problem, result, report, summary)`` writes:

========================================  ==================================================
``index.html``                            one self-contained page: week grids by staff member,
                                          room and resident, the summary, utilization tables
                                          and charts (no network; prints one grid per page)
``charts/*.png``                          room utilization, staff hours against limits,
                                          program hours per week, crisis on-call coverage
``utilization/*.csv``                     per staff member, room, resident and program
``staff/<id>.pdf``                        each staff member's timetable, a page per week
``calendars/<id>.ics``                    each staff member's sessions and on-call shifts,
                                          with neutral titles, for Google Calendar / Outlook
``timetable.xlsx``                        the timetable, the on-call rota, a list and a week
                                          grid per staff member and per room
``handouts/week-<n>.pdf``                 one page per resident: their own sessions that week
``sign-in/week-<n>.pdf``                  one attendance sheet per group session that week
``today.html``, ``today.pdf``             the front desk's board of the day (a wall sheet)
========================================  ==================================================

File names made from ids go through :func:`optimizer.reports.output.safe_name`. Who sees what is set
by audience (:mod:`.privacy`): staff sheets show residents per ``privacy``, never two alike;
wall sheets (room timetables, the today board) name no resident and no treatment; calendar
titles are neutral and never name a program. Every shared file carries the confidentiality
note.

Modules: :mod:`.data` (lookups shared by all), :mod:`.privacy`, :mod:`.tables` (pandas),
:mod:`.grid` (week grid layout shared by HTML and PDF), :mod:`.charts`, :mod:`.html`,
:mod:`.html_assets` (its style sheet and script), :mod:`.pdf`, :mod:`.ics`, :mod:`.xlsx` and
:mod:`.xlsx_grid`, :mod:`.handouts` (resident handouts, sign-in sheets), :mod:`.today`.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from optimizer.check import ValidationReport
from optimizer.planning.problem import Problem
from optimizer.reports import charts, handouts, html, ics, pdf, tables, today, xlsx
from optimizer.reports.data import ReportData, build_data
from optimizer.reports.output import RunFolder, safe_name
from optimizer.search.result import Result

__all__ = ["ReportData", "build_data", "write_reports"]


def _utilization(data: ReportData) -> dict[str, tuple[str, Any]]:
    return {
        "staff": (
            "Staff: hours leading sessions against hours available",
            tables.staff_utilization(data),
        ),
        "rooms": (
            "Rooms: hours booked against hours open and available",
            tables.room_utilization(data),
        ),
        "residents": (
            "Residents (by id): sessions and the longest day",
            tables.resident_load(data),
        ),
        "programs": ("Programs: placed against required", tables.program_summary(data)),
    }


def _write_all(run: RunFolder, data: ReportData, now: dt.datetime) -> list[Path]:
    written: list[Path] = []
    utilization = _utilization(data)
    for name, (_, frame) in utilization.items():
        written.append(run.write(f"utilization/{name}.csv", tables.to_csv(frame)))
    rendered = charts.render_charts(data)
    for chart in rendered:
        written.append(run.write(f"charts/{chart.name}.png", chart.png))
    written.append(run.write("index.html", html.render_page(data, rendered, utilization)))
    written.append(run.write("timetable.xlsx", xlsx.workbook(data)))
    written.append(run.write("today.html", today.today_html(data)))
    written.append(run.write("today.pdf", today.today_pdf(data)))
    for week in range(data.weeks):
        if data.scenario.residents:
            handout = handouts.resident_handouts(data, week)
            written.append(run.write(f"handouts/week-{week + 1}.pdf", handout))
        written.append(
            run.write(f"sign-in/week-{week + 1}.pdf", handouts.sign_in_sheets(data, week))
        )
    for s in data.scenario.staff:
        stem = safe_name(s.id)
        written.append(run.write(f"calendars/{stem}.ics", ics.staff_ics(data, s.id, now)))
        written.append(run.write(f"staff/{stem}.pdf", pdf.staff_pdf(data, s.id)))
    return written


def write_reports(
    run: RunFolder,
    problem: Problem,
    result: Result,
    report: ValidationReport | None,
    summary: dict[str, Any],
    *,
    strict: bool = False,
    now: dt.datetime | None = None,
    warn: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write every staff-facing report into ``run``; returns the files written.

    A failure here is a bug, but it should not cost the solve: by default it is reported
    through ``warn`` (default: stderr) and the run keeps its timetable CSVs. ``strict=True``
    (the tests) raises instead. ``now`` fixes the calendars' DTSTAMP/SEQUENCE.
    """
    if result.timetable is None:
        return []
    data = build_data(problem, result, report, summary)
    try:
        written = _write_all(run, data, now or dt.datetime.now(dt.UTC))
    except Exception as exc:
        if strict:
            raise
        (warn or _stderr)(
            f"Could not write the staff reports ({type(exc).__name__}: {exc}); this is a bug "
            "in the tool. The timetable CSV files were written."
        )
        return []
    return written


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def write_run(
    run: RunFolder,
    problem: Problem,
    result: Result,
    report: ValidationReport | None,
    summary: dict[str, Any],
    warn: Callable[[str], None] | None = None,
) -> None:
    """Every file of one run, as ``solve`` writes them: the CSVs, the reports, the summary."""
    from optimizer.reports.summary import summary_json
    from optimizer.timetable import on_call_csv, timetable_csv, unmet_csv

    if result.timetable is not None:
        timetable = result.timetable
        run.write("timetable.csv", timetable_csv(timetable.bookings))
        run.write("on_call.csv", on_call_csv(timetable.on_call))
        run.write("unmet.csv", unmet_csv(timetable.unmet))
        write_reports(run, problem, result, report, summary, warn=warn)
    run.write("summary.json", summary_json(summary))
