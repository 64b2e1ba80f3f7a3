"""The today board for the front desk: ``today.html`` and ``today.pdf``.

A wall sheet (see :mod:`.privacy`): per day, each session's time, neutral name (unless
``sharing.wall_programs`` lists the program), room and facilitator, and who is on call; no
resident. ``today.html`` holds every day of the plan and shows today's (by the viewer's clock;
outside the plan, the first day), or the day in the address (``today.html#2026-12-08``), with
a chooser. ``today.pdf`` has one page per day, for printing a chosen date.
"""

from __future__ import annotations

import datetime as dt

from optimizer.reports.data import ReportData
from optimizer.reports.handouts import Sheet, table_pages
from optimizer.reports.html import date_range_text, day_text, esc
from optimizer.reports.privacy import WALL_NOTE
from optimizer.scenario.phrases import format_minutes

CSS = """
body{margin:0;font:18px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
color:#1d2430;background:#fff}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:28px;margin:0}h2{font-size:22px;margin:16px 0 8px}
.day{display:none}.day.on,body:not(.js) .day{display:block}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:8px 10px;
border-bottom:1px solid #dfe3e8;vertical-align:top}th{background:#eef0f3}
td.t{white-space:nowrap;font-variant-numeric:tabular-nums}
.note{color:#5b6470;font-size:13px;margin-top:18px}
select{font:inherit;padding:4px 8px}
@media print{select,label{display:none}.day{break-after:page}}
"""

SCRIPT = r"""
(function () {
  document.body.classList.add('js');
  var pick = document.getElementById('date');
  var days = document.querySelectorAll('section.day');
  function show() {
    for (var i = 0; i < days.length; i++) {
      days[i].classList.toggle('on', days[i].getAttribute('data-date') === pick.value);
    }
    if (window.history.replaceState) window.history.replaceState(null, '', '#' + pick.value);
  }
  var now = new Date();
  var today = now.getFullYear() + '-' + ('0' + (now.getMonth() + 1)).slice(-2) + '-' +
    ('0' + now.getDate()).slice(-2);
  var wanted = window.location.hash.slice(1) || today;
  if (document.querySelector('section.day[data-date="' + wanted + '"]')) pick.value = wanted;
  pick.addEventListener('change', show);
  show();
})();
"""


def board_rows(data: ReportData, day: dt.date) -> list[tuple[str, str, str, str]]:
    """(time, session, room, with) of every session and on-call shift on ``day``."""
    rows = [
        (
            f"{format_minutes(b.start)}–{format_minutes(b.end)}",
            data.wall_title(b.program),
            data.room_label(b.room),
            ", ".join(data.staff_label(s) for s in b.facilitators),
            b.start,
        )
        for b in data.bookings
        if b.date == day
    ]
    rows += [
        (
            f"{format_minutes(s.start)}–{format_minutes(s.end)}",
            "On call",
            "",
            data.staff_label(s.staff),
            s.start,
        )
        for s in data.on_call
        if s.date == day
    ]
    return [r[:4] for r in sorted(rows, key=lambda r: (r[4], r[1]))]


def _days(data: ReportData) -> list[dt.date]:
    weekdays = set(data.open_weekdays())
    days = (data.start + dt.timedelta(days=i) for i in range(7 * data.weeks))
    return [d for d in days if d.weekday() in weekdays]


def today_html(data: ReportData) -> str:
    sections = []
    for day in _days(data):
        rows = board_rows(data, day)
        body = (
            "".join(
                f'<tr><td class="t">{esc(t)}</td><td>{esc(s)}</td><td>{esc(r)}</td>'
                f"<td>{esc(w)}</td></tr>"
                for t, s, r, w in rows
            )
            or '<tr><td colspan="4">Nothing booked.</td></tr>'
        )
        sections.append(
            f'<section class="day" data-date="{day.isoformat()}"><h2>{esc(day_text(day))}</h2>'
            "<table><thead><tr><th>Time</th><th>Session</th><th>Room</th><th>With</th></tr>"
            f"</thead><tbody>{body}</tbody></table></section>"
        )
    options = "".join(
        f'<option value="{d.isoformat()}">{esc(day_text(d))}</option>' for d in _days(data)
    )
    sc = data.scenario
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{esc(sc.name)} – today</title><style>{CSS}</style></head><body><main>"
        f"<h1>Today at {esc(sc.name)}</h1>"
        f'<label>Day <select id="date">{options}</select></label>'
        f"<p>{esc(date_range_text(sc.calendar.start, sc.calendar.end))}</p>"
        f'{"".join(sections)}<p class="note">{esc(WALL_NOTE)}</p></main>'
        f"<script>{SCRIPT}</script></body></html>"
    )


def today_pdf(data: ReportData, days: list[dt.date] | None = None) -> bytes:
    """One landscape page per day (every open day of the plan by default)."""
    sheets = [
        Sheet(
            f"Today: {day_text(day)}",
            "Sessions and who is on call. For posting: no resident is named.",
            (("Time", 0.16), ("Session", 0.34), ("Room", 0.25), ("With", 0.25)),
            tuple(board_rows(data, day)),
            WALL_NOTE,
        )
        for day in (days or _days(data))
    ]
    return table_pages(data, sheets, landscape=True)
