"""Varied generated homes for the sweep (``make bench-sweep``), and the 14-resident shape.

``varied(seed)`` draws one fictional home from the seed: 10-400 residents (most 10-60, some
60-150, a few 150-400) in one to eight houses (15 or more residents each), 30-80 % of them with
jobs of some of the kinds in :data:`JOBS`, court dates and appointments, group rooms of 8-16
places (some below the largest group), 1-4 clinicians (more when the home needs them), part-time
staff with dated absences, lunch (and sometimes dinner) closures and holidays, 2-6 weeks from a
Monday in 2027. ``fourteen(seed)`` is the 14-resident home of issue 20. Both are scenario data
(the dict a scenario YAML holds) and deterministic for a seed; names come from
:mod:`bench.generate`'s lists, so every person and home is made up.

CLI: ``python -m bench.homes 1 2 3 [--fourteen]`` writes ``bench/scenarios/sweep-<seed>.yaml``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
from pathlib import Path
from typing import Any

from bench.generate import (
    APPOINTMENTS,
    CLINICIAN_SHIFTS,
    EDUCATOR_SHIFTS,
    EXTRAS,
    HOUSE_NAMES,
    PEER_SHIFTS,
    PROGRAMS,
    SCENARIO_DIR,
    _hhmm,
    _Names,
    _room,
    _rooms,
    _weekdays,
    to_yaml,
)

# Job kinds: (weekly busy window, reason) variants; the first of each is the 14-resident shape's.
JOBS: dict[str, tuple[tuple[str, str], ...]] = {
    "early": (("Mon-Fri 07:00-15:00", "warehouse job"), ("Mon-Fri 06:00-14:30", "early-shift job"),
              ("Tue-Sat 06:00-14:00", "bakery job")),
    "office": (("Mon-Fri 09:00-17:00", "office job"), ("Mon-Fri 08:30-16:30", "office job")),
    "retail": (("Tue-Sat 11:00-19:00", "retail job"), ("Mon,Thu-Sat 12:00-20:00", "retail job")),
    "split": (("Mon-Fri 07:00-10:00, 16:00-19:00", "split-shift job"),
              ("Mon-Sat 06:30-09:30, 17:00-20:00", "split-shift job")),
    "evening": (("Mon-Thu 16:00-21:00", "restaurant job"), ("Tue-Fri 17:00-22:00", "evening job")),
    "weekend": (("Sat 08:00-16:00", "weekend job"), ("Sat-Sun 08:00-16:00", "weekend job")),
    "outpatient": (("Mon,Wed,Fri 09:00-12:00", "outpatient program"),
                   ("Mon-Fri 09:00-12:00", "intensive outpatient program")),
}  # fmt: skip
JOB_REASONS = frozenset(reason for variants in JOBS.values() for _, reason in variants)
FOURTEEN_KINDS = ("early", "office", "retail", "outpatient", "evening", "weekend")

OPEN = "Mon-Sat 08:00-21:00"
LUNCH = {"when": "Mon-Sat 12:00-13:00", "reason": "lunch"}
DINNER = {"when": "Mon-Sat 17:30-18:30", "reason": "dinner"}
HOLIDAYS_2027 = {
    "2027-01-01": "New Year's Day", "2027-01-18": "Martin Luther King Jr. Day",
    "2027-02-15": "Presidents' Day", "2027-05-31": "Memorial Day",
    "2027-06-18": "Juneteenth (observed)", "2027-07-05": "Independence Day (observed)",
    "2027-09-06": "Labor Day", "2027-10-11": "Indigenous Peoples' Day",
    "2027-11-11": "Veterans Day", "2027-11-25": "Thanksgiving",
    "2027-12-24": "Christmas (observed)", "2027-12-31": "New Year's Day (observed)",
}  # fmt: skip
# One clinician alone gets a wide part-time shift: days and evenings, and Saturday mornings.
SOLO_CLINICIAN: dict[str, Any] = {"available": ["Mon-Fri 10:00-21:00", "Sat 09:00-13:00"],
                                  "max": 20, "prefers": "Mon-Fri 13:00-19:00"}  # fmt: skip
CLINICIAN_HOURS = 14  # about what one clinician of CLINICIAN_SHIFTS may lead a week


class _Calendar:
    """The plan's dates: where dated busy blocks, absences and holidays can fall."""

    def __init__(self, start: dt.date, weeks: int, closed: list[dict[str, str]]):
        shut = {c["when"] for c in closed if len(c["when"]) == 10}  # whole dated days
        days = (start + dt.timedelta(days=d) for d in range(weeks * 7))
        self.open_dates = [d for d in days if d.weekday() < 6 and d.isoformat() not in shut]

    def dates_on(self, weekdays: set[int]) -> list[dt.date]:
        return [d for d in self.open_dates if d.weekday() in weekdays]


def residents_count(rng: random.Random) -> int:
    """Most homes small or medium, some large, a few very large."""
    r = rng.random()
    if r < 0.6:
        return rng.randint(10, 60)
    if r < 0.88:
        return rng.randint(61, 150)
    return rng.randint(151, 400)


def house_sizes(rng: random.Random, residents: int) -> list[int]:
    """One house below 30 residents; otherwise often several, each of 15 or more."""
    most = min(8, residents // 15)
    if most < 2 or rng.random() < 0.35:
        return [residents]
    count = rng.randint(2, most)
    sizes = [15] * count
    for _ in range(residents - 15 * count):  # the rest, unevenly
        sizes[min(rng.randrange(count), rng.randrange(count))] += 1
    return sizes


def varied(seed: int) -> dict[str, Any]:
    """Scenario data of one varied home; the same seed always gives the same home."""
    rng = random.Random(f"sweep:{seed}")  # str seeds are stable across runs
    n = residents_count(rng)
    sizes = house_sizes(rng, n)
    houses = list(HOUSE_NAMES[: len(sizes)]) if len(sizes) > 1 else []
    start = dt.date(2027, 1, 4) + dt.timedelta(weeks=rng.randrange(52))
    weeks = rng.randint(2, 6)
    closed = [dict(LUNCH)] + ([dict(DINNER)] if rng.random() < 0.4 else [])
    closed += _holidays(rng, start, weeks)
    cal = _Calendar(start, weeks, closed)
    names = _Names(rng)
    kinds = rng.sample(sorted(JOBS), rng.randint(3, len(JOBS)))
    share = rng.uniform(0.3, 0.8)
    trauma = rng.uniform(0.2, 0.4) if rng.random() < 0.85 else 0.0
    residents = _residents(rng, names, cal, sizes, houses, kinds, share, trauma)
    rooms = _varied_rooms(rng, sizes, houses)
    programs = [dict(p) for p in PROGRAMS if trauma or p["id"] != "trauma-group"]
    staff = _staff(rng, names, cal, residents, sizes, houses, bool(trauma))
    return {
        "name": f"Sweep home {seed}: {n} residents in {len(sizes)} house(s), fictional",
        "calendar": _calendar(start, weeks, closed),
        "rooms": rooms,
        "staff": staff,
        "residents": residents,
        "programs": programs,
        "privacy": "initials",
    }


def fourteen(seed: int = 1) -> dict[str, Any]:
    """The 14-resident home of issue 20: 8 residents with jobs of the six kinds of
    :data:`FOURTEEN_KINDS` (each kind at least once), three court dates, one trauma-trained
    clinician away one Monday, four peers and an educator, lunch and dinner closed, the seven
    programs, 4 weeks; the rooms of a one-house bench home, recreation in the yard only."""
    rng = random.Random(f"sweep:fourteen:{seed}")
    start, weeks = dt.date(2027, 3, 1), 4
    closed = [dict(LUNCH), dict(DINNER)]
    cal = _Calendar(start, weeks, closed)
    names = _Names(rng)
    kinds = list(FOURTEEN_KINDS) + rng.choices(FOURTEEN_KINDS, k=2)
    jobs = dict(zip(rng.sample(range(14), len(kinds)), kinds, strict=True))
    residents: list[dict[str, Any]] = []
    for i in range(14):
        resident: dict[str, Any] = {"id": f"R{i + 1:02d}", "name": names.short()}
        if i in jobs:
            when, why = JOBS[jobs[i]][0]
            resident["busy"] = [{"when": when, "reason": why}]
        residents.append(resident)
    for r in rng.sample(residents, 3):
        r.setdefault("busy", []).append(_appointment(rng, cal, "court date"))
    for r in rng.sample(residents, 4):
        r["tracks"] = ["trauma"]
    monday = rng.choice(cal.dates_on({0}))
    clinician = _member(rng, names, "clinician", 1, SOLO_CLINICIAN, trauma=True)
    clinician["unavailable"] = [{"when": monday.isoformat(), "reason": "day off"}]
    educator = _member(rng, names, "educator", 1, EDUCATOR_SHIFTS[0])
    staff = [_member(rng, names, "peer", i + 1, PEER_SHIFTS[i]) for i in range(4)]
    return {
        "name": f"Fourteen residents (seed {seed}), fictional",
        "calendar": _calendar(start, weeks, closed),
        "rooms": [r for r in _rooms([14], []) if r["id"] != "activity-room"],  # yard only
        "staff": [*staff, clinician, educator],
        "residents": residents,
        "programs": [dict(p) for p in PROGRAMS],
        "privacy": "initials",
    }  # fmt: skip


def job_share(data: dict[str, Any]) -> float:
    """The share of residents with a job (any busy block whose reason is a job kind's)."""
    residents = data.get("residents", [])
    working = [
        r
        for r in residents
        if any(b.get("reason") in JOB_REASONS for b in r.get("busy", []) if isinstance(b, dict))
    ]
    return len(working) / len(residents) if residents else 0.0  # fmt: skip


def _calendar(start: dt.date, weeks: int, closed: list[dict[str, str]]) -> dict[str, Any]:
    return {"start": start.isoformat(), "weeks": weeks, "open": OPEN, "slot_minutes": 15,
            "closed": closed, "timezone": "America/Chicago"}  # fmt: skip


def _holidays(rng: random.Random, start: dt.date, weeks: int) -> list[dict[str, str]]:
    """The federal holidays the plan holds, and sometimes a day closed for staff training."""
    end = start + dt.timedelta(weeks=weeks)
    out = [{"when": d, "reason": why} for d, why in HOLIDAYS_2027.items()
           if start <= dt.date.fromisoformat(d) < end]  # fmt: skip
    if rng.random() < 0.4:
        day = start + dt.timedelta(weeks=rng.randrange(weeks), days=rng.randrange(5))
        if day.isoformat() not in {c["when"] for c in out}:
            out.append({"when": day.isoformat(), "reason": "closed for staff training"})
    return out


def _appointment(rng: random.Random, cal: _Calendar, reason: str) -> dict[str, str]:
    day = rng.choice(cal.open_dates)
    begin = rng.randrange(9 * 60, 15 * 60 + 1, 30)
    return {"when": f"{day} {_hhmm(begin)}-{_hhmm(begin + rng.choice((60, 90, 120, 180)))}",
            "reason": reason}  # fmt: skip


def _residents(rng: random.Random, names: _Names, cal: _Calendar, sizes: list[int],
               houses: list[str], kinds: list[str], share: float,
               trauma: float) -> list[dict[str, Any]]:  # fmt: skip
    n = sum(sizes)
    width = max(2, len(str(n)))
    count = min(math.floor(0.8 * n), max(math.ceil(0.3 * n), round(share * n)))
    working = set(rng.sample(range(n), count))
    weights = [rng.uniform(0.5, 2.0) for _ in kinds]
    out: list[dict[str, Any]] = []
    for h, size in enumerate(sizes):
        for _ in range(size):
            i = len(out)
            busy: list[dict[str, str]] = []
            if i in working:
                kind = rng.choices(kinds, weights=weights)[0]
                when, why = rng.choice(JOBS[kind])
                busy.append({"when": when, "reason": why})
            if rng.random() < 0.2:
                when, why = rng.choice(EXTRAS)
                busy.append({"when": when, "reason": why})
            for _ in range(rng.choices((0, 1, 2), weights=(55, 33, 12))[0]):
                busy.append(_appointment(rng, cal, rng.choice(APPOINTMENTS)))
            resident: dict[str, Any] = {"id": f"R{i + 1:0{width}d}", "name": names.short()}
            if rng.random() < trauma:
                resident["tracks"] = ["trauma"]
            if busy:
                resident["busy"] = busy
            if houses:
                resident["house"] = houses[h]
            out.append(resident)
    if trauma and not any("tracks" in r for r in out):
        out[0]["tracks"] = ["trauma"]
    return out


def _varied_rooms(rng: random.Random, sizes: list[int],
                  houses: list[str]) -> list[dict[str, Any]]:  # fmt: skip
    """Per house: group rooms of 8-16 places (capacity counts the facilitator, so 8-12 are
    below a group of 12), a classroom (also a group room), offices, a yard and an activity
    room, some of them of other sizes."""
    out: list[dict[str, Any]] = []
    for h, count in enumerate(sizes):
        house = houses[h] if houses else None
        for g in range(max(1, math.ceil(count / 25) + rng.randint(0, 1))):
            out.append(_room(house, f"group-room-{g + 1}", f"Group Room {g + 1}",
                             rng.choice((8, 10, 11, 12, 14, 16)), ["group"]))  # fmt: skip
        out.append(_room(house, "classroom", "Classroom", rng.choice((16, 20, 24, 32)),
                         ["classroom", "group"]))  # fmt: skip
        for o in range(max(2, math.ceil(count / 10))):
            out.append(_room(house, f"office-{o + 1}", f"Counseling Office {o + 1}", 2,
                             ["private"]))  # fmt: skip
        out.append(_room(house, "yard", "Yard", 31, ["recreation"],
                         available="Mon-Sat 09:00-18:00"))  # fmt: skip
        out.append(_room(house, "activity-room", "Activity Room", rng.choice((16, 20, 31)),
                         ["recreation"]))  # fmt: skip
    return out


def _clinicians(rng: random.Random, residents: list[dict[str, Any]], sizes: list[int],
                trauma: bool) -> int:  # fmt: skip
    """1-4 drawn, more when the home's group therapy and trauma group need them (with some
    slack, a little less in tight homes); one only when one can lead everything. Each house
    counts one group more than the fewest: the core forms smaller groups and a spare one."""
    hours = 0.0
    start = 0
    for size in sizes:
        tracked = sum("tracks" in r for r in residents[start : start + size])
        hours += 3 * (math.ceil(size / 12) + 1)
        hours += 1.5 * (math.ceil(tracked / 10) + 1) if trauma and tracked else 0
        start += size
    slack = rng.choice((0.55, 0.65, 0.75, 0.85))
    drawn = rng.randint(1, 4)
    if drawn == 1 and len(sizes) == 1 and hours <= SOLO_CLINICIAN["max"] * 0.75:
        return 1
    return max(drawn, 2, math.ceil(hours / (CLINICIAN_HOURS * slack)))


def _staff(rng: random.Random, names: _Names, cal: _Calendar, residents: list[dict[str, Any]],
           sizes: list[int], houses: list[str], trauma: bool) -> list[dict[str, Any]]:  # fmt: skip
    n = sum(sizes)
    counts = {
        "peer": max(4, math.ceil(n / rng.uniform(6.0, 8.5))),  # 4: on-call cover at all hours
        "clinician": _clinicians(rng, residents, sizes, trauma),
        "educator": max(1, math.ceil(n / 100)),
    }
    patterns = {"peer": PEER_SHIFTS, "clinician": CLINICIAN_SHIFTS, "educator": EDUCATOR_SHIFTS}
    spans = {"peer": 2, "clinician": 3, "educator": len(houses)}
    out: list[dict[str, Any]] = []
    for role, count in counts.items():
        turn = rng.randrange(max(1, len(houses)))
        served: dict[bool, int] = {}
        for i in range(count):
            shift = SOLO_CLINICIAN if role == "clinician" and count == 1 else (
                patterns[role][i % len(patterns[role])])  # fmt: skip
            member = _member(rng, names, role, i + 1, shift, trauma=i % 2 == 0)
            member.update(_absences(rng, cal, shift["available"]))
            span = min(spans[role], len(houses))
            if houses and span < len(houses) and i % 5 != 4:  # every fifth floats
                kind = "trauma" in member["roles"]
                first = turn + served.get(kind, 0)
                served[kind] = served.get(kind, 0) + 1
                member["houses"] = [houses[(first + k) % len(houses)] for k in range(span)]
            out.append(member)
    _serve_every_house(out, houses, trauma)
    return out


def _member(rng: random.Random, names: _Names, role: str, number: int, shift: dict[str, Any],
            trauma: bool = False) -> dict[str, Any]:  # fmt: skip
    name = names.full()
    if role == "clinician":
        name = rng.choice(("Dr. ", "")) + name + rng.choice(("", ", LCSW", ", LPC"))
    prefix = {"peer": "peer", "clinician": "clin", "educator": "edu"}[role]
    member: dict[str, Any] = {
        "id": f"{prefix}-{number:02d}",
        "name": name,
        "roles": [role, "trauma"] if role == "clinician" and trauma else [role],
        "available": shift["available"],
        "max_hours_per_week": shift["max"],
    }
    member.update({wish: shift[wish] for wish in ("prefers", "avoids") if wish in shift})
    low, high = {"peer": (22, 29), "clinician": (68, 96), "educator": (34, 43)}[role]
    member["hourly_cost"] = rng.randrange(low, high)
    return member


def _absences(rng: random.Random, cal: _Calendar, available: str | list[str]) -> dict[str, Any]:
    """Dated: a day off for about half the staff, a few days' leave or a half day for some."""
    windows = [available] if isinstance(available, str) else available
    dates = cal.dates_on({d for w in windows for d in _weekdays(w.split()[0])})
    out: list[dict[str, str]] = []
    if dates and rng.random() < 0.5:
        out.append({"when": rng.choice(dates).isoformat(), "reason": "day off"})
    if dates and rng.random() < 0.1:
        first = rng.choice(dates)
        last = first + dt.timedelta(days=rng.randint(1, 4))
        out.append({"when": f"{first}..{last}", "reason": "leave"})
    if dates and rng.random() < 0.15:
        out.append({"when": f"{rng.choice(dates)} 13:00-15:00", "reason": "medical appointment"})
    return {"unavailable": out} if out else {}


def _serve_every_house(staff: list[dict[str, Any]], houses: list[str], trauma: bool) -> None:
    """Every house gets someone of each kind; two clinicians on five weekdays between them, so
    that 3 sessions a week on different days can fit; trauma-trained ones on three. A house
    short of that is added to the member of the kind who brings the most new days."""
    kinds: dict[tuple[str, ...], tuple[int, int]] = {
        ("peer",): (1, 1),
        ("clinician",): (2, 5),
        ("educator",): (1, 1),
    }
    if trauma:
        kinds[("clinician", "trauma")] = (1, 3)
    for house in houses:
        for kind, (people, weekdays) in kinds.items():
            able = [s for s in staff if set(kind) <= set(s["roles"])]
            while True:
                serving = [s for s in able if "houses" not in s or house in s["houses"]]
                days = {d for s in serving for d in _days(s)}
                others = [s for s in able if s not in serving]
                if (len(serving) >= people and len(days) >= weekdays) or not others:
                    break
                best = max(others, key=lambda s: (len(_days(s) - days), -len(s["houses"])))
                best["houses"].append(house)


def _days(member: dict[str, Any]) -> set[int]:
    available = member["available"]
    windows = [available] if isinstance(available, str) else available
    return {d for w in windows for d in _weekdays(w.split()[0])}


def write(name: str, data: dict[str, Any], directory: Path = SCENARIO_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.yaml"
    header = (f"# Generated by bench/homes.py ({name}); do not edit by hand.\n"
              "# Every person, name and home here is fictional.\n")  # fmt: skip
    path.write_text(to_yaml(data, header), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="*", type=int)
    parser.add_argument("--fourteen", action="store_true", help="also the 14-resident home")
    parser.add_argument("--out", type=Path, default=SCENARIO_DIR)
    args = parser.parse_args(argv)
    for seed in args.seeds:
        print(write(f"sweep-{seed}", varied(seed), args.out))
    if args.fourteen:
        print(write("fourteen-1", fourteen(1), args.out))


if __name__ == "__main__":
    main()
