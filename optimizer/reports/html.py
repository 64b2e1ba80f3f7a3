"""``index.html``: one self-contained page to hand to staff.

No network: styles and one small script are inline, charts are base64 PNGs. Week grids for
every staff member, room and resident are all in the page; the script shows one at a time
(a view, who, and a week), and printing gives the chosen one's weeks one per page. Without
the script every grid shows. Every piece of scenario text goes through :func:`esc`.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..scenario.phrases import DAY_NAMES, format_minutes
from .charts import Chart
from .data import ON_CALL_COLOUR, PALETTE, ReportData
from .grid import VIEW_TITLES, VIEWS, Block, Shade, View, WeekGrid, entities, hours_text, week_grid
from .html_assets import CSS, SCRIPT
from .privacy import CONFIDENTIAL, WALL_NOTE

__all__ = ["CONFIDENTIAL", "WALL_NOTE", "esc", "render_page"]


def esc(value: object) -> str:
    """HTML-escape any value, quotes included (safe in text and attribute values)."""
    return html.escape(str(value), quote=True)


def day_text(day: dt.date, year: bool = True) -> str:
    """ "Mon 7 Dec 2026" (no locale, no platform-specific strftime flags)."""
    text = f"{DAY_NAMES[day.weekday()]} {day.day} {day:%b}"
    return f"{text} {day.year}" if year else text


def date_range_text(first: dt.date, last: dt.date) -> str:
    return f"{day_text(first, first.year != last.year)} – {day_text(last)}"


# --- week grids -----------------------------------------------------------------------------


def _pct(minutes: int, grid: WeekGrid) -> str:
    span = grid.last_minute - grid.first_minute
    return f"{100 * (minutes - grid.first_minute) / span:.3f}%"


def _span(start: int, end: int, grid: WeekGrid) -> str:
    span = grid.last_minute - grid.first_minute
    return f"top:{_pct(start, grid)};height:{100 * (end - start) / span:.3f}%"


def _block_html(b: Block, grid: WeekGrid, colour_class: str) -> str:
    style = _span(b.start, b.end, grid)
    if b.lanes > 1:
        style += f";left:{100 * b.lane / b.lanes:.3f}%;width:{100 / b.lanes:.3f}%"
    size = " short" if b.end - b.start <= 30 else ""
    # Detail lines that fit under the time and title (at 1 px a minute on screen).
    style += f";--l:{max(1, (b.end - b.start - 29) // 14)}"
    details = " · ".join(d for d in b.details if d)
    tooltip = "\n".join([f"{b.time} {b.title}", *[d for d in b.details if d]])
    return (
        f'<div class="b {colour_class}{size}" data-kind="{b.kind}" '
        f'data-session="{esc(b.session)}" data-program="{esc(b.program)}" '
        f'data-date="{b.date.isoformat()}" data-start="{format_minutes(b.start)}" '
        f'data-end="{format_minutes(b.end)}" style="{style}" title="{esc(tooltip)}">'
        f'<span class="t">{esc(b.time)}</span> <span class="n">{esc(b.title)}</span>'
        f'<span class="d">{esc(details)}</span></div>'
    )


def _shade_html(s: Shade, grid: WeekGrid) -> str:
    label = f"<span>{esc(s.label)}</span>" if s.end - s.start >= 60 else ""
    return f'<div class="s {s.kind}" style="{_span(s.start, s.end, grid)}">{label}</div>'


def _grid_sub(data: ReportData, grid: WeekGrid) -> str:
    if grid.view == "resident":
        count = sum(1 for b in grid.blocks if b.kind == "session")
        return f"{count} session(s), {hours_text(grid.booked_minutes)}"
    parts = [f"{hours_text(grid.booked_minutes)} in sessions"]
    if grid.view == "staff":
        if grid.on_call_minutes:
            parts.append(f"{hours_text(grid.on_call_minutes)} on call")
        limit = data.staff[grid.entity].max_hours_per_week
        if limit:
            parts.append(f"weekly limit {hours_text(round(limit * 60))}")
    return " · ".join(parts)


def _agenda_item(b: Block, colour_class: str) -> str:
    details = "".join(f"<span>{esc(d)}</span>" for d in b.details if d)
    return (
        f'<li class="ai {colour_class}" data-kind="{b.kind}" data-session="{esc(b.session)}" '
        f'data-date="{b.date.isoformat()}" data-start="{format_minutes(b.start)}">'
        f'<b class="t">{esc(b.time)}</b><b class="n">{esc(b.title)}</b>{details}</li>'
    )


def agenda_html(data: ReportData, grid: WeekGrid) -> str:
    """The same week as a list of days, for phones (the grid is too narrow there)."""
    days = []
    for col, day in enumerate(grid.dates):
        items = [_agenda_item(b, _colour_class(data, b)) for b in grid.blocks if b.column == col]
        body = "".join(items) if items else '<li class="none">Nothing booked</li>'
        days.append(f"<li><h4>{esc(day_text(day, year=False))}</h4><ul>{body}</ul></li>")
    return f'<ol class="agenda">{"".join(days)}</ol>'


def grid_html(data: ReportData, grid: WeekGrid, key: str) -> str:
    """One week of one staff member, room or resident as an HTML grid."""
    hours = (grid.last_minute - grid.first_minute) // 60
    head = "".join(
        f'<div class="dh">{DAY_NAMES[d.weekday()]}<small>{d.day} {d:%b}</small></div>'
        for d in grid.dates
    )
    times = "".join(
        f'<span style="top:{_pct(m, grid)}">{format_minutes(m)}</span>'
        for m in range(grid.first_minute, grid.last_minute, 60)
    )
    days = []
    for col, day in enumerate(grid.dates):
        inner = [_shade_html(s, grid) for s in grid.shades if s.column == col]
        inner += [
            _block_html(b, grid, _colour_class(data, b)) for b in grid.blocks if b.column == col
        ]
        days.append(f'<div class="day" data-date="{day.isoformat()}">{"".join(inner)}</div>')
    week_text = date_range_text(grid.dates[0], grid.dates[-1]) if grid.dates else ""
    note = WALL_NOTE if grid.view == "room" else CONFIDENTIAL
    return (
        f'<section class="tt" data-view="{grid.view}" data-key="{key}" '
        f'data-entity="{esc(grid.entity)}" data-week="{grid.week + 1}" '
        f'style="--days:{len(grid.dates)};--hours:{hours}">'
        f'<h3>{esc(grid.heading)} <span class="wk">Week {grid.week + 1} of {data.weeks} · '
        f"{esc(week_text)}</span></h3>"
        f'<p class="sub">{esc(_grid_sub(data, grid))}'
        f'<span class="scn">{esc(data.scenario.name)}</span></p>'
        f'<div class="week"><div class="corner"></div>{head}'
        f'<div class="times">{times}</div>{"".join(days)}</div>{agenda_html(data, grid)}'
        f'<p class="conf">{esc(note)}</p></section>'
    )


def _colour_class(data: ReportData, b: Block) -> str:
    if b.kind == "on_call":
        return "oc"
    index = data.colour_index(b.program)
    return f"p{index}" if index >= 0 else "px"


def _all_grids(data: ReportData) -> tuple[str, dict[View, list[tuple[str, str]]]]:
    """Every grid, and for each view the (key, label) options of the chooser."""
    parts: list[str] = []
    options: dict[View, list[tuple[str, str]]] = {}
    for view in VIEWS:
        options[view] = []
        for i, (entity, heading) in enumerate(entities(data, view)):
            key = f"{view}-{i}"
            options[view].append((key, heading))
            parts += [
                grid_html(data, week_grid(data, view, entity, heading, w), key)
                for w in range(data.weeks)
            ]
    return "".join(parts), options


def _controls(data: ReportData, options: dict[View, list[tuple[str, str]]]) -> str:
    view_opts = "".join(
        f'<option value="{v}">{VIEW_TITLES[v]}</option>' for v in VIEWS if options[v]
    )
    pickers = "".join(
        f'<select class="who" data-view="{v}" aria-label="{VIEW_TITLES[v]}">'
        + "".join(f'<option value="{k}">{esc(label)}</option>' for k, label in options[v])
        + "</select>"
        for v in VIEWS
        if options[v]
    )
    weeks = "".join(
        f'<button type="button" class="wkb" data-week="{w + 1}">Week {w + 1}'
        f"<small>{data.week_dates(w)[0].day} {data.week_dates(w)[0]:%b}</small></button>"
        for w in range(data.weeks)
    )
    return (
        '<nav class="controls" aria-label="Timetable chooser">'
        f'<label>Timetable of <select id="view" aria-label="View">{view_opts}</select></label>'
        f'{pickers}<div class="weeks" role="group" aria-label="Week">{weeks}</div>'
        '<label class="ps"><input type="checkbox" id="print-summary"> print the summary '
        'too</label><button type="button" id="print">Print</button></nav>'
    )


def _legend(data: ReportData) -> str:
    chips = [
        f'<span class="chip p{data.colour_index(p.id)}"></span>{esc(p.label)}'
        for p in data.scenario.programs
        if not p.frequency.as_needed
    ]
    if any(p.frequency.as_needed for p in data.scenario.programs):
        chips.append('<span class="chip oc"></span>On call (crisis)')
    chips.append('<span class="chip closed"></span>Closed')
    chips.append('<span class="chip unavailable"></span>Not available')
    return '<p class="legend">' + "".join(f"<span>{c}</span>" for c in chips) + "</p>"


# --- summary, tables, charts ----------------------------------------------------------------


STATUS_WORDS = {
    "optimal": "Best possible",
    "feasible": "Ready",
    "incomplete": "Incomplete",
    "no timetable": "None found",
}
STATUS_NOTES = {
    "optimal": "no better timetable exists for these goals",
    "feasible": "a good timetable; a better one may exist",
    "incomplete": "some required sessions could not be placed",
    "no timetable": "no timetable was found",
}


def _kpi(label: str, value: str, note: str = "") -> str:
    note_html = f"<small>{esc(note)}</small>" if note else ""
    return f'<div class="kpi"><span>{esc(label)}</span><b>{esc(value)}</b>{note_html}</div>'


def _number(value: Any, fmt: str = "{:,.0f}") -> str:
    return "–" if value is None else fmt.format(value)


def kpis_html(data: ReportData) -> str:
    summary = data.summary
    cards = [
        _kpi(
            "Plan",
            STATUS_WORDS.get(str(summary.get("status")), str(summary.get("status", "–"))),
            STATUS_NOTES.get(str(summary.get("status")), ""),
        ),
        _kpi(
            "Sessions placed",
            f"{summary.get('sessions_placed', 0)} of {summary.get('sessions_required', 0)}",
            f"{summary.get('sessions_missing', 0)} not placed",
        ),
    ]
    for cov in summary.get("on_call_coverage", []):
        cards.append(
            _kpi(
                f"On call: {data.program_label(str(cov['program']))}",
                f"{cov['percent']:.1f} %",
                f"{len(cov['uncovered'])} uncovered window(s)",
            )
        )
    cards.append(
        _kpi("Penalty points", _number(summary.get("objective")), "fewer is better; see below")
    )
    cards.append(_kpi("Time to plan", _number(summary.get("solve_seconds"), "{:.0f} seconds")))
    return '<div class="kpis">' + "".join(cards) + "</div>"


def score_html(summary: dict[str, Any]) -> str:
    """The score in sentences: what it is made of, largest first, with examples as a list;
    the goals met in full in one sentence."""
    score = summary.get("score") or {}
    if not score:
        return ""
    missed = sorted(
        ((g["penalty"], name, g) for name, g in score.items() if g.get("count")), reverse=True
    )
    met = [name.replace("_", " ") for name, g in score.items() if not g.get("count")]
    total = summary.get("objective")
    intro = (
        f"<p>The plan has {esc(_number(total))} penalty points (fewer is better). "
        "Each goal not met in full adds points: the number of times it is missed, times how "
        "much the goal weighs.</p>"
    )
    items = []
    for penalty, name, g in missed:
        examples = "".join(f"<li>{esc(str(w))}</li>" for w in (g.get("worst") or [])[:3])
        items.append(
            f"<li><b>{esc(name.replace('_', ' ').capitalize())}</b>: missed {g['count']:,} "
            f"time(s) × {g['weight']:,} = {penalty:,} points."
            + (f" For example:<ul>{examples}</ul>" if examples else "")
            + "</li>"
        )
    body = f"<ul class='goals'>{''.join(items)}</ul>" if items else ""
    if met:
        body += f"<p>Met in full: {esc(', '.join(met))}.</p>"
    return f'<div class="score"><h3>How the plan scores</h3>{intro}{body}</div>'


def redact(data: ReportData, text: str) -> str:
    """Resident names in free text (the reasons a session was not placed) as the privacy
    setting shows them."""
    if data.privacy == "names":
        return text
    for r in sorted(data.residents.values(), key=lambda r: -len(r.name or "")):
        if r.name:
            text = text.replace(r.name, data.resident_shown(r.id))
    return text


def _unmet_table(data: ReportData) -> str:
    unmet = data.summary.get("unmet") or []
    if not unmet:
        return ""
    frame = pd.DataFrame(unmet)
    if "reason" in frame:
        frame["reason"] = [redact(data, str(r)) for r in frame["reason"]]
    return table_html(frame, "Sessions that could not be placed, and why")


HEADERS = {
    "hours_per_week": "Hours in sessions a week (average)",
    "busiest_week_hours": "Busiest week (hours)",
    "max_hours_per_week": "Weekly limit (hours)",
    "on_call_hours_per_week": "On call a week (hours)",
    "booked_hours": "Hours in sessions (whole plan)",
    "available_hours": "Hours available (whole plan)",
    "on_call_hours": "On call (whole plan, hours)",
}


def _header_text(column: str) -> str:
    if column in HEADERS:
        return HEADERS[column]
    return column.replace("_percent", " %").replace("_", " ").capitalize()


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def table_html(frame: pd.DataFrame, caption: str) -> str:
    """A plain table; every header and cell escaped, numbers right-aligned."""
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    head = "".join(
        f"<th{' class=num' if c in numeric else ''}>{esc(_header_text(str(c)))}</th>"
        for c in frame.columns
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=num' if c in numeric else ''}>{esc(_cell(v))}</td>"
            for c, v in zip(frame.columns, row, strict=True)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return (
        f'<div class="tbl"><table><caption>{esc(caption)}</caption><thead><tr>{head}</tr>'
        f"</thead><tbody>{rows}</tbody></table></div>"
    )


def _on_call_chart(charts: list[Chart]) -> str:
    """On-call cover, the chart a manager looks at first, right under the key figures."""
    return charts_html([c for c in charts if c.name == "on-call-coverage"])


def charts_html(charts: Iterable[Chart]) -> str:
    figures = "".join(
        f'<figure><img alt="{esc(c.caption)}" src="data:image/png;base64,'
        f'{base64.b64encode(c.png).decode("ascii")}"><figcaption>{esc(c.caption)}</figcaption>'
        "</figure>"
        for c in charts
    )
    return f'<div class="charts">{figures}</div>'


# --- page -----------------------------------------------------------------------------------


def _palette_css() -> str:
    rules = [f".p{i}{{--bg:{light};--fg:{strong}}}" for i, (strong, light) in enumerate(PALETTE)]
    rules.append(
        f".px{{--bg:#e6eaf0;--fg:#7d8896}}.oc{{--bg:{ON_CALL_COLOUR[1]};--fg:{ON_CALL_COLOUR[0]}}}"
    )
    return "".join(rules)


def _section(title: str, body: str, cls: str = "summary") -> str:
    return f'<section class="{cls}"><h2>{esc(title)}</h2>{body}</section>'


def render_page(
    data: ReportData,
    charts: list[Chart],
    utilization: dict[str, tuple[str, pd.DataFrame]],
) -> str:
    """The whole page. ``utilization`` maps a name to (caption, table)."""
    sc = data.scenario
    grids, options = _all_grids(data)
    last = sc.calendar.end
    tables = "".join(table_html(frame, caption) for caption, frame in utilization.values())
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{esc(sc.name)} – timetable</title>"
        f"<style>{CSS}{_palette_css()}</style></head><body>"
        f'<header class="page"><h1>{esc(sc.name)}</h1><p class="lead">Timetable for '
        f"{data.weeks} week(s), {esc(date_range_text(sc.calendar.start, last))}. Residents "
        f"appear as {esc(_privacy_text(data))} on staff timetables and by id on resident "
        "timetables; room timetables, meant for posting, name no resident and no treatment."
        "</p></header><main>"
        f'<section class="timetables"><h2 class="noprint">Timetables</h2>'
        f"{_controls(data, options)}{_legend(data)}{grids}</section>"
        + _section(
            "Summary",
            kpis_html(data)
            + _on_call_chart(charts)
            + _unmet_table(data)
            + score_html(data.summary),
        )
        + _section("Utilization", tables)
        + _section("Charts", charts_html([c for c in charts if c.name != "on-call-coverage"]))
        + f"</main><footer><p>{esc(CONFIDENTIAL)}</p><p>Made by recovery-home-optimizer "
        f"{esc(data.summary.get('tool_version', ''))} from the scenario "
        f"“{esc(data.scenario.name)}” (fingerprint "
        f"{esc(str(data.summary.get('scenario_sha256', ''))[:12])}).</p></footer>"
        f"<script>{SCRIPT}</script></body></html>"
    )


def _privacy_text(data: ReportData) -> str:
    return {"initials": "initials", "ids": "ids", "names": "full names"}[data.privacy]
