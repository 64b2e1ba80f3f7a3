"""How many people in one role does the home need? Solve the base scenario with 1, 2, ... N
people in the role and find the smallest head count that places every required session and
keeps the crisis on-call rota covered.

``python -m optimizer staffing BASE.yaml --role peer --min 1 --max 6`` keeps the base's staff
who do not have the role and replaces those who have it with N generated staff members
(``peer-1``, ``peer-2``, ...). By default each is a copy of the base's first staff member with
the role (roles, availability, weekly limit, cost and wishes; not their dated absences), and
``--template-available``, ``--max-hours`` and ``--hourly-cost`` change that template.

Each head count is written as an overlay (``overlays/<N>x-<role>.yaml``, loadable on its own)
and solved like a plan of ``compare``, so the output folder holds a full comparison (and every
plan's own report) plus ``staffing.csv`` and ``staffing.png``: unmet demand, on-call coverage
and cost per week against head count.

**Enough** means every required session placed and every as-needed (on-call) program covering
at least ``--coverage`` percent of the opening hours (default 99: a few minutes a week may stay
uncovered, e.g. where the opening hours do not fill a whole on-call block). A scenario with no
on-call program needs only the sessions.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from optimizer.reports.output import RunFolder, safe_name
from optimizer.run.executor import Executor
from optimizer.run.pipeline import Plan, Say, UsageError, load_plan
from optimizer.scenario.overlay import read_scenario_data
from optimizer.search.result import Settings
from optimizer.whatif.compare import (
    Comparison,
    PlanRun,
    run_comparison,
)
from optimizer.whatif.page import Section
from optimizer.whatif.staffing_report import curve_html, staffing_chart, verdict_text
from optimizer.whatif.table import to_csv

DEFAULT_COVERAGE = 99.0
OVERLAYS_DIR = "overlays"
MAX_HEAD_COUNT = 50


@dataclass(frozen=True)
class Template:
    """What each generated staff member gets, over the copied base member (if any)."""

    available: tuple[str, ...] | None = None
    max_hours: float | None = None
    hourly_cost: float | None = None


def _roles(item: dict[str, Any]) -> list[str]:
    roles = item.get("roles")
    if roles is None:
        return []
    return [str(r) for r in (roles if isinstance(roles, list) else [roles])]


def _staff_list(data: dict[str, Any]) -> list[dict[str, Any]]:
    staff = data.get("staff") or []
    staff = staff if isinstance(staff, list) else [staff]
    return [s for s in staff if isinstance(s, dict)]


def staff_model(base: dict[str, Any], role: str, template: Template) -> dict[str, Any]:
    """The fields of each generated staff member (without id and name)."""
    first = next((s for s in _staff_list(base) if role in _roles(s)), None)
    if first is None:
        model: dict[str, Any] = {"roles": [role]}
    else:
        model = {
            k: copy.deepcopy(v)
            for k, v in first.items()
            if k not in ("id", "name", "unavailable") and v is not None
        }
    if template.available is not None:
        model["available"] = list(template.available)
    if template.max_hours is not None:
        model["max_hours_per_week"] = template.max_hours
    if template.hourly_cost is not None:
        model["hourly_cost"] = template.hourly_cost
    return model


def staffing_overlay(
    base: dict[str, Any], base_ref: str, role: str, count: int, template: Template
) -> dict[str, Any]:
    """The overlay with ``count`` generated staff members in ``role`` instead of the base's."""
    staff = _staff_list(base)
    with_role = {str(s.get("id")): s for s in staff if role in _roles(s)}
    kept = {str(s.get("id")) for s in staff if role not in _roles(s)}
    model = staff_model(base, role, template)
    new_ids = []
    for k in range(1, count + 1):
        new_id = f"{role}-{k}"
        while new_id in kept:
            new_id += "-new"
        new_ids.append(new_id)
    items: list[dict[str, Any]] = [
        {"id": sid, "remove": True} for sid in with_role if sid not in new_ids
    ]
    for k, new_id in enumerate(new_ids, start=1):
        item = {"id": new_id, "name": f"{role.capitalize()} {k} (planned)", **copy.deepcopy(model)}
        old = with_role.get(new_id)
        if old is not None:  # the same id in the base: replace every field it has
            item |= {f: None for f in old if f not in item}
        items.append(item)
    return {
        "base": base_ref,
        "name": f"{base.get('name', 'Scenario')}: {count} × {role}",
        "staff": items,
    }


@dataclass
class StaffingResult:
    comparison: Comparison
    curve: pd.DataFrame | None  # one row per head count (None: nothing solved)
    smallest: int | None


def head_count_curve(
    runs: Sequence[PlanRun], counts: dict[str, int], role: str, coverage: float
) -> pd.DataFrame:
    """One row per head count: unmet demand, coverage, cost, and whether it is enough."""
    rows = []
    for run in runs:
        m = run.metrics
        lowest = m.get("on_call_coverage_min_percent")
        placed_all = m.get("sessions_unmet") == 0 and run.done.result.timetable is not None
        covered = lowest is None or lowest >= coverage
        rows.append(
            {
                "head_count": counts[run.plan.id],
                "plan": run.plan.id,
                "status": m["status"],
                "sessions_placed": m["sessions_placed"],
                "sessions_required": m["sessions_required"],
                "sessions_unmet": m["sessions_unmet"],
                "on_call_coverage_min_percent": lowest,
                f"hours_per_week[{role}]": m.get(f"hours_per_week[{role}]"),
                f"utilization_percent[{role}]": m.get(f"utilization_percent[{role}]"),
                "session_cost_per_week": m["session_cost_per_week"],
                "on_call_cost_per_week": m["on_call_cost_per_week"],
                "total_cost_per_week": m["total_cost_per_week"],
                "enough": bool(placed_all and covered),
                "solve_seconds": m["solve_seconds"],
            }
        )
    frame = pd.DataFrame(rows)
    return frame.sort_values("head_count", kind="stable").reset_index(drop=True)


def smallest_enough(curve: pd.DataFrame) -> int | None:
    enough = curve[curve["enough"]]
    return int(enough["head_count"].min()) if len(enough) else None


def run_staffing(
    base: Path,
    role: str,
    counts: range,
    template: Template,
    coverage: float,
    settings: Settings,
    executor: Executor,
    run: RunFolder,
    say: Say,
) -> StaffingResult:
    """Write the overlays, solve them as a comparison, and add the head-count curve."""
    base_data, _ = read_scenario_data(base)
    if not isinstance(base_data, dict):
        raise UsageError(f"{base} is not a scenario")
    base_name = str(base_data.get("name", base.stem))
    # The overlays sit in the run folder; their base is relative to where the run folder ends
    # up (the staging folder is its sibling, so the same relative path works from both).
    final_dir = run.final.parent.resolve() / run.final.name / OVERLAYS_DIR
    base_ref = os.path.relpath(base.resolve(), final_dir)
    plans: list[Plan] = []
    ids: dict[str, int] = {}
    for n in counts:
        plan_id = safe_name(f"{n}x-{role}")
        overlay = staffing_overlay(base_data, base_ref, role, n, template)
        text = (
            f"# {n} x {role}: generated by `python -m optimizer staffing`; the base's '{role}' "
            "staff replaced.\n" + yaml.safe_dump(overlay, sort_keys=False, allow_unicode=True)
        )
        path = run.write(f"{OVERLAYS_DIR}/{plan_id}.yaml", text)
        plan = load_plan(path, plan_id)
        plan.shown_path = str(final_dir / path.name)
        plans.append(plan)
        ids[plan_id] = n
    sections: dict[str, Any] = {}

    def curve_section(runs: list[PlanRun], folder: RunFolder) -> list[Section]:
        curve = head_count_curve(runs, ids, role, coverage)
        smallest = smallest_enough(curve)
        chart = staffing_chart(curve, role, coverage, smallest)
        folder.write("staffing.csv", to_csv(curve))
        folder.write("staffing.png", chart)
        verdict = verdict_text(smallest, curve, role, coverage)
        sections.update(curve=curve, smallest=smallest)
        return [Section(f"How many '{role}' staff?", curve_html(curve, role, chart, verdict))]

    comparison = run_comparison(
        plans,
        settings,
        executor,
        run,
        say=say,
        title=f"Staffing: how many '{role}' staff for {base_name}",
        extra=curve_section,
        describe=[
            f"Base: {base}, with {counts.start} to {counts.stop - 1} '{role}' staff in place of "
            f"its own; each head count's overlay is in {OVERLAYS_DIR}/."
        ],
    )
    return StaffingResult(comparison, sections.get("curve"), sections.get("smallest"))
