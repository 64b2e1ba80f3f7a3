"""check: a program whose rooms are all in other houses.

A session takes place in a room of its group's house, so residents of a house with no room
that has the program's features cannot have it, even when another house has such a room.
The finding says where the rooms are and which residents cannot use them (by id: ``check``
is the manager's tool), instead of "no room has that".
"""

from __future__ import annotations

from optimizer.findings.finding import Finding, names
from optimizer.planning.problem import Problem, ProgramInfo


def house_rooms(p: Problem, prog: ProgramInfo) -> list[Finding]:
    """One blocking finding per house whose groups of ``prog`` have no room they can use,
    while some other house has one."""
    if prog.on_call or not p.houses:
        return []
    elsewhere = [r for r in p.rooms if prog.features <= r.features]
    if not elsewhere:
        return []  # no room anywhere: diagnose says "no room has that"
    features = " + ".join(sorted(prog.features))
    findings = []
    houses = sorted(
        {g.house for g in p.groups if g.program == prog.index and not g.optional}, key=str
    )
    for house in houses:
        if house is None or p.room_candidates(prog, house):
            continue
        name = p.houses[house]
        residents = sorted(
            {
                r
                for g in p.groups
                if g.program == prog.index and g.house == house
                for r in g.candidates
            }
        )
        ids = [p.residents[r].id for r in residents]
        where = names(sorted({p.houses[r.house] for r in elsewhere if r.house is not None}))
        rooms = names([r.label for r in elsewhere])
        if not features:
            what, there = "a room", f"{name} has no room at all; the rooms are in {where} ({rooms})"
        elif len(elsewhere) == 1:
            what = f"a room with {features}"
            there = f"the only room with {features} is in {where} ({rooms})"
        else:
            what = f"a room with {features}"
            there = f"the rooms with {features} are in {where} ({rooms})"
        own = [r.label for r in p.rooms if r.house == house]
        fix = f"add a room with {features} to {name}" if features else f"add a room to {name}"
        if features and own:
            fix += f", or give one of {name}'s rooms ({names(own)}) the feature(s) {features}"
        findings.append(
            Finding(
                f"{prog.label} needs {what}; {there}, and these {name} residents cannot use "
                f"{'it' if len(elsewhere) == 1 else 'them'} (a session is held in its residents' "
                f"house): {names(ids)}.",
                True,
                prog.id,
                tuple(ids),
                fix=fix + ".",
            )
        )
    return findings
