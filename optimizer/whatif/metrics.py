"""The comparison's numbers for one plan, from its timetable.

Every metric is computed from the timetable itself (bookings, on-call shifts and unmet
sessions, read with pandas) and the scenario, never from the solver's internals, so each
plan's numbers are what its own ``timetable.csv`` says. Definitions (also on the HTML page):

- **sessions placed / required**: dated sessions in the timetable; required = placed + unmet.
  How many sessions a group program needs depends on how the solver splits its attendees into
  groups, so this can differ between plans; **resident-sessions** (one resident attending one
  session; required = what the frequencies ask for each resident) do not.
- **hours per week** by role: hours of sessions led by staff who hold the role, divided by the
  plan's weeks. Someone with two roles counts under both, so the roles do not add up to the
  total.
- **cost per week**: each facilitator's session hours × their ``hourly_cost``, per week.
  On-call hours are priced the same way but kept apart (``on_call_cost_per_week``), since they
  are paid time whether or not a crisis comes; the total adds the two. Staff without an
  ``hourly_cost`` count as 0 and are listed in ``staff_without_cost``.
- **utilization**: hours led against hours available (shifts, closures and absences applied),
  by role (its holders together) and by room (hours booked against hours available).
- **on-call coverage**: the share of opening hours with someone on call, per as-needed program.
- **resident sessions per day**: the average over residents and the days the home is open,
  and the most any resident has on one day.
- **evening / weekend share**: sessions ending after the scenario's ``late_evening_after``
  (see :mod:`optimizer.reports.measures`), or on a Saturday or Sunday.
- **objective, best bound, solve time**: from the solve (lower is better).

"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from optimizer.check import ValidationReport
from optimizer.planning.problem import Problem
from optimizer.reports.measures import evening_after, is_weekend, percent, utilization_percent
from optimizer.scenario import Scenario
from optimizer.timetable import Timetable


def _r(value: float, digits: int = 2) -> float:
    return round(float(value), digits)


def _bookings_frame(timetable: Timetable) -> pd.DataFrame:
    columns = ["date", "weekday", "start", "end", "hours", "program", "room", "staff", "residents"]
    rows = [
        (
            b.date,
            b.date.weekday(),
            b.start,
            b.end,
            (b.end - b.start) / 60,
            b.program,
            b.room,
            list(b.facilitators),
            list(b.residents),
        )
        for b in timetable.bookings
    ]
    return pd.DataFrame(rows, columns=columns)


def _redact(scenario: Scenario, text: str) -> str:
    """Resident names in free text as staff sheets show them (never two alike)."""
    from optimizer.reports.privacy import resident_labels

    if scenario.privacy == "names":
        return text
    shown = resident_labels(scenario.residents, scenario.privacy)
    for r in sorted(scenario.residents, key=lambda r: -len(r.name or "")):
        if r.name:
            text = text.replace(r.name, shown[r.id])
    return text


def plan_metrics(
    problem: Problem,
    timetable: Timetable | None,
    report: ValidationReport | None,
    summary: Mapping[str, Any],
) -> dict[str, Any]:
    """The comparison's numbers for one plan, from its timetable (see the module docstring
    for the definitions). Keys with ``[...]`` hold one role, room or program each."""
    scenario = problem.scenario
    weeks = scenario.calendar.weeks
    slot_hours = problem.clock.slot_minutes / 60
    m: dict[str, Any] = {"scenario": scenario.name, "status": summary.get("status")}
    tt = timetable or Timetable()
    bookings = _bookings_frame(tt)
    led = bookings.explode("staff").dropna(subset=["staff"])
    on_call = pd.DataFrame(
        [(s.staff, s.program, (s.end - s.start) / 60) for s in tt.on_call],
        columns=["staff", "program", "hours"],
    )
    unmet = pd.DataFrame(
        [(u.program, u.missing, u.reason) for u in tt.unmet],
        columns=["program", "missing", "reason"],
    )

    placed = len(bookings)
    missing = int(unmet["missing"].sum())
    m["sessions_placed"] = placed
    m["sessions_required"] = placed + missing if timetable is not None else None
    m["sessions_unmet"] = missing if timetable is not None else None
    reasons = (
        unmet.assign(reason=unmet["reason"].fillna("").astype(str))
        .groupby("reason", sort=False)["missing"]
        .sum()
        .sort_values(ascending=False, kind="stable")
    )
    m["unmet_reasons"] = len(reasons)
    m["unmet_top_reason_count"] = int(reasons.iloc[0]) if len(reasons) else 0
    m["unmet_top_reason"] = _redact(scenario, str(reasons.index[0])) if len(reasons) else ""
    # Dated sessions depend on how the solver splits groups; what residents receive does not.
    attended = int(sum(len(r) for r in bookings["residents"]))
    short = sum(f.expected - f.found for f in report.shortfalls) if report else 0
    m["resident_sessions_placed"] = attended
    m["resident_sessions_required"] = attended + short if timetable is not None else None

    hours_by_staff = led.groupby("staff")["hours"].sum()
    available = {info.id: float(info.available.sum()) * slot_hours for info in problem.staff}
    cost = pd.Series({s.id: s.hourly_cost for s in scenario.staff}, dtype=float)
    roles = sorted({r for s in scenario.staff for r in s.roles})
    holders = {r: [s.id for s in scenario.staff if r in s.roles] for r in roles}

    m["staff_hours_per_week"] = _r(led["hours"].sum() / weeks)
    for role in roles:
        hours = hours_by_staff.reindex(holders[role]).fillna(0.0).sum()
        m[f"hours_per_week[{role}]"] = _r(hours / weeks)
    m["on_call_hours_per_week"] = _r(on_call["hours"].sum() / weeks)
    session_cost = float((led["hours"] * led["staff"].map(cost).fillna(0.0)).sum())
    on_call_cost = float((on_call["hours"] * on_call["staff"].map(cost).fillna(0.0)).sum())
    m["session_cost_per_week"] = _r(session_cost / weeks)
    m["on_call_cost_per_week"] = _r(on_call_cost / weeks)
    m["total_cost_per_week"] = _r((session_cost + on_call_cost) / weeks)
    # Paid time: staff are paid for their hours on shift (their availability), booked or not.
    # A staff member on shift without an hourly_cost makes the paid cost unknown, not lower.
    m["paid_hours_per_week"] = _r(sum(available.values()) / weeks)
    unpriced = [s.id for s in scenario.staff if s.hourly_cost is None and available[s.id] > 0]
    m["paid_cost_per_week"] = (
        None
        if unpriced
        else _r(sum(available[s.id] * (s.hourly_cost or 0.0) for s in scenario.staff) / weeks)
    )
    m["staff_on_shift_without_cost"] = ";".join(unpriced)
    working = set(led["staff"]) | set(on_call["staff"])
    m["staff_without_cost"] = ";".join(
        s.id for s in scenario.staff if s.hourly_cost is None and s.id in working
    )

    for role in roles:
        booked = hours_by_staff.reindex(holders[role]).fillna(0.0).sum()
        m[f"utilization_percent[{role}]"] = utilization_percent(
            booked, sum(available[s] for s in holders[role])
        )
    room_hours = bookings.groupby("room")["hours"].sum()
    for info in problem.rooms:
        m[f"room_utilization_percent[{info.id}]"] = utilization_percent(
            float(room_hours.get(info.id, 0.0)), float(info.available.sum()) * slot_hours
        )

    coverage = report.coverage if report else []
    for c in coverage:
        m[f"on_call_coverage_percent[{c.program}]"] = _r(c.percent)
    m["on_call_coverage_min_percent"] = _r(min(c.percent for c in coverage)) if coverage else None

    open_days = int(problem.open.any(axis=1).sum())
    per_day = bookings[["date", "residents"]].explode("residents").dropna()
    counts = per_day.groupby(["residents", "date"]).size()
    resident_days = len(scenario.residents) * open_days
    m["resident_sessions_per_day_avg"] = _r(len(per_day) / resident_days) if resident_days else None
    m["resident_sessions_per_day_max"] = int(counts.max()) if len(counts) else 0
    evening = evening_after(scenario)
    m["evening_after"] = evening
    m["evening_share_percent"] = percent(int((bookings["end"] > evening).sum()), placed)
    weekend = bookings["weekday"].map(is_weekend).astype(bool)
    m["weekend_share_percent"] = percent(int(weekend.sum()), placed)

    m["objective"] = summary.get("objective")
    m["best_bound"] = summary.get("best_bound")
    m["solve_seconds"] = summary.get("solve_seconds")
    m["rule_violations"] = len(report.violations) if report else 0
    return m
