"""A finding of ``check`` and the few wording helpers every finding uses: lists of names,
hours, people, and slot masks as readable time ranges."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .problem import Mask, Problem, StaffInfo, slot_runs
from .scenario.phrases import DAY_NAMES, format_minutes


@dataclass(frozen=True)
class Finding:
    """One sentence about the scenario. ``blocking`` findings mean demand cannot all be met."""

    text: str
    blocking: bool
    program: str | None = None
    people: tuple[str, ...] = field(default=())
    fix: str | None = None

    def sentence(self) -> str:
        return f"{self.text} Fix: {self.fix}" if self.fix else self.text


def names(items: list[str], limit: int = 4) -> str:
    if len(items) <= limit:
        return ", ".join([*items[:-2], " and ".join(items[-2:])]) if items else ""
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def hours(slots: float, slot_minutes: int) -> str:
    if 0 < slots * slot_minutes < 60:
        return f"{slots * slot_minutes:.0f} minutes"
    h = slots * slot_minutes / 60
    text = f"{h:.1f}".rstrip("0").rstrip(".")
    return f"{text} hour" + ("" if h == 1 else "s")


def who(st: StaffInfo) -> str:
    return f"{st.label} ({st.id})" if st.label != st.id else st.id


def span(p: Problem, a: int, b: int) -> str:
    """Slots ``a``..``b`` of one day as 'HH:MM-HH:MM'."""
    m = p.clock.slot_minutes
    return f"{format_minutes(a * m)}-{format_minutes(b * m)}"


def weekday(p: Problem, day: int) -> str:
    return DAY_NAMES[(p.clock.start + dt.timedelta(days=day)).weekday()]


def dated_ranges(p: Problem, mask: Mask) -> list[str]:
    """Each run of a mask as 'Wed 2026-12-09 08:00-12:00'."""
    out = []
    for d in range(p.clock.days):
        date = p.clock.start + dt.timedelta(days=d)
        out += [f"{weekday(p, d)} {date} {span(p, a, b)}" for a, b in slot_runs(mask[d])]
    return out
