"""A finding of ``check`` and what every finding uses: wording (lists of names, hours, people,
slot masks as readable time ranges) and the masks of time a session can use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from optimizer.planning.problem import (
    Mask,
    Problem,
    ProgramInfo,
    StaffInfo,
    slot_runs,
    starts_where_free,
)
from optimizer.scenario.phrases import DAY_NAMES, format_minutes


@dataclass(frozen=True)
class Finding:
    """One sentence about the scenario. ``blocking`` findings mean demand cannot all be met.

    ``program`` is set when the finding is about one program, whose demand it makes
    impossible. A finding about demand of several programs that cannot all be met (one
    person's week, say) leaves it unset and lists them in ``programs``: each one might be the
    one left short."""

    text: str
    blocking: bool
    program: str | None = None
    people: tuple[str, ...] = field(default=())
    fix: str | None = None
    programs: tuple[str, ...] = field(default=())

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


def usable(mask: Mask, length: int) -> Mask:
    """Slots that belong to a free run of at least ``length`` slots (time a session can use)."""
    starts = starts_where_free(mask, length)
    out = np.zeros_like(mask)
    for k in range(length):
        out[:, k:] |= starts[:, : mask.shape[1] - k]
    return out


def room_mask(p: Problem, prog: ProgramInfo, house: int | None, people: int) -> Mask:
    mask = p.clock.empty()
    for r in p.room_candidates(prog, house):
        if r.capacity >= people:
            mask |= r.available
    return mask
