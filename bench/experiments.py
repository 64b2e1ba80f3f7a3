"""Two experiments behind the benchmark report (not part of `make bench`).

``python -m bench.experiments pregroup M --time-limit 60``
    Residents pre-grouped by shared free time: each group program becomes one program per
    group with an explicit attendee list (fixed members), so the solver no longer chooses who
    is in which group. Same resources, a stricter problem: a complete timetable here shows the
    original scenario admits one, and the time shows what group formation costs.

``python -m bench.experiments by-house XL --time-limit 120``
    A multi-house scenario solved house by house: the staff time booked in earlier houses
    becomes dated unavailability (and lowers weekly caps) in later ones; the on-call rota, a
    soft goal, is left out. Complete in every house means the whole scenario admits a complete
    timetable.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import math
import re
import tempfile
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.generate import generate, to_yaml

LONGEST_SESSION_HOURS = 2.0
_LINE = re.compile(r"^\s*([\d.]+) s .* ([\d,]+) resident-session\(s\) not placed")


def _solve(
    data: dict[str, Any], time_limit: float, seed: int
) -> tuple[Any, float | None, dict[str, int]]:
    """Solve scenario data through the public path; the result, the first complete time and
    the resident-sessions missing per program (validator; ``{"?": -1}``: no timetable)."""
    from optimizer.check import validate
    from optimizer.planning.build import build_problem
    from optimizer.scenario import load_scenario
    from optimizer.search.result import Settings
    from optimizer.search.solve import solve

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.yaml"
        path.write_text(to_yaml(data), encoding="utf-8")
        scenario = load_scenario(path)
    first: list[float] = []

    def progress(line: str) -> None:
        m = _LINE.match(line)
        if m and not first and m[2] == "0":
            first.append(float(m[1]))

    result = solve(build_problem(scenario), Settings(time_limit, 2, seed), progress)
    missing: dict[str, int] = {"?": -1}
    if result.timetable is not None:
        report = validate(scenario, result.timetable)
        assert report.ok, report.summary()
        missing = {}
        for s in report.shortfalls:
            program = s.program.split("--")[0]
            missing[program] = missing.get(program, 0) + s.expected - s.found
    return result, (first[0] if first else None), missing


def pregrouped(data: dict[str, Any], spare: int = 0) -> dict[str, Any]:
    """Each group program split into one program per group of residents who share free time
    (greedy: the least free resident starts a group, the one sharing most free time joins)."""
    from optimizer.planning.build import build_problem
    from optimizer.scenario import load_scenario

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.yaml"
        path.write_text(to_yaml(data), encoding="utf-8")
        problem = build_problem(load_scenario(path))
    free = {r.id: (r.free[:7] & problem.open[:7]).reshape(-1) for r in problem.residents}
    house = {r["id"]: r.get("house") for r in data["residents"]}
    tracks = {r["id"]: r.get("tracks", []) for r in data["residents"]}

    def groups(ids: list[str], cap: int) -> list[list[str]]:
        size = math.ceil(len(ids) / (max(1, math.ceil(len(ids) / cap)) + spare))
        left = sorted(ids, key=lambda i: int(free[i].sum()))
        out = []
        while left:
            group = [left.pop(0)]
            common = free[group[0]].copy()
            while len(group) < size and left:
                best = max(left, key=lambda i: int(np.sum(common & free[i])))
                left.remove(best)
                group.append(best)
                common &= free[best]
            out.append(group)
        return out

    programs = []
    for prog in data["programs"]:
        who = prog.get("attendees", "all")
        if prog["frequency"] == "as needed" or who == "each":
            programs.append(prog)
            continue
        ids = [r["id"] for r in data["residents"] if who == "all" or "trauma" in tracks[r["id"]]]
        n = 0
        for h in sorted({house[i] for i in ids}, key=str):
            for group in groups([i for i in ids if house[i] == h], prog["max_group_size"]):
                programs.append(dict(prog, id=f"{prog['id']}--{n}", attendees=group,
                                     max_group_size=len(group)))  # fmt: skip
                n += 1
    return dict(data, programs=programs)


def by_house(data: dict[str, Any], time_limit: float, seed: int) -> int:
    """Solve each house in turn, then check the union against the whole scenario with the
    validator; returns the resident-sessions missing (0: complete and valid)."""
    from optimizer.check import validate
    from optimizer.scenario import load_scenario
    from optimizer.timetable import Timetable

    start = dt.date.fromisoformat(data["calendar"]["start"])
    booked: dict[str, list[tuple[dt.date, int, int]]] = defaultdict(list)
    hours: dict[tuple[str, int], float] = defaultdict(float)
    bookings = []
    for h in sorted({r["house"] for r in data["residents"]}):
        part = copy.deepcopy(data)
        part["name"] = f"{data['name']}: house {h}"
        part["residents"] = [_drop(r, "house") for r in data["residents"] if r["house"] == h]
        part["rooms"] = [_drop(r, "house") for r in data["rooms"] if r["house"] == h]
        part["programs"] = [p for p in data["programs"] if p["frequency"] != "as needed"]
        part["staff"] = []
        for s in data["staff"]:
            if s.get("houses") and h not in s["houses"]:
                continue
            left = [s["max_hours_per_week"] - hours[(s["id"], w)] for w in range(4)]
            weeks = [w for w in range(4) if left[w] >= LONGEST_SESSION_HOURS]
            if not weeks:
                continue
            s = _drop(s, "houses")
            # The cap is weekly in the schema: weeks with too little left are blocked, and the
            # cap is the least left in the others, so no week can go over.
            s["max_hours_per_week"] = round(min(left[w] for w in weeks), 2)
            s["unavailable"] = list(s.get("unavailable", [])) + [
                {"when": f"{d} {_hhmm(a)}-{_hhmm(b)}", "reason": "booked in another house"}
                for d, a, b in booked[s["id"]]
            ] + [
                {"when": _week(start, w), "reason": "weekly hours used in other houses"}
                for w in range(4) if w not in weeks
            ]  # fmt: skip
            part["staff"].append(s)
        result, first, missing = _solve(part, time_limit, seed)
        print(f"house {h}: {len(part['residents'])} residents, {len(part['staff'])} staff; "
              f"first complete {first} s; missing {sum(missing.values())} {missing}",
              flush=True)  # fmt: skip
        for b in result.timetable.bookings if result.timetable else []:
            program, group, k = b.session.split("/")
            bookings.append(replace(b, session=f"{program}/{h}-{group}/{k}"))
            for s in b.facilitators:
                booked[s].append((b.date, b.start, b.end))
                hours[(s, (b.date - start).days // 7)] += (b.end - b.start) / 60
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scenario.yaml"
        path.write_text(to_yaml(data), encoding="utf-8")
        report = validate(load_scenario(path), Timetable(sorted(bookings)))
    hard = [v for v in report.violations if v.rule != "unmet_unreported"]
    print(f"union: {len(bookings)} sessions; hard-rule violations: {len(hard)}", flush=True)
    for v in hard[:10]:
        print(f"  {v}")
    total = sum(s.expected - s.found for s in report.shortfalls)
    return total if not hard else 10**6 + total


def _drop(item: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k != key}


def _week(start: dt.date, w: int) -> str:
    return f"{start + dt.timedelta(weeks=w)}..{start + dt.timedelta(weeks=w, days=6)}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("experiment", choices=["pregroup", "by-house"])
    parser.add_argument("size")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=60.0)
    args = parser.parse_args(argv)
    data = generate(args.size, args.seed)
    if args.experiment == "pregroup":
        result, first, missing = _solve(pregrouped(data), args.time_limit, args.seed)
        print(f"{args.size} pre-grouped: first complete {first} s; missing "
              f"{sum(missing.values())} {missing}; status {result.status}; "
              f"objective {result.objective}")  # fmt: skip
    else:
        print(f"{args.size} by house: missing {by_house(data, args.time_limit, args.seed)} in all")


if __name__ == "__main__":
    main()
