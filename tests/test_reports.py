"""Staff-facing reports: the HTML page in a real headless browser, calendars, workbook, PDFs,
utilization numbers worked out by hand, charts, and privacy.

One small scenario is solved once for the module; its residents' names include markup and a
formula, and a staff id holds a path separator, so escaping, formula neutralisation and safe
file names are exercised on every output.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import icalendar
import openpyxl
import pandas as pd
import pytest
import yaml
from matplotlib.figure import Figure

from optimizer.planning.build import build_problem
from optimizer.planning.problem import Problem
from optimizer.reports import charts, ics, pdf, tables, write_reports, xlsx
from optimizer.reports.data import ReportData, build_data
from optimizer.reports.output import RunFolder, safe_name
from optimizer.reports.privacy import initials, neutralize, resident_display
from optimizer.reports.summary import build_summary
from optimizer.scenario import Scenario, load_scenario
from optimizer.scenario.schema import Resident
from optimizer.search.result import Result
from optimizer.timetable import Booking

from .conftest import solve_checked, tiny

SCRIPT_NAME = "<script>alert(1)</script>"
FORMULA_NAME = "=1+2"
ODD_STAFF = "peer/../1"  # an id that is not a file name

REPORT_SCENARIO = tiny(
    name="Report House",
    calendar={
        "start": "2026-12-07",
        "weeks": 2,
        "open": "Mon-Fri 09:00-17:00",
        "timezone": "America/Chicago",
    },
    staff=[
        {
            "id": "rivera",
            "name": "Dr. Ana Rivera",
            "roles": ["clinician"],
            "available": "Mon-Thu 09:00-11:00",
        },
        {"id": ODD_STAFF, "name": "Sam Peer", "roles": ["peer"]},
    ],
    residents=[
        {"id": "R01", "name": "Jordan P."},
        {"id": "R02", "name": SCRIPT_NAME},
        {"id": "R03", "name": FORMULA_NAME},
    ],
    programs=[
        {
            "id": "group-therapy",
            "name": "Group Therapy",
            "frequency": "3 times a week",
            "duration": "1 hour",
            "facilitator": "clinician",
            "attendees": "all",
            "room": "group",
        },
        {
            "id": "peer-counseling",
            "name": "One-on-One Peer Counseling",
            "frequency": "once a week",
            "duration": "45 minutes",
            "facilitator": "peer",
            "attendees": "each",
            "room": "private",
        },
        {
            "id": "crisis",
            "name": "Crisis Peer Counseling",
            "frequency": "as needed",
            "duration": "30 minutes",
            "facilitator": "peer",
        },
    ],
    privacy="names",
)


@dataclass
class Solved:
    scenario: Scenario
    problem: Problem
    result: Result
    data: ReportData
    folder: Path

    @property
    def bookings(self) -> list[Booking]:
        return self.data.bookings


def _solve_and_write(root: Path, scenario_data: dict[str, Any]) -> Solved:
    path = root / "scenario.yaml"
    path.write_text(yaml.safe_dump(scenario_data, sort_keys=False), encoding="utf-8")
    scenario = load_scenario(path)
    result, report = solve_checked(scenario, time_limit=3)  # complete long before optimal
    problem = build_problem(scenario)
    summary = build_summary(problem, result, report, path).to_dict()
    run = RunFolder(root / "run")
    write_reports(run, problem, result, report, summary, strict=True)
    folder = run.publish()
    return Solved(scenario, problem, result, build_data(problem, result, report, summary), folder)


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Solved:
    return _solve_and_write(tmp_path_factory.mktemp("reports"), REPORT_SCENARIO)


def _mine(solved: Solved, staff: str) -> list[Booking]:
    return [b for b in solved.bookings if staff in b.facilitators]


# --- files ------------------------------------------------------------------------------------


def test_every_report_is_written_with_safe_names(solved: Solved) -> None:
    f = solved.folder
    assert (f / "index.html").is_file()
    assert (f / "timetable.xlsx").is_file()
    for name in ("staff", "rooms", "residents", "programs"):
        assert (f / "utilization" / f"{name}.csv").is_file()
    names = {"room-utilization", "staff-hours", "program-hours", "on-call-coverage"}
    assert {p.stem for p in (f / "charts").glob("*.png")} == names
    for staff in solved.scenario.staff:
        assert (f / "staff" / f"{safe_name(staff.id)}.pdf").is_file()
        assert (f / "calendars" / f"{safe_name(staff.id)}.ics").is_file()
    # The odd id became one file name inside staff/, nothing outside the run folder.
    stem = safe_name(ODD_STAFF)
    assert "/" not in stem and stem not in (".", "..")
    assert all(p.resolve().is_relative_to(f.resolve()) for p in f.rglob("*"))


def test_timetable_has_what_the_tests_need(solved: Solved) -> None:
    assert solved.result.complete
    assert len(_mine(solved, "rivera")) == 6  # 3 a week for 2 weeks
    assert solved.data.on_call, "the peer is on call some of the time"


# --- HTML -------------------------------------------------------------------------------------


class _Dom(HTMLParser):
    """Sections (one per grid) and the blocks inside each, from serialised HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts = 0
        self.body_class = ""
        self.sections: list[dict[str, str]] = []
        self.blocks: list[tuple[dict[str, str], dict[str, str]]] = []
        self._section: dict[str, str] | None = None
        self.text: list[str] = []
        self.section_text: dict[int, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script":
            self.scripts += 1
        elif tag == "body":
            self.body_class = a.get("class", "")
        elif tag == "section" and "data-view" in a:
            self._section = a
            self.sections.append(a)
        elif tag == "div" and "data-kind" in a and self._section is not None:
            self.blocks.append((self._section, a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._section = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._section is not None:
            self.section_text.setdefault(len(self.sections) - 1, []).append(data)


def _parse(text: str) -> _Dom:
    dom = _Dom()
    dom.feed(text)
    return dom


def _grid_blocks(dom: _Dom, view: str, entity: str, kind: str) -> set[tuple[str, str, str]]:
    return {
        (b["data-date"], b["data-start"], b["data-session"])
        for s, b in dom.blocks
        if s["data-view"] == view and s["data-entity"] == entity and b["data-kind"] == kind
    }


def _expected_sessions(bookings: list[Booking]) -> set[tuple[str, str, str]]:
    return {
        (b.date.isoformat(), f"{b.start // 60:02d}:{b.start % 60:02d}", b.session) for b in bookings
    }


def test_html_is_self_contained_and_escaped(solved: Solved) -> None:
    page = (solved.folder / "index.html").read_text(encoding="utf-8")
    assert page.count("<script") == 1  # ours; the resident's name is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"(src|href)=\"https?:", page), "the page must not load anything"
    assert page.count("data:image/png;base64,") == 4
    assert f"{len(solved.bookings)} of {len(solved.bookings)}" in page  # sessions placed KPI
    dom = _parse(page)
    weeks = {s["data-week"] for s in dom.sections if s["data-entity"] == "rivera"}
    assert weeks == {"1", "2"}
    assert _grid_blocks(dom, "staff", "rivera", "session") == _expected_sessions(
        _mine(solved, "rivera")
    )
    # Residents by id in the resident view, by name (the privacy setting) elsewhere.
    assert SCRIPT_NAME in "".join(dom.text)
    assert {s["data-entity"] for s in dom.sections if s["data-view"] == "resident"} == {
        "R01",
        "R02",
        "R03",
    }


def _chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    binary = shutil.which("chromium")
    assert binary is not None
    return subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp / 'chromium-profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.mark.browser
def test_page_in_headless_chromium(solved: Solved, tmp_path: Path) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("no `chromium` binary (Debian: apt-get install chromium); .ci/run has it")
    url = (solved.folder / "index.html").resolve().as_uri()
    dom = _parse(_chromium("--dump-dom", url, tmp=tmp_path).stdout)
    assert "js" in dom.body_class.split(), "the page script did not run"
    assert dom.scripts == 1, "a name was injected as a script element"
    assert SCRIPT_NAME in "".join(dom.text)  # shown as text
    # Every session the clinician leads, and every on-call shift of the peer, is on the grid.
    assert _grid_blocks(dom, "staff", "rivera", "session") == _expected_sessions(
        _mine(solved, "rivera")
    )
    shifts = {
        (s.date.isoformat(), f"{s.start // 60:02d}:{s.start % 60:02d}")
        for s in solved.data.on_call
        if s.staff == ODD_STAFF
    }
    shown = {d[:2] for d in _grid_blocks(dom, "staff", ODD_STAFF, "on_call")}
    assert shown == shifts and shifts
    # The script shows exactly one grid: the first staff member's first week.
    visible = [s for s in dom.sections if "on" in s.get("class", "").split()]
    assert [(s["data-entity"], s["data-week"]) for s in visible] == [("rivera", "1")]

    shot = tmp_path / "page.png"
    _chromium(
        f"--screenshot={shot}", "--window-size=1400,1000", "--hide-scrollbars", url, tmp=tmp_path
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one

    # Printed: the chosen staff member's weeks, one page each (the summary only on request).
    printed = tmp_path / "print.pdf"
    _chromium(f"--print-to-pdf={printed}", "--no-pdf-header-footer", url, tmp=tmp_path)
    assert _pages(printed.read_bytes()) == solved.scenario.calendar.weeks


MEASURE = """<script>
(function () {
  var w = window.innerWidth, out = {width: w, scroll: document.documentElement.scrollWidth,
    items: []};
  var shown = document.querySelectorAll('section.tt.on [data-kind]');
  for (var i = 0; i < shown.length; i++) {
    var r = shown[i].getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;  // the layout for the other width
    out.items.push({session: shown[i].getAttribute('data-session'),
      date: shown[i].getAttribute('data-date'), start: shown[i].getAttribute('data-start'),
      kind: shown[i].getAttribute('data-kind'), left: r.left, right: r.right,
      width: r.width, height: r.height, fits: shown[i].scrollWidth <= shown[i].clientWidth + 1});
  }
  window.parent.postMessage(JSON.stringify(out), '*');
})();
</script>"""
# Headless Chromium windows are at least 500 px wide: the page is measured in a frame of the
# width under test, which reports to the frame's parent.
HARNESS = """<!DOCTYPE html><html><body style="margin:0">
<script>window.addEventListener('message', function (e) {
  document.body.setAttribute('data-measure', e.data); });</script>
<iframe src="{src}" style="border:0;width:{width}px;height:900px"></iframe></body></html>"""


class _Measure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.value: dict[str, Any] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            import json

            self.value = json.loads(dict(attrs).get("data-measure") or "{}")


def measure_page(page: Path, tmp: Path, width: int, hash_: str) -> dict[str, Any]:
    """Open ``page`` at ``width`` CSS pixels in headless Chromium showing ``hash_`` and
    return what a person would see: the page's scroll width, and each block or agenda item
    shown, with its box."""
    probe = tmp / f"probe-{width}.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8"
    )
    harness = tmp / f"harness-{width}.html"
    src = probe.resolve().as_uri() + hash_
    harness.write_text(HARNESS.replace("{src}", src).replace("{width}", str(width)))
    dom = _chromium(
        "--dump-dom",
        "--virtual-time-budget=3000",
        f"--window-size={max(width, 500)},900",
        harness.resolve().as_uri(),
        tmp=tmp,
    ).stdout
    parser = _Measure()
    parser.feed(dom)
    return parser.value


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_every_session_is_readable_on_a_phone_and_a_desktop(
    solved: Solved, tmp_path: Path, width: int
) -> None:
    if shutil.which("chromium") is None:
        pytest.skip("no `chromium` binary (Debian: apt-get install chromium); .ci/run has it")
    for week in (1, 2) if width < 700 else (1,):
        got = measure_page(solved.folder / "index.html", tmp_path, width, f"#staff-0/{week}")
        assert got["width"] == width
        assert got["scroll"] <= width, "the page scrolls sideways"
        sessions = [i for i in got["items"] if i["kind"] == "session"]
        expected = _expected_sessions(
            [b for b in _mine(solved, "rivera") if solved.data.week_of(b.date) == week - 1]
        )
        assert {(i["date"], i["start"], i["session"]) for i in sessions} == expected
        for item in got["items"]:
            assert item["left"] >= 0 and item["right"] <= width, item
            assert item["width"] >= (300 if width < 700 else 100), item  # readable
            assert item["height"] >= 18, item


# --- calendars --------------------------------------------------------------------------------


def _events(path: Path) -> list[icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return list(cal.walk("VEVENT"))


def expand(events: list[icalendar.Event]) -> list[tuple[dt.datetime, dt.datetime, str, str]]:
    """Every dated instance a calendar app would show: RRULEs expanded (python-dateutil),
    EXDATEs removed, RECURRENCE-ID overrides in place of the instances they replace."""
    from dateutil.rrule import rruleset, rrulestr

    overrides = {
        (str(e["uid"]), e.decoded("recurrence-id")): e for e in events if "recurrence-id" in e
    }
    out = []
    for e in events:
        if "recurrence-id" in e:
            continue
        start, end = e.decoded("dtstart"), e.decoded("dtend")
        starts = [start]
        if "rrule" in e:
            rules = rruleset()
            rules.rrule(rrulestr(e["rrule"].to_ical().decode(), dtstart=start))
            exdates = e.get("exdate", [])
            for ex in exdates if isinstance(exdates, list) else [exdates]:
                for when in ex.dts:
                    rules.exdate(when.dt)
            starts = list(rules)
        for when in starts:
            shown = overrides.get((str(e["uid"]), when))
            if shown is None:
                shown, s, t = e, when, when + (end - start)
            else:
                s, t = shown.decoded("dtstart"), shown.decoded("dtend")
            out.append((s, t, str(shown["summary"]), str(shown.get("description", ""))))
    return out


def test_calendars_match_the_timetable_one_to_one(solved: Solved) -> None:
    zone = "America/Chicago"
    for staff in solved.scenario.staff:
        events = _events(solved.folder / "calendars" / f"{safe_name(staff.id)}.ics")
        got = sorted(
            (s.replace(tzinfo=None), t.replace(tzinfo=None), title)
            for s, t, title, _ in expand(events)
        )
        expected = [
            (
                _at(b.date, b.start),
                _at(b.date, b.end),
                ("One-on-one session, " if b.program == "peer-counseling" else "Group session, ")
                + solved.data.room_label(b.room),
            )
            for b in _mine(solved, staff.id)
        ] + [
            (_at(s.date, s.start), _at(s.date, s.end), "On call")
            for s in solved.data.on_call
            if s.staff == staff.id
        ]
        assert got == sorted(expected)
        assert all(e.decoded("dtstart").tzinfo.key == zone for e in events)
        masters = [e for e in events if "recurrence-id" not in e]
        assert len({str(e["uid"]) for e in masters}) == len(masters)


def test_a_weekly_session_is_one_recurring_event(solved: Solved) -> None:
    events = _events(solved.folder / "calendars" / "rivera.ics")
    masters = [e for e in events if "recurrence-id" not in e]
    # Three weekly group sessions over two weeks: three events, each recurring twice.
    assert len(masters) == len({b.session for b in _mine(solved, "rivera")}) == 3
    for e in masters:
        rule = e["rrule"]
        assert rule["FREQ"] == ["WEEKLY"] and rule["COUNT"] == [2]
    assert len(expand(events)) == len(_mine(solved, "rivera")) == 6


def test_calendar_exceptions_and_moves(solved: Solved) -> None:
    from dataclasses import replace

    from optimizer.timetable import Timetable

    # By hand: a weekly session in weeks 1, 2 and 4 of four, moved in week 2 (not in week 3).
    base = dt.date(2026, 12, 7)
    make = lambda day, start: Booking(  # noqa: E731
        date=base + dt.timedelta(days=day),
        start=start,
        end=start + 60,
        program="group-therapy",
        session="group-therapy/A/1",
        room="group-room",
        facilitators=("rivera",),
        residents=("R01",),
    )
    bookings = [make(0, 600), make(8, 660), make(21, 600)]
    scenario = solved.scenario.model_copy(
        update={"calendar": solved.scenario.calendar.model_copy(update={"weeks": 4})}
    )
    problem = replace(solved.problem, scenario=scenario)
    data = ReportData(problem=problem, timetable=Timetable(bookings=bookings), summary={})
    events = list(icalendar.Calendar.from_ical(ics.staff_ics(data, "rivera")).walk("VEVENT"))
    masters = [e for e in events if "recurrence-id" not in e]
    assert len(masters) == 1 and masters[0]["rrule"]["COUNT"] == [4]
    assert len(events) == 2  # the master and the moved week
    got = sorted((s.replace(tzinfo=None), t.replace(tzinfo=None)) for s, t, *_ in expand(events))
    assert got == sorted((_at(b.date, b.start), _at(b.date, b.end)) for b in bookings)


def _at(day: dt.date, minute: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)


def test_calendars_never_name_programs_and_describe_what_staff_need(solved: Solved) -> None:
    for path in (solved.folder / "calendars").glob("*.ics"):
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        text = cal.to_ical().decode()
        for word in ("Therapy", "Counseling", "Crisis"):
            assert word not in text, (path.name, word)
        assert "BEGIN:VTIMEZONE" in text and "TZID:America/Chicago" in text
        assert "Confidential" in str(cal["x-wr-caldesc"])
        for e in cal.walk("VEVENT"):
            assert "Confidential" in str(e["description"])
            assert "Jordan" not in str(e["summary"]) and "Jordan" not in str(e.get("location"))
    # Residents in the description exactly as the staff sheets show them.
    by_start = {
        _at(b.date, b.start): ", ".join(solved.data.residents_shown(b.residents))
        for b in _mine(solved, "rivera")
    }
    for s, _, _, description in expand(_events(solved.folder / "calendars" / "rivera.ics")):
        assert f"Residents: {by_start[s.replace(tzinfo=None)]}" in description
        assert description.startswith("Group session in ")


def test_calendar_uids_are_stable_across_writes(solved: Solved) -> None:
    first = ics.staff_ics(solved.data, "rivera", dt.datetime(2026, 11, 1, tzinfo=dt.UTC))
    later = ics.staff_ics(solved.data, "rivera", dt.datetime(2026, 11, 20, tzinfo=dt.UTC))

    def uids(raw: bytes) -> list[str]:
        return [str(e["uid"]) for e in icalendar.Calendar.from_ical(raw).walk("VEVENT")]

    def sequence(raw: bytes) -> int:
        return int(icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]["sequence"])

    assert uids(first) == uids(later) and len(set(uids(first))) == 3
    assert all(u.endswith("@recovery-home-optimizer") for u in uids(first))
    assert sequence(later) > sequence(first)  # so a re-import updates the events


# --- workbook ---------------------------------------------------------------------------------


def test_workbook_matches_the_timetable(solved: Solved) -> None:
    path = solved.folder / "timetable.xlsx"
    sheets = pd.read_excel(path, sheet_name=None)
    timetable = sheets["Timetable"]
    got = sorted(
        zip(
            [d.date() for d in timetable["Date"]],
            timetable["Start"],
            timetable["End"],
            timetable["Program"],
            timetable["Room"],
            strict=True,
        )
    )
    expected = sorted(
        (
            b.date,
            dt.time(b.start // 60, b.start % 60),
            dt.time(b.end // 60, b.end % 60),
            solved.data.program_label(b.program),
            solved.data.room_label(b.room),
        )
        for b in solved.bookings
    )
    assert got == expected
    rivera = sheets["Staff - Dr. Ana Rivera"]
    assert len(rivera) == len(_mine(solved, "rivera"))
    peer = sheets["Staff - Sam Peer"]
    shifts = [s for s in solved.data.on_call if s.staff == ODD_STAFF]
    assert len(peer) == len(_mine(solved, ODD_STAFF)) + len(shifts)
    assert (peer["Program"] == "On call: Crisis Peer Counseling").sum() == len(shifts) > 0
    assert {"Room - group-room", "Room - office"} <= set(sheets)
    for name in sheets:
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")


def test_workbook_is_one_people_can_work_in(solved: Solved) -> None:
    book = openpyxl.load_workbook(solved.folder / "timetable.xlsx")
    assert book.sheetnames[0] == "About"
    ws = book["Timetable"]
    assert isinstance(ws["A2"].value, dt.datetime) and ws["A2"].is_date
    assert isinstance(ws["D2"].value, dt.time) and ws["D2"].number_format == "hh:mm"
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert "Confidential" in sheet.oddFooter.left.text or "posting" in sheet.oddFooter.left.text
    for name in ("Timetable", "On call", "Staff - Dr. Ana Rivera"):
        assert book[name].freeze_panes == "A2" and book[name].auto_filter.ref
        assert book[name].print_title_rows == "$1:$1"
    # A week grid per staff member and room: day columns, a time per row, sessions in place.
    grid = book["Week - Dr. Ana Rivera"]
    assert {"Week - group-room", "Week - office", "Week - Sam Peer"} <= set(book.sheetnames)
    times = {c.value: c.row for c in grid["A"] if isinstance(c.value, dt.time)}
    days = {c.value.date(): c.column for c in grid[2] if isinstance(c.value, dt.datetime)}
    for b in _mine(solved, "rivera"):
        if solved.data.week_of(b.date) == 0:
            cell = grid.cell(row=times[dt.time(b.start // 60, b.start % 60)], column=days[b.date])
            assert str(cell.value).startswith(f"{b.start // 60:02d}:{b.start % 60:02d}")
            assert "Group Therapy" in str(cell.value)
    assert grid.merged_cells.ranges  # a one-hour session spans its four 15-minute rows
    assert grid.page_setup.fitToHeight == solved.scenario.calendar.weeks  # a week a page
    assert len(grid.row_breaks.brk) == solved.scenario.calendar.weeks - 1


def test_workbook_neutralises_formulas(solved: Solved) -> None:
    book = openpyxl.load_workbook(solved.folder / "timetable.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = [str(c.value) for c in cells if isinstance(c.value, str)]
    residents = [t for t in texts if FORMULA_NAME in t]
    assert residents and not [t for t in texts if t.startswith(("=", "+", "-", "@"))]
    assert any(t == "'" + FORMULA_NAME for t in texts)  # a one-on-one lists only them


def test_sheet_names_are_valid_and_unique() -> None:
    names = xlsx.sheet_names(
        ["Staff - A", "staff - a", "x" * 40, "x" * 40, "a/b:c*d?[e]", "History", "'quoted'"]
    )
    assert names[0] == "Staff - A" and names[1] == "staff - a (2)"
    assert names[2] == "x" * 31 and names[3] == "x" * 27 + " (2)"
    assert names[4] == "a-b-c-d--e-"
    assert names[5] != "History" and names[6] == "quoted"
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 for n in names)


# --- PDFs -------------------------------------------------------------------------------------


def _pages(raw: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", raw))


def test_staff_pdfs_have_a_page_per_week(solved: Solved) -> None:
    for staff in solved.scenario.staff:
        raw = (solved.folder / "staff" / f"{safe_name(staff.id)}.pdf").read_bytes()
        assert raw.startswith(b"%PDF-")
        assert _pages(raw) == solved.scenario.calendar.weeks


def media_boxes(raw: bytes) -> set[tuple[float, float]]:
    """Every page's size in points, as a PDF viewer or printer reads it."""
    return {
        (float(w), float(h))
        for w, h in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", raw)
    }


LETTER, A4 = (792.0, 612.0), (842.0, 595.0)


def _with_sharing(solved: Solved, **update: Any) -> ReportData:
    from dataclasses import replace

    sharing = solved.scenario.sharing.model_copy(update=update)
    scenario = solved.scenario.model_copy(update={"sharing": sharing})
    return build_data(replace(solved.problem, scenario=scenario), solved.result, None, {})


def test_pdfs_are_letter_or_a4(solved: Solved) -> None:
    sizes = {LETTER, A4, LETTER[::-1], A4[::-1]}  # landscape or portrait
    for path in solved.folder.rglob("*.pdf"):
        assert media_boxes(path.read_bytes()) <= sizes, path
    assert media_boxes(pdf.staff_pdf(_with_sharing(solved, paper="a4"), "rivera")) == {A4}
    assert media_boxes(pdf.staff_pdf(_with_sharing(solved, paper="letter"), "rivera")) == {LETTER}
    assert pdf.locale_paper({"LANG": "en_US.UTF-8"}) == "letter"
    assert pdf.locale_paper({"LC_PAPER": "de_DE.UTF-8", "LANG": "en_US.UTF-8"}) == "a4"
    assert pdf.locale_paper({"LANG": "C.UTF-8"}) == "letter"


def test_a_long_program_name_is_never_cut() -> None:
    from optimizer.reports.grid import Block

    block = Block(
        0,
        dt.date(2026, 12, 7),
        600,
        645,
        "session",
        "p",
        "s",
        "One-on-One Peer Counseling",
        ("Counseling Office 1", "J.P."),
    )
    # Too long beside the time: the short name when it fits there, else the full name on
    # lines of its own when the block is tall enough.
    first, details = pdf.block_lines(block, 100, 27, char_pt=3.5, short="Peer 1:1")
    assert first == "10:00–10:45  Peer 1:1" and details == ["Counseling Office 1", "J.P."]
    first, _ = pdf.block_lines(block, 100, 60, char_pt=3.5, short="Peer 1:1")
    assert first == "10:00–10:45  Peer 1:1"
    first, details = pdf.block_lines(block, 70, 60, char_pt=3.5)
    assert first.split("\n") == ["10:00–10:45", "One-on-One Peer", "Counseling"]
    assert "…" not in first


def test_pdf_text_fits_its_block() -> None:
    from optimizer.reports.grid import Block

    block = Block(
        0,
        dt.date(2026, 12, 7),
        600,
        645,
        "session",
        "p",
        "s",
        "Group Therapy",
        ("Group Room", "J.P., A.V., T.M., C.D., S.R., L.G., M.L., D.H., D.K."),
    )
    # 27 pt high: three lines of 8 pt. 100 pt wide: (100 - 5) / 3.5 = 27 characters a line.
    first, details = pdf.block_lines(block, width_pt=100, height_pt=27, char_pt=3.5)
    assert first.startswith("10:00–10:45") and len(details) == 2
    assert details[0] == "Group Room" and details[1].endswith("…")
    assert all(len(line) <= 27 for line in [first, *details])
    assert pdf.block_lines(block, width_pt=100, height_pt=5) == ("", [])


def pdf_pages_text(raw: bytes) -> list[str]:
    """The text of each page of a PDF drawn with core fonts (the words a reader sees; one
    line per text object)."""
    import zlib

    pages = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue
        if b"BT" not in content:
            continue
        lines = []
        for block in re.findall(rb"BT(.*?)ET", content, re.S):
            parts = re.findall(rb"\(((?:\\.|[^\\)])*)\)", block)
            text = b"".join(re.sub(rb"\\(.)", rb"\1", part) for part in parts)
            lines.append(text.decode("cp1252"))
        pages.append("\n".join(lines))
    return pages


def test_resident_handout_shows_only_their_own_sessions(solved: Solved) -> None:
    data = solved.data
    for week in range(data.weeks):
        raw = (solved.folder / "handouts" / f"week-{week + 1}.pdf").read_bytes()
        pages = pdf_pages_text(raw)
        assert len(pages) == len(solved.scenario.residents)  # one page each
        dates = data.week_dates(week)
        for resident, page in zip(solved.scenario.residents, pages, strict=True):
            assert f"Your week: {data.resident_shown(resident.id)}" in page
            assert "Confidential" in page
            mine = {
                (b.date, b.start)
                for b in solved.bookings
                if resident.id in b.residents and dates[0] <= b.date <= dates[-1]
            }
            times = set(re.findall(r"\d\d:\d\d–\d\d:\d\d", page))
            assert len(times) <= len(mine)
            rows = [ln for ln in page.splitlines() if re.fullmatch(r"\d\d:\d\d–\d\d:\d\d", ln)]
            assert len(rows) == len(mine), resident.id
            # The one-on-one line names nobody else.
            others = [data.resident_shown(r.id) for r in solved.scenario.residents if r != resident]
            assert not [
                o for o in others if o in page.replace(data.resident_shown(resident.id), "")
            ]


def test_sign_in_sheets_list_exactly_the_groups_attendees(solved: Solved) -> None:
    data = solved.data
    raw = (solved.folder / "sign-in" / "week-1.pdf").read_bytes()
    pages = pdf_pages_text(raw)
    dates = data.week_dates(0)
    groups = [
        b
        for b in solved.bookings
        if dates[0] <= b.date <= dates[-1] and b.program == "group-therapy"
    ]
    assert len(pages) == len(groups) > 0  # one-on-ones get none
    for b, page in zip(sorted(groups, key=lambda b: (b.date, b.start)), pages, strict=True):
        assert "Sign-in: Group Therapy" in page and "Signature" in page
        assert f"{b.start // 60:02d}:{b.start % 60:02d}" in page
        assert data.room_label(b.room) in page and "Dr. Ana Rivera" in page
        listed = page.splitlines()
        numbered = [listed[i + 1] for i, ln in enumerate(listed[:-1]) if ln.isdigit()]
        assert sorted(numbered) == sorted(data.residents_shown(b.residents))


def test_today_board_is_a_wall_sheet(solved: Solved) -> None:
    from optimizer.reports import today

    page = (solved.folder / "today.html").read_text(encoding="utf-8")
    day = solved.bookings[0].date
    assert f'data-date="{day.isoformat()}"' in page
    assert "Group session" in page and "On call" in page
    pdf_text = "\n".join(pdf_pages_text((solved.folder / "today.pdf").read_bytes()))
    board = today.board_rows(solved.data, day)
    assert len(board) == sum(b.date == day for b in solved.bookings) + sum(
        s.date == day for s in solved.data.on_call
    )
    for text in (page, pdf_text):
        for word in _identities(solved.scenario):
            assert word not in text, word
    assert media_boxes((solved.folder / "today.pdf").read_bytes()) <= {LETTER, A4}


def test_every_shared_file_carries_the_note(solved: Solved) -> None:
    note = ("Confidential", "For posting")
    f = solved.folder
    for path in [f / "index.html", f / "today.html"]:
        assert any(n in path.read_text(encoding="utf-8") for n in note), path
    for path in f.rglob("*.pdf"):
        for page in pdf_pages_text(path.read_bytes()):
            assert any(n in page for n in note), path
    for path in (f / "calendars").glob("*.ics"):
        assert "Confidential" in icalendar.Calendar.from_ical(path.read_bytes())["x-wr-caldesc"]
    book = openpyxl.load_workbook(f / "timetable.xlsx")
    assert "Confidential" in str(book["About"]["A2"].value)
    assert all(any(n in ws.oddFooter.left.text for n in note) for ws in book.worksheets)


# --- utilization, worked out by hand ----------------------------------------------------------


def _data(load: Any, scenario: dict[str, Any]) -> ReportData:
    sc = load(scenario)
    result, report = solve_checked(sc, time_limit=10)
    return build_data(build_problem(sc), result, report, {})


def test_utilization_by_hand(load: Any) -> None:
    # One clinician available Mon-Thu 09:00-11:00 (8 h) leads 3 one-hour sessions: 37.5 %.
    # The group room is open Mon-Fri 09:00-17:00 (40 h): 3 h booked is 7.5 %.
    scenario = tiny(
        staff=[{"id": "rivera", "roles": ["clinician"], "available": "Mon-Thu 09:00-11:00"}]
    )
    data = _data(load, scenario)
    staff = tables.staff_utilization(data).set_index("staff").loc["rivera"]
    assert (staff.booked_hours, staff.available_hours) == (3.0, 8.0)
    assert staff.utilization_percent == pytest.approx(37.5)
    assert staff.sessions == 3
    assert staff.evening_share_percent == 0 and staff.weekend_share_percent == 0
    rooms = tables.room_utilization(data).set_index("room")
    assert rooms.loc["group-room"].tolist() == ["group-room", 3.0, 40.0, 7.5, 3]
    assert rooms.loc["office"].booked_hours == 0 and rooms.loc["office"].sessions == 0
    residents = tables.resident_load(data).set_index("resident")
    assert residents.loc["R01"].sessions_per_week == 3
    assert residents.loc["R01"].longest_day_hours == 1.0
    program = tables.program_summary(data).set_index("program").loc["group-therapy"]
    assert (program.sessions_placed, program.sessions_required) == (3, 3)
    assert (program.hours_placed, program.hours_required) == (3.0, 3.0)
    week = tables.staff_week_hours(data)
    assert week.loc["rivera", 1] == 3.0


def test_required_counts_what_could_not_be_placed(load: Any) -> None:
    # Only two free hours in the week for three one-hour sessions: at least one is unmet.
    scenario = tiny(
        staff=[{"id": "rivera", "roles": ["clinician"], "available": "Mon 09:00-11:00"}]
    )
    data = _data(load, scenario)
    missing = sum(u.missing for u in data.unmet)
    assert missing >= 1
    program = tables.program_summary(data).set_index("program").loc["group-therapy"]
    assert program.sessions_required == 3
    assert program.sessions_placed == 3 - missing
    assert program.percent_placed == pytest.approx(100 * (3 - missing) / 3, abs=0.1)


def test_evening_and_weekend_shares(load: Any) -> None:
    calendar = {"start": "2026-12-07", "weeks": 1, "open": "Sat 17:00-20:00"}
    data = _data(
        load,
        tiny(
            calendar=calendar,
            programs=[dict(REPORT_SCENARIO["programs"][0], frequency="weekly", duration="2 hours")],
            goals={"late_evening_after": "18:00"},  # evening: the late-evening goal's time
        ),
    )
    staff = tables.staff_utilization(data).set_index("staff").loc["rivera"]
    assert staff.weekend_share_percent == 100.0
    assert staff.evening_share_percent == 100.0  # 17:00-19:00 or 18:00-20:00 both end after 18


def test_utilization_csvs_neutralise_formulas(solved: Solved) -> None:
    frame = pd.DataFrame({"name": [FORMULA_NAME, "@x", "-1", "plain"], "n": [1, -2, 3, 4]})
    text = tables.to_csv(frame)
    assert text.splitlines()[1:] == ["'=1+2,1", "'@x,-2", "'-1,3", "plain,4"]


# --- charts -----------------------------------------------------------------------------------


def test_chart_functions_draw_on_the_given_axes(solved: Solved) -> None:
    data = solved.data
    calls = [
        lambda ax: charts.plot_room_utilization(tables.room_heatmap(data), ax=ax),
        lambda ax: charts.plot_staff_hours(
            tables.staff_week_hours(data), tables.staff_limits(data), ax=ax
        ),
        lambda ax: charts.plot_program_hours(tables.program_week_hours(data), ax=ax),
        lambda ax: charts.plot_on_call_coverage(tables.on_call_heatmap(data), ax=ax),
    ]
    fig = Figure(figsize=(12, 12))
    axes = fig.subplots(2, 2).ravel()
    for call, ax in zip(calls, axes, strict=True):
        assert call(ax) is ax
        assert ax.has_data() or ax.images
    # Without an Axes, each makes its own figure.
    ax = charts.plot_program_hours(tables.program_week_hours(data))
    assert ax.get_figure() is not fig


def test_chart_data_by_hand(solved: Solved) -> None:
    data = solved.data
    program = tables.program_week_hours(data)
    assert program.loc[1, "Group Therapy"] == 3.0 and program.loc[2, "Group Therapy"] == 3.0
    coverage = tables.on_call_heatmap(data)
    assert list(coverage.index) == ["Mon", "Tue", "Wed", "Thu", "Fri"]
    assert list(coverage.columns) == list(range(9, 17))
    assert ((coverage >= 0) & (coverage <= 100)).all().all()


def test_a_dollar_sign_is_not_mathtext() -> None:
    ax = charts.plot_program_hours(pd.DataFrame({"$5 $ Lunch": [1.0]}, index=[1]))
    charts.png_bytes(ax)  # would raise on unbalanced mathtext
    assert ax.get_legend().get_texts()[0].get_text() == r"\$5 \$ Lunch"


# --- privacy ----------------------------------------------------------------------------------


def test_initials_and_display_by_privacy_setting() -> None:
    assert initials("Jordan P.") == "J.P."
    assert initials("maría  de la Cruz") == "M.D.L.C."
    assert initials("1234") == ""
    named = Resident(id="R01", name="Jordan P.")
    assert resident_display(named, "initials") == "J.P."
    assert resident_display(named, "ids") == "R01"
    assert resident_display(named, "names") == "Jordan P."
    assert resident_display(Resident(id="R02"), "initials") == "R02"
    assert resident_display(Resident(id="R03", name="1234"), "initials") == "R03"


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_formula_prefixes_are_neutralised(text: str) -> None:
    assert neutralize(text) == "'" + text


def test_plain_text_is_left_alone() -> None:
    assert neutralize("Group Room") == "Group Room"
    assert neutralize("a=b") == "a=b"


# --- wiring -----------------------------------------------------------------------------------


def test_a_report_failure_does_not_lose_the_run(
    solved: Solved, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any) -> list[Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(charts, "render_charts", broken)
    warnings: list[str] = []
    run = RunFolder(tmp_path / "run")
    summary = solved.data.summary
    written = write_reports(run, solved.problem, solved.result, None, summary, warn=warnings.append)
    assert written == [] and len(warnings) == 1 and "boom" in warnings[0]
    with pytest.raises(RuntimeError):
        write_reports(run, solved.problem, solved.result, None, summary, strict=True)
    run.discard()


def test_cli_solve_writes_the_reports(write_scenario: Any, tmp_path: Path) -> None:
    from optimizer.cli.main import main

    out = tmp_path / "out"
    path = write_scenario(tiny())
    code = main(["solve", str(path), "--out", str(out), "--time-limit", "5", "--quiet"])
    assert code == 0
    for name in (
        "index.html",
        "timetable.xlsx",
        "staff/rivera.pdf",
        "calendars/rivera.ics",
        "utilization/staff.csv",
        "charts/staff-hours.png",
    ):
        assert (out / name).is_file(), name


def test_names_outside_western_european_text(tmp_path: Path) -> None:
    scenario = tiny(
        staff=[{"id": "rivera", "name": "Zoë Łukasz", "roles": ["clinician"]}],
        residents=[{"id": "R01", "name": "Nguyễn Văn"}, {"id": "R02", "name": "Ольга К."}],
    )
    solved = _solve_and_write(tmp_path, scenario)
    assert pdf.font_settings(solved.data) is pdf.EMBEDDED_FONTS
    raw = (solved.folder / "staff" / "rivera.pdf").read_bytes()
    assert _pages(raw) == 1
    assert "N.V." in (solved.folder / "index.html").read_text(encoding="utf-8")


def test_an_empty_timetable_still_gets_every_report(tmp_path: Path) -> None:
    # Only an on-call rota: no sessions, no residents. (A program for "all" residents when
    # there are none fails earlier, in build_problem: reported separately.)
    solved = _solve_and_write(
        tmp_path, tiny(residents=[], programs=[REPORT_SCENARIO["programs"][2]])
    )
    assert solved.bookings == []
    assert (solved.folder / "index.html").is_file()
    assert _pages((solved.folder / "staff" / "rivera.pdf").read_bytes()) == 1
    assert pd.read_excel(solved.folder / "timetable.xlsx", sheet_name="Timetable").empty


def test_reasons_show_residents_per_the_privacy_setting(solved: Solved) -> None:
    from dataclasses import replace

    from optimizer.reports.html import redact

    text = "Jordan P. (R01) and =1+2 (R03) are never free together"
    assert redact(solved.data, text) == text  # this scenario shows names
    scenario = solved.scenario.model_copy(update={"privacy": "initials"})
    data = build_data(replace(solved.problem, scenario=scenario), solved.result, None, {})
    assert redact(data, text) == "J.P. (R01) and R03 (R03) are never free together"


def _identities(scenario: Scenario) -> list[str]:
    """Everything that would tell a visitor who is in which treatment: residents' ids, names
    and initials (with their disambiguators), program names and ids."""
    from optimizer.reports.privacy import resident_labels

    out = [x for r in scenario.residents for x in (r.id, r.label)]
    out += list(resident_labels(scenario.residents, "initials").values())
    out += [p.label for p in scenario.programs] + [p.id for p in scenario.programs]
    return [x for x in out if x]


def test_room_timetables_name_no_resident_and_no_treatment(solved: Solved) -> None:
    page = (solved.folder / "index.html").read_text(encoding="utf-8")
    dom = _parse(page)
    rooms = [i for i, s in enumerate(dom.sections) if s["data-view"] == "room"]
    assert rooms
    text = " ".join(" ".join(dom.section_text.get(i, [])) for i in rooms)
    attrs = " ".join(" ".join(b.values()) for s, b in dom.blocks if s["data-view"] == "room")
    assert "Group session" in text and "One-on-one session" in text
    for word in _identities(solved.scenario):
        assert word not in text and word not in attrs, word
    # Even with privacy: names, the room sheets of the workbook are wall sheets too.
    book = pd.read_excel(solved.folder / "timetable.xlsx", sheet_name=None, dtype=str)
    for name, frame in book.items():
        if name.startswith("Room"):
            cells = " ".join(frame.astype(str).to_numpy().ravel()) + " ".join(frame.columns)
            for word in _identities(solved.scenario):
                assert word not in cells, (name, word)


def test_a_program_listed_for_walls_is_named_there(solved: Solved) -> None:
    from dataclasses import replace

    from optimizer.reports.grid import week_grid

    sharing = solved.scenario.sharing.model_copy(
        update={"wall_programs": ["group-therapy"], "wall_residents": "count"}
    )
    scenario = solved.scenario.model_copy(update={"sharing": sharing})
    data = build_data(replace(solved.problem, scenario=scenario), solved.result, None, {})
    grid = week_grid(data, "room", "group-room", "Group Room", 0)
    assert {b.title for b in grid.blocks} == {"Group Therapy"}
    assert all(b.details[1] == "3 residents" for b in grid.blocks)


def test_residents_with_the_same_initials_never_look_alike() -> None:
    from optimizer.reports.privacy import resident_labels

    people = [
        Resident(id="R01", name="Jordan Miles"),
        Resident(id="R02", name="Jamie Moss"),
        Resident(id="R03", name="Taylor B."),
    ]
    assert resident_labels(people, "initials") == {"R01": "Jo.M.", "R02": "Ja.M.", "R03": "T.B."}
    twins = [Resident(id="R01", name="Jo Ma"), Resident(id="R02", name="Jo Ma")]
    assert resident_labels(twins, "initials") == {"R01": "J.M.", "R02": "J.M. #2"}
    assert resident_labels(twins, "names") == {"R01": "Jo Ma", "R02": "Jo Ma #2"}


def test_same_initials_render_differently_on_staff_sheets(solved: Solved) -> None:
    from dataclasses import replace

    from optimizer.reports.grid import week_grid

    renamed = [
        r.model_copy(update={"name": n})
        for r, n in zip(
            solved.scenario.residents, ["Jordan Miles", "Jamie Moss", "J. M."], strict=True
        )
    ]
    scenario = solved.scenario.model_copy(update={"residents": renamed, "privacy": "initials"})
    data = build_data(replace(solved.problem, scenario=scenario), solved.result, None, {})
    assert len(set(data.shown.values())) == 3
    grid = week_grid(data, "staff", "rivera", "Dr. Ana Rivera", 0)
    group = grid.blocks[0].details[1].split(", ")
    assert len(group) == 3 and len(set(group)) == 3
    rows = xlsx.staff_frame(data, "rivera")["Residents"].iloc[0].split(", ")
    assert sorted(rows) == sorted(group)


def test_the_page_speaks_to_a_manager(solved: Solved) -> None:
    from optimizer.reports.html import score_html

    page = (solved.folder / "index.html").read_text(encoding="utf-8")
    assert str(solved.folder.parent) not in page and "scenario.yaml" not in page  # no paths
    text = " ".join(_parse(page).text)
    assert "['" not in text and "[]" not in text  # no Python lists
    assert "Solver count" not in text and " gap" not in text.lower()
    # On-call cover comes before the utilization tables; weekly hours sit beside the limit.
    assert page.index("Crisis on-call coverage") < page.index("<h2>Utilization</h2>")
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", page)
    i = headers.index("Hours in sessions a week (average)")
    assert headers[i : i + 3][-1] == "Weekly limit (hours)"
    score = {
        "on_call_gap": {"weight": 20, "count": 3, "penalty": 60, "worst": ["no one Mon 9-10"]},
        "spread_days": {"weight": 10, "count": 0, "penalty": 0, "worst": []},
    }
    text = score_html({"objective": 60, "score": score})
    assert "missed 3 time(s) × 20 = 60 points" in text
    assert "<li>no one Mon 9-10</li>" in text and "Met in full: spread days." in text


def test_session_ids_read_as_words_in_the_score(solved: Solved) -> None:
    from optimizer.reports.html_summary import plain_ids

    text = "group-therapy/A/2 moved; peer-counseling/R02/1 led by bell; group-therapy/B: 2 days"
    assert plain_ids(solved.data, text) == (
        "Group Therapy (group A, session 2) moved; One-on-One Peer Counseling (R02, session 1) "
        "led by bell; Group Therapy (group B): 2 days"
    )
    assert (
        plain_ids(solved.data, "crisis: no one on call") == "Crisis Peer Counseling: no one on call"
    )
