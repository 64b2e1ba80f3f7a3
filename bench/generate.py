"""Seeded generator of realistic, fictional recovery-home scenarios for benchmarks.

``generate(size, seed)`` returns scenario data (the dict a scenario YAML file holds) for one of
the sizes in :data:`SIZES`; the same size and seed always give the same data. Every name is
made up from the lists below; nothing describes a real person or home.

What a scenario holds, at every size:

- a 4-week plan from Monday 2027-01-04, open Mon-Sat 08:00-21:00 with a lunch closure and one
  holiday (2027-01-18), 15-minute slots;
- per house: group room(s), a classroom, private offices, a yard (daylight only) and an
  indoor activity room;
- part-time and full-time staff on shift patterns: peer specialists (~residents/7, at least 4
  so the crisis on-call rota can be covered), clinicians (~residents/12, every other one
  trauma-trained), educators (~residents/100); dated days off and appointments; wishes
  (prefers/avoids) and hourly costs. With several houses, most staff serve a few neighbouring
  houses and some float between all of them;
- residents with jobs, outpatient programs, evening meetings and dated appointments (court,
  probation, doctor, ...), about 30 % on the trauma track;
- the seven programs of the issue: group therapy (3x/week, 1 h, clinician, max 12), trauma
  group (weekly, 1.5 h, clinician+trauma, track:trauma, max 10), one-on-one peer counseling
  (2x/week, 45 min, each), crisis counseling (as needed, 30 min, peer), skill-building
  (weekly, 2 h, peer, max 12), recreation (bi-weekly, 1.5 h, peer, max 30) and education
  (monthly, 2 h, educator, max 30).

CLI: ``python -m bench.generate S M L XL --seed 1`` writes ``bench/scenarios/<size>-<seed>.yaml``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

START = dt.date(2027, 1, 4)  # a Monday
WEEKS = 4
HOLIDAY = dt.date(2027, 1, 18)
OPEN_DAYS = range(6)  # Mon-Sat
SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"


@dataclass(frozen=True)
class Size:
    residents: int
    houses: int  # 1: the scenario has no house fields


SIZES: dict[str, Size] = {
    "S": Size(residents=16, houses=1),
    "M": Size(residents=48, houses=1),
    "L": Size(residents=120, houses=3),
    "XL": Size(residents=300, houses=8),
}

HOUSE_NAMES = ("maple", "cedar", "birch", "willow", "aspen", "juniper", "alder", "hazel",
               "linden", "rowan", "sycamore", "poplar")  # fmt: skip

FIRST_NAMES = (
    "Aaliyah", "Alex", "Andre", "Ana", "Bianca", "Blake", "Brianna", "Caleb", "Camila", "Carmen",
    "Casey", "Chris", "Dana", "Darius", "Derek", "Devon", "Elena", "Eli", "Emery", "Ethan",
    "Farah", "Felix", "Gabriel", "Gina", "Hannah", "Hector", "Imani", "Isaac", "Jada", "Jamie",
    "Jasmine", "Jordan", "Jonah", "Kai", "Kayla", "Keisha", "Kevin", "Lana", "Leah", "Logan",
    "Luis", "Malik", "Maria", "Marcus", "Maya", "Mei", "Miles", "Morgan", "Nadia", "Nia",
    "Noah", "Omar", "Owen", "Paige", "Quinn", "Rafael", "Reese", "Riley", "Robin", "Rosa",
    "Ryan", "Sage", "Sam", "Sofia", "Tanya", "Tasha", "Terrell", "Theo", "Tyler", "Uma",
    "Valeria", "Victor", "Wes", "Xavier", "Yara", "Yusuf", "Zane", "Zoe",
)  # fmt: skip
LAST_NAMES = (
    "Abbott", "Acosta", "Baird", "Bell", "Brandt", "Calloway", "Cho", "Dalton", "Delgado",
    "Ellis", "Farrow", "Fenwick", "Garner", "Greer", "Hale", "Holloway", "Ibarra", "Jansen",
    "Keller", "Kwan", "Lacey", "Lindqvist", "Madsen", "Marsh", "Navarro", "Nolan", "Okafor",
    "Ortiz", "Pace", "Quill", "Rivera", "Rowe", "Sato", "Shah", "Sinclair", "Tate", "Thorne",
    "Underhill", "Vance", "Voss", "Warren", "Whitlock", "Yates", "Zamora",
)  # fmt: skip

# Staff shift patterns: availability, weekly cap on hours led, optional wishes. The first three
# peer patterns between them cover every opening hour, so the on-call rota can be complete.
PEER_SHIFTS: tuple[dict[str, Any], ...] = (
    {"available": "Mon-Fri 08:00-16:30", "max": 32, "prefers": "Mon-Fri 08:00-12:00"},
    {"available": "Mon-Fri 12:30-21:00", "max": 32, "avoids": "Mon-Fri 20:00-21:00"},
    {"available": "Wed-Sat 08:00-21:00", "max": 32, "prefers": "Sat 09:00-17:00"},
    {"available": ["Tue,Thu 13:00-21:00", "Sat 09:00-17:00"], "max": 20},
    {"available": "Mon,Wed,Fri 08:00-14:00", "max": 16, "avoids": "Fri 13:00-14:00"},
    {"available": "Mon,Tue 08:00-21:00", "max": 20, "prefers": "Mon,Tue 10:00-18:00"},
)
CLINICIAN_SHIFTS: tuple[dict[str, Any], ...] = (
    {"available": ["Mon,Wed 13:00-21:00", "Sat 09:00-13:00"], "max": 12,
     "prefers": "Mon,Wed 15:00-19:00", "avoids": "Mon,Wed 19:00-21:00"},
    {"available": ["Tue,Thu 13:00-21:00", "Fri 08:00-12:00"], "max": 12,
     "prefers": "Tue,Thu 13:00-17:00"},
    {"available": "Mon-Fri 15:00-21:00", "max": 16},
    {"available": ["Wed,Fri 11:00-19:00", "Sat 09:00-15:00"], "max": 14,
     "avoids": "Sat 13:00-15:00"},
    {"available": "Mon,Tue,Thu 09:00-17:00", "max": 16, "prefers": "Mon,Tue,Thu 09:00-12:00"},
)  # fmt: skip
EDUCATOR_SHIFTS: tuple[dict[str, Any], ...] = (
    {"available": ["Tue,Thu 13:00-21:00", "Sat 09:00-12:00"], "max": 6,
     "prefers": "Tue,Thu 17:00-19:00"},
    {"available": ["Mon,Wed 16:00-21:00", "Sat 09:00-13:00"], "max": 8},
)  # fmt: skip

# Residents' weekly commitments: (weight, [(window, reason), ...]).
COMMITMENTS: tuple[tuple[int, tuple[tuple[str, str], ...]], ...] = (
    (18, ()),
    (12, (("Mon-Fri 07:00-15:30", "job"),)),
    (8, (("Mon-Fri 08:00-16:00", "job"),)),
    (7, (("Tue,Thu 13:00-17:00", "part-time job"),)),
    (7, (("Mon,Wed,Fri 10:00-14:00", "part-time job"),)),
    (4, (("Fri,Sat 10:00-18:00", "weekend job"),)),
    (4, (("Mon-Thu 16:00-21:00", "evening job"),)),
    (10, (("Mon,Wed,Fri 09:00-12:00", "outpatient program"),)),
    (10, (("Tue,Thu 09:00-12:00", "outpatient program"),)),
    (6, (("Mon-Fri 09:00-12:00", "intensive outpatient program"),)),
    (5, (("Mon,Wed 18:00-21:00", "evening outpatient program"),)),
)
EXTRAS: tuple[tuple[str, str], ...] = (
    ("Mon-Sat 07:00-08:30", "medication clinic"),
    ("Tue 19:00-20:30", "NA meeting"),
    ("Thu 18:00-19:30", "AA meeting"),
    ("Sun 10:00-12:00", "family visit"),
)
APPOINTMENTS = ("court date", "probation meeting", "doctor's appointment", "dental appointment",
                "benefits office", "family court hearing", "job interview")  # fmt: skip

PROGRAMS: tuple[dict[str, Any], ...] = (
    {"id": "group-therapy", "name": "Group Therapy", "frequency": "3 times a week",
     "duration": "1 hour", "facilitator": "clinician", "attendees": "all",
     "max_group_size": 12, "room": "group"},
    {"id": "trauma-group", "name": "Specialized Group Therapy - trauma",
     "frequency": "once a week", "duration": "1.5 hours", "facilitator": ["clinician", "trauma"],
     "attendees": "track:trauma", "max_group_size": 10, "room": "group"},
    {"id": "peer-counseling", "name": "One-on-One Peer Counseling",
     "frequency": "2 times a week", "duration": "45 minutes", "facilitator": "peer",
     "attendees": "each", "room": "private"},
    {"id": "crisis-counseling", "name": "Crisis Peer Counseling", "frequency": "as needed",
     "duration": "30 minutes", "facilitator": "peer"},
    {"id": "skill-building", "name": "Skill-Building Workshop", "frequency": "weekly",
     "duration": "2 hours", "facilitator": "peer", "attendees": "all", "max_group_size": 12,
     "room": "classroom"},
    {"id": "recreation", "name": "Recreational Activities", "frequency": "bi-weekly",
     "duration": "1.5 hours", "facilitator": "peer", "attendees": "all", "max_group_size": 30,
     "room": "recreation"},
    {"id": "education", "name": "Educational Session", "frequency": "monthly",
     "duration": "2 hours", "facilitator": "educator", "attendees": "all",
     "max_group_size": 30, "room": "classroom"},
)  # fmt: skip


def staff_counts(residents: int) -> dict[str, int]:
    """Peers ~ residents/7 (at least 4: the on-call rota needs someone free at every opening
    hour), clinicians ~ residents/12 (at least 2), educators ~ residents/100 (at least 1)."""
    return {
        "peer": max(4, math.ceil(residents / 7)),
        "clinician": max(2, math.ceil(residents / 12)),
        "educator": max(1, math.ceil(residents / 100)),
    }


def generate(size: str, seed: int) -> dict[str, Any]:
    """Scenario data for ``size`` (a key of :data:`SIZES`); deterministic for ``seed``."""
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; expected one of {', '.join(SIZES)}")
    spec = SIZES[size]
    rng = random.Random(f"bench:{size}:{seed}")  # str seeds are stable across runs
    houses = list(HOUSE_NAMES[: spec.houses]) if spec.houses > 1 else []
    per_house = _split(spec.residents, max(1, spec.houses))
    names = _Names(rng)

    residents = _residents(rng, names, per_house, houses)
    rooms = _rooms(per_house, houses)
    if seed != 1:  # seed 1 is the home of the results of record; others vary room sizes too
        _vary_rooms(random.Random(f"bench:{size}:{seed}:rooms"), rooms)
    staff = _staff(rng, names, spec.residents, houses)
    return {
        "name": f"Bench {size} (seed {seed}): {spec.residents} residents, fictional",
        "calendar": {
            "start": START.isoformat(),
            "weeks": WEEKS,
            "open": "Mon-Sat 08:00-21:00",
            "slot_minutes": 15,
            "closed": [
                {"when": "Mon-Sat 12:00-13:00", "reason": "lunch"},
                {"when": HOLIDAY.isoformat(), "reason": "holiday"},
            ],
            "timezone": "America/Chicago",
        },
        "rooms": rooms,
        "staff": staff,
        "residents": residents,
        "programs": [dict(p) for p in PROGRAMS],
        "privacy": "initials",
    }


def _split(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


class _Names:
    """Unique fictional names drawn from the lists above."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def full(self) -> str:
        for _ in range(10_000):
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of fictional names")

    def short(self) -> str:
        for _ in range(10_000):
            letter = chr(ord("A") + self.rng.randrange(26))
            name = f"{self.rng.choice(FIRST_NAMES)} {letter}."
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("ran out of fictional names")


def _open_dates() -> list[dt.date]:
    days = (START + dt.timedelta(days=d) for d in range(WEEKS * 7))
    return [d for d in days if d.weekday() in OPEN_DAYS and d != HOLIDAY]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _appointment(rng: random.Random, reason: str) -> dict[str, str]:
    day = rng.choice(_open_dates())
    start = rng.randrange(9 * 60, 15 * 60 + 1, 30)
    length = rng.choice((60, 90, 120, 180))
    return {"when": f"{day} {_hhmm(start)}-{_hhmm(start + length)}", "reason": reason}


def _residents(
    rng: random.Random, names: _Names, per_house: list[int], houses: list[str]
) -> list[dict[str, Any]]:
    total = sum(per_house)
    width = max(2, len(str(total)))
    weights = [w for w, _ in COMMITMENTS]
    out: list[dict[str, Any]] = []
    for h, count in enumerate(per_house):
        for _ in range(count):
            rid = f"R{len(out) + 1:0{width}d}"
            busy: list[Any] = [
                {"when": w, "reason": why}
                for w, why in rng.choices(COMMITMENTS, weights=weights)[0][1]
            ]
            if rng.random() < 0.25:
                w, why = rng.choice(EXTRAS)
                busy.append({"when": w, "reason": why})
            for _ in range(rng.choices((0, 1, 2), weights=(50, 35, 15))[0]):
                busy.append(_appointment(rng, rng.choice(APPOINTMENTS)))
            resident: dict[str, Any] = {"id": rid, "name": names.short()}
            if rng.random() < 0.3:
                resident["tracks"] = ["trauma"]
            if busy:
                resident["busy"] = busy
            if houses:
                resident["house"] = houses[h]
            out.append(resident)
    # Every house needs someone on the trauma track only if the program is to run there; the
    # program needs at least one resident on the track overall.
    if not any("tracks" in r for r in out):
        out[0]["tracks"] = ["trauma"]
    return out


def _rooms(per_house: list[int], houses: list[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for h, count in enumerate(per_house):
        house = houses[h] if houses else None
        for g in range(max(1, math.ceil(count / 30))):
            out.append(_room(house, f"group-room-{g + 1}", f"Group Room {g + 1}", 14, ["group"]))
        out.append(_room(house, "classroom", "Classroom", 32, ["classroom", "group"]))
        for o in range(max(2, math.ceil(count / 10))):
            out.append(_room(house, f"office-{o + 1}", f"Counseling Office {o + 1}", 2,
                             ["private"]))  # fmt: skip
        out.append(_room(house, "yard", "Yard", 31, ["recreation"],
                         available="Mon-Sat 09:00-18:00"))  # fmt: skip
        out.append(_room(house, "activity-room", "Activity Room", 20, ["recreation"]))
    return out


def _vary_rooms(rng: random.Random, rooms: list[dict[str, Any]]) -> None:
    """Group rooms and classrooms of other sizes, some below the largest group a program
    allows (max_group_size 12 and 30), as real houses have: the solve must form more, smaller
    groups rather than call the home impossible."""
    for room in rooms:
        if room["features"] == ["group"]:
            room["capacity"] = rng.choice([9, 11, 14, 16])
        elif "classroom" in room["features"]:
            room["capacity"] = rng.choice([16, 24, 32])


def _room(house: str | None, rid: str, name: str, capacity: int, features: list[str],
          **extra: Any) -> dict[str, Any]:  # fmt: skip
    room: dict[str, Any] = {
        "id": f"{house}-{rid}" if house else rid,
        "name": f"{house.title()} {name}" if house else name,
        "capacity": capacity,
        "features": features,
        **extra,
    }
    if house:
        room["house"] = house
    return room


def _staff(
    rng: random.Random, names: _Names, residents: int, houses: list[str]
) -> list[dict[str, Any]]:
    counts = staff_counts(residents)
    out: list[dict[str, Any]] = []
    patterns = {"peer": PEER_SHIFTS, "clinician": CLINICIAN_SHIFTS, "educator": EDUCATOR_SHIFTS}
    prefixes = {"peer": "peer", "clinician": "clin", "educator": "edu"}
    costs = {"peer": (22, 29), "clinician": (68, 96), "educator": (34, 43)}
    spans = {"peer": 2, "clinician": 3, "educator": len(houses)}
    for role, count in counts.items():
        turn = rng.randrange(max(1, len(houses)))
        served: dict[bool, int] = {}  # house-bound staff so far, by trauma training
        for i in range(count):
            shift = patterns[role][i % len(patterns[role])]
            name = names.full()
            if role == "clinician":
                name = rng.choice(("Dr. ", "")) + name + rng.choice(("", ", LCSW", ", LPC"))
            member: dict[str, Any] = {
                "id": f"{prefixes[role]}-{i + 1:02d}",
                "name": name,
                "roles": [role, "trauma"] if role == "clinician" and i % 2 == 0 else [role],
                "available": shift["available"],
                "max_hours_per_week": shift["max"],
            }
            unavailable = _absences(rng, shift["available"])
            if unavailable:
                member["unavailable"] = unavailable
            for wish in ("prefers", "avoids"):
                if wish in shift:
                    member[wish] = shift[wish]
            member["hourly_cost"] = rng.randrange(*costs[role])
            # Several houses: most staff serve a few neighbouring houses; every fifth floats.
            # Consecutive house-bound staff of a kind start one house further on, so each
            # house is served by about as many as the next (trauma-trained ones counted apart).
            span = min(spans[role], len(houses))
            if houses and span < len(houses) and i % 5 != 4:
                kind = "trauma" in member["roles"]
                first = turn + served.get(kind, 0)
                served[kind] = served.get(kind, 0) + 1
                member["houses"] = [houses[(first + k) % len(houses)] for k in range(span)]
            out.append(member)
    return out


def _absences(rng: random.Random, available: str | list[str]) -> list[dict[str, str]]:
    """A day off for about half the staff, a half-day appointment for some."""
    windows = [available] if isinstance(available, str) else available
    days = {d for w in windows for d in _weekdays(w.split()[0])}
    dates = [d for d in _open_dates() if d.weekday() in days]
    out: list[dict[str, str]] = []
    if dates and rng.random() < 0.5:
        out.append({"when": rng.choice(dates).isoformat(), "reason": "day off"})
    if dates and rng.random() < 0.15:
        day = rng.choice(dates)
        out.append({"when": f"{day} 13:00-15:00", "reason": "medical appointment"})
    return out


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _weekdays(spec: str) -> set[int]:
    """Weekday numbers of a day list like ``Mon-Fri`` or ``Tue,Thu`` (the patterns above)."""
    out: set[int] = set()
    for part in spec.split(","):
        if "-" in part:
            a, b = (_DAYS.index(x) for x in part.split("-"))
            out.update(range(a, b + 1))
        else:
            out.add(_DAYS.index(part))
    return out


class _Dumper(yaml.SafeDumper):
    """Block style, except short lists of words and small mappings of words: one per line."""


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _represent_list(dumper: yaml.SafeDumper, value: list[Any]) -> yaml.Node:
    flow = all(_is_scalar(v) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, value: dict[str, Any]) -> yaml.Node:
    flow = len(value) <= 3 and all(_is_scalar(v) for v in value.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=flow)


_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)


def to_yaml(data: dict[str, Any], header: str = "") -> str:
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body


def write(size: str, seed: int, directory: Path = SCENARIO_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{size}-{seed}.yaml"
    header = (
        f"# Generated by bench/generate.py (size {size}, seed {seed}); do not edit by hand.\n"
        "# Every person, name and home here is fictional.\n"
    )
    path.write_text(to_yaml(generate(size, seed), header), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", default=list(SIZES), choices=list(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=SCENARIO_DIR)
    args = parser.parse_args(argv)
    for size in args.sizes:
        print(write(size, args.seed, args.out))


if __name__ == "__main__":
    main()
