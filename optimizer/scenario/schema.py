"""The scenario file's schema: what a program manager writes, validated field by field.

Phrases ("3 times a week", "Mon-Fri 09:00-17:00", "1.5 hours") are parsed here, so the rest of
the package sees typed values. Cross-references (a role nobody holds, an unknown resident) are
checked in :mod:`optimizer.scenario.references`.
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
    field_validator,
    model_validator,
)

from .phrases import (
    DURATION_EXAMPLES,
    FREQUENCY_EXAMPLES,
    Frequency,
    Window,
    parse_duration,
    parse_frequency,
    parse_window,
)

MAX_ID_LENGTH = 64
MAX_NAME_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _as_list(value: Any) -> Any:
    """A single item may be written where a list is expected: "Mon-Fri 09:00-17:00"."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return value
    return [value]


def shown(value: Any) -> str:
    """How a wrong value is shown in a message: short, and in the words of the YAML file."""
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping (field: value pairs)"
    if isinstance(value, list | tuple):
        return "a list"
    text = repr(value.isoformat() if isinstance(value, dt.date) else value)
    return text if len(text) <= 60 else text[:57] + "..."


def _clean_text(value: Any, *, limit: int, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"expected {what} as text, got {shown(value)}")
    text = str(value).strip()
    if not text:
        raise ValueError(f"{what} cannot be empty")
    if _CONTROL.search(text):
        raise ValueError(f"{what} contains a control character (such as a tab or NUL)")
    if len(text) > limit:
        raise ValueError(f"{what} is {len(text)} characters long; at most {limit} are allowed")
    return text


def _id(value: Any) -> str:
    text = _clean_text(value, limit=MAX_ID_LENGTH, what="an id")
    if ";" in text:  # timetable.csv lists several people in one cell, separated by ';'
        raise ValueError(f"an id cannot contain ';' (got {text!r}); use '-' or ',' instead")
    return text


def _name(value: Any) -> str:
    return _clean_text(value, limit=MAX_NAME_LENGTH, what="a name")


def _window(value: Any) -> Window:
    if isinstance(value, Window):
        return value
    if isinstance(value, dt.date):  # an unquoted date in YAML
        value = value.isoformat()
    if not isinstance(value, str):
        raise ValueError(
            f'expected a time window as text such as "Mon-Fri 09:00-17:00", got {shown(value)}'
        )
    return parse_window(value)


def _frequency(value: Any) -> Frequency:
    if isinstance(value, Frequency):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected a frequency such as {FREQUENCY_EXAMPLES}, got {shown(value)}")
    return parse_frequency(str(value))


def _whole_number(value: Any) -> Any:
    """YAML reads yes/no/true/false as booleans; pydantic would take them as 1 and 0."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {shown(value)}")
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {shown(value)}")
    return value


def _duration(value: Any) -> int:
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int | float)):
        raise ValueError(f"expected a duration such as {DURATION_EXAMPLES}, got {shown(value)}")
    return parse_duration(value)


Id = Annotated[str, BeforeValidator(_id)]
Name = Annotated[str, BeforeValidator(_name)]
WindowField = Annotated[Window, BeforeValidator(_window), PlainSerializer(lambda w: w.text)]
Windows = Annotated[list[WindowField], BeforeValidator(_as_list)]
Labels = Annotated[list[Id], BeforeValidator(_as_list)]
FrequencyField = Annotated[
    Frequency, BeforeValidator(_frequency), PlainSerializer(lambda f: f.describe())
]
Minutes = Annotated[int, BeforeValidator(_duration)]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Number = Annotated[float, BeforeValidator(_number)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class TimedBlock(Strict):
    """A busy or unavailable block: a time window and, optionally, why."""

    when: WindowField
    reason: str | None = Field(default=None, max_length=MAX_NAME_LENGTH)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str | dt.date):
            return {"when": value}
        if not isinstance(value, dict | TimedBlock):
            raise ValueError(
                'expected a time window such as "2026-12-09 14:00-15:30" or '
                f'{{when: "2026-12-09 14:00-15:30", reason: court date}}, got {shown(value)}'
            )
        return value


TimedBlocks = Annotated[list[TimedBlock], BeforeValidator(_as_list)]


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


def _attendees(value: Any) -> Any:
    if isinstance(value, Attendees | dict):
        return value
    if isinstance(value, list):
        ids = []
        for i, item in enumerate(value):
            try:
                ids.append(_id(item))
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
    late_evening_after: Annotated[int, BeforeValidator(lambda v: _clock(v))] = 19 * 60
    resident_daily_load: WholeNumber = Field(default=5, ge=0)
    max_sessions_per_day: WholeNumber = Field(default=3, ge=1)
    fair_load: WholeNumber = Field(default=1, ge=0)
    replan_change: WholeNumber = Field(default=2000, ge=0)
    staff_preferences: WholeNumber = Field(default=2, ge=0)


def _clock(value: Any) -> int:
    expected = f'{shown(value)} is not a time of day; expected HH:MM such as "19:00"'
    if isinstance(value, int) and not isinstance(value, bool):
        # minutes after midnight (the scenario file gives text: source.py keeps 19:00 as written)
        if not 0 <= value <= 24 * 60:
            raise ValueError(expected)
        return value
    m = re.fullmatch(r"(\d{1,2}):(\d\d)", str(value).strip())
    if not m or int(m.group(1)) > 24 or int(m.group(2)) >= 60:
        raise ValueError(expected)
    minutes = int(m.group(1)) * 60 + int(m.group(2))
    if minutes > 24 * 60:
        raise ValueError(expected)
    return minutes


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
