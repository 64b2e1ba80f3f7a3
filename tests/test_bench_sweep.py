"""The sweep's homes (bench/homes.py) and its verdicts (bench/sweep.py): deterministic, valid
scenarios that span what issue 20 asks for. No solving here: that is `make bench-sweep`."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from bench.generate import to_yaml
from bench.homes import FOURTEEN_KINDS, JOBS, fourteen, job_share, varied, write
from bench.sweep import csv_row, default_time_limit, summary, verdict
from optimizer.scenario import Scenario, load_scenario

SEEDS = range(1, 41)


@pytest.fixture(scope="module")
def homes(tmp_path_factory) -> dict[int, tuple[dict[str, Any], Scenario]]:
    """Seeds 1-40 generated, written as YAML and loaded through the real scenario loader."""
    directory = tmp_path_factory.mktemp("sweep")
    started = time.monotonic()
    out = {}
    for seed in SEEDS:
        data = varied(seed)
        out[seed] = (data, load_scenario(write(f"sweep-{seed}", data, directory)))
    assert time.monotonic() - started < 10, "generating the sweep's homes got slow"
    return out


def test_same_seed_same_home():
    assert varied(7) == varied(7)
    assert to_yaml(varied(7)) == to_yaml(varied(7))
    assert varied(7) != varied(8)
    assert fourteen() == fourteen(1)
    assert fourteen(1) != fourteen(2)


def test_homes_span_what_the_issue_lists(homes):
    sizes = [len(s.residents) for _, s in homes.values()]
    houses = [max(1, len({r.house for r in s.rooms})) for _, s in homes.values()]
    weeks = {s.calendar.weeks for _, s in homes.values()}
    clinicians = Counter(sum("clinician" in m.roles for m in s.staff) for _, s in homes.values())
    assert all(10 <= n <= 400 for n in sizes)
    assert min(sizes) <= 20 and max(sizes) >= 150
    assert sum(n <= 60 for n in sizes) > len(sizes) / 2  # most homes small or medium
    assert 1 in houses and max(houses) >= 4 and max(houses) <= 8
    assert weeks == {2, 3, 4, 5, 6}
    assert clinicians[1] and clinicians[4]
    shares = [job_share(data) for data, _ in homes.values()]
    assert all(0.3 <= share <= 0.8 for share in shares), shares
    assert min(shares) < 0.4 and max(shares) > 0.7
    kinds = {b.reason for _, s in homes.values() for r in s.residents for b in r.busy}
    assert {reason for variants in JOBS.values() for _, reason in variants} <= kinds
    assert all(s.calendar.start.year == 2027 and s.calendar.start.weekday() == 0
               for _, s in homes.values())  # fmt: skip


def test_rooms_closures_and_absences_vary(homes):
    smaller = []
    for seed, (_, s) in homes.items():
        largest = max(p.max_group_size or 0 for p in s.programs)
        groups = [r.capacity for r in s.rooms if "group" in r.features]
        if min(groups) < largest + 1:
            smaller.append(seed)
    assert smaller
    closed = [{c.reason for c in s.calendar.closed} for _, s in homes.values()]
    assert all("lunch" in c for c in closed)
    assert any("dinner" in c for c in closed) and not all("dinner" in c for c in closed)
    assert sum(len(c) > 2 or bool(c - {"lunch", "dinner"}) for c in closed) >= 5  # holidays
    dated = [u for _, s in homes.values() for m in s.staff for u in m.unavailable]
    assert any(u.when.dated for u in dated)
    part_time = [m for _, s in homes.values() for m in s.staff if (m.max_hours_per_week or 99) < 20]
    assert part_time
    court = [b for _, s in homes.values() for r in s.residents for b in r.busy if b.when.dated]
    assert court


def test_houses_are_big_enough_and_served(homes):
    for seed, (_, s) in homes.items():
        houses = {r.house for r in s.rooms} - {None}
        if not houses:
            assert all(m.houses is None for m in s.staff)
            continue
        per_house = Counter(r.house for r in s.residents)
        assert set(per_house) == houses and min(per_house.values()) >= 15, seed
        trauma = any(p.id == "trauma-group" for p in s.programs)
        for house in houses:
            serving = [m for m in s.staff if m.houses is None or house in m.houses]
            roles = {r for m in serving for r in m.roles}
            assert {"peer", "clinician", "educator"} <= roles, (seed, house)
            if trauma:
                assert any({"clinician", "trauma"} <= set(m.roles) for m in serving), seed


def test_trauma_track_has_a_trauma_clinician(homes):
    for seed, (_, s) in homes.items():
        if any(r.tracks for r in s.residents):
            assert any({"clinician", "trauma"} <= set(m.roles) for m in s.staff), seed
            assert any(p.id == "trauma-group" for p in s.programs)


def test_fourteen_is_the_shape_of_the_issue(tmp_path):
    data = fourteen()
    s = load_scenario(write("fourteen-1", data, tmp_path))
    assert len(s.residents) == 14 and s.calendar.weeks == 4
    assert 0.5 <= job_share(data) <= 0.7
    windows = {b.when.text for r in s.residents for b in r.busy if not b.when.dated}
    assert windows == {JOBS[kind][0][0] for kind in FOURTEEN_KINDS}
    assert {"Mon-Fri 07:00-15:00", "Sat 08:00-16:00", "Mon-Thu 16:00-21:00"} <= windows
    court = [b for r in s.residents for b in r.busy if b.reason == "court date"]
    assert 2 <= len(court) <= 4 and all(b.when.dated for b in court)
    assert {c.when.text for c in s.calendar.closed} == {"Mon-Sat 12:00-13:00",
                                                        "Mon-Sat 17:30-18:30"}  # fmt: skip
    clinicians = [m for m in s.staff if "clinician" in m.roles]
    assert len(clinicians) == 1 and "trauma" in clinicians[0].roles
    (away,) = clinicians[0].unavailable
    assert away.when.dated and away.when.first is not None and away.when.first.weekday() == 0
    assert len(s.programs) == 7
    recreation = next(p for p in s.programs if p.id == "recreation")
    assert recreation.max_group_size == 30 and recreation.attendees.kind == "all"
    assert not recreation.attendees.one_each


def _row(**fields: Any) -> dict[str, Any]:
    row = {"required_sessions": 10, "unplaced_sessions": 0, "short_programs": {},
           "blocking_programs": [], "violations": 0}  # fmt: skip
    return row | fields


def test_verdicts():
    assert verdict(_row()) == "complete"
    short = {"short_programs": {"recreation": 14}, "unplaced_sessions": 2}
    assert verdict(_row(**short)) == "short"
    assert verdict(_row(**short, blocking_programs=["recreation"])) == "proven"
    assert verdict(_row(**short, blocking_programs=["education"])) == "short"
    assert verdict(_row(**short, unplaced_bound=1)) == "proven"
    assert verdict(_row(**short, unplaced_bound=0)) == "short"
    assert verdict(_row(violations=3)) == "invalid"
    assert verdict({"status": "crashed (exit -9)"}) == "crashed"


def test_every_home_gets_the_solve_commands_default_limit():
    import argparse

    from optimizer.cli.common import add_solve_options

    parser = argparse.ArgumentParser()
    add_solve_options(parser)
    default = parser.parse_args([]).time_limit
    assert {default_time_limit(n) for n in (10, 200, 1000)} == {default}


def test_rows_and_summary_read_as_text():
    row = _row(home="sweep-3", residents=30, houses=1, weeks=4, verdict="short",
               short_programs={"recreation": 14}, short_sessions={"recreation": 2},
               blocking_programs=["a", "b"])  # fmt: skip
    assert csv_row(row)["short_programs"] == "recreation:14"
    assert csv_row(row)["blocking_programs"] == "a;b"
    text = summary([row, _row(home="sweep-4", verdict="complete")])
    assert "2 home(s): 1 complete / 0 proven / 1 short" in text
    assert "sweep-3: 30 residents, 1 house(s), 4 weeks: recreation 2 session(s)" in text
