"""The run summary: what a program manager reads first (terminal) and what tools read
(``summary.json``). Built from the scenario, the solve :class:`Result` and the validator."""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

from .problem import Problem
from .scenario.phrases import DAY_NAMES, format_minutes
from .score import GoalScore
from .solve import Result, Status
from .validate import ValidationReport


def tool_version() -> str:
    try:
        return metadata.version("recovery-home-optimizer")
    except metadata.PackageNotFoundError:
        return "unknown"


def solver_version() -> str:
    try:
        return metadata.version("ortools")
    except metadata.PackageNotFoundError:
        return "unknown"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def scenario_hash(path: Path) -> tuple[str, list[dict[str, str]]]:
    """The scenario's content hash, and each file it was read from (an overlay and its bases)
    with its own hash. For a single file the hash is that file's sha256."""
    from .scenario.overlay import read_scenario_data, scenario_files

    try:
        files = [Path(f) for f in scenario_files(read_scenario_data(path)[1])]
    except Exception:  # the scenario was read once already; this is only for the record
        files = [path]
    listed = [{"file": str(f), "sha256": file_hash(f)} for f in files]
    if len(listed) == 1:
        return listed[0]["sha256"], listed
    combined = hashlib.sha256("".join(x["sha256"] for x in listed).encode()).hexdigest()
    return combined, listed


def status_word(result: Result) -> str:
    if result.timetable is None:
        return "no timetable"
    if not result.complete:
        return "incomplete"
    return result.status.value


def build_summary(
    problem: Problem,
    result: Result,
    report: ValidationReport | None,
    scenario_path: Path,
    card: dict[str, GoalScore] | None = None,
    digest: tuple[str, list[dict[str, str]]] | None = None,
) -> dict[str, Any]:
    scenario = problem.scenario
    sha, files = digest or scenario_hash(scenario_path)
    tt = result.timetable
    placed = len(tt.bookings) if tt else 0
    missing = len(tt.unmet) if tt else 0
    score = {}
    for name, goal in (card or {}).items():
        score[name] = {
            "goal": goal.text,
            "weight": goal.weight,
            "count": goal.count,
            "penalty": goal.penalty,
            "solver_count": result.terms.get(name),
            "worst": goal.offenders[:5],
        }
    moved = (
        card["same_time_every_week"].offenders if card and "same_time_every_week" in card else []
    )
    coverage = [
        {
            "program": c.program,
            "percent": round(c.percent, 2),
            "open_hours": round(c.open_minutes / 60, 2),
            "covered_hours": round(c.covered_minutes / 60, 2),
            "uncovered": [
                {"date": d.isoformat(), "start": format_minutes(a), "end": format_minutes(b)}
                for d, a, b in c.uncovered
            ],
        }
        for c in (report.coverage if report else [])
    ]
    return {
        "scenario": scenario.name,
        "scenario_file": str(scenario_path),
        "scenario_sha256": sha,
        "scenario_files": files,
        "status": status_word(result),
        "solver_status": result.status.value,
        "proven_optimal": result.status is Status.OPTIMAL,
        "interrupted": result.interrupted,
        "complete": result.complete,
        "sessions_required": placed + missing,
        "sessions_placed": placed,
        "sessions_missing": missing,
        "objective": result.objective,
        "best_bound": result.bound,
        "gap": None if result.gap is None else round(result.gap, 4),
        "solve_seconds": round(result.seconds, 2),
        "first_timetable_seconds": None
        if result.first_solution_seconds is None
        else round(result.first_solution_seconds, 2),
        "on_call_coverage": coverage,
        "unmet": [
            {
                "program": u.program,
                "session": u.session,
                "who": u.who,
                "period": u.period,
                "missing": u.missing,
                "reason": u.reason,
            }
            for u in (tt.unmet if tt else [])
        ],
        "score": score,
        "moved_sessions": moved,
        "violations": [str(v) for v in report.violations] if report else [],
        "model": {
            k: result.stats.get(k)
            for k in ("variables", "constraints", "intervals", "build_seconds")
        },
        "solver": {
            "ortools": solver_version(),
            "parameters": result.stats.get("parameters", {}),
            "branches": result.stats.get("branches"),
            "conflicts": result.stats.get("conflicts"),
            "solutions": result.stats.get("solutions"),
        },
        "tool_version": tool_version(),
    }


def summary_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, indent=2, ensure_ascii=False, default=str) + "\n"


def _window_text(date: str, start: str, end: str) -> str:
    import datetime as dt

    d = dt.date.fromisoformat(date)
    return f"{DAY_NAMES[d.weekday()]} {d} {start}-{end}"


def summary_text(summary: dict[str, Any], folder: Path | None) -> str:
    lines = [f"{summary['scenario']}"]
    status = summary["status"]
    explain = {
        "optimal": "every required session placed; proven the best timetable for the goals",
        "feasible": "every required session placed; not proven the best (time limit reached)",
        "incomplete": "some required sessions could not be placed (see below)",
        "no timetable": "no timetable was found",
    }[status]
    if summary["interrupted"]:
        explain += "; the solve was interrupted, this is the best found so far"
    edited = summary.get("edited_from")
    if edited:  # report --from: a timetable edited by hand, not a solve
        explain = explain.split(";")[0] + f"; rebuilt from {edited['timetable']}, edited by hand"
    lines.append(f"Status:    {status} ({explain})")
    lines.append(
        f"Sessions:  {summary['sessions_placed']} of {summary['sessions_required']} placed"
    )
    for c in summary["on_call_coverage"]:
        gaps = c["uncovered"]
        text = f"On call:   {c['program']}: {c['percent']:.1f} % of opening hours covered"
        if gaps:
            longest = max(
                gaps, key=lambda g: (int(g["end"][:2]) * 60 + int(g["end"][3:]))
                - (int(g["start"][:2]) * 60 + int(g["start"][3:]))
            )  # fmt: skip
            text += f", {len(gaps)} gap(s), e.g. {_window_text(**longest)}"
        lines.append(text)
    if summary["objective"] is not None:
        gap = summary["gap"]
        gap_text = f", gap {gap * 100:.1f} %" if gap is not None else ""
        bound = summary["best_bound"]
        best = f"; best possible {bound:,.0f}{gap_text}" if bound is not None else ""
        lines.append(f"Score:     {summary['objective']:,.0f} (lower is better{best})")
    first = summary["first_timetable_seconds"]
    first_text = f"; first timetable after {first:.1f} s" if first is not None else ""
    if not edited:
        lines.append(f"Time:      {summary['solve_seconds']:.1f} s{first_text}")
    penalties = [(g["penalty"], name, g) for name, g in summary["score"].items() if g["count"]]
    if penalties:
        lines.append("Goals (what the score is made of, largest first):")
        for _, name, g in sorted(penalties, reverse=True)[:6]:
            example = f"; e.g. {g['worst'][0]}" if g["worst"] else ""
            lines.append(
                f"  - {name.replace('_', ' ')}: {g['count']} x {g['weight']} = {g['penalty']:,}"
                f"{example}"
            )
    if summary["moved_sessions"]:
        lines.append(f"Sessions away from their usual time ({len(summary['moved_sessions'])}):")
        lines += [f"  - {m}" for m in summary["moved_sessions"][:8]]
        if len(summary["moved_sessions"]) > 8:
            lines.append("  ... the full list is in summary.json and the report")
    replan = summary.get("replan")
    if replan:
        lines.append(
            f"Changes since the previous timetable: {len(replan['changes'])} session(s), "
            f"{replan['people_affected']} person-notifications (all in changes.csv)"
        )
        for person, items in list(replan["people_to_tell"].items())[:10]:
            lines.append(f"  tell {person}: " + "; ".join(items[:3]))
            if len(items) > 3:
                lines.append(f"    ... and {len(items) - 3} more")
    if summary["unmet"]:
        lines.append("Not placed:")
        for u in summary["unmet"][:20]:
            lines.append(f"  - {u['session']} ({u['who']}, {u['period']}): {u['reason']}")
        if len(summary["unmet"]) > 20:
            lines.append(f"  ... and {len(summary['unmet']) - 20} more in unmet.csv")
    if summary["violations"]:
        lines.append(
            "RULE VIOLATIONS in the edited timetable (written anyway, as --force asked):"
            if edited
            else "RULE VIOLATIONS (a bug; please report it):"
        )
        lines += [f"  - {v}" for v in summary["violations"][:20]]
    if folder is not None:
        lines.append(f"Files:     {folder}")
    return "\n".join(lines)
