"""Why a session could not be placed, in a program manager's words."""

from __future__ import annotations

import numpy as np

from .problem import Problem, starts_where_free
from .scenario.phrases import format_minutes


def _names(items: list[str], limit: int = 4) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def explain_occurrence(p: Problem, o: int) -> str:
    """The first filter that leaves no start time for occurrence ``o``, or 'competition'."""
    occ = p.occurrences[o]
    series = p.series[occ.series]
    group = p.groups[series.group]
    prog = p.programs[series.program]
    dur = prog.duration
    window = slice(occ.lo, occ.hi)
    hours = dur * p.clock.slot_minutes / 60
    when = f"between {p.clock.date_of(occ.lo)} and {p.clock.date_of(occ.hi - 1)}"

    def fits(mask: np.ndarray) -> bool:
        return bool(starts_where_free(mask, dur).reshape(-1)[window].any())

    if not fits(p.open):
        return f"the home is not open for {hours:g} hours in a row {when}"
    staff = p.staff_candidates(prog, group.house)
    roles = " + ".join(sorted(prog.roles))
    if not staff:
        return f"no staff member holds all of the roles {roles}"
    if not any(fits(p.open & s.available) for s in staff):
        return (
            f"no one who can lead it ({_names([s.label for s in staff])}, roles {roles}) "
            f"is available for {hours:g} hours in a row {when}"
        )
    size = len(group.members) if group.members is not None else 2
    rooms = [r for r in p.room_candidates(prog, group.house)]
    features = ", ".join(sorted(prog.features)) or "any"
    if not rooms:
        return f"no room has the features {features}"
    big = [r for r in rooms if r.capacity >= size + 1]
    if not big:
        return (
            f"no room with features {features} holds {size} residents and a facilitator "
            f"(largest: {max(r.capacity for r in rooms)})"
        )
    if not any(fits(p.open & r.available) for r in big):
        return f"no suitable room ({_names([r.label for r in big])}) is open {hours:g} hours {when}"
    base = p.open.copy()
    staff_mask = np.zeros_like(base)
    for s in staff:
        staff_mask |= s.available
    room_mask = np.zeros_like(base)
    for room in big:
        room_mask |= room.available
    base &= staff_mask & room_mask
    if not fits(base):
        return (
            f"the times its facilitators ({_names([s.label for s in staff])}) are available "
            f"never meet a free suitable room for {hours:g} hours {when}"
        )
    members = group.members if group.members is not None else ()
    for r in members:
        if not fits(base & p.residents[r].free):
            res = p.residents[r]
            return (
                f"{res.label} ({res.id}) has no free {hours:g} hours {when} when a facilitator "
                "and a room are also free"
            )
    if members and not fits(base & np.logical_and.reduce([p.residents[r].free for r in members])):
        return f"its {len(members)} residents share no free {hours:g} hours {when}"
    return (
        "every time that suits its people and rooms is taken by other sessions "
        f"{when} (the week is too full for everyone's sessions)"
    )


def describe_slot(p: Problem, slot: int) -> str:
    return f"{p.clock.date_of(slot)} {format_minutes(p.clock.minute_of(slot))}"


# --- check: a fast capacity analysis without a solve ----------------------------------------


class Finding:
    def __init__(self, text: str, blocking: bool):
        self.text = text
        self.blocking = blocking

    def __repr__(self) -> str:
        return f"Finding({self.text!r}, blocking={self.blocking})"


def check_capacity(p: Problem) -> list[Finding]:
    """Occurrences that no time can host, grouped per series, as sentences."""
    findings: list[Finding] = []
    seen: set[tuple[int, str]] = set()
    for occ in p.occurrences:
        group = p.groups[p.series[occ.series].group]
        if group.optional or occ.starts:
            continue
        reason = explain_occurrence(p, occ.index)
        key = (p.series[occ.series].program, reason)
        if key in seen:
            continue
        seen.add(key)
        prog = p.programs[p.series[occ.series].program]
        findings.append(Finding(f"{prog.label}: {reason}.", True))
    return findings
