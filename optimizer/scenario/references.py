"""Cross-checks that need the whole scenario: duplicate ids and references to things that do not
exist (most often a typo). Whether the program *fits* is not checked here: that is for
``check``/``solve`` to explain (exit 3), not an input error (exit 2)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from optimizer.scenario.schema import Scenario, Shifts
from optimizer.scenario.source import Issue, Path_, SourceMap


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _known(what: str, choices: Iterable[str]) -> str:
    names = sorted(set(choices))
    if not names:
        return f"no {what} are defined"
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    return f"known {what}: {shown}"


def check_references(scenario: Scenario, source: SourceMap) -> list[Issue]:
    issues: list[Issue] = []

    def add(path: Path_, message: str) -> None:
        issues.append(source.issue(path, message))

    for section in ("rooms", "staff", "residents", "programs"):
        seen: dict[str, int] = {}
        for i, item in enumerate(getattr(scenario, section)):
            if item.id in seen:
                add(
                    (section, i, "id"),
                    f"duplicate id {item.id!r}: {section}[{seen[item.id]}] already uses it; "
                    "every id must be unique",
                )
            else:
                seen[item.id] = i

    slot = scenario.calendar.slot_minutes
    roles = {r for s in scenario.staff for r in s.roles}
    features = {f for r in scenario.rooms for f in r.features}
    tracks = {t for r in scenario.residents for t in r.tracks}
    resident_ids = {r.id for r in scenario.residents}
    houses = {r.house for r in scenario.rooms if r.house} | {
        r.house for r in scenario.residents if r.house
    }

    for i, prog in enumerate(scenario.programs):
        for j, role in enumerate(prog.facilitator):
            if role not in roles:
                add(
                    ("programs", i, "facilitator", j),
                    f"no staff member has the role {role!r}{_suggest(role, roles)}; "
                    f"{_known('roles', roles)}",
                )
        if not prog.frequency.as_needed:
            for j, feature in enumerate(prog.room):
                if feature not in features:
                    add(
                        ("programs", i, "room", j),
                        f"no room has the feature {feature!r}{_suggest(feature, features)}; "
                        f"{_known('room features', features)}",
                    )
            if prog.duration % slot:
                add(
                    ("programs", i, "duration"),
                    f"{prog.duration} minutes is not a whole number of {slot}-minute slots "
                    f"(calendar.slot_minutes); use a multiple of {slot} minutes",
                )
        if prog.shifts is not None:
            issues += _shift_lengths(prog.shifts, prog.duration, slot, source, i)
        att = prog.attendees
        if att.kind == "track" and att.track not in tracks:
            add(
                ("programs", i, "attendees"),
                f"no resident is on the track {att.track!r}{_suggest(att.track or '', tracks)}; "
                f"{_known('tracks', tracks)}",
            )
        if att.kind == "list":
            listed: dict[str, int] = {}
            for j, rid in enumerate(att.ids):
                if rid not in resident_ids:
                    add(
                        ("programs", i, "attendees", j),
                        f"unknown resident {rid!r}{_suggest(rid, resident_ids)}; "
                        f"{_known('resident ids', resident_ids)}",
                    )
                if rid in listed:
                    add(
                        ("programs", i, "attendees", j),
                        f"resident {rid!r} is listed twice (also item {listed[rid] + 1}); "
                        "list each resident once",
                    )
                listed.setdefault(rid, j)

    for kind in ("together", "apart"):
        for i, ids in enumerate(getattr(scenario.grouping, kind)):
            if len(ids) < 2:
                add(("grouping", kind, i), "a list of at least two resident ids is expected")
            for j, rid in enumerate(ids):
                if rid not in resident_ids:
                    add(
                        ("grouping", kind, i, j),
                        f"unknown resident {rid!r}{_suggest(rid, resident_ids)}",
                    )

    if houses:
        for i, room in enumerate(scenario.rooms):
            if room.house is None:
                add(
                    ("rooms", i, "house"),
                    f"this room names no house; expected one of: {', '.join(sorted(houses))} "
                    "(once any room or resident names a house, all must)",
                )
        for i, res in enumerate(scenario.residents):
            if res.house is None:
                add(
                    ("residents", i, "house"),
                    f"this resident names no house; expected one of: {', '.join(sorted(houses))} "
                    "(once any room or resident names a house, all must)",
                )
        for i, st in enumerate(scenario.staff):
            for j, house in enumerate(st.houses or []):
                if house not in houses:
                    add(
                        ("staff", i, "houses", j),
                        f"unknown house {house!r}{_suggest(house, houses)}; "
                        f"{_known('houses', houses)}",
                    )
    else:
        for i, st in enumerate(scenario.staff):
            if st.houses:
                add(
                    ("staff", i, "houses"),
                    "no room or resident names a house, so there are no houses to choose from; "
                    "remove 'houses' or give every room and resident a 'house'",
                )
    return sorted(issues, key=lambda issue: issue.line if issue.line is not None else 0)


def _shift_lengths(shifts: Shifts, block: int, slot: int, source: SourceMap, i: int) -> list[Issue]:
    """On-call shifts start and end on slots, and one shift holds at least one on-call block."""
    issues = []
    for name in ("shortest", "longest"):
        minutes = getattr(shifts, name)
        if minutes is None:
            continue
        if minutes % slot:
            issues.append(
                source.issue(
                    ("programs", i, "shifts", name),
                    f"{minutes} minutes is not a whole number of {slot}-minute slots "
                    f"(calendar.slot_minutes); use a multiple of {slot} minutes",
                )
            )
        elif name == "longest" and minutes < block:
            issues.append(
                source.issue(
                    ("programs", i, "shifts", name),
                    f"the longest shift ({minutes} minutes) is shorter than one on-call block "
                    f"(the program's duration, {block} minutes), so no one could be on call; "
                    f"make it at least {block} minutes or shorten the duration",
                )
            )
    return issues
