"""A timetable in the model's terms, without the solver: for each series its template, whether
it runs, its facilitator and room pool; for each exception occurrence the same of its own; who
is on call in each block. What the model cannot even express (a facilitator who is not a
candidate, a start the occurrence does not allow, residents other than the group's) is an
:class:`Issue`, named by the rule closest to it where one is.

The names come from the problem (candidates, groups, masks), not from the checker, so that
comparing them with the checker's findings means something (see :mod:`.fixed`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from optimizer.construct.constructor import Placed
from optimizer.planning.grouping import SIZE_TOLERANCE
from optimizer.planning.problem import Group, Mask, Problem, ProgramInfo, Series
from optimizer.planning.templates import Plan
from optimizer.timetable import Booking, OnCallShift, Timetable


@dataclass(frozen=True)
class Issue:
    """Something the model cannot express; ``rule`` is the closest rule id (None: no rule
    says it, it is the model's form)."""

    rule: str | None
    why: str

    def __str__(self) -> str:
        return f"not representable: {self.why}" + (f" [{self.rule}]" if self.rule else "")


@dataclass
class SeriesValue:
    active: bool | None = None  # its clean occurrences run (None: it has none; any)
    offsets: list[int] | None = None  # the template may be any of these (None: any)
    staff: int | None = None
    pool: int | None = None


@dataclass
class Values:
    series: dict[int, SeriesValue] = field(default_factory=dict)
    exceptions: dict[int, Placed | None] = field(default_factory=dict)  # None: not placed
    on_call: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))  # block
    issues: list[Issue] = field(default_factory=list)


def _free(mask: Mask, start: int, length: int, spd: int) -> bool:
    flat = mask.reshape(-1)
    return start // spd == (start + length - 1) // spd and bool(flat[start : start + length].all())


class _Reader:
    def __init__(self, p: Problem, plans: list[Plan], t: Timetable):
        self.p, self.plans, self.t = p, plans, t
        self.out = Values()
        self.programs = {x.id: x for x in p.programs}
        self.series = {s.id: s for s in p.series}
        self.staff = {s.id: s.index for s in p.staff}
        self.rooms = {r.id: r.index for r in p.rooms}
        self.residents = {r.id: r.index for r in p.residents}
        self.placed: dict[int, Placed] = {}
        self.regrouped: set[int] = set()  # programs booked with other groups than the model's
        self.last_day = p.clock.start + dt.timedelta(days=p.clock.days - 1)
        self.renamed = self._renamed()

    def _renamed(self) -> dict[tuple[str, str], str]:
        """(program, group name in the timetable) -> the model's name of the group with the
        same members, where the timetable names a group the model calls otherwise."""
        booked: dict[tuple[str, str], set[str]] = defaultdict(set)
        for b in self.t.bookings:
            parts = b.session.rsplit("/", 2)
            if len(parts) == 3:
                booked[(b.program, parts[1])].update(b.residents)
        names = {(self.p.programs[g.program].id, g.name): g for g in self.p.groups}
        out = {}
        for (pid, name), ids in booked.items():
            if (pid, name) in names:
                continue
            same = [
                g.name
                for (q, _), g in names.items()
                if q == pid
                and (q, g.name) not in booked
                and {self.p.residents[r].id for r in g.members} == ids
            ]
            if len(same) == 1:
                out[(pid, name)] = same[0]
        return out

    def issue(self, rule: str | None, why: str) -> None:
        self.out.issues.append(Issue(rule, why))

    # -- sessions ------------------------------------------------------------------------------

    def booking(self, b: Booking) -> None:
        p, at = self.p, f"{b.session} on {b.date}"
        prog = self.programs.get(b.program)
        if prog is None:
            return self.issue("program_unknown", f"{at}: no program {b.program!r}")
        if prog.on_call:
            return self.issue("on_call_booking", f"{at}: {prog.id} is on call, not sessions")
        if not p.clock.start <= b.date <= self.last_day:
            return self.issue("horizon", f"{at}: outside the plan")
        slot = p.clock.slot_minutes
        if b.start % slot:
            return self.issue("slot", f"{at}: starts off the {slot}-minute slots")
        if b.end - b.start != prog.duration * slot:
            return self.issue("duration", f"{at}: not {prog.duration * slot} minutes long")
        parts = b.session.rsplit("/", 2)
        if len(parts) != 3 or parts[0] != prog.id or not parts[2].isdigit():
            return self.issue("session_program", f"{at}: not an id of the form {prog.id}/GROUP/K")
        if not self._people(b, prog, at):
            return
        name = self.renamed.get((prog.id, parts[1]), parts[1])
        series = self.series.get(f"{prog.id}/{name}/{parts[2]}")
        if series is None:
            return self._no_series(b, prog, parts[1], int(parts[2]), at)
        group = p.groups[series.group]
        if not self._members(b, prog, group, at):
            return
        start = p.clock.slot_of(b.date, b.start)
        occs = [p.occurrences[o] for o in series.occurrences]
        occ = next((x for x in occs if x.lo <= start < x.hi), None)
        if occ is None:
            return self.issue("too_many", f"{at}: the session does not meet in that period")
        if occ.index in self.placed:
            return self.issue("session_time", f"{at}: the session meets twice in its period")
        st, pool = self._staff(b, prog, group, at), self._pool(b, group, at)
        if start not in occ.starts:
            return self._why_not_start(b, group, start, st, pool, at)
        if st is not None and pool is not None:
            self.placed[occ.index] = Placed(start, st, pool)

    def _people(self, b: Booking, prog: ProgramInfo, at: str) -> bool:
        ok = True
        for rid in b.residents:
            if rid not in self.residents:
                ok = False
                self.issue("resident_unknown", f"{at}: no resident {rid!r}")
        if len(set(b.residents)) < len(b.residents):
            ok = False
            self.issue("resident_double_booked", f"{at}: a resident is listed twice")
        leads = set(b.facilitators)
        if len(leads) != 1:
            ok = False
            self.issue("one_facilitator", f"{at}: {len(leads)} facilitators")
        elif len(b.facilitators) > 1:
            ok = False
            self.issue("facilitator_double_booked", f"{at}: a facilitator is listed twice")
        for sid in leads - set(self.staff):
            ok = False
            self.issue("staff_unknown", f"{at}: no staff member {sid!r}")
        if not ok:
            return False
        ids = {self.residents[r] for r in b.residents}
        if not ids and not prog.one_each:
            self.issue("no_residents", f"{at}: no residents")
        elif ids - set(prog.attendees):
            self.issue("not_attendee", f"{at}: residents who do not attend {prog.id}")
        elif prog.one_each and len(ids) != 1:
            self.issue("one_on_one", f"{at}: {len(ids)} residents in a one-on-one")
        elif prog.max_group_size and len(ids) > prog.max_group_size:
            self.issue("group_size", f"{at}: {len(ids)} residents, at most {prog.max_group_size}")
        else:
            for apart in self.p.scenario.grouping.apart:
                if len(ids & {self.residents.get(r) for r in apart}) > 1 and not prog.one_each:
                    self.issue("apart", f"{at}: residents to be kept apart share it")
                    return False
            return True
        return False

    def _no_series(self, b: Booking, prog: ProgramInfo, name: str, k: int, at: str) -> None:
        if k > prog.times or k < 1:
            return self.issue("too_many", f"{at}: {prog.id} meets {prog.times} times a period")
        self.regrouped.add(prog.index)

    def _members(self, b: Booking, prog: ProgramInfo, group: Group, at: str) -> bool:
        if {self.residents[r] for r in b.residents} == set(group.members):
            return True
        self.regrouped.add(prog.index)
        return False

    def grouping(self, prog: ProgramInfo) -> None:
        """A program whose sessions group residents otherwise than the model's groups (formed
        before it): named by the grouping rule the timetable's groups break, if any."""
        groups: dict[str, set[str]] = defaultdict(set)
        for b in self.t.bookings:
            parts = b.session.rsplit("/", 2)
            if b.program == prog.id and len(parts) == 3:
                groups[parts[1]].update(b.residents)
        of: dict[str, set[str]] = defaultdict(set)
        for name, ids in groups.items():
            for r in ids:
                of[r].add(name)
        wishes = self.p.scenario.grouping
        split = [ids for ids in wishes.together if len(set().union(*(of[r] for r in ids))) > 1]
        house = {r.id: r.house for r in self.p.residents}
        sizes: dict[int | None, list[int]] = defaultdict(list)
        for ids in filter(None, groups.values()):
            sizes[house.get(min(ids))].append(len(ids))
        if any(len(x) > 1 for x in of.values()):
            rule: str | None = "group_stable"
        elif split:
            rule = "together"
        elif any(max(x) - min(x) > SIZE_TOLERANCE for x in sizes.values()):
            rule = "balanced_groups"
        else:
            rule = None
        self.issue(rule, f"{prog.id}: residents grouped otherwise than the model's groups")

    def _staff(self, b: Booking, prog: ProgramInfo, group: Group, at: str) -> int | None:
        st = self.p.staff[self.staff[b.facilitators[0]]]
        if not prog.roles <= st.roles:
            self.issue("facilitator_role", f"{at}: {st.id} lacks a role {prog.id} needs")
        elif not st.serves(group.house):
            self.issue("house", f"{at}: {st.id} does not serve the group's house")
        else:
            return st.index
        return None

    def _pool(self, b: Booking, group: Group, at: str) -> int | None:
        p = self.p
        r = self.rooms.get(b.room)
        if r is None:
            self.issue("room_unknown", f"{at}: no room {b.room!r}")
            return None
        room, prog = p.rooms[r], p.programs[group.program]
        pool = next(pl for pl in p.pools if r in pl.rooms)
        if pool in p.pool_candidates(group):
            return pool.index
        if not prog.features <= room.features:
            self.issue("room_features", f"{at}: room {room.id} lacks a feature")
        elif group.house is not None and room.house != group.house:
            self.issue("house", f"{at}: room {room.id} is in another house")
        else:
            self.issue("room_capacity", f"{at}: room {room.id} is too small for the group")
        return None

    def _why_not_start(
        self, b: Booking, group: Group, start: int, st: int | None, pool: int | None, at: str
    ) -> None:
        p, spd = self.p, self.p.clock.slots_per_day
        dur = p.programs[group.program].duration
        if not _free(p.open, start, dur, spd):
            return self.issue("opening_hours", f"{at}: the home is closed then")
        if any(not _free(p.residents[r].free, start, dur, spd) for r in group.members):
            return self.issue("resident_busy", f"{at}: a resident is busy then")
        if st is not None and not _free(p.staff[st].available, start, dur, spd):
            return self.issue("facilitator_available", f"{at}: {b.facilitators[0]} is off then")
        if pool is not None and not _free(p.pools[pool].available, start, dur, spd):
            return self.issue("room_available", f"{at}: room {b.room} is not open then")
        return self.issue(None, f"{at}: not a start the model allows")

    # -- series --------------------------------------------------------------------------------

    def series_values(self, series: Series) -> None:
        p, plan = self.p, self.plans[series.index]
        value = SeriesValue()
        self.out.series[series.index] = value
        for o in plan.exceptions:
            self.out.exceptions[o] = self.placed.get(o)
        clean = [self.placed.get(o) for o in plan.clean]
        placed = [x for x in clean if x is not None]
        offsets = Counter(
            x.start - p.occurrences[o].lo for o, x in self.placed.items() if o in series.occurrences
        )
        if offsets:  # the usual time: the most common one (ties: any of them)
            most = max(offsets.values())
            value.offsets = sorted(t for t, n in offsets.items() if n == most)
        if plan.clean:
            value.active = bool(placed)
        if not placed:
            return
        first = placed[0]
        t = first.start - p.occurrences[plan.clean[clean.index(first)]].lo
        value.staff, value.pool, value.offsets = first.staff, first.pool, [t]
        if len(placed) < len(clean):
            why = "runs in some weeks and not in others that nothing dated sets apart"
            self.issue(None, f"{series.id}: {why} (the model runs it in all or none)")
            value.active = None  # let the model choose, so no family rejects a week not booked
        if offsets[t] < max(offsets.values()) or any(
            x.start - p.occurrences[o].lo != t for o, x in zip(plan.clean, clean, strict=True) if x
        ):
            self.issue(
                "moves_need_a_reason",
                f"{series.id}: away from its usual time in a week that nothing dated sets apart",
            )
        if any((x.staff, x.pool) != (first.staff, first.pool) for x in placed):
            self.issue(
                None,
                f"{series.id}: another facilitator or room in a week that nothing "
                "dated sets apart (the model keeps one for such weeks)",
            )
        self._template(series, plan, placed, t)

    def _template(self, series: Series, plan: Plan, placed: list[Placed], t: int) -> None:
        """Whether the model's template can be at offset ``t`` with that facilitator and room."""
        p, spd = self.p, self.p.clock.slots_per_day
        x = placed[0]
        staff_ok, pool_ok = plan.staff_ok.get(x.staff), plan.pool_ok.get(x.pool)
        staff_free = all(
            _free(p.staff[x.staff].available, y.start, plan.duration, spd) for y in placed
        )
        pool_free = all(
            _free(p.pools[x.pool].available, y.start, plan.duration, spd) for y in placed
        )
        if staff_ok is None or not staff_ok[t]:
            rule = "facilitator_available" if plan.offsets[t] or not staff_free else None
        elif pool_ok is None or not pool_ok[t]:
            rule = "room_available" if plan.offsets[t] or not pool_free else None
        else:
            return
        why = {
            "facilitator_available": "its facilitator is not available then in a usual week",
            "room_available": "its room is not open then in a usual week",
            None: "its usual time is not one of the model's template times (a time that suits "
            "every week is chosen where there is one)",
        }[rule]
        self.issue(rule, f"{series.id}: {why}")

    # -- on call -------------------------------------------------------------------------------

    def shift(self, sh: OnCallShift) -> None:
        p, at = self.p, f"on call {sh.staff} for {sh.program} on {sh.date}"
        prog = self.programs.get(sh.program)
        if prog is None or not prog.on_call:
            return self.issue("on_call_program", f"{at}: not an as-needed program")
        if sh.staff not in self.staff:
            return self.issue("staff_unknown", f"{at}: no such staff member")
        if not p.clock.start <= sh.date <= self.last_day:
            return self.issue("horizon", f"{at}: outside the plan")
        slot = p.clock.slot_minutes
        if sh.start % slot or sh.end % slot:
            return self.issue("slot", f"{at}: off the {slot}-minute slots")
        if sh.end <= sh.start:
            return self.issue("duration", f"{at}: ends before it starts")
        st = p.staff[self.staff[sh.staff]]
        if not prog.roles <= st.roles:
            return self.issue("on_call_role", f"{at}: lacks a role")
        a = p.clock.slot_of(sh.date, sh.start)
        z = a + (sh.end - sh.start) // slot
        blocks = [
            b for b in p.on_call_blocks if b.program == prog.index and a < b.end and b.start < z
        ]
        if not blocks:
            return self.issue("on_call_available", f"{at}: outside the opening hours")
        for b in blocks:
            if not (a <= b.start and b.end <= z):
                self.issue(
                    None, f"{at}: covers part of an on-call block (one person covers a whole block)"
                )
            if st.index not in b.candidates:
                self.issue("on_call_available", f"{at}: not available for the whole block")
            else:
                self.out.on_call[b.index].add(st.index)


def represent(p: Problem, plans: list[Plan], timetable: Timetable) -> Values:
    """The model's decision values for ``timetable`` and what it cannot express."""
    reader = _Reader(p, plans, timetable)
    for b in sorted(timetable.bookings):
        reader.booking(b)
    for prog in sorted(reader.regrouped):
        reader.grouping(p.programs[prog])
    for series in p.series:
        reader.series_values(series)
    for sh in sorted(timetable.on_call):
        reader.shift(sh)
    return reader.out
