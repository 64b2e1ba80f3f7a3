"""The scenario file's schema: what a program manager writes, validated field by field.
(Longer than 400 lines: one pydantic class per section of the file; the field types and phrase
parsers live in :mod:`.fields` and :mod:`.phrases`.)

Phrases ("3 times a week", "Mon-Fri 09:00-17:00", "1.5 hours") are parsed by the field types
of :mod:`.fields`, so the rest of the package sees typed values. Cross-references (a role
nobody holds, an unknown resident) are checked in :mod:`optimizer.scenario.references`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

from optimizer.scenario.fields import (
    MAX_NAME_LENGTH,
    FrequencyField,
    Id,
    Labels,
    Minutes,
    Name,
    Number,
    TimeOfDay,
    WholeNumber,
    WindowField,
    Windows,
    _window,
    check_id,
    shown,
    spread,
)
from optimizer.scenario.phrases import Frequency, Window, parse_window

__all__ = ["MAX_NAME_LENGTH", "Scenario", "TimedBlock", "shown"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class TimedBlock(Strict):
    """A busy or unavailable block: a time window and, optionally, why."""

    when: WindowField
    reason: str | None = Field(default=None, max_length=MAX_NAME_LENGTH)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str | dt.date | Window):
            return {"when": value}
        if not isinstance(value, dict | TimedBlock):
            raise ValueError(
                'expected a time window such as "2026-12-09 14:00-15:30" or '
                f'{{when: "2026-12-09 14:00-15:30", reason: court date}}, got {shown(value)}'
            )
        return value


def _spread_blocks(value: Any, handler: ValidatorFunctionWrapHandler) -> list[TimedBlock]:
    """``{when: "Tue 16:00-20:00, Sat 09:00-12:00", reason: job}`` is two blocks, one reason."""
    return spread(
        value,
        handler,
        lambda item: item.get("when") if isinstance(item, dict) else item,
        lambda item, w: {**item, "when": w} if isinstance(item, dict) else w,
        lambda block, w: block.model_copy(update={"when": w}),
    )


TimedBlocks = Annotated[list[TimedBlock], WrapValidator(_spread_blocks)]


class Calendar(Strict):
    start: dt.date = Field(description="A Monday; week 1 starts here")
    weeks: WholeNumber = Field(default=4, ge=1, le=52)
    open: Windows = Field(description="When the home runs sessions")
    slot_minutes: WholeNumber = Field(default=15, ge=5, le=60)
    closed: TimedBlocks = Field(default_factory=list)
    timezone: str | None = None

    @field_validator("start", mode="before")
    @classmethod
    def _date(cls, value: Any) -> Any:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError(f"{shown(value)} is not a date; expected YYYY-MM-DD such as 2026-12-07")

    @field_validator("start")
    @classmethod
    def _monday(cls, value: dt.date) -> dt.date:
        if value.weekday() != 0:
            monday = value - dt.timedelta(days=value.weekday())
            raise ValueError(
                f"{value} is a {value.strftime('%A')}; the plan must start on a Monday "
                f"(e.g. {monday})"
            )
        return value

    @field_validator("slot_minutes")
    @classmethod
    def _divides_day(cls, value: int) -> int:
        if value <= 0 or 60 % value:
            raise ValueError(f"{value} does not divide an hour; use 5, 10, 15, 20, 30 or 60")
        return value

    @field_validator("open")
    @classmethod
    def _some_open(cls, value: list[Window]) -> list[Window]:
        if not value:
            raise ValueError('at least one opening window is needed, e.g. "Mon-Sat 08:00-21:00"')
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not a time zone; expected a name such as America/Chicago"
            ) from None
        return value

    @property
    def days(self) -> int:
        return self.weeks * 7

    @property
    def end(self) -> dt.date:
        """The last day of the plan."""
        return self.start + dt.timedelta(days=self.days - 1)


class Room(Strict):
    id: Id
    name: Name | None = None
    capacity: WholeNumber = Field(
        gt=0, le=10_000, description="Everyone in the room, staff included"
    )
    features: Labels = Field(default_factory=list)
    available: Windows | None = None
    unavailable: TimedBlocks = Field(default_factory=list)
    house: Id | None = None

    @property
    def label(self) -> str:
        return self.name or self.id


class Staff(Strict):
    id: Id
    name: Name | None = None
    roles: Labels = Field(min_length=1)
    available: Windows | None = None
    unavailable: TimedBlocks = Field(default_factory=list)
    max_hours_per_week: Number | None = Field(default=None, gt=0, le=168)
    prefers: Windows = Field(default_factory=list)
    avoids: Windows = Field(default_factory=list)
    hourly_cost: Number | None = Field(default=None, ge=0)
    houses: Labels | None = None

    @property
    def label(self) -> str:
        return self.name or self.id


class Resident(Strict):
    id: Id
    name: Name | None = None
    tracks: Labels = Field(default_factory=list)
    busy: TimedBlocks = Field(default_factory=list)
    house: Id | None = None

    @property
    def label(self) -> str:
        return self.name or self.id


class Attendees(Strict):
    """Who attends: everyone, a track, a list; ``one_each`` for one-on-one sessions."""

    kind: Literal["all", "track", "list"]
    one_each: bool = False
    track: str | None = None
    ids: tuple[str, ...] = ()

    def describe(self) -> str:
        who = {"all": "all residents", "track": f"residents on track {self.track}"}.get(
            self.kind, ", ".join(self.ids)
        )
        return f"each of {who} one-on-one" if self.one_each else who


ATTENDEES_EXAMPLES = '"all", "each", "track:trauma", "each track:trauma" or a list of resident ids'


COVER_EXAMPLES = (
    '"all opening hours", "95%", "at least 95 %", or the windows that must be covered such as '
    '"Mon-Fri 08:00-18:00"'
)


class Cover(Strict):
    """An on-call cover the rota must reach: at least ``percent`` of the opening hours inside
    ``windows`` (all opening hours when there are none). ``text`` is as written."""

    text: str
    percent: float = 100.0
    windows: tuple[Window, ...] = ()


def _cover(value: Any) -> Any:
    if isinstance(value, Cover) or value is None:
        return value
    if isinstance(value, list):
        windows = []
        for i, item in enumerate(value):
            try:
                windows.append(_window(item))
            except ValueError as exc:
                raise ValueError(f"item {i + 1} of the list: {exc}") from None
        if not windows:
            raise ValueError(f"expected {COVER_EXAMPLES}, got an empty list")
        return Cover(text="; ".join(w.text for w in windows), windows=tuple(windows))
    if not isinstance(value, str):
        hint = " (leave 'cover' out to make cover a goal, not a rule)" if value is False else ""
        raise ValueError(f"expected {COVER_EXAMPLES}, got {shown(value)}{hint}")
    s = re.sub(r"\s+", " ", value.strip().lower())
    if s in ("all", "all hours", "all opening hours", "every opening hour", "always"):
        return Cover(text=value.strip())
    m = re.fullmatch(
        r"(?:at least )?(\d+(?:\.\d+)?) ?(?:%|percent)(?: of (?:the )?opening hours)?", s
    )
    if m:
        percent = float(m.group(1))
        if not 0 < percent <= 100:
            raise ValueError(
                f"{value!r}: a share of the opening hours must be more than 0 % and at most 100 %"
            )
        return Cover(text=value.strip(), percent=percent)
    try:
        return Cover(text=value.strip(), windows=(parse_window(value),))
    except ValueError:
        raise ValueError(f"{value!r} is not an on-call cover; expected {COVER_EXAMPLES}") from None


def _yes_no(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if isinstance(value, str) else None
    if text in ("yes", "true", "on"):
        return True
    if text in ("no", "false", "off"):
        return False
    raise ValueError(f"expected yes or no, got {shown(value)}")


CoverField = Annotated[Cover, BeforeValidator(_cover), PlainSerializer(lambda c: c.text)]
YesNo = Annotated[bool, BeforeValidator(_yes_no)]


class Shifts(Strict):
    """How long one person's on-call stretch may be: ``shortest``/``longest`` in minutes."""

    shortest: Minutes | None = None
    longest: Minutes | None = None

    @model_validator(mode="after")
    def _order(self) -> Shifts:
        short, long = self.shortest, self.longest
        if short is not None and long is not None and short > long:
            raise ValueError(
                f"the shortest shift ({short} minutes) is longer than the longest ({long} "
                "minutes); expected shortest at most longest"
            )
        return self


def _attendees(value: Any) -> Any:
    if isinstance(value, Attendees | dict):
        return value
    if isinstance(value, list):
        ids = []
        for i, item in enumerate(value):
            try:
                ids.append(check_id(item))
            except ValueError as exc:
                raise ValueError(f"item {i + 1} of the list: {exc}") from None
        return {"kind": "list", "ids": tuple(ids)}
    if not isinstance(value, str):
        raise ValueError(f"expected {ATTENDEES_EXAMPLES}, got {shown(value)}")
    s = value.strip()
    one_each = False
    low = s.lower()
    if low == "each":
        return {"kind": "all", "one_each": True}
    if low.startswith("each "):
        one_each, s, low = True, s[5:].strip(), low[5:].strip()
    if low == "all":
        return {"kind": "all", "one_each": one_each}
    m = re.fullmatch(r"track ?: ?(.+)", s, flags=re.IGNORECASE)
    if m:
        return {"kind": "track", "track": m.group(1).strip(), "one_each": one_each}
    raise ValueError(f"{value!r} is not a set of attendees; expected {ATTENDEES_EXAMPLES}")


class Program(Strict):
    id: Id
    name: Name | None = None
    frequency: FrequencyField
    duration: Minutes
    facilitator: Labels = Field(min_length=1, description="Roles one facilitator must all hold")
    attendees: Annotated[Attendees, BeforeValidator(_attendees)] = Field(
        default_factory=lambda: Attendees(kind="all")
    )
    max_group_size: WholeNumber | None = Field(default=None, gt=0, le=10_000)
    room: Labels = Field(default_factory=list, description="Room features the session needs")
    same_day_allowed: YesNo = Field(
        default=False, description="May a group's sessions of one week fall on the same day?"
    )
    # On-call settings, for "as needed" programs only (docs/scenario-format.md, "Crisis cover").
    cover: CoverField | None = Field(default=None, description="Required on-call cover")
    on_call_counts_toward_hours: YesNo = False
    shifts: Shifts | None = None

    @field_validator("cover", "on_call_counts_toward_hours", "shifts")
    @classmethod
    def _on_call_only(cls, value: Any, info: ValidationInfo) -> Any:
        frequency = info.data.get("frequency")
        if value is not None and isinstance(frequency, Frequency) and not frequency.as_needed:
            raise ValueError(
                f"{info.field_name!r} is only for an on-call rota (frequency: as needed); this "
                f"program runs {frequency.describe()}: remove {info.field_name!r} here"
            )
        return value

    @property
    def label(self) -> str:
        return self.name or self.id


class Goals(Strict):
    """Weights of the soft goals (0 switches a goal off) and their few parameters."""

    unplaced_session: WholeNumber = Field(default=10000, ge=1)
    on_call_gap: WholeNumber = Field(default=20, ge=0)
    on_call_handover: WholeNumber = Field(default=1, ge=0)
    same_time_every_week: WholeNumber = Field(default=1000, ge=0)
    spread_days: WholeNumber = Field(default=10, ge=0)
    same_facilitator: WholeNumber = Field(default=10, ge=0)
    extra_group: WholeNumber = Field(default=50, ge=0)
    late_evening: WholeNumber = Field(default=1, ge=0)
    late_evening_after: TimeOfDay = 19 * 60
    resident_daily_load: WholeNumber = Field(default=5, ge=0)
    max_sessions_per_day: WholeNumber = Field(default=3, ge=1)
    fair_load: WholeNumber = Field(default=1, ge=0)
    replan_change: WholeNumber = Field(default=2000, ge=0)
    on_call_cover: WholeNumber = Field(default=10000, ge=1)  # a required cover's missing slot
    resident_idle_gap: WholeNumber = Field(default=0, ge=0)  # per slot waited beyond the gap
    max_idle_gap: Minutes = 120
    split_shift: WholeNumber = Field(default=0, ge=0)  # per slot of a split beyond the gap
    max_split_gap: Minutes = 180
    staff_preferences: WholeNumber = Field(default=2, ge=0)


class Grouping(Strict):
    """Residents who must share a group (``together``) or never share one (``apart``) in every
    group program they both attend, e.g. ``apart: [[R03, R07]]`` after a conflict."""

    together: list[list[Id]] = Field(default_factory=list)
    apart: list[list[Id]] = Field(default_factory=list)


class Sharing(Strict):
    """Privacy by audience and print settings for what is posted or handed out (all
    optional; see docs/scenario-format.md, "sharing"). Wall sheets are the room timetables and
    the today board; they name no resident and show only the programs listed here."""

    wall_programs: list[Id] = Field(
        default_factory=list, description="Programs whose name may appear on wall sheets"
    )
    wall_residents: Literal["none", "count"] = "none"
    paper: Literal["letter", "a4"] | None = Field(
        default=None, description="PDF paper; default from the locale (LC_PAPER/LANG), else Letter"
    )
    short_names: dict[Id, Name] = Field(
        default_factory=dict, description="A program's short name where its name does not fit"
    )


class Scenario(Strict):
    name: Name
    calendar: Calendar
    rooms: list[Room] = Field(min_length=1)
    staff: list[Staff] = Field(min_length=1)
    residents: list[Resident] = Field(default_factory=list)
    programs: list[Program] = Field(min_length=1)
    goals: Goals = Field(default_factory=Goals)
    privacy: Literal["initials", "ids", "names"] = "initials"
    sharing: Sharing = Field(default_factory=Sharing)
    grouping: Grouping = Field(default_factory=Grouping)
