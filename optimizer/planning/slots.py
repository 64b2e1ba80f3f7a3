"""Time as slots: a plan's clock (slots counted from the first Monday's midnight), window masks
per day, and the two mask helpers every layer uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from optimizer.scenario.phrases import Window

Mask = NDArray[np.bool_]  # shape (days, slots_per_day)


@dataclass(frozen=True)
class Clock:
    start: dt.date
    days: int
    slot_minutes: int

    @property
    def slots_per_day(self) -> int:
        return 24 * 60 // self.slot_minutes

    @property
    def week_slots(self) -> int:
        return 7 * self.slots_per_day

    @property
    def horizon(self) -> int:
        return self.days * self.slots_per_day

    def date_of(self, slot: int) -> dt.date:
        return self.start + dt.timedelta(days=slot // self.slots_per_day)

    def minute_of(self, slot: int) -> int:
        return (slot % self.slots_per_day) * self.slot_minutes

    def slot_of(self, day: dt.date, minute: int) -> int:
        return (day - self.start).days * self.slots_per_day + minute // self.slot_minutes

    def week_of(self, slot: int) -> int:
        return slot // self.week_slots

    def slots(self, minutes: int) -> int:
        return minutes // self.slot_minutes

    def empty(self) -> Mask:
        return np.zeros((self.days, self.slots_per_day), dtype=bool)

    def mask(self, windows: list[Window], *, widen: bool) -> Mask:
        """Slots covered by ``windows``; partly covered slots count only when ``widen``."""
        out = self.empty()
        for d in range(self.days):
            day = self.start + dt.timedelta(days=d)
            for w in windows:
                if w.applies_on(day):
                    if widen:
                        a = w.start // self.slot_minutes
                        b = -(-w.end // self.slot_minutes)
                    else:
                        a = -(-w.start // self.slot_minutes)
                        b = w.end // self.slot_minutes
                    out[d, a:b] = True
        return out


def starts_where_free(mask: Mask, length: int) -> Mask:
    """Start slots where ``length`` consecutive slots of the same day are all free."""
    days, spd = mask.shape
    out = np.zeros_like(mask)
    if length > spd:
        return out
    c = np.concatenate([np.zeros((days, 1), dtype=np.int32), np.cumsum(mask, axis=1)], axis=1)
    run = c[:, length:] - c[:, : spd - length + 1]
    out[:, : spd - length + 1] = run == length
    return out


def slot_runs(flat: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """Maximal runs of True in a flat array as half-open (start, end) pairs."""
    padded = np.concatenate([[False], flat, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]
