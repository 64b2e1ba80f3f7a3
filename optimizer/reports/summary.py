"""The run summary: what a program manager reads first (terminal) and what tools read
(``summary.json``). Built once from the scenario, the solve :class:`Result` and the validator
as a :class:`Summary`; :meth:`Summary.to_dict` is the JSON (and what the reports read),
:func:`summary_text` the terminal text."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from optimizer.check import ValidationReport
from optimizer.check.goals import GoalScore
from optimizer.planning.cover import cover_ceiling
from optimizer.planning.problem import Problem
from optimizer.reports.measures import percent
from optimizer.scenario.phrases import DAY_NAMES, format_minutes
from optimizer.search.result import Result, Status
from optimizer.timetable import Unmet


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


Digest = tuple[str, list[dict[str, str]]]


def scenario_hash(path: Path) -> Digest:
    """The scenario's content hash, and each file it was read from (an overlay and its bases)
    with its own hash. For a single file the hash is that file's sha256."""
    from optimizer.scenario.overlay import read_scenario_data, scenario_files

    try:
        files = [Path(f) for f in scenario_files(read_scenario_data(path)[1])]
    except Exception:  # the scenario was read once already; this is only for the record
        files = [path]
    listed = [{"file": str(f), "sha256": file_hash(f)} for f in files]
    if len(listed) == 1:
        return listed[0]["sha256"], listed
    combined = hashlib.sha256("".join(x["sha256"] for x in listed).encode()).hexdigest()
    return combined, listed


def _ceiling_percent(coverable: int, open_slots: int) -> float:
    """The most any rota could cover; nothing open is nothing left uncovered."""
    value = percent(coverable, open_slots)
    return 100.0 if value is None else value


def status_word(result: Result) -> str:
    if result.timetable is None:
        return "no timetable"
    if not result.complete:
        return "incomplete"
    return result.status.value


# --- the summary, typed; field order is the JSON's key order ---------------------------------


@dataclass
class Window:
    date: str
    start: str
    end: str

    def text(self) -> str:
        import datetime as dt

        d = dt.date.fromisoformat(self.date)
        return f"{DAY_NAMES[d.weekday()]} {d} {self.start}-{self.end}"

    def minutes(self) -> int:
        return (int(self.end[:2]) * 60 + int(self.end[3:])) - (
            int(self.start[:2]) * 60 + int(self.start[3:])
        )


@dataclass
class Coverage:
    program: str
    percent: float
    open_hours: float
    covered_hours: float
    uncovered: list[Window]
    ceiling_percent: float | None = None  # the most any rota could cover (staff availability)


@dataclass
class GoalLine:
    goal: str
    weight: int
    count: int
    penalty: int
    solver_count: int | None
    worst: list[str]


@dataclass
class Replan:
    """``replan``: what changed since the timetable handed out."""

    source: str  # "from" in the JSON
    since: str
    changes: list[str]
    people_to_tell: dict[str, list[str]]
    people_affected: int
    # rows before ``since`` the changed scenario makes impossible (an event entered late for a
    # day that has gone): the record is corrected, apart from the changes to tell people
    corrections: list[str] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        return {"from": d.pop("source"), **d}


@dataclass
class EditedFrom:
    """``report --from``: the timetable edited by hand that the run was rebuilt from."""

    timetable: str
    on_call: str | None
    written_despite_violations: bool


@dataclass
class Summary:
    scenario: str
    scenario_file: str
    scenario_sha256: str
    scenario_files: list[dict[str, str]]
    status: str
    solver_status: str
    proven_optimal: bool
    interrupted: bool
    complete: bool
    sessions_required: int
    sessions_placed: int
    sessions_missing: int
    resident_sessions_missing: int  # the unit of the progress lines and the score card
    stopped_by: str | None  # why the search ended, as it happened
    objective: float | None
    best_bound: float | None
    gap: float | None
    solve_seconds: float
    first_timetable_seconds: float | None
    on_call_coverage: list[Coverage]
    unmet: list[Unmet]  # as in unmet.csv
    score: dict[str, GoalLine]
    moved_sessions: list[str]
    violations: list[str]
    model: dict[str, Any]
    solver: dict[str, Any]
    tool_version: str
    replan: Replan | None = None  # only in a re-plan's summary
    edited_from: EditedFrom | None = None  # only in report --from's

    def to_dict(self) -> dict[str, Any]:
        """The ``summary.json`` object (the keys the reports and tools read)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in ("replan", "edited_from") and value is None:
                continue
            if isinstance(value, Replan):
                out[f.name] = value.to_dict()
            elif dataclasses.is_dataclass(value) or isinstance(value, list | dict):
                out[f.name] = _plain(value)
            else:
                out[f.name] = value
        return out


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def build_summary(
    problem: Problem,
    result: Result,
    report: ValidationReport | None,
    scenario_path: Path,
    card: dict[str, GoalScore] | None = None,
    digest: Digest | None = None,
) -> Summary:
    scenario = problem.scenario
    sha, files = digest or scenario_hash(scenario_path)
    tt = result.timetable
    placed = len(tt.bookings) if tt else 0
    missing = sum(u.missing for u in tt.unmet if not u.on_call) if tt else 0
    resident_sessions = card["unplaced_session"].count if card and "unplaced_session" in card else 0
    score = {
        name: GoalLine(
            goal.text,
            goal.weight,
            goal.count,
            goal.penalty,
            result.terms.get(name),
            goal.offenders[:5],
        )
        for name, goal in (card or {}).items()
    }
    moved = (
        card["same_time_every_week"].offenders if card and "same_time_every_week" in card else []
    )
    ceiling = cover_ceiling(problem)
    coverage = [
        Coverage(
            c.program,
            round(c.percent, 2),
            round(c.open_minutes / 60, 2),
            round(c.covered_minutes / 60, 2),
            [
                Window(d.isoformat(), format_minutes(a), format_minutes(b))
                for d, a, b in c.uncovered
            ],
            _ceiling_percent(*ceiling[c.program]) if c.program in ceiling else None,
        )
        for c in (report.coverage if report else [])
    ]
    return Summary(
        scenario=scenario.name,
        scenario_file=str(scenario_path),
        scenario_sha256=sha,
        scenario_files=files,
        status=status_word(result),
        solver_status=result.status.value,
        proven_optimal=result.status is Status.OPTIMAL,
        interrupted=result.interrupted,
        complete=result.complete,
        sessions_required=placed + missing,
        sessions_placed=placed,
        sessions_missing=missing,
        resident_sessions_missing=resident_sessions,
        stopped_by=result.stats.get("stopped_by"),
        objective=result.objective,
        best_bound=result.bound,
        gap=None if result.gap is None else round(result.gap, 4),
        solve_seconds=round(result.seconds, 2),
        first_timetable_seconds=None
        if result.first_solution_seconds is None
        else round(result.first_solution_seconds, 2),
        on_call_coverage=coverage,
        unmet=list(tt.unmet) if tt else [],
        score=score,
        moved_sessions=moved,
        violations=[str(v) for v in report.violations] if report else [],
        model={
            k: result.stats.get(k)
            for k in ("variables", "constraints", "intervals", "build_seconds")
        },
        solver={
            "ortools": solver_version(),
            "parameters": result.stats.get("parameters", {}),
            "branches": result.stats.get("branches"),
            "conflicts": result.stats.get("conflicts"),
            "solutions": result.stats.get("solutions"),
        },
        tool_version=tool_version(),
    )


def summary_json(summary: Summary | dict[str, Any]) -> str:
    data = summary.to_dict() if isinstance(summary, Summary) else summary
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


EXPLAIN = {
    "optimal": "every required session placed; proven the best timetable for the goals",
    "feasible": "every required session placed; not proven the best",
    "incomplete": "some required sessions could not be placed (see below)",
    "no timetable": "no timetable was found",
}


def summary_text(summary: Summary, folder: Path | None) -> str:
    s = summary
    lines = [f"{s.scenario}"]
    explain = EXPLAIN[s.status]
    if s.interrupted:
        explain += "; the solve was interrupted, this is the best found so far"
    elif s.status == "feasible" and s.stopped_by:
        explain += f" (stopped: {s.stopped_by})"
    edited = s.edited_from
    if edited:  # report --from: a timetable edited by hand, not a solve
        explain = explain.split(";")[0] + f"; rebuilt from {edited.timetable}, edited by hand"
    lines.append(f"Status:    {s.status} ({explain})")
    lines.append(f"Sessions:  {s.sessions_placed} of {s.sessions_required} placed" + (
        f" ({s.sessions_missing} not placed: {s.resident_sessions_missing} resident-session(s))"
        if s.sessions_missing else ""))  # fmt: skip
    for c in s.on_call_coverage:
        text = f"On call:   {c.program}: {c.percent:.1f} % of opening hours covered"
        if c.ceiling_percent is not None and c.ceiling_percent < 100:
            text += f" (at most {c.ceiling_percent:.1f} % possible: staff availability)"
        if c.uncovered:
            longest = max(c.uncovered, key=Window.minutes)
            text += f", {len(c.uncovered)} gap(s), e.g. {longest.text()}"
        lines.append(text)
    if s.objective is not None:
        gap_text = f", gap {s.gap * 100:.1f} %" if s.gap is not None else ""
        best = f"; best possible {s.best_bound:,.0f}{gap_text}" if s.best_bound is not None else ""
        if s.gap is not None and s.gap > 0.5:  # a bound this far off proves little
            best = f"; the solver's lower bound, {s.best_bound:,.0f}, proves little here"
        lines.append(f"Score:     {s.objective:,.0f} (lower is better{best})")
    first = s.first_timetable_seconds
    first_text = f"; first timetable after {first:.1f} s" if first is not None else ""
    if not edited:
        lines.append(f"Time:      {s.solve_seconds:.1f} s{first_text}")
    penalties = [(g.penalty, name, g) for name, g in s.score.items() if g.count]
    if penalties:
        lines.append("Goals (what the score is made of, largest first):")
        for _, name, g in sorted(penalties, key=lambda p: (p[0], p[1]), reverse=True)[:6]:
            example = f"; e.g. {g.worst[0]}" if g.worst else ""
            lines.append(
                f"  - {name.replace('_', ' ')}: {g.count} x {g.weight} = {g.penalty:,}{example}"
            )
    if s.moved_sessions:
        lines.append(f"Sessions away from their usual time ({len(s.moved_sessions)}):")
        lines += [f"  - {m}" for m in s.moved_sessions[:8]]
        if len(s.moved_sessions) > 8:
            lines.append("  ... the full list is in summary.json and the report")
    if s.replan:
        lines.append(
            f"Changes since the previous timetable: {len(s.replan.changes)} session(s), "
            f"{s.replan.people_affected} person-notifications (all in changes.csv)"
        )
        if s.replan.corrections:
            lines.append(
                f"Corrections of the record before {s.replan.since} "
                f"({len(s.replan.corrections)}): the rest of the past is kept as it happened"
            )
            lines += [f"  - {c}" for c in s.replan.corrections[:8]]
        # Whoever has the most changes first: a facilitator off sick before each resident.
        told = sorted(s.replan.people_to_tell.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        for person, items in told[:10]:
            lines.append(f"  tell {person}: " + "; ".join(items[:3]))
            if len(items) > 3:
                lines.append(f"    ... and {len(items) - 3} more")
    if s.unmet:
        lines.append("Not placed:")
        for u in s.unmet[:20]:
            lines.append(f"  - {u.session} ({u.who}, {u.period}): {u.reason}")
        if len(s.unmet) > 20:
            lines.append(f"  ... and {len(s.unmet) - 20} more in unmet.csv")
    if s.violations:
        lines.append(
            "RULE VIOLATIONS in the edited timetable (written anyway, as --force asked):"
            if edited
            else "RULE VIOLATIONS (a bug; please report it):"
        )
        lines += [f"  - {v}" for v in s.violations[:20]]
    if folder is not None:
        lines.append(f"Files:     {folder}")
    return "\n".join(lines)
