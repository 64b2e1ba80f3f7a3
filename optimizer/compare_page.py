"""The part of ``comparison.html`` a manager decides from.

Plans are named columns, the first being the current plan; each other plan has a column with
its difference from the current one. Decision rows come first: sessions placed, unmet demand
in words, on-call cover, paid hours and cost per week, evening and weekend load. A sentence
names the cheapest plan that places every session with full on-call cover. When the same plan
was solved twice (``variation``), differences smaller than what changed between those two runs
are flagged: they are noise of the search, not a property of the plan.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

# (metric, label, unit, better when higher?) of the decision rows, in order.
DECISION_ROWS: tuple[tuple[str, str, str, bool | None], ...] = (
    ("sessions_placed", "Sessions placed", "", True),
    ("sessions_unmet", "Sessions not placed", "", False),
    ("on_call_coverage_min_percent", "On-call cover (lowest)", "%", True),
    ("paid_hours_per_week", "Paid staff hours a week", "h", None),
    ("paid_cost_per_week", "Staff cost a week (paid hours)", "$", False),
    ("evening_share_percent", "Sessions ending after 18:00", "%", None),
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


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


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
    labels = {m: label.lower() for m, label, _, _ in DECISION_ROWS}
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
    for metric, label, unit, _ in DECISION_ROWS:
        if metric not in frame:
            continue
        cells = [f"<td>{esc(label)}</td>"]
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
