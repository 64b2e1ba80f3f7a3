"""Staffing plans: overlays (merge rules, errors that point into the right file and line),
``compare`` end to end, the ``staffing`` head-count search, and the executors (local pool and
Dask) giving the same comparison. Every scenario here is tiny and every solve short."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from optimizer.check import validate
from optimizer.cli import main as cli
from optimizer.planning.build import build_problem
from optimizer.reports.output import RunFolder
from optimizer.run.executor import DaskExecutor, LocalExecutor
from optimizer.run.pipeline import load_plans
from optimizer.scenario import ScenarioError, load_scenario
from optimizer.search.result import Settings
from optimizer.search.solve import solve
from optimizer.timetable import read_run
from optimizer.whatif.compare import comparison_frame, run_comparison
from optimizer.whatif.metrics import plan_metrics

from .conftest import ROOT, tiny

TIME_LIMIT = "3"

BASE = """\
name: Tiny House
calendar:
  start: "2026-12-07"
  weeks: 1
  open: "Mon-Fri 09:00-17:00"
rooms:
  - {id: group-room, capacity: 8, features: [group]}
  - {id: office, capacity: 2, features: [private]}
staff:
  - id: rivera
    name: Dr. Ana Rivera
    roles: [clinician]
    max_hours_per_week: 20
    hourly_cost: 80
  - id: bell
    name: Marcus Bell
    roles: [peer]
    available: "Mon-Fri 09:00-13:00"
    hourly_cost: 25
  - id: warren
    name: Keisha Warren
    roles: [peer]
    available: "Mon-Fri 13:00-17:00"
    hourly_cost: 20
residents:
  - {id: R01, name: Jordan P.}
  - {id: R02, name: Alex M.}
programs:
  - id: group-therapy
    frequency: 3 times a week
    duration: 1 hour
    facilitator: clinician
    attendees: all
    room: group
  - id: peer-counseling
    frequency: twice a week
    duration: 45 minutes
    facilitator: peer
    attendees: each
    room: private
  - id: crisis
    frequency: as needed
    duration: 30 minutes
    facilitator: peer
goals:
  late_evening: 3
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path / "home.yaml", BASE)


def overlay(tmp_path: Path, text: str, name: str = "plan.yaml") -> Path:
    return write(tmp_path / "plans" / name, "base: ../home.yaml\n" + text)


def issues_of(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return [str(i) for i in err.value.issues]


# --- merge rules -----------------------------------------------------------------------------


def test_empty_overlay_is_the_base(tmp_path, base):
    assert load_scenario(overlay(tmp_path, "")) == load_scenario(base)


def test_items_merge_by_id_change_remove_add(tmp_path, base):
    plan = overlay(
        tmp_path,
        """\
name: Tiny House - plan B
staff:
  - id: rivera
    max_hours_per_week: 10        # only this field changes
  - {id: bell, remove: true}
  - id: nguyen                    # a new id: added at the end
    roles: [clinician, trauma]
    hourly_cost: 82
rooms:
  - {id: office, capacity: 3}
residents:
  - {id: R03, name: Robin K.}
""",
    )
    sc = load_scenario(plan)
    assert sc.name == "Tiny House - plan B"
    assert [s.id for s in sc.staff] == ["rivera", "warren", "nguyen"]
    rivera = sc.staff[0]
    assert rivera.max_hours_per_week == 10
    assert (rivera.name, rivera.roles, rivera.hourly_cost) == ("Dr. Ana Rivera", ["clinician"], 80)
    assert sc.staff[2].roles == ["clinician", "trauma"]
    office = next(r for r in sc.rooms if r.id == "office")
    assert office.capacity == 3 and office.features == ["private"]
    assert [r.id for r in sc.residents] == ["R01", "R02", "R03"]
    assert [p.id for p in sc.programs] == ["group-therapy", "peer-counseling", "crisis"]


def test_mappings_merge_field_by_field_and_null_drops_a_field(tmp_path, base):
    plan = overlay(
        tmp_path,
        """\
calendar:
  weeks: 2
goals:
  spread_days: 0
staff:
  - id: rivera
    max_hours_per_week: null      # no limit any more
""",
    )
    sc = load_scenario(plan)
    base_sc = load_scenario(base)
    assert sc.calendar.weeks == 2
    assert sc.calendar.open == base_sc.calendar.open and sc.calendar.start == base_sc.calendar.start
    assert sc.goals.spread_days == 0 and sc.goals.late_evening == 3  # the base's stays
    assert sc.staff[0].max_hours_per_week is None


def test_a_list_field_of_an_item_is_replaced_whole(tmp_path, base):
    plan = overlay(tmp_path, 'staff:\n  - {id: bell, available: ["Mon 09:00-12:00"]}\n')
    bell = next(s for s in load_scenario(plan).staff if s.id == "bell")
    assert [w.text for w in bell.available or []] == ["Mon 09:00-12:00"]


def test_single_item_instead_of_a_list(tmp_path, base):
    sc = load_scenario(overlay(tmp_path, "staff: {id: warren, remove: true}\n"))
    assert [s.id for s in sc.staff] == ["rivera", "bell"]


def test_an_overlay_of_an_overlay(tmp_path, base):
    overlay(tmp_path, "staff:\n  - {id: bell, remove: true}\n", "fewer.yaml")
    second = write(
        tmp_path / "plans" / "more" / "plus.yaml",
        "base: ../fewer.yaml\nstaff:\n  - {id: ray, roles: peer}\n",
    )
    assert [s.id for s in load_scenario(second).staff] == ["rivera", "warren", "ray"]


# --- errors point into the right file --------------------------------------------------------


def line_in(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_an_error_in_the_overlay_names_the_overlay_line_and_field(tmp_path, base):
    plan = overlay(
        tmp_path,
        """\
staff:
  - {id: bell, remove: true}
  - id: rivera
    max_hours_per_week: 300
  - id: nguyen
    roles: [clinician]
    hourly_cost: -5
""",
    )
    issues = issues_of(plan)
    assert issues == [
        f"{plan}:{line_in(plan, '300')}: staff[1].max_hours_per_week: expected a number greater "
        "than 0 and at most 168, got 300",
        f"{plan}:{line_in(plan, '-5')}: staff[2].hourly_cost: expected a number of at least 0, "
        "got -5",
    ]


def test_an_error_in_the_base_names_the_base(tmp_path):
    home = write(tmp_path / "home.yaml", BASE.replace("capacity: 8", "capacity: -8"))
    plan = overlay(tmp_path, "staff:\n  - {id: bell, remove: true}\n")
    (issue,) = issues_of(plan)
    assert issue.startswith(f"{home}:{line_in(home, 'capacity: -8')}: rooms[0].capacity:")


def test_a_missing_field_of_a_new_item_points_at_the_item(tmp_path, base):
    plan = overlay(tmp_path, "staff:\n  - id: ray\n    name: Chris Ray\n")
    (issue,) = issues_of(plan)
    assert issue == (
        f"{plan}:3: staff[0].id: no staff member 'ray' in the base scenario; known: rivera, "
        "bell, warren; to add a new one give all its required fields (roles)"
    )


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (
            "staff:\n  - name: Someone\n    roles: peer\n",
            3,
            "staff[0]: every staff member in an overlay needs an id",
        ),
        (
            "staff:\n  - id: rivera\n  - {id: belle, remove: true}\n",
            4,
            "staff[1].id: cannot remove staff member 'belle': the base has no staff member with "
            "this id (did you mean 'bell'?)",
        ),
        (
            "staff:\n  - id: bell\n    remove: true\n    roles: peer\n",
            4,
            "staff[0].remove: remove: true removes staff member 'bell', so the other field(s) "
            "(roles) would be ignored",
        ),
        ("rooms:\n  - {id: office, remove: maybe}\n", 3, "rooms[0].remove: expected remove: true"),
        (
            "staff:\n  - {id: bell, hourly_cost: 30}\n  - {id: bell, hourly_cost: 31}\n",
            4,
            "staff[1].id: 'bell' is given twice (first on line 3)",
        ),
        ("stafff:\n  - id: x\n", 2, "stafff: unknown field 'stafff' (did you mean 'staff'?)"),
        (
            "residents:\n",
            2,
            "residents: residents is empty: an overlay cannot empty the whole list",
        ),
    ],
    ids=[
        "no-id",
        "remove-unknown-id",
        "remove-with-fields",
        "remove-not-bool",
        "twice",
        "unknown-section",
        "null-list",
    ],
)
def test_overlay_mistakes(tmp_path, base, text, line, expected):
    plan = overlay(tmp_path, text)
    issues = issues_of(plan)
    assert any(i.startswith(f"{plan}:{line}: {expected}") for i in issues), issues


def test_a_missing_base_and_a_circle(tmp_path):
    missing = write(tmp_path / "a.yaml", "# plan\nbase: nowhere.yaml\n")
    (issue,) = issues_of(missing)
    assert issue.startswith(f"{missing}:2: base: the base scenario {tmp_path / 'nowhere.yaml'} ")
    assert "does not exist" in issue
    write(tmp_path / "b.yaml", "base: c.yaml\n")
    circle = write(tmp_path / "c.yaml", "base: b.yaml\n")
    assert "go round in a circle" in issues_of(circle)[0]


def test_removing_the_last_holder_of_a_role_is_reported_where_the_role_is_used(tmp_path, base):
    plan = overlay(
        tmp_path, "staff:\n  - {id: bell, remove: true}\n  - {id: warren, remove: true}\n"
    )
    issues = issues_of(plan)
    line = line_in(base, "facilitator: peer")
    assert (
        f"{base}:{line}: programs[1].facilitator: no staff member has the role 'peer'"
        in (issues[0])
    )


def test_check_command_on_a_bad_overlay(tmp_path, base, capsys):
    plan = overlay(tmp_path, "staff:\n  - {id: nobody, remove: true}\n")
    assert cli.main(["check", str(plan)]) == 2
    err = capsys.readouterr().err
    assert f"{plan}:3: staff[0].id: cannot remove staff member 'nobody'" in err


def test_the_shipped_plans_are_valid():
    plans = sorted((ROOT / "scenarios" / "mission-recovery" / "plans").glob("*.yaml"))
    assert {p.stem for p in plans} >= {"current", "one-peer-fewer", "hire-trauma-clinician"}
    base = load_scenario(ROOT / "scenarios" / "mission-recovery.yaml")
    peers = {s.id for s in base.staff if "peer" in s.roles}
    by_stem = {p.stem: load_scenario(p) for p in plans}
    assert by_stem["current"].staff == base.staff
    fewer = {s.id for s in by_stem["one-peer-fewer"].staff if "peer" in s.roles}
    assert len(fewer) == len(peers) - 1
    trauma = [
        s for s in by_stem["hire-trauma-clinician"].staff if {"clinician", "trauma"} <= set(s.roles)
    ]
    assert len(trauma) == sum(1 for s in base.staff if {"clinician", "trauma"} <= set(s.roles)) + 1


# --- compare end to end ----------------------------------------------------------------------


def recompute(plan_folder: Path, scenario_file: Path) -> dict[str, Any]:
    """The metrics of one plan, from its own run folder's files only."""
    scenario = load_scenario(scenario_file)
    csv = plan_folder / "timetable.csv"
    timetable = read_run(csv) if csv.exists() else None
    summary = json.loads((plan_folder / "summary.json").read_text())
    report = validate(scenario, timetable) if timetable else None
    return plan_metrics(build_problem(scenario), timetable, report, summary)


def same(a: Any, b: Any) -> bool:
    """Equal as a CSV cell holds it (no value, "" and NaN are all an empty cell)."""
    a, b = (None if x is None or x == "" or pd.isna(x) else x for x in (a, b))
    if a is None or b is None:
        return a is b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-6
    return str(a) == str(b)


def test_compare_end_to_end_matches_each_plans_own_files(tmp_path, base, capsys):
    fewer = overlay(tmp_path, "staff:\n  - {id: warren, remove: true}\n", "fewer-peers.yaml")
    more = overlay(
        tmp_path,
        'name: "<b>More</b> & co"\nstaff:\n  - {id: ray, roles: peer, hourly_cost: 30}\n',
        "more-peers.yaml",
    )
    out = tmp_path / "out"
    code = cli.main(
        [
            "compare",
            str(base),
            str(fewer),
            str(more),
            "--out",
            str(out),
            "--time-limit",
            TIME_LIMIT,
            "--repeat-current",
        ]
    )
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "Sessions placed" in printed and "fewer-peers" in printed

    frame = pd.read_csv(out / "comparison.csv", keep_default_na=False, na_values=[""])
    assert list(frame["plan"]) == ["home", "fewer-peers", "more-peers"]
    files = {"home": base, "fewer-peers": fewer, "more-peers": more}
    for _, row in frame.iterrows():
        folder = out / "plans" / row["plan"]
        for name in ("timetable.csv", "on_call.csv", "unmet.csv", "summary.json", "index.html"):
            assert (folder / name).is_file(), folder / name
        # the same numbers from the plan's own files ...
        metrics = recompute(folder, files[row["plan"]])
        for key, value in metrics.items():
            assert same(row[key], value), (row["plan"], key, row[key], value)
        # ... and, independently, straight from its CSV files and summary.json
        timetable = pd.read_csv(folder / "timetable.csv")
        on_call = pd.read_csv(folder / "on_call.csv")
        summary = json.loads((folder / "summary.json").read_text())
        assert row["sessions_placed"] == len(timetable) == summary["sessions_placed"]
        assert row["sessions_required"] == summary["sessions_required"]
        (coverage,) = summary["on_call_coverage"]
        assert row["on_call_coverage_percent[crisis]"] == pytest.approx(coverage["percent"], 0.01)
        cost = {"rivera": 80, "bell": 25, "warren": 20, "ray": 30}

        def hours(frame: pd.DataFrame) -> pd.Series:
            def minutes(col: str) -> pd.Series:
                return frame[col].str[:2].astype(int) * 60 + frame[col].str[3:].astype(int)

            return (minutes("end") - minutes("start")) / 60

        session_cost = (hours(timetable) * timetable["facilitators"].map(cost)).sum()
        on_call_cost = (hours(on_call) * on_call["staff"].map(cost)).sum()
        assert row["session_cost_per_week"] == pytest.approx(session_cost, abs=0.01)
        assert row["on_call_cost_per_week"] == pytest.approx(on_call_cost, abs=0.01)
        peer = timetable[timetable["program"] == "peer-counseling"]
        assert row["hours_per_week[peer]"] == pytest.approx(hours(peer).sum(), abs=0.01)

    page = (out / "comparison.html").read_text()
    assert "data:image/png;base64," in page
    # Decision rows first, plans as named columns with their difference from the current one;
    # the engineering rows folded away; the repeat solve is only used for the variation note.
    assert page.index("Which plan") < page.index("<details>") < page.index("Score (lower")
    assert ">Home (current)</a>" in page and page.count("vs current") == 2
    assert "Run-to-run variation was measured" in page
    assert not (out / "plans" / "home-2").exists() and len(list((out / "plans").iterdir())) == 3
    assert 'href="plans/fewer-peers/index.html"' in page
    assert "<b>More</b>" not in page  # every text is escaped
    assert (out / "comparison.png").read_bytes().startswith(b"\x89PNG")
    summary = json.loads((out / "plans" / "more-peers" / "summary.json").read_text())
    assert [f["file"] for f in summary["scenario_files"]] == [str(more), str(base)]
    assert len({f["sha256"] for f in summary["scenario_files"]}) == 2  # each file hashed


def test_a_bad_plan_stops_the_comparison_before_any_solve(tmp_path, base, capsys):
    good = overlay(tmp_path, "", "good.yaml")
    bad = overlay(tmp_path, "staff:\n  - {id: bell, hourly_cost: lots}\n", "bad.yaml")
    out = tmp_path / "out"
    assert cli.main(["compare", str(base), str(good), str(bad), "--out", str(out)]) == 2
    assert f"{bad}:3: staff[0].hourly_cost" in capsys.readouterr().err
    assert not out.exists()


def test_cluster_without_dask_says_how_to_install(tmp_path, base, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails
    code = cli.main(
        ["compare", str(base), "--cluster", "tcp://127.0.0.1:1", "--out", str(tmp_path / "o")]
    )
    assert code == 2
    assert "install the cluster extra: pip install '.[cluster]'" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


# --- staffing --------------------------------------------------------------------------------

# One morning, four one-hour peer sessions and a crisis rota: 4 session hours and 3 on-call
# hours in 3 opening hours need 3 peers at once in the first hours (2 in sessions, 1 on call).
STAFFING_BASE = """\
name: Staffing House
calendar: {start: "2026-12-07", weeks: 1, open: "Mon 09:00-12:00"}
rooms:
  - {id: office-1, capacity: 2, features: [private]}
  - {id: office-2, capacity: 2, features: [private]}
staff:
  - {id: lee, roles: [clinician], hourly_cost: 80}
  - id: bell
    roles: [peer]
    hourly_cost: 25
    unavailable: {when: "2026-12-07 09:00-11:00", reason: dentist}
residents: [{id: R01}, {id: R02}, {id: R03}, {id: R04}]
programs:
  - {id: peer-counseling, frequency: weekly, duration: 1 hour, facilitator: peer,
     attendees: each, room: private}
  - {id: crisis, frequency: as needed, duration: 30 minutes, facilitator: peer}
"""


def enough(scenario_file: Path, threshold: float = 99.0) -> bool:
    scenario = load_scenario(scenario_file)
    result = solve(build_problem(scenario), Settings(time_limit=5, workers=1))
    assert result.timetable is not None
    report = validate(scenario, result.timetable)
    assert report.ok
    return result.complete and all(c.percent >= threshold for c in report.coverage)


def test_staffing_finds_the_smallest_head_count(tmp_path, capsys):
    home = write(tmp_path / "staffing.yaml", STAFFING_BASE)
    out = tmp_path / "out"
    args = ["staffing", str(home), "--role", "peer", "--min", "1", "--max", "4"]
    code = cli.main([*args, "--out", str(out), "--time-limit", TIME_LIMIT])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "Smallest head count: 3 'peer' staff" in printed
    curve = pd.read_csv(out / "staffing.csv")
    assert list(curve["head_count"]) == [1, 2, 3, 4]
    assert list(curve["enough"]) == [False, False, True, True]
    assert (out / "staffing.png").read_bytes().startswith(b"\x89PNG")
    # The generated overlays solve on their own: 3 is enough, 2 is not.
    three, two = out / "overlays" / "3x-peer.yaml", out / "overlays" / "2x-peer.yaml"
    staff = {s.id: s for s in load_scenario(three).staff}
    assert sorted(staff) == ["lee", "peer-1", "peer-2", "peer-3"]
    assert staff["peer-1"].hourly_cost == 25 and not staff["peer-1"].unavailable  # a copy of bell
    assert enough(three)
    assert not enough(two)


def test_staffing_template_options(tmp_path, capsys):
    home = write(tmp_path / "staffing.yaml", STAFFING_BASE)
    out = tmp_path / "out"
    args = ["staffing", str(home), "--role", "peer", "--min", "2", "--max", "2", "--out", str(out)]
    extra = ["--template-available", "Mon 09:00-11:00", "--max-hours", "2", "--hourly-cost", "31"]
    assert cli.main([*args, *extra, "--time-limit", TIME_LIMIT]) == 3  # 2 are not enough
    staff = {s.id: s for s in load_scenario(out / "overlays" / "2x-peer.yaml").staff}
    peer = staff["peer-2"]
    assert [w.text for w in peer.available or []] == ["Mon 09:00-11:00"]
    assert (peer.max_hours_per_week, peer.hourly_cost) == (2, 31)
    bad = ["--template-available", "Mon 25:00-26:00"]
    assert cli.main([*args[:-2], "--out", str(tmp_path / "o2"), *bad]) == 2
    assert "--template-available" in capsys.readouterr().err


# --- executors -------------------------------------------------------------------------------


def test_local_executor_sizing():
    assert (LocalExecutor(3, cpus=2).parallel, LocalExecutor(3, cpus=2).solver_workers) == (2, 1)
    assert (LocalExecutor(1, cpus=8).parallel, LocalExecutor(1, cpus=8).solver_workers) == (1, 8)
    sized = LocalExecutor(5, workers=2, cpus=8)
    assert (sized.parallel, sized.solver_workers) == (4, 2)
    assert LocalExecutor(2, parallel=1, cpus=4).solver_workers == 4


def comparison_with(executor: Any, tmp_path: Path, name: str, plans: list[Path]) -> pd.DataFrame:
    loaded = load_plans(plans[0], plans[1:])
    run = RunFolder(tmp_path / name)
    settings = Settings(time_limit=5, seed=3, deterministic=True)
    with executor:
        comparison = run_comparison(loaded, settings, executor, run)
    run.publish()
    return comparison_frame(comparison.runs).drop(columns=["solve_seconds"])


def test_dask_gives_the_same_comparison_as_the_local_pool(tmp_path):
    distributed = pytest.importorskip(
        "dask.distributed", reason="dask is not installed: pip install '.[cluster]' to run this"
    )
    home = write(tmp_path / "home.yaml", STAFFING_BASE)  # solved to optimality in no time
    more = overlay(tmp_path, "staff:\n  - {id: ray, roles: peer}\n  - {id: ash, roles: peer}\n")
    plans = [home, more]
    local = comparison_with(LocalExecutor(2, parallel=1, workers=1), tmp_path, "local", plans)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executor = DaskExecutor(client=client, workers=1)
        assert executor.parallel == 1 and executor.solver_workers == 1
        remote = comparison_with(executor, tmp_path, "dask", plans)
    pd.testing.assert_frame_equal(local, remote)
    assert list(remote["sessions_required"]) == [4, 4]
    assert list(remote["sessions_placed"]) == [1, 4]  # bell alone, busy until 11:00; 3 peers


def _plans_frame() -> pd.DataFrame:
    """Three plans by hand: the current one misses on-call cover, two meet everything."""
    common = {
        "evening_share_percent": 20.0,
        "weekend_share_percent": 10.0,
        "sessions_placed": 50,
        "evening_after": 18 * 60,  # the scenario's late_evening_after
    }
    rows = [
        {
            "plan": "current",
            "sessions_unmet": 0,
            "on_call_coverage_min_percent": 80.0,
            "paid_hours_per_week": 100.0,
            "paid_cost_per_week": 2500.0,
            **common,
        },
        {
            "plan": "one-more-peer",
            "sessions_unmet": 0,
            "on_call_coverage_min_percent": 100.0,
            "paid_hours_per_week": 130.0,
            "paid_cost_per_week": 3100.0,
            **common,
        },
        {
            "plan": "evening-shift",
            "sessions_unmet": 0,
            "on_call_coverage_min_percent": 100.0,
            "paid_hours_per_week": 120.0,
            "paid_cost_per_week": 2900.0,
            **common,
            "evening_share_percent": 21.0,
        },
    ]
    return pd.DataFrame(rows)


def test_the_cheapest_plan_that_meets_everything_is_named() -> None:
    from optimizer.whatif.page import cheapest_sentence, decision_html

    frame = _plans_frame()
    assert cheapest_sentence(frame) == (
        "Evening shift is the cheapest plan that places every session with full on-call "
        "cover: 2,900 a week in paid staff hours."
    )
    page = decision_html(frame, {})
    assert "+400" in page and "+20.0 points" in page and "none: every session placed" in page
    # A plan with someone on shift but no hourly cost is not "free": its cost is not known.
    frame.loc[2, "paid_cost_per_week"] = None
    assert cheapest_sentence(frame).startswith("One more peer is the cheapest")
    assert "Not counted, as their cost is not known: Evening shift." in cheapest_sentence(frame)
    frame["on_call_coverage_min_percent"] = 90.0
    assert cheapest_sentence(frame).startswith("No plan places every session")


def test_differences_within_run_to_run_variation_are_flagged() -> None:
    from optimizer.whatif.page import Variation, within_noise

    frame = _plans_frame()
    noise = within_noise(frame, Variation("current", {"evening_share_percent": 2.5}))
    assert noise == [
        "Evening shift against the current plan: sessions ending after 18:00 (1.0 points; two "
        "runs differed by 2.5 points). These differences are no larger than between two runs of "
        "the same plan: treat them as equal, or solve longer."
    ]
    assert within_noise(frame, None) == []


def test_paid_cost_counts_hours_on_shift_and_is_unknown_without_a_rate(load) -> None:
    from optimizer.planning.build import build_problem
    from optimizer.timetable import Timetable

    scenario = tiny(
        staff=[
            {
                "id": "rivera",
                "roles": ["clinician"],
                "available": "Mon 09:00-13:00",
                "hourly_cost": 50,
            },
        ]
    )
    problem = build_problem(load(scenario))
    m = plan_metrics(problem, Timetable(), None, {})
    assert m["paid_hours_per_week"] == 4.0 and m["paid_cost_per_week"] == 200.0
    scenario["staff"].append({"id": "bell", "roles": ["peer"], "available": "Tue 09:00-10:00"})
    m = plan_metrics(build_problem(load(scenario)), Timetable(), None, {})
    assert m["paid_hours_per_week"] == 5.0 and m["paid_cost_per_week"] is None
    assert m["staff_on_shift_without_cost"] == "bell"
