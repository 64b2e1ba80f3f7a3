"""The part of ``comparison.html`` a manager decides from.

Plans are named columns, the first being the current plan; each other plan has a column with
its difference from the current one. Decision rows come first: sessions placed, unmet demand
in words, on-call cover, paid hours and cost per week, evening and weekend load. A sentence
names the cheapest plan that places every session with full on-call cover. When the same plan
was solved twice (``variation``), differences smaller than what changed between those two runs
are flagged: they are noise of the search, not a property of the plan.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from optimizer.reports.html_summary import esc
from optimizer.scenario.phrases import format_minutes
from optimizer.whatif.table import evening_of, label, notes, table_rows

# (metric, label, unit, better when higher?) of the decision rows, in order.
DECISION_ROWS: tuple[tuple[str, str, str, bool | None], ...] = (
    ("sessions_placed", "Sessions placed", "", True),
    ("sessions_unmet", "Sessions not placed", "", False),
    ("on_call_coverage_min_percent", "On-call cover (lowest)", "%", True),
    ("paid_hours_per_week", "Paid staff hours a week", "h", None),
    ("paid_cost_per_week", "Staff cost a week (paid hours)", "$", False),
    ("evening_share_percent", "Sessions ending after {evening}", "%", None),
    ("weekend_share_percent", "Sessions on weekends", "%", None),
)
# Metrics whose run-to-run variation is measured, when the same plan was solved twice.
VARIES = (
    "on_call_coverage_min_percent",
    "evening_share_percent",
    "weekend_share_percent",
    "sessions_unmet",
)
CSS = (
    "table.decide td{max-width:17em}table.decide td:first-child{max-width:12em}"
    ".verdict.none{background:#fff6e5;border-color:#f0d9a8}"
)


def row_label(metric: str, text: str, frame: pd.DataFrame) -> str:
    """A decision row's label; the evening time is the current plan's."""
    return label(metric, evening_of(frame)) if "{evening}" in text else text


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def plan_name(plan: str, first: bool) -> str:
    """ "fewer-peers" -> "Fewer peers"; the first plan is the current one."""
    words = str(plan).replace("-", " ").replace("_", " ").strip()
    name = words[:1].upper() + words[1:]
    return f"{name} (current)" if first else name


def _value(metric: str, value: Any, unit: str) -> str:
    if _missing(value):
        return "not known" if metric == "paid_cost_per_week" else "–"
    if unit == "%":
        return f"{float(value):.1f} %"
    if unit == "$":
        return f"{float(value):,.0f}"
    if unit == "h":
        return f"{float(value):,.1f} h"
    return f"{int(value):,}"


def _difference(metric: str, value: Any, current: Any, unit: str) -> str:
    if _missing(value) or _missing(current):
        return ""
    diff = float(value) - float(current)
    if abs(diff) < 1e-9:
        return "same"
    sign = "+" if diff > 0 else "−"
    if unit == "%":
        return f"{sign}{abs(diff):.1f} points"
    if unit == "$":
        return f"{sign}{abs(diff):,.0f}"
    if unit == "h":
        return f"{sign}{abs(diff):,.1f} h"
    return f"{sign}{abs(diff):,.0f}"


def unmet_words(row: pd.Series) -> str:
    """ "none", or "3 sessions; most often (2): <reason>"."""
    n = row.get("sessions_unmet")
    if _missing(n):
        return "no timetable"
    if not n:
        return "none: every session placed"
    reason = str(row.get("unmet_top_reason") or "")
    top = row.get("unmet_top_reason_count")
    return f"{int(n)} session(s); most often ({int(top)}): {reason}" if reason else f"{int(n)}"


def meets_everything(row: pd.Series) -> bool:
    cover = row.get("on_call_coverage_min_percent")
    return row.get("sessions_unmet") == 0 and (_missing(cover) or float(cover) >= 100.0 - 1e-9)


def cheapest_sentence(frame: pd.DataFrame) -> str:
    """Which plan is cheapest among those that place everything with full on-call cover."""
    names = {p: plan_name(p, i == 0) for i, p in enumerate(frame["plan"])}
    good = frame[[meets_everything(r) for _, r in frame.iterrows()]]
    if good.empty:
        placed = frame.sort_values(
            ["sessions_unmet", "on_call_coverage_min_percent"],
            ascending=[True, False],
            na_position="last",
        )
        best = placed.iloc[0]
        cover = _value("cover", best.get("on_call_coverage_min_percent"), "%")
        if best.get("sessions_unmet") == 0:
            gap = f"places every session, but on-call cover is {cover} at its lowest"
        else:
            gap = f"leaves {unmet_words(best)}; on-call cover {cover}"
        closest = names[best["plan"]]
        return f"No plan places every session with full on-call cover. Closest: {closest} {gap}."
    priced = good[[not _missing(v) for v in good["paid_cost_per_week"]]]
    if priced.empty:
        listed = ", ".join(names[p] for p in good["plan"])
        return (
            f"Plans that place every session with full on-call cover: {listed}. Their cost is "
            "not known: give every staff member an hourly_cost."
        )
    best = priced.sort_values("paid_cost_per_week", kind="stable").iloc[0]
    text = (
        f"{names[best['plan']]} is the cheapest plan that places every session with full "
        f"on-call cover: {best['paid_cost_per_week']:,.0f} a week in paid staff hours."
    )
    unpriced = good[[_missing(v) for v in good["paid_cost_per_week"]]]
    if not unpriced.empty:
        text += (
            " Not counted, as their cost is not known: "
            + ", ".join(names[p] for p in unpriced["plan"])
            + "."
        )
    return text


@dataclass(frozen=True)
class Variation:
    """How much each metric changed between two solves of the same plan (another seed)."""

    plan: str
    spread: dict[str, float]


def measure_variation(plan: str, a: dict[str, Any], b: dict[str, Any]) -> Variation:
    spread = {}
    for metric in VARIES:
        x, y = a.get(metric), b.get(metric)
        if x is not None and y is not None and not _missing(x) and not _missing(y):
            spread[metric] = abs(float(x) - float(y))
    return Variation(plan, spread)


def within_noise(frame: pd.DataFrame, variation: Variation | None) -> list[str]:
    """Sentences for metrics where another plan differs from the current one by no more than
    the same plan differed from itself between two runs."""
    if variation is None or len(frame) < 2:
        return []
    labels = {m: row_label(m, text, frame).lower() for m, text, _, _ in DECISION_ROWS}
    units = {m: unit for m, _, unit, _ in DECISION_ROWS}
    current = frame.iloc[0]
    out = []
    for i, (_, row) in enumerate(frame.iterrows()):
        if i == 0:
            continue
        close = []
        for metric, spread in variation.spread.items():
            a, b = row.get(metric), current.get(metric)
            if _missing(a) or _missing(b) or float(a) == float(b):
                continue
            if abs(float(a) - float(b)) <= spread:
                diff = _difference(metric, a, b, units.get(metric, "")).lstrip("+−")
                close.append(
                    f"{labels.get(metric, metric)} ({diff}; two runs differed by "
                    f"{_difference(metric, spread, 0, units.get(metric, '')).lstrip('+')})"
                )
        if close:
            out.append(
                f"{plan_name(row['plan'], False)} against the current plan: "
                + ", ".join(close)
                + ". These differences are no larger than between two runs of the same plan: "
                "treat them as equal, or solve longer."
            )
    return out


def decision_html(
    frame: pd.DataFrame, links: dict[str, str], variation: Variation | None = None
) -> str:
    plans = [str(p) for p in frame["plan"]]
    head = ["<th></th>"]
    for i, p in enumerate(plans):
        name = esc(plan_name(p, i == 0))
        head.append(
            f'<th><a href="{esc(links[p])}">{name}</a></th>' if p in links else f"<th>{name}</th>"
        )
        if i:
            head.append('<th class="diff">vs current</th>')
    rows = []
    current = frame.iloc[0]
    for metric, text, unit, _ in DECISION_ROWS:
        if metric not in frame:
            continue
        cells = [f"<td>{esc(row_label(metric, text, frame))}</td>"]
        for i, (_, row) in enumerate(frame.iterrows()):
            cells.append(f"<td>{esc(_value(metric, row.get(metric), unit))}</td>")
            if i:
                diff = _difference(metric, row.get(metric), current.get(metric), unit)
                cells.append(f'<td class="diff">{esc(diff)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    words = "".join(
        f"<td>{esc(unmet_words(r))}</td>" + ("<td></td>" if i else "")
        for i, (_, r) in enumerate(frame.iterrows())
    )
    rows.insert(2, f"<tr><td>Why not placed</td>{words}</tr>")
    noise = within_noise(frame, variation)
    noise_html = (
        "<p class='note'>Within run-to-run variation:</p><ul>"
        + "".join(f"<li>{esc(n)}</li>" for n in noise)
        + "</ul>"
        if noise
        else ""
    )
    measured = (
        "<p class='note'>Run-to-run variation was measured by solving "
        f"{esc(plan_name(variation.plan, True))} twice with different seeds.</p>"
        if variation
        else "<p class='note'>Run-to-run variation was not measured (solve the current plan "
        "twice to see which differences are only noise).</p>"
    )
    unpriced = sorted(
        {
            s
            for v in frame.get("staff_on_shift_without_cost", [])
            if isinstance(v, str)
            for s in v.split(";")
            if s
        }
    )
    cost_note = (
        f"<p class='note'>No hourly_cost for {esc(', '.join(unpriced))}: cost is not known "
        "for the plans that have them on shift.</p>"
        if unpriced
        else ""
    )
    verdict = cheapest_sentence(frame)
    cls = "verdict none" if verdict.startswith("No plan") else "verdict"
    return (
        f'<p class="{cls}">{esc(verdict)}</p>'
        f'<table class="decide"><thead><tr>{"".join(head)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{cost_note}{noise_html}{measured}"
    )


def engineering_note(columns: Sequence[str]) -> str:
    return f"All {len(columns)} figures, for analysts (score, solve time, per role and room)"


# --- the whole page ---------------------------------------------------------------------------

PAGE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#222;
max-width:1200px}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.15em;margin:28px 0 8px}
.meta{color:#555;font-size:.9em;margin:0 0 16px}
table{border-collapse:collapse;font-size:.9em}
th,td{border-bottom:1px solid #e3e6ea;padding:4px 10px;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}
thead th{background:#f4f6f8;border-bottom:2px solid #ccd;position:sticky;top:0}
tr.group td{border-top:2px solid #ccd}
img{max-width:100%;height:auto;border:1px solid #e3e6ea}
.note{color:#555;font-size:.9em}ul{padding-left:20px}li{margin:4px 0}
.verdict{font-size:1.1em;font-weight:600;background:#eef6ee;border:1px solid #bcd9bc;
padding:8px 12px}
table.decide td:first-child{font-weight:600}.diff{color:#555;font-size:.9em}
details{margin:18px 0}summary{cursor:pointer;color:#334;font-weight:600}
@media (max-width:700px){body{margin:10px}table{display:block;overflow-x:auto}}
.confidential{background:#fff6e5;border:1px solid #f0d9a8;padding:6px 10px;font-size:.85em}
"""

DEFINITIONS = (
    "Every number comes from the plan's own timetable.csv, on_call.csv and unmet.csv. "
    "Hours per week by role: sessions led by staff who hold the role (someone with two roles "
    "counts under both). Cost per week: each facilitator's session hours × their hourly_cost; "
    "on-call hours are priced the same way and shown apart (paid time whether or not a crisis "
    "comes); staff without an hourly_cost count as 0 there. Paid hours: each staff member's "
    "hours on shift (their availability), booked or not; their cost is unknown when someone on "
    "shift has no hourly_cost. Utilization: hours led (or booked, for "
    "rooms) against hours available. Resident sessions per day: average over residents and "
    "open days, and the most on one day. Evening: sessions ending after {evening} (the "
    "scenario's late_evening_after)."
)


@dataclass
class Section:
    """An extra block on the page (the staffing curve)."""

    title: str
    html: str


def comparison_html(
    frame: pd.DataFrame,
    chart_png: bytes,
    *,
    title: str,
    meta: Sequence[str],
    links: dict[str, str],
    extra: Sequence[Section] = (),
    variation: Variation | None = None,
) -> str:
    plans = [str(p) for p in frame["plan"]]
    head = "".join(
        f'<th><a href="{esc(links[p])}">{esc(p)}</a></th>' if p in links else f"<th>{esc(p)}</th>"
        for p in plans
    )
    body = []
    previous_group = ""
    for column, lbl, values in table_rows(frame):
        group = column.split("[")[0].split("_")[0]
        cls = ' class="group"' if group != previous_group and not lbl.startswith(" ") else ""
        previous_group = group
        cells = "".join(f"<td>{esc(v)}</td>" for v in values)
        body.append(f"<tr{cls}><td>{esc(lbl.strip())}</td>{cells}</tr>")
    chart = base64.b64encode(chart_png).decode("ascii")
    note_items = "".join(f"<li>{esc(n)}</li>" for n in notes(frame))
    reports = "".join(
        f'<li><a href="{esc(links[p])}">{esc(p)}</a>: the timetable, week grids and staff '
        "sheets of this plan</li>"
        for p in plans
        if p in links
    )
    sections = "".join(f"<h2>{esc(s.title)}</h2>{s.html}" for s in extra)
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title><style>{PAGE_CSS}{CSS}</style></head><body>"
        f"<h1>{esc(title)}</h1>"
        + "".join(f'<p class="meta">{esc(line)}</p>' for line in meta)
        + '<p class="confidential">Confidential: the linked reports contain information about '
        "people in treatment (42 CFR Part 2). Share only with the care team.</p>"
        + "<h2>Which plan</h2>"
        + decision_html(frame, links, variation)
        + sections
        + '<h2>Chart</h2><img alt="The plans side by side: sessions placed, on-call coverage, '
        f'staff hours by role and cost per week" src="data:image/png;base64,{chart}">'
        + f"<details><summary>{esc(engineering_note(list(frame.columns)))}</summary>"
        + f"<table><thead><tr><th></th>{head}</tr></thead>"
        + f"<tbody>{''.join(body)}</tbody></table></details>"
        + (f"<h2>Unmet demand and notes</h2><ul>{note_items}</ul>" if note_items else "")
        + (f"<h2>Each plan's own report</h2><ul>{reports}</ul>" if reports else "")
        + '<h2>How the numbers are computed</h2><p class="note">'
        + esc(DEFINITIONS.format(evening=format_minutes(evening_of(frame))))
        + "</p>"
        + "</body></html>\n"
    )
