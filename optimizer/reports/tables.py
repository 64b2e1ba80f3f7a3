"""Utilization tables (pandas): per staff member, room, resident and program, and the
week-by-week series the charts draw.

Hours are clock hours. "Available" hours come from the availability masks of the problem
(opening hours, shifts, closures and absences applied) over the whole plan.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from optimizer.reports.data import ReportData
from optimizer.reports.measures import evening_after, is_weekend, percent
from optimizer.reports.privacy import neutralize_cell
from optimizer.scenario.phrases import DAY_NAMES


def unique_labels(items: Sequence[Any]) -> list[str]:
    """Display names for a table's index; a name two items share gets the id added, so the
    table never merges two staff members (or rooms, programs) who happen to share a name."""
    labels = [item.label for item in items]
    seen = Counter(labels)
    return [
        f"{lab} ({item.id})" if seen[lab] > 1 else lab
        for lab, item in zip(labels, items, strict=True)
    ]


def bookings_frame(data: ReportData) -> pd.DataFrame:
    """One row per (booking, facilitator): the shape most tables group by."""
    rows = [
        {
            "date": b.date,
            "week": data.week_of(b.date) + 1,
            "weekday": b.date.weekday(),
            "start": b.start,
            "end": b.end,
            "hours": b.minutes / 60,
            "program": b.program,
            "session": b.session,
            "room": b.room,
            "staff": staff,
            "residents": len(b.residents),
        }
        for b in data.bookings
        for staff in b.facilitators or ("",)
    ]
    columns = ["date", "week", "weekday", "start", "end", "hours", "program", "session", "room"]
    return pd.DataFrame(rows, columns=[*columns, "staff", "residents"])


def _percent(part: float, whole: float) -> float:
    """:func:`~optimizer.reports.measures.percent`, NaN (an empty cell) when ``whole`` is 0."""
    value = percent(part, whole)
    return float("nan") if value is None else value


def staff_utilization(data: ReportData) -> pd.DataFrame:
    """Per staff member: booked and available hours, sessions, evening and weekend shares.

    ``evening_share_percent`` and ``weekend_share_percent`` are shares of their sessions that
    end after the scenario's ``late_evening_after``, or fall on a Saturday or Sunday (see
    :mod:`optimizer.reports.measures`). On-call hours are listed apart, not in booked hours;
    they count towards the weekly limit only where the program says
    ``on_call_counts_toward_hours`` (as the model and the check count them).
    """
    frame = bookings_frame(data)
    evening = evening_after(data.scenario)
    rows = []
    for info in data.problem.staff:
        mine = frame[frame["staff"] == info.id]
        booked = float(mine["hours"].sum())
        available = data.hours(info.available)
        per_week = mine.groupby("week")["hours"].sum()
        limit = data.staff[info.id].max_hours_per_week
        on_call = sum((s.end - s.start) / 60 for s in data.on_call if s.staff == info.id)
        sessions = len(mine)
        weeks = max(1, data.weeks)
        rows.append(
            {
                "staff": info.id,
                "name": info.label,
                # Weekly figures first, beside the weekly limit; plan totals at the end.
                "hours_per_week": round(booked / weeks, 2),
                "busiest_week_hours": round(float(per_week.max()), 2) if sessions else 0.0,
                "max_hours_per_week": limit,
                "on_call_hours_per_week": round(on_call / weeks, 2),
                "utilization_percent": _percent(booked, available),
                "sessions": sessions,
                "evening_share_percent": _percent(int((mine["end"] > evening).sum()), sessions),
                "weekend_share_percent": _percent(
                    int(mine["weekday"].map(is_weekend).astype(bool).sum()), sessions
                ),
                "booked_hours": round(booked, 2),
                "available_hours": round(available, 2),
                "on_call_hours": round(on_call, 2),
            }
        )
    return pd.DataFrame(rows)


def room_utilization(data: ReportData) -> pd.DataFrame:
    """Per room: hours booked against the hours it is open and available."""
    frame = bookings_frame(data).drop_duplicates(["session", "date", "start"])
    rows = []
    for info in data.problem.rooms:
        mine = frame[frame["room"] == info.id]
        booked = float(mine["hours"].sum())
        available = data.hours(info.available)
        rows.append(
            {
                "room": info.id,
                "name": info.label,
                "booked_hours": round(booked, 2),
                "available_hours": round(available, 2),
                "utilization_percent": _percent(booked, available),
                "sessions": len(mine),
            }
        )
    return pd.DataFrame(rows)


def resident_load(data: ReportData) -> pd.DataFrame:
    """Per resident (by id): sessions per week and the most session hours in one day."""
    rows = []
    for res in data.scenario.residents:
        mine = [b for b in data.bookings if res.id in b.residents]
        weeks = pd.Series([data.week_of(b.date) for b in mine], dtype="int64")
        per_week = weeks.value_counts().reindex(range(data.weeks), fill_value=0)
        per_day: dict[object, float] = {}
        for b in mine:
            per_day[b.date] = per_day.get(b.date, 0.0) + b.minutes / 60
        longest = max(per_day.items(), key=lambda kv: kv[1], default=(None, 0.0))
        rows.append(
            {
                "resident": res.id,
                "sessions": len(mine),
                "sessions_per_week": round(len(mine) / data.weeks, 2),
                "fewest_in_a_week": int(per_week.min()),
                "most_in_a_week": int(per_week.max()),
                "session_hours": round(sum(b.minutes for b in mine) / 60, 2),
                "longest_day_hours": round(longest[1], 2),
                "longest_day": longest[0],
            }
        )
    return pd.DataFrame(rows)


def program_summary(data: ReportData) -> pd.DataFrame:
    """Per program: sessions and hours placed against required (placed + not placed).

    For an on-call (as-needed) program the hours are on-call hours against opening hours,
    and it has no sessions.
    """
    coverage = {c.program: c for c in (data.report.coverage if data.report else [])}
    rows = []
    for prog in data.scenario.programs:
        if prog.frequency.as_needed:
            cov = coverage.get(prog.id)
            placed_h = data.hours(data.on_call_mask(prog.id) & data.problem.open)
            required_h = cov.open_minutes / 60 if cov else data.hours(data.problem.open)
            placed = required = 0
        else:
            placed = sum(1 for b in data.bookings if b.program == prog.id)
            missing = sum(u.missing for u in data.unmet if u.program == prog.id)
            required = placed + missing
            placed_h = sum(b.minutes for b in data.bookings if b.program == prog.id) / 60
            required_h = placed_h + missing * prog.duration / 60
        rows.append(
            {
                "program": prog.id,
                "name": prog.label,
                "kind": "on call" if prog.frequency.as_needed else "sessions",
                "sessions_placed": placed,
                "sessions_required": required,
                "hours_placed": round(placed_h, 2),
                "hours_required": round(required_h, 2),
                "percent_placed": _percent(placed_h, required_h),
            }
        )
    return pd.DataFrame(rows)


# --- week-by-week series for the charts --------------------------------------------------


def staff_week_hours(data: ReportData) -> pd.DataFrame:
    """Booked hours: one row per staff member (by name), one column per week (1..N)."""
    frame = bookings_frame(data)
    table = frame.pivot_table(index="staff", columns="week", values="hours", aggfunc="sum")
    table = table.reindex(
        index=[s.id for s in data.scenario.staff], columns=range(1, data.weeks + 1)
    ).fillna(0.0)
    table.index = pd.Index(unique_labels(data.scenario.staff), name="staff")
    table.columns = pd.Index(list(table.columns), name="week")
    return table


def staff_limits(data: ReportData) -> pd.Series:
    """Weekly hour limit per staff member (by name); NaN where none is set."""
    values = [s.max_hours_per_week or np.nan for s in data.scenario.staff]
    return pd.Series(values, index=unique_labels(data.scenario.staff), dtype=float)


def program_week_hours(data: ReportData) -> pd.DataFrame:
    """Hours placed: one row per week (1..N), one column per booked program (by name)."""
    programs = [p for p in data.scenario.programs if not p.frequency.as_needed]
    table = pd.DataFrame(0.0, index=range(1, data.weeks + 1), columns=[p.id for p in programs])
    for b in data.bookings:
        if b.program in table.columns:
            table.loc[data.week_of(b.date) + 1, b.program] += b.minutes / 60
    table.columns = pd.Index(unique_labels(programs), name="program")
    table.index.name = "week"
    return table


def _by_weekday_hour(data: ReportData, part: np.ndarray, whole: np.ndarray) -> pd.DataFrame:
    """Share (0-100) of ``whole`` slots that are also ``part``, per weekday row and hour
    column, over every week; NaN where ``whole`` has no slot."""
    per_hour = 60 // data.slot_minutes
    shape = (data.weeks, 7, 24, per_hour)
    num = (part & whole).reshape(shape).sum(axis=(0, 3))
    den = whole.reshape(shape).sum(axis=(0, 3))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(den > 0, 100.0 * num / np.maximum(den, 1), np.nan)
    lo, hi = data.hour_range()
    days = data.open_weekdays()
    frame = pd.DataFrame(share[days][:, lo // 60 : hi // 60], index=[DAY_NAMES[d] for d in days])
    frame.columns = pd.Index(range(lo // 60, hi // 60), name="hour")
    return frame


def room_heatmap(data: ReportData) -> pd.DataFrame:
    """Booked share of each room's available time: rows rooms (by name), columns
    (weekday, hour)."""
    rows = []
    columns: pd.MultiIndex | None = None
    for info in data.problem.rooms:
        grid = _by_weekday_hour(data, data.room_booked(info.id), info.available)
        columns = pd.MultiIndex.from_product([grid.index, grid.columns], names=["day", "hour"])
        rows.append(grid.to_numpy().ravel())
    return pd.DataFrame(rows, index=unique_labels(data.problem.rooms), columns=columns)


def on_call_heatmap(data: ReportData) -> pd.DataFrame:
    """Share of the opening time with someone on call: rows weekdays, columns hours."""
    return _by_weekday_hour(data, data.on_call_mask(), data.problem.open)


# --- CSV --------------------------------------------------------------------------------


def to_csv(frame: pd.DataFrame) -> str:
    """CSV with formula-like text neutralised (spreadsheets open CSV files too)."""
    out = io.StringIO()
    frame.map(neutralize_cell).to_csv(out, index=False, lineterminator="\n")
    return out.getvalue()
