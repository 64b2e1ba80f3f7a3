"""The summary part of ``index.html``: key figures, the score in sentences, the tables of
sessions not placed and of utilization, and the charts. Every piece of text goes through
:func:`esc`."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from optimizer.reports.charts import Chart
from optimizer.reports.data import ReportData


def esc(value: object) -> str:
    """HTML-escape any value, quotes included (safe in text and attribute values)."""
    return html.escape(str(value), quote=True)


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


def plain_ids(data: ReportData | None, text: str) -> str:
    """Session ids in a sentence in words: "group-therapy/A/2" -> "Group Therapy (group A,
    session 2)", "peer-counseling/R04/1" -> "One-on-One Peer Counseling (R04, session 1)"."""
    if data is None:
        return text
    for pid in sorted(data.programs, key=len, reverse=True):
        label = data.program_label(pid)
        who = "" if data.is_one_on_one(pid) else "group "

        def session(m: re.Match[str], label: str = label, who: str = who) -> str:
            return f"{label} ({who}{m.group(1)}, session {m.group(2)})"

        def group(m: re.Match[str], label: str = label, who: str = who) -> str:
            return f"{label} ({who}{m.group(1)})"

        text = re.sub(rf"(?<![\w-]){re.escape(pid)}/([\w-]+)/(\d+)", session, text)
        text = re.sub(rf"(?<![\w-]){re.escape(pid)}/([\w-]+)", group, text)
        text = re.sub(rf"(?<![\w/-]){re.escape(pid)}(?=: )", label.replace("\\", "\\\\"), text)
    return text


def score_html(summary: dict[str, Any], data: ReportData | None = None) -> str:
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
        examples = "".join(
            f"<li>{esc(plain_ids(data, str(w)))}</li>" for w in (g.get("worst") or [])[:3]
        )
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
