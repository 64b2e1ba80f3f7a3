"""``calendars/<staff id>.ics``: each staff member's sessions and on-call shifts, for Google
Calendar, Outlook and Apple Calendar.

Titles are neutral ("Group session, Group Room", "One-on-one session, Counseling Office 1",
"On call"): a calendar is often shared or shown on a phone's lock screen, and a program's name
(or a resident's) would disclose treatment. Each occurrence has a UID derived from the scenario
name, the session id and the date, so importing a newer run updates events instead of
duplicating them; ``SEQUENCE`` grows with the time of writing so clients accept the update.
Times carry the scenario's time zone (or this machine's), with a VTIMEZONE when icalendar can
add one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event

from .data import ReportData

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


def _event(
    uid_text: str, title: str, start: dt.datetime, end: dt.datetime, stamp: dt.datetime
) -> Event:
    event = Event()
    event.add("uid", uid_text)
    event.add("dtstamp", stamp)
    event.add("sequence", int((stamp - SEQUENCE_EPOCH).total_seconds() // 60))
    event.add("summary", title)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("class", "PRIVATE")
    event.add("transp", "OPAQUE")
    return event


def staff_calendar(
    data: ReportData, staff_id: str, now: dt.datetime | None = None, neutral: bool = True
) -> Calendar:
    """The sessions ``staff_id`` leads and their on-call shifts, one event each."""
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    zone = zone_for(data)
    name = data.scenario.name
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{data.staff_label(staff_id)}: work timetable")
    if zone is not None:
        cal.add("x-wr-timezone", zone.key)
    seen: set[str] = set()
    for b in data.bookings:
        if staff_id in b.facilitators:
            ident = _unique(uid(name, b.session, b.date.isoformat()), seen)
            event = _event(
                ident,
                session_title(data, b.program, b.room, neutral),
                _when(b.date, b.start, zone),
                _when(b.date, b.end, zone),
                stamp,
            )
            event.add("location", data.room_label(b.room))
            cal.add_component(event)
    for s in data.on_call:
        if s.staff == staff_id:
            ident = _unique(
                uid(name, "on-call", s.program, staff_id, s.date.isoformat(), str(s.start)), seen
            )
            cal.add_component(
                _event(
                    ident,
                    "On call",
                    _when(s.date, s.start, zone),
                    _when(s.date, s.end, zone),
                    stamp,
                )
            )
    _add_timezones(cal, data)
    return cal


def _unique(ident: str, seen: set[str]) -> str:
    """A hand-edited timetable may repeat a session on one date; keep UIDs distinct."""
    base, n = ident, 2
    while ident in seen:
        ident = base.replace("@", f"-{n}@", 1)
        n += 1
    seen.add(ident)
    return ident


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
