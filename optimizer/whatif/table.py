"""The comparison as a table: labels, shown values, the terminal table and the notes below
it (the same rows as the page's engineering table)."""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
import pandas as pd

from optimizer.reports.measures import evening_label
from optimizer.scenario.schema import Goals

_BRACKET = re.compile(r"^(.*)\[(.*)\]$")

LABELS = {
    "status": "Status",
    "sessions_placed": "Sessions placed",
    "sessions_required": "Sessions required",
    "sessions_unmet": "Unmet sessions",
    "resident_sessions_placed": "Resident-sessions placed",
    "resident_sessions_required": "Resident-sessions required",
    "unmet_reasons": "  different reasons",
    "unmet_top_reason_count": "  unmet for the top reason",
    "staff_hours_per_week": "Staff hours/week (sessions)",
    "hours_per_week": "  {}",
    "on_call_hours_per_week": "On-call hours/week",
    "session_cost_per_week": "Cost/week: sessions",
    "on_call_cost_per_week": "Cost/week: on call",
    "total_cost_per_week": "Cost/week: total",
    "paid_hours_per_week": "Paid hours/week (on shift)",
    "paid_cost_per_week": "Cost/week: paid hours",
    "utilization_percent": "Utilization: {}",
    "room_utilization_percent": "Room utilization: {}",
    "on_call_coverage_percent": "On-call coverage: {}",
    "on_call_coverage_min_percent": "On-call coverage: lowest",
    "resident_sessions_per_day_avg": "Resident sessions/day: average",
    "resident_sessions_per_day_max": "Resident sessions/day: most",
    "evening_share_percent": "Sessions ending after {evening}",
    "weekend_share_percent": "Sessions on weekends",
    "objective": "Score (lower is better)",
    "best_bound": "Best possible score",
    "solve_seconds": "Solve time (s)",
    "rule_violations": "Rule violations (a bug if not 0)",
}
# shown in the notes below the table, not in it
NOT_IN_TABLE = {
    "plan",
    "scenario",
    "evening_after",
    "unmet_top_reason",
    "staff_without_cost",
    "staff_on_shift_without_cost",
}


def _inner(column: str) -> str:
    """``hours_per_week[peer]`` -> ``peer``."""
    m = _BRACKET.match(column)
    return m.group(2) if m else column


def evening_of(frame: pd.DataFrame) -> int:
    """The current (first) plan's evening time, in minutes (see
    :mod:`optimizer.reports.measures`)."""
    if "evening_after" in frame and len(frame) and not _missing(frame["evening_after"].iloc[0]):
        return int(frame["evening_after"].iloc[0])
    return Goals().late_evening_after


def label(column: str, evening: int | None = None) -> str:
    m = _BRACKET.match(column)
    if m:
        return LABELS.get(m.group(1), m.group(1) + ": {}").format(m.group(2))
    if column == "evening_share_percent":
        return evening_label(Goals().late_evening_after if evening is None else evening)
    return LABELS.get(column, column.replace("_", " "))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def shown_value(column: str, value: Any) -> str:
    if _missing(value):
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        if "percent" in column:
            return f"{value:.1f} %"
        if "cost" in column or column in ("objective", "best_bound"):
            return f"{value:,.0f}"
        return f"{value:,.2f}" if "per_day" in column else f"{value:,.1f}"
    return str(value)


def table_rows(frame: pd.DataFrame) -> list[tuple[str, str, list[str]]]:
    """(column, label, one shown value per plan) for each row of the transposed table."""
    rows = []
    for column in frame.columns:
        if column in NOT_IN_TABLE:
            continue
        values = [shown_value(column, v) for v in frame[column].tolist()]
        rows.append((column, label(column, evening_of(frame)), values))
    return rows


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def terminal_table(frame: pd.DataFrame) -> str:
    plans = [str(p) for p in frame["plan"]]
    rows = table_rows(frame)
    first = max([len(lbl) for _, lbl, _ in rows] + [6])
    widths = [max(10, min(24, len(p))) for p in plans]
    lines = [
        " " * first + "".join(f"  {_clip(p, w):>{w}}" for p, w in zip(plans, widths, strict=True))
    ]
    for _, lbl, values in rows:
        cells = "".join(f"  {_clip(v, w):>{w}}" for v, w in zip(values, widths, strict=True))
        lines.append(f"{lbl:<{first}}{cells}")
    return "\n".join(lines)


def notes(frame: pd.DataFrame) -> list[str]:
    """Sentences below the table: the top reason demand was unmet, staff without a cost."""
    out = []
    for _, row in frame.iterrows():
        if row.get("sessions_unmet"):
            out.append(
                f"{row['plan']}: {row['sessions_unmet']} session(s) not placed; most often "
                f"({row['unmet_top_reason_count']}): {row['unmet_top_reason']}"
            )
        if row.get("staff_without_cost"):
            out.append(
                f"{row['plan']}: no hourly_cost for {row['staff_without_cost'].replace(';', ', ')}"
                " (counted as 0)"
            )
    return out


def to_csv(frame: pd.DataFrame) -> str:
    from optimizer.reports.tables import to_csv as neutral_csv  # formula-like text neutralised

    return neutral_csv(frame)
