"""Solver-free counts of time people wait on a day: a resident between their first and last
session (goal ``resident_idle_gap``), a staff member between the first and the last thing they
do, sessions and on-call duty (goal ``split_shift``). Each is the time in that span not spent
in a session or on duty, beyond the scenario's threshold, in slots; the model counts the same
(:mod:`optimizer.model.idle`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from optimizer.rules.definitions import wait_limit
from optimizer.scenario.phrases import DAY_NAMES
from optimizer.scenario.schema import Scenario
from optimizer.timetable import Timetable


@dataclass(frozen=True)
class Wait:
    who: str
    date: dt.date
    waited: int  # minutes not busy between the day's first start and last end
    excess: int  # slots beyond the threshold

    def text(self, what: str) -> str:
        hours = f"{self.waited / 60:g}"
        return f"{self.who} {what} {hours} hours on {DAY_NAMES[self.date.weekday()]} {self.date}"


def _waits(days: dict[tuple[str, dt.date], list[tuple[int, int]]], limit: int, slot: int):
    out = []
    for (who, date), spans in sorted(days.items()):
        if len(spans) < 2:
            continue
        first, last = min(a for a, _ in spans), max(b for _, b in spans)
        busy = sum(b - a for a, b in spans)
        waited = last - first - busy
        excess = max(0, waited // slot - wait_limit(limit, slot))
        if excess:
            out.append(Wait(who, date, waited, excess))
    return out


def resident_waits(scenario: Scenario, timetable: Timetable) -> list[Wait]:
    days: dict[tuple[str, dt.date], list[tuple[int, int]]] = defaultdict(list)
    for b in timetable.bookings:
        for r in b.residents:
            days[(r, b.date)].append((b.start, b.end))
    goals = scenario.goals
    return _waits(days, goals.max_idle_gap, scenario.calendar.slot_minutes)


def split_shifts(scenario: Scenario, timetable: Timetable) -> list[Wait]:
    days: dict[tuple[str, dt.date], list[tuple[int, int]]] = defaultdict(list)
    for b in timetable.bookings:
        for s in b.facilitators:
            days[(s, b.date)].append((b.start, b.end))
    for sh in timetable.on_call:
        days[(sh.staff, sh.date)].append((sh.start, sh.end))
    goals = scenario.goals
    return _waits(days, goals.max_split_gap, scenario.calendar.slot_minutes)
