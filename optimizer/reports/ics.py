"""``calendars/<staff id>.ics``: each staff member's sessions and on-call shifts, for Google
Calendar, Outlook and Apple Calendar.

Titles are neutral ("Group session, Group Room", "One-on-one session, Counseling Office 1",
"On call"): a calendar is often shared or shown on a phone's lock screen, and a program's name
(or a resident's) would disclose treatment. The description says what the facilitator needs:
the kind of session, the room, the residents as staff sheets show them, and the
confidentiality note; the calendar's own description is the note too.

A weekly session is one recurring event (``RRULE`` weekly, or every 2 or 4 weeks): a week
without it is an ``EXDATE``, a week where it was moved (or has other residents) is an override
with ``RECURRENCE-ID``. On-call shifts at the same weekday and hours recur the same way. The
UID comes from the scenario name and the session id (for on-call: program, weekday and hours),
so importing a newer run updates the events instead of duplicating them; ``SEQUENCE`` grows
with the time of writing so clients accept the update. Times carry the scenario's time zone
(or this machine's), with a VTIMEZONE when icalendar can add one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event

from optimizer.reports.data import ReportData
from optimizer.reports.privacy import CONFIDENTIAL

UID_DOMAIN = "recovery-home-optimizer"
PRODID = "-//recovery-home-optimizer//timetable//EN"
SEQUENCE_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def local_zone() -> ZoneInfo | None:
    """This machine's IANA time zone, or None when it cannot be told (floating times then)."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    try:
        target = Path("/etc/localtime").resolve()
        if "zoneinfo" in target.parts:
            candidates.append("/".join(target.parts[target.parts.index("zoneinfo") + 1 :]))
    except OSError:
        pass
    for name in candidates:
        if name:
            try:
                return ZoneInfo(name)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return None


def zone_for(data: ReportData) -> ZoneInfo | None:
    name = data.scenario.calendar.timezone
    return ZoneInfo(name) if name else local_zone()


def uid(*parts: str) -> str:
    """A stable UID: the same parts give the same UID in every run."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    return f"{digest}@{UID_DOMAIN}"


def session_title(data: ReportData, program: str, room: str, neutral: bool = True) -> str:
    """ "Group session, Group Room"; with ``neutral=False`` the program's name instead (for a
    calendar nobody else sees)."""
    if neutral:
        kind = "One-on-one session" if data.is_one_on_one(program) else "Group session"
    else:
        kind = data.program_label(program)
    return f"{kind}, {data.room_label(room)}"


def _when(day: dt.date, minute: int, zone: ZoneInfo | None) -> dt.datetime:
    naive = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    return naive.replace(tzinfo=zone) if zone else naive


@dataclass(frozen=True)
class Occurrence:
    """One dated session or shift as the calendar shows it."""

    date: dt.date
    start: int
    end: int
    title: str
    location: str
    description: str

    def pattern(self) -> tuple[int, int, int, str, str, str]:
        return (
            self.date.weekday(),
            self.start,
            self.end,
            self.title,
            self.location,
            self.description,
        )


def _event(uid_text: str, occ: Occurrence, zone: ZoneInfo | None, stamp: dt.datetime) -> Event:
    event = Event()
    event.add("uid", uid_text)
    event.add("dtstamp", stamp)
    event.add("sequence", int((stamp - SEQUENCE_EPOCH).total_seconds() // 60))
    event.add("summary", occ.title)
    event.add("dtstart", _when(occ.date, occ.start, zone))
    event.add("dtend", _when(occ.date, occ.end, zone))
    if occ.location:
        event.add("location", occ.location)
    event.add("description", occ.description)
    event.add("class", "PRIVATE")
    event.add("transp", "OPAQUE")
    return event


def series_events(
    data: ReportData,
    ident: str,
    occurrences: list[Occurrence],
    zone: ZoneInfo | None,
    stamp: dt.datetime,
) -> list[Event]:
    """One recurring event for ``occurrences`` of one series (plus its overrides), or single
    events when they do not recur."""
    occs = sorted(occurrences, key=lambda o: (o.date, o.start))
    weekday, start, end, title, location, description = Counter(
        o.pattern() for o in occs
    ).most_common(1)[0][0]
    first_week = data.week_of(occs[0].date)
    offsets = [data.week_of(o.date) - first_week for o in occs]
    interval = math.gcd(*offsets) or 1
    slots: dict[int, Occurrence] = {}
    extra: list[Occurrence] = []
    for o, off in zip(occs, offsets, strict=True):
        if off % interval == 0 and off // interval not in slots:
            slots[off // interval] = o
        else:
            extra.append(o)
    count = max(slots) + 1

    def instance(k: int) -> dt.date:
        return data.week_dates(first_week + k * interval)[weekday]

    template = Occurrence(instance(0), start, end, title, location, description)
    main = _event(ident, template, zone, stamp)
    out = [main]
    if count > 1:
        main.add("rrule", {"freq": "weekly", "interval": interval, "count": count})
    for k in range(count):
        day = instance(k)
        if k not in slots:
            main.add("exdate", _when(day, start, zone))
        elif slots[k] != Occurrence(day, start, end, title, location, description):
            override = _event(ident, slots[k], zone, stamp)  # moved, or other residents
            override.add("recurrence-id", _when(day, start, zone))
            out.append(override)
    for n, other in enumerate(extra, start=2):  # a second one in the same week: its own event
        out.append(_event(ident.replace("@", f"-{n}@", 1), other, zone, stamp))
    return out


def _session_description(data: ReportData, kind: str, room: str, residents: tuple[str, ...]) -> str:
    lines = [f"{kind} in {data.room_label(room)}."]
    if residents:
        lines.append("Residents: " + ", ".join(data.residents_shown(residents)))
    return "\n".join([*lines, "", CONFIDENTIAL])


def staff_calendar(
    data: ReportData, staff_id: str, now: dt.datetime | None = None, neutral: bool = True
) -> Calendar:
    """The sessions ``staff_id`` leads and their on-call shifts, as recurring events."""
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    zone = zone_for(data)
    name = data.scenario.name
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{data.staff_label(staff_id)}: work timetable")
    cal.add("x-wr-caldesc", CONFIDENTIAL)
    if zone is not None:
        cal.add("x-wr-timezone", zone.key)
    series: dict[tuple[str, ...], list[Occurrence]] = {}
    for b in data.bookings:
        if staff_id in b.facilitators:
            kind = data.session_kind(b.program) if neutral else data.program_label(b.program)
            occ = Occurrence(
                b.date,
                b.start,
                b.end,
                session_title(data, b.program, b.room, neutral),
                data.room_label(b.room),
                _session_description(data, kind, b.room, b.residents),
            )
            series.setdefault(("session", b.session), []).append(occ)
    for s in data.on_call:
        if s.staff == staff_id:
            hours = (str(s.date.weekday()), str(s.start), str(s.end))
            text = "On call: be reachable for residents who need support.\n\n" + CONFIDENTIAL
            shift = Occurrence(s.date, s.start, s.end, "On call", "", text)
            series.setdefault(("on-call", s.program, staff_id, *hours), []).append(shift)
    for key, occs in series.items():
        for event in series_events(data, uid(name, *key), occs, zone, stamp):
            cal.add_component(event)
    _add_timezones(cal, data)
    return cal


def _add_timezones(cal: Calendar, data: ReportData) -> None:
    add = getattr(cal, "add_missing_timezones", None)  # icalendar >= 6.1
    if add is None:
        return
    first = data.start - dt.timedelta(days=366)
    add(first_date=first, last_date=data.scenario.calendar.end + dt.timedelta(days=366))


def staff_ics(
    data: ReportData, staff_id: str, now: dt.datetime | None = None, neutral: bool = True
) -> bytes:
    return staff_calendar(data, staff_id, now, neutral).to_ical()
