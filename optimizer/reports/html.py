"""``index.html``: one self-contained page to hand to staff.

No network: styles and one small script are inline, charts are base64 PNGs. Week grids for
every staff member, room and resident are all in the page; the script shows one at a time
(a view, who, and a week), and printing gives the chosen one's weeks one per page. Without
the script every grid shows. Every piece of scenario text goes through :func:`esc`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from optimizer.reports.charts import Chart
from optimizer.reports.data import ON_CALL_COLOUR, PALETTE, ReportData
from optimizer.reports.grid import (
    VIEW_TITLES,
    VIEWS,
    Block,
    Shade,
    View,
    WeekGrid,
    entities,
    hours_text,
    week_grid,
)
from optimizer.reports.html_assets import CSS, SCRIPT
from optimizer.reports.html_summary import (
    _on_call_chart,
    _unmet_table,
    charts_html,
    esc,
    kpis_html,
    redact,
    score_html,
    table_html,
)
from optimizer.reports.privacy import CONFIDENTIAL, WALL_NOTE
from optimizer.scenario.phrases import DAY_NAMES, format_minutes

__all__ = ["CONFIDENTIAL", "WALL_NOTE", "esc", "redact", "render_page", "score_html", "table_html"]


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
            + score_html(data.summary, data),
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
