"""Compare staffing plans: solve a base scenario and its overlays with the same settings, and
put what each plan gives side by side.

``python -m optimizer compare BASE.yaml PLAN.yaml ...`` writes into one folder (default
``reports/<base>/compare-<time>/``):

- ``comparison.csv``: one row per plan, the metrics below;
- ``comparison.html``: one self-contained page: the chart, the table, why demand was unmet,
  and a link to each plan's own report;
- ``comparison.png``: the chart (also embedded in the page);
- ``plans/<plan>/``: each plan's full run, exactly what ``solve`` writes (``timetable.csv``,
  ``on_call.csv``, ``unmet.csv``, ``summary.json`` and the staff reports).

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
- **evening / weekend share**: sessions ending after 18:00, or on a Saturday or Sunday.
- **objective, best bound, solve time**: from the solve (lower is better).

Solves run through :mod:`optimizer.executor` (a local process pool, or a Dask cluster with
``--cluster``); this module does not know where.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import io
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .compare_page import CSS as DECISION_CSS
from .compare_page import Variation, decision_html, engineering_note, measure_variation
from .executor import Executor, ExecutorUnavailable, make_executor
from .output import RunFolder, prepare_out, safe_name
from .problem import Problem, build_problem
from .reports import write_run
from .scenario import Scenario, ScenarioError, parse_scenario
from .scenario.overlay import read_scenario_data, scenario_files
from .score import score_card
from .solve import Result, Settings, solve
from .summary import build_summary
from .timetable import (
    Timetable,
    read_on_call_csv,
    read_timetable_csv,
    read_unmet_csv,
)
from .validate import ValidationReport, validate

EXIT_OK, EXIT_BUG, EXIT_INVALID, EXIT_UNMET = 0, 1, 2, 3
EVENING_AFTER = 18 * 60  # a session ending after 18:00 is an evening session
PLANS_DIR = "plans"

Say = Callable[[str], None]


# --- plans -----------------------------------------------------------------------------------


@dataclass
class Plan:
    """One scenario to solve: the base, or an overlay of it."""

    id: str  # short name used in tables and as its folder name
    path: Path  # the file loaded
    scenario: Scenario
    files: tuple[str, ...]  # the file, then its bases
    shown_path: str = ""  # the path written in summary.json (default: ``path``)


def load_plan(path: Path, plan_id: str | None = None) -> Plan:
    """A scenario or overlay file, validated (raises :class:`ScenarioError`)."""
    data, source = read_scenario_data(path)
    return Plan(plan_id or path.stem, path, parse_scenario(data, source), scenario_files(source))


def load_plans(base: Path, plans: Sequence[Path], say: Say | None = None) -> list[Plan]:
    """The base and every plan, all validated first: every problem in any of them is reported
    together (one :class:`ScenarioError`), so nothing is solved for a broken plan."""
    loaded: list[Plan] = []
    issues = []
    used: set[str] = set()
    for path in [base, *plans]:
        name = safe_name(path.stem)
        n = 2
        while name in used:
            name = f"{safe_name(path.stem)}-{n}"
            n += 1
        used.add(name)
        try:
            loaded.append(load_plan(path, name))
        except ScenarioError as exc:
            issues += exc.issues
    if issues:
        raise ScenarioError(issues)
    base_file = str(base.resolve())
    for plan in loaded[1:]:
        if say and base_file not in {str(Path(f).resolve()) for f in plan.files}:
            say(f"Note: {plan.path} is not an overlay of {base}; it is compared as it is.")
    return loaded


# --- solving ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SolveTask:
    """What a worker needs: picklable, no paths (a worker may be another machine)."""

    plan: str
    scenario: Scenario
    settings: Settings


def solve_task(task: SolveTask) -> Result:
    """Runs wherever the executor puts it."""
    return solve(build_problem(task.scenario), task.settings)


@dataclass
class PlanRun:
    plan: Plan
    problem: Problem
    result: Result
    report: ValidationReport | None
    summary: dict[str, Any]
    metrics: dict[str, Any]
    folder: str  # relative to the comparison folder

    @property
    def rule_violations(self) -> int:
        return len(self.report.violations) if self.report else 0


def finish_plan(
    plan: Plan, result: Result
) -> tuple[Problem, ValidationReport | None, dict[str, Any]]:
    """What the CLI's solve does after solving: validate, score, summarise."""
    scenario = plan.scenario
    problem = build_problem(scenario)
    timetable = result.timetable
    report = validate(scenario, timetable) if timetable else None
    card = score_card(scenario, timetable, report) if timetable and report else None
    summary = build_summary(problem, result, report, plan.path, card)
    summary["scenario_file"] = plan.shown_path or str(plan.path)
    return problem, report, summary


def read_run(folder: Path) -> Timetable | None:
    """The timetable a run folder holds (``None`` when the solve found none)."""
    if not (folder / "timetable.csv").exists():
        return None
    return Timetable(
        read_timetable_csv(folder / "timetable.csv"),
        read_on_call_csv(folder / "on_call.csv"),
        read_unmet_csv(folder / "unmet.csv"),
    )


# --- metrics ---------------------------------------------------------------------------------


def _r(value: float, digits: int = 2) -> float:
    return round(float(value), digits)


def _percent(part: float, whole: float) -> float | None:
    return _r(100.0 * part / whole) if whole > 0 else None


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
    from .reports.privacy import resident_labels

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
    summary: dict[str, Any],
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
        m[f"utilization_percent[{role}]"] = _percent(
            booked, sum(available[s] for s in holders[role])
        )
    room_hours = bookings.groupby("room")["hours"].sum()
    for info in problem.rooms:
        m[f"room_utilization_percent[{info.id}]"] = _percent(
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
    m["evening_share_percent"] = _percent(int((bookings["end"] > EVENING_AFTER).sum()), placed)
    m["weekend_share_percent"] = _percent(int((bookings["weekday"] >= 5).sum()), placed)

    m["objective"] = summary.get("objective")
    m["best_bound"] = summary.get("best_bound")
    m["solve_seconds"] = summary.get("solve_seconds")
    m["rule_violations"] = len(report.violations) if report else 0
    return m


def comparison_frame(runs: Sequence[PlanRun]) -> pd.DataFrame:
    """One row per plan; columns in a stable order (roles, rooms and programs as they come)."""
    rows = [{"plan": r.plan.id, **r.metrics} for r in runs]
    columns: list[str] = []
    for row in rows:
        columns += [c for c in row if c not in columns]
    return pd.DataFrame(rows, columns=columns)


# --- presentation ----------------------------------------------------------------------------

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
    "evening_share_percent": "Sessions ending after 18:00",
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
    "unmet_top_reason",
    "staff_without_cost",
    "staff_on_shift_without_cost",
}


def _inner(column: str) -> str:
    """``hours_per_week[peer]`` -> ``peer``."""
    m = _BRACKET.match(column)
    return m.group(2) if m else column


def label(column: str) -> str:
    m = _BRACKET.match(column)
    if m:
        return LABELS.get(m.group(1), m.group(1) + ": {}").format(m.group(2))
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
        rows.append((column, label(column), values))
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


# --- chart -----------------------------------------------------------------------------------

PLAN_COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#8172b3", "#937860", "#da8bc3", "#64b5cd")
UNMET_COLOUR = "#c44e52"
GRID = "#e3e6ea"


def _wrap_label(text: str, width: int = 14) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=True)[:3]) or text


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame:
        return np.zeros(len(frame))
    return pd.to_numeric(frame[column], errors="coerce").fillna(0.0).to_numpy(dtype=float)


def _bar_labels(ax: Any, x: np.ndarray, tops: np.ndarray, texts: Sequence[str]) -> None:
    for xi, top, text in zip(x, tops, texts, strict=True):
        ax.text(float(xi), float(top), text, ha="center", va="bottom", fontsize=8.5)


def style_axes(ax: Any, title: str, ylabel: str) -> None:
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_ylabel(ylabel, fontsize=9)
    ax.grid(axis="y", color=GRID)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _headroom(ax: Any, top: float) -> None:
    """Room above the bars for their labels and, in the top band, the legend."""
    ax.set_ylim(0, (top or 1.0) * 1.32)
    ax.legend(fontsize=8, loc="upper right", ncol=2, frameon=False)


def comparison_chart(frame: pd.DataFrame) -> bytes:
    """Four panels, plans side by side: sessions placed (and unmet), on-call coverage, staff
    hours per week by role, and staff cost per week."""
    from matplotlib.figure import Figure  # here: the command line starts faster without it

    plans = [_wrap_label(str(p)) for p in frame["plan"]]
    n = len(plans)
    x = np.arange(n)
    fig = Figure(figsize=(max(9.0, 2.2 * n + 4), 7.6), layout="constrained")
    axes = fig.subplots(2, 2)
    fig.suptitle("Staffing plans side by side", fontsize=13, x=0.01, ha="left")

    ax = axes[0][0]
    placed = _numbers(frame, "sessions_placed")
    unmet = _numbers(frame, "sessions_unmet")
    ax.bar(x, placed, 0.6, color="#4c72b0", label="placed")
    ax.bar(x, unmet, 0.6, bottom=placed, color=UNMET_COLOUR, label="not placed")
    _bar_labels(
        ax,
        x,
        placed + unmet,
        [f"{p:.0f} of {p + u:.0f}" for p, u in zip(placed, unmet, strict=True)],
    )
    for xi, p, u in zip(x, placed, unmet, strict=True):
        if u > 0:  # a few unmet sessions are too thin a bar to see: say it
            box = {"boxstyle": "round", "facecolor": UNMET_COLOUR, "edgecolor": "none"}
            ax.text(float(xi), (p + u) * 0.5, f"{u:.0f} not\nplaced", ha="center", va="center",
                    fontsize=9, color="white", fontweight="bold", bbox=box)  # fmt: skip
    style_axes(ax, "Sessions placed of those required", "sessions")
    _headroom(ax, float(np.max(placed + unmet, initial=0)))

    ax = axes[0][1]
    cover_cols = [c for c in frame.columns if c.startswith("on_call_coverage_percent[")]
    if cover_cols:
        width = 0.8 / len(cover_cols)
        for j, col in enumerate(cover_cols):
            values = _numbers(frame, col)
            xs = x - 0.4 + width * (j + 0.5)
            name = _inner(col)
            colours = ["#55a868" if v >= 99 else "#dd8452" for v in values]
            ax.bar(xs, values, width * 0.9, color=colours, label=name)
            _bar_labels(ax, xs, values, [f"{v:.1f} %" for v in values])
        ax.set_ylim(0, 112)
        ax.axhline(100, color="#888", linewidth=0.8, linestyle=":")
        style_axes(ax, "On-call coverage of opening hours", "% covered (green: 99 % or more)")
        if len(cover_cols) > 1:
            ax.legend(fontsize=8, loc="lower right")
    else:
        ax.text(0.5, 0.5, "No on-call program", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()

    ax = axes[1][0]
    role_cols = [c for c in frame.columns if c.startswith("hours_per_week[")]
    if role_cols:
        width = 0.8 / len(role_cols)
        for j, col in enumerate(role_cols):
            values = _numbers(frame, col)
            xs = x - 0.4 + width * (j + 0.5)
            name = _inner(col)
            ax.bar(xs, values, width * 0.9, color=PLAN_COLOURS[j % len(PLAN_COLOURS)], label=name)
            if n * len(role_cols) <= 24:
                _bar_labels(ax, xs, values, [f"{v:.1f}" if v < 10 else f"{v:.0f}" for v in values])
        ax.legend(fontsize=8, title="role", title_fontsize=8, loc="upper left",
                  bbox_to_anchor=(1.0, 1.0), frameon=False)  # fmt: skip
        ax.margins(y=0.12)
    style_axes(ax, "Hours of sessions led per week, by role", "hours / week")

    ax = axes[1][1]
    sessions = _numbers(frame, "session_cost_per_week")
    on_call = _numbers(frame, "on_call_cost_per_week")
    ax.bar(x, sessions, 0.6, color="#4c72b0", label="sessions")
    ax.bar(x, on_call, 0.6, bottom=sessions, color="#8c8c8c", label="on call")
    _bar_labels(ax, x, sessions + on_call, [f"{v:,.0f}" for v in sessions + on_call])
    style_axes(ax, "Staff cost per week (hours × hourly cost)", "cost / week")
    _headroom(ax, float(np.max(sessions + on_call, initial=0)))

    for row in axes:
        for ax in row:
            if ax.axison:
                ax.set_xticks(x, plans, fontsize=9)
    return figure_png(fig)


def figure_png(fig: Any) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=110, metadata={"Software": None})
    return out.getvalue()


# --- HTML ------------------------------------------------------------------------------------

CSS = """
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
    "open days, and the most on one day. Evening: sessions ending after 18:00."
)


def esc(value: object) -> str:
    import html

    return html.escape(str(value), quote=True)


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
        f"<title>{esc(title)}</title><style>{CSS}{DECISION_CSS}</style></head><body>"
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
        + f'<h2>How the numbers are computed</h2><p class="note">{esc(DEFINITIONS)}</p>'
        + "</body></html>\n"
    )


def to_csv(frame: pd.DataFrame) -> str:
    from .reports.tables import to_csv as neutral_csv  # formula-like text neutralised

    return neutral_csv(frame)


# --- the comparison --------------------------------------------------------------------------


@dataclass
class Comparison:
    folder: Path
    frame: pd.DataFrame
    runs: list[PlanRun]
    unsolved: list[str] = field(default_factory=list)  # interrupted before they ran
    interrupted: bool = False


def default_folder(reports: Path, base: Path, prefix: str, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime("%Y-%m-%d_%H%M%S")
    parent = reports / safe_name(base.stem)
    candidate = parent / f"{prefix}-{stamp}"
    n = 2
    while candidate.exists():
        candidate = parent / f"{prefix}-{stamp}-{n}"
        n += 1
    return candidate


def run_comparison(
    plans: Sequence[Plan],
    settings: Settings,
    executor: Executor,
    run: RunFolder,
    *,
    say: Say | None = None,
    title: str | None = None,
    extra: Callable[[list[PlanRun], RunFolder], Sequence[Section]] | None = None,
    describe: Sequence[str] = (),
    repeat_current: bool = False,
) -> Comparison:
    """Solve every plan through ``executor`` and write the comparison into ``run`` (published
    by the caller). ``settings.workers`` is replaced by the executor's threads per solve.
    ``extra``, given the finished runs, may write more files and add sections to the page;
    ``describe`` replaces the page's first line (what was compared)."""
    say = say or (lambda _m: None)
    settings = Settings(
        time_limit=settings.time_limit,
        workers=executor.solver_workers,
        seed=settings.seed,
        deterministic=settings.deterministic,
    )
    tasks = [SolveTask(p.id, p.scenario, settings) for p in plans]
    if repeat_current and plans:  # the current plan again, another seed: run-to-run variation
        again = replace(settings, seed=settings.seed + 1)
        tasks.append(SolveTask(plans[0].id, plans[0].scenario, again))
    repeat: dict[str, Any] | None = None
    say(
        f"Solving {len(plans)} plan(s), {settings.time_limit:g} s each, seed {settings.seed}: "
        f"{executor.description}."
    )
    runs: dict[int, PlanRun] = {}
    for i, result in executor.run(solve_task, tasks):
        plan = plans[i % len(plans)]
        problem, report, summary = finish_plan(plan, result)
        if i >= len(plans):
            repeat = plan_metrics(problem, result.timetable, report, summary)
            continue
        sub = RunFolder(run.path(PLANS_DIR, plan.id))
        try:
            write_run(sub, problem, result, report, summary)
            sub.publish()
        except BaseException:
            sub.discard()
            raise
        metrics = plan_metrics(problem, result.timetable, report, summary)
        runs[i] = PlanRun(plan, problem, result, report, summary, metrics, f"{PLANS_DIR}/{plan.id}")
        say(f"  [{len(runs)}/{len(plans)}] {plan.id}: {_one_line(metrics)}")
    done = [runs[i] for i in sorted(runs)]
    unsolved = [p.id for i, p in enumerate(plans) if i not in runs]
    frame = comparison_frame(done)
    if done:
        chart = comparison_chart(frame)
        run.write("comparison.csv", to_csv(frame))
        run.write("comparison.png", chart)
        meta = [
            *(
                describe
                or [
                    f"Current plan: {plans[0].id}; compared with: "
                    + (", ".join(p.id for p in plans[1:]) or "none")
                    + " (each plan's files are listed in its summary.json)."
                ]
            ),
            f"Each solved with a {settings.time_limit:g} s time limit, seed {settings.seed}, "
            f"{settings.workers} solver thread(s)"
            + (", deterministic" if settings.deterministic else "")
            + f"; written {dt.datetime.now():%Y-%m-%d %H:%M}.",
        ]
        if unsolved:
            meta.append(f"Not solved (interrupted): {', '.join(unsolved)}")
        links = {r.plan.id: f"{r.folder}/index.html" for r in done}
        sections = list(extra(done, run)) if extra else []
        variation = (
            measure_variation(done[0].plan.id, done[0].metrics, repeat)
            if repeat is not None and done[0].plan is plans[0]
            else None
        )
        page = comparison_html(
            frame,
            chart,
            title=title or f"Staffing plans for {plans[0].scenario.name}",
            meta=meta,
            links=links,
            extra=sections,
            variation=variation,
        )
        run.write("comparison.html", page)
    return Comparison(run.final, frame, done, unsolved, executor.interrupted)


def _one_line(m: dict[str, Any]) -> str:
    text = f"{m['sessions_placed']} of {m['sessions_required']} sessions placed"
    if m.get("on_call_coverage_min_percent") is not None:
        text += f", on-call coverage {m['on_call_coverage_min_percent']:.1f} %"
    if m.get("total_cost_per_week"):
        text += f", cost/week {m['total_cost_per_week']:,.0f}"
    return text + f" ({m['solve_seconds']} s)"


# --- command line ----------------------------------------------------------------------------


def add_solve_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``compare`` and ``staffing``."""
    p.add_argument("--out", type=Path, help="output folder")
    p.add_argument(
        "--force",
        action="store_true",
        help="write into a non-empty --out folder, keeping its old contents beside it",
    )
    p.add_argument("--time-limit", type=float, default=60.0, help="seconds per plan (default 60)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help="solver threads per plan (default: the CPUs divided among the plans solved at once)",
    )
    p.add_argument("--parallel", type=int, default=None, help="plans solved at once (local)")
    p.add_argument(
        "--deterministic", action="store_true", help="same timetables for the same seed (slower)"
    )
    p.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="solve on a Dask cluster, e.g. tcp://host:8786 (needs the 'cluster' extra)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "compare", help="solve a base scenario and staffing plans (overlays), side by side"
    )
    p.add_argument("base", type=Path, help="the base scenario")
    p.add_argument("plans", type=Path, nargs="*", help="overlay files (base: ...) to compare")
    add_solve_options(p)
    p.add_argument(
        "--repeat-current",
        action="store_true",
        help="solve the base twice (another seed) to show which differences are only noise",
    )


class UsageError(Exception):
    """A command-line option that cannot be used (exit 2)."""


def check_options(args: argparse.Namespace) -> None:
    for name in ("workers", "parallel"):
        value = getattr(args, name, None)
        if value is not None and value < 1:
            raise UsageError(f"--{name} must be at least 1")
    if not args.time_limit > 0:
        raise UsageError("--time-limit must be more than 0 seconds")
    if args.cluster and args.parallel:
        raise UsageError("--parallel is for local solves; a Dask cluster decides it itself")


def output_run(args: argparse.Namespace, default: Path, say: Say) -> RunFolder:
    if args.out is not None:
        kept = prepare_out(args.out, args.force)
        if kept is not None:
            say(f"Kept the previous contents of {args.out} in {kept}")
        return RunFolder(args.out)
    return RunFolder(default)


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings(
        time_limit=args.time_limit,
        workers=args.workers or 1,
        seed=args.seed,
        deterministic=args.deterministic,
    )


def executor_from(args: argparse.Namespace, jobs: int) -> Executor:
    return make_executor(jobs, cluster=args.cluster, workers=args.workers, parallel=args.parallel)


def run_cli(args: argparse.Namespace) -> int:
    """``python -m optimizer compare``: 0 when the comparison is written (plans with unmet
    demand are a finding, not a failure), 2 for invalid input, 3 if interrupted, 1 a bug."""
    try:
        return _compare(args)
    except (UsageError, ExecutorUnavailable) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_INVALID


def _compare(args: argparse.Namespace) -> int:
    say: Say = (lambda _m: None) if args.quiet else (lambda m: print(m, flush=True))
    check_options(args)
    plans = load_plans(args.base, args.plans, lambda m: print(m, flush=True))
    executor = executor_from(args, len(plans) + (1 if args.repeat_current else 0))
    run = output_run(args, default_folder(Path("reports"), args.base, "compare"), say)
    try:
        with executor:
            comparison = run_comparison(
                plans,
                settings_from(args),
                executor,
                run,
                say=say,
                repeat_current=args.repeat_current,
            )
        if not comparison.runs:
            run.discard()
            print("Interrupted before any plan was solved; nothing was written.", file=sys.stderr)
            return EXIT_UNMET
        folder = run.publish()
    except BaseException:
        run.discard()
        raise
    return report_cli(comparison, folder)


def report_cli(comparison: Comparison, folder: Path) -> int:
    print()
    print(terminal_table(comparison.frame))
    for line in notes(comparison.frame):
        print(f"- {_clip(line, 240)}")
    if comparison.unsolved:
        print(f"Not solved (interrupted): {', '.join(comparison.unsolved)}")
    print(f"Files:     {folder}/comparison.html (and comparison.csv, plans/<plan>/)")
    if any(r.rule_violations for r in comparison.runs):
        print("RULE VIOLATIONS in a timetable: this is a bug; see the plan's summary.json.")
        return EXIT_BUG
    return EXIT_UNMET if comparison.interrupted else EXIT_OK
