"""Hostile content in a hand-written scenario: the tool answers with a clear message or a
correct timetable, never a traceback, never a file outside its output folder, never a name
that runs as code in a browser or a spreadsheet. Also: runs never overwrite each other, a
failed run leaves nothing half-written, and summary.json records what produced the run.

Solves run in-process through ``optimizer.cli.main`` (fast) on one-week scenarios.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from optimizer.check import ValidationReport, validate
from optimizer.cli.main import main
from optimizer.reports.output import RunFolder, safe_name, write_atomic
from optimizer.run import pipeline
from optimizer.scenario import load_scenario
from optimizer.scenario.source import MAX_FILE_BYTES, MAX_VALUES
from optimizer.timetable import (
    FORMULA_PREFIXES,
    Booking,
    OnCallShift,
    Timetable,
    Unmet,
    csv_cell,
    from_csv_cell,
    on_call_csv,
    read_on_call_csv,
    read_timetable_csv,
    read_unmet_csv,
    timetable_csv,
    unmet_csv,
)

from .conftest import tiny

TIME_LIMIT = "3"
# Matplotlib's font has no CJK and similar glyphs: the reports show boxes there (reported).
pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")


# --- helpers (also used by test_properties and test_interrupt) --------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """``python -m optimizer ARGS`` in-process: (exit code, stdout, stderr)."""
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_no_crash(code: int, out: str, err: str, allowed: tuple[int, ...] = (0, 2, 3)) -> None:
    """An expected exit code, a message, and no sign of a bug."""
    text = out + err
    assert code in allowed, f"exit {code}\n{text}"
    assert "Traceback" not in text, text
    assert "Internal error" not in text, text
    assert "Could not write the staff reports" not in text, text  # a swallowed bug
    assert text.strip(), "no message at all"


def read_back(folder: Path) -> Timetable:
    """The timetable as written: timetable.csv, on_call.csv and unmet.csv read back."""
    return Timetable(
        read_timetable_csv(folder / "timetable.csv"),
        read_on_call_csv(folder / "on_call.csv"),
        read_unmet_csv(folder / "unmet.csv"),
    )


def assert_valid_run(scenario_file: Path, folder: Path) -> ValidationReport:
    """The run's CSV files, read back, keep every hard rule of the scenario."""
    report = validate(load_scenario(scenario_file), read_back(folder))
    assert report.ok, report.summary()
    return report


def write_yaml(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def tree(root: Path) -> set[str]:
    """Every path under ``root`` (relative), folders included."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def cells_of_csv(path: Path) -> Iterator[str]:
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.reader(fh):
            yield from row


def assert_no_formula_cells(folder: Path) -> None:
    """No CSV cell and no workbook cell that a spreadsheet would run as a formula."""
    for path in folder.rglob("*.csv"):
        bad = [c for c in cells_of_csv(path) if c.startswith(FORMULA_PREFIXES)]
        assert not bad, f"{path.name}: {bad}"
    xlsx = folder / "timetable.xlsx"
    if xlsx.exists():
        book = openpyxl.load_workbook(xlsx)
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        bad = [c.value for c in cells if isinstance(c.value, str) and c.value.startswith("=")]
        assert not bad, bad


def three_programs(**overrides: Any) -> list[dict[str, Any]]:
    """Group therapy, weekly one-on-one peer counseling and a crisis on-call rota."""
    programs = [
        {
            "id": "group-therapy",
            "name": "Group Therapy",
            "frequency": "twice a week",
            "duration": "1 hour",
            "facilitator": "clinician",
            "attendees": "all",
            "room": "group",
        },
        {
            "id": "peer-counseling",
            "name": "Peer Counseling",
            "frequency": "once a week",
            "duration": "45 minutes",
            "facilitator": "peer",
            "attendees": "each",
            "room": "private",
        },
        {
            "id": "crisis",
            "name": "Crisis Counseling",
            "frequency": "as needed",
            "duration": "30 minutes",
            "facilitator": "peer",
        },
    ]
    for i, changes in overrides.items():
        programs[int(i.removeprefix("p"))].update(changes)
    return programs


def hostile(
    staff: list[str],
    residents: list[str],
    rooms: tuple[str, str] = ("group-room", "office"),
    programs: tuple[str, str, str] = ("group-therapy", "peer-counseling", "crisis"),
    names: bool = True,
) -> dict[str, Any]:
    """The tiny scenario with the given ids (the first staff member is the clinician, the
    others peers); with ``names`` each name is its id too, so names are just as hostile."""

    def named(ident: str) -> dict[str, Any]:
        return {"id": ident, "name": ident} if names else {"id": ident}

    return tiny(
        name="Hostile House " + "".join(staff[:1]),
        rooms=[
            {**named(rooms[0]), "capacity": 8, "features": ["group"]},
            {**named(rooms[1]), "capacity": 2, "features": ["private"]},
        ],
        staff=[
            {**named(s), "roles": ["clinician" if i == 0 else "peer"]} for i, s in enumerate(staff)
        ],
        residents=[named(r) for r in residents],
        programs=three_programs(
            p0={"id": programs[0], "name": programs[0]},
            p1={"id": programs[1], "name": programs[1]},
            p2={"id": programs[2], "name": programs[2]},
        ),
        privacy="names",
    )


def ids_of(data: dict[str, Any], section: str) -> set[str]:
    return {item["id"] for item in data[section]}


def assert_ids_round_trip(data: dict[str, Any], tt: Timetable) -> None:
    """Every id read back from the CSV files is one the scenario gave, exactly."""
    assert tt.bookings, "nothing was booked"
    assert {b.program for b in tt.bookings} <= ids_of(data, "programs")
    assert {b.room for b in tt.bookings} <= ids_of(data, "rooms")
    assert {f for b in tt.bookings for f in b.facilitators} <= ids_of(data, "staff")
    assert {r for b in tt.bookings for r in b.residents} == ids_of(data, "residents")
    assert {s.staff for s in tt.on_call} <= ids_of(data, "staff")
    assert {s.program for s in tt.on_call} <= ids_of(data, "programs")


# --- paths ------------------------------------------------------------------------------------

PATH_STAFF = ["../../etc/passwd", "..", "/tmp/evil", "a\\..\\..\\b", ".bashrc", "~/x"]
PATH_RESIDENTS = ["../R01", "/R02", "R03/../../x"]


def test_path_like_ids_write_nothing_outside_the_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    data = hostile(PATH_STAFF, PATH_RESIDENTS, rooms=("../room", "/office"))
    scenario = write_yaml(work / "...yaml", data)  # its stem is "..": the run folder's name
    parent_before = {p.name for p in tmp_path.parent.iterdir()}
    outside_before = tree(tmp_path)
    monkeypatch.chdir(work)

    code, out, err = run_cli(capsys, "solve", scenario.name, "--time-limit", TIME_LIMIT, "--quiet")
    assert_no_crash(code, out, err, allowed=(0,))
    code, out, err = run_cli(
        capsys, "solve", scenario.name, "--out", "out", "--time-limit", TIME_LIMIT, "--quiet"
    )
    assert_no_crash(code, out, err, allowed=(0,))

    assert {p.name for p in tmp_path.parent.iterdir()} == parent_before
    new = tree(tmp_path) - outside_before
    inside = ("work/reports", "work/out")
    assert new and all(p in inside or p.startswith(tuple(i + "/" for i in inside)) for p in new)
    (scenario_folder,) = (work / "reports").iterdir()
    assert scenario_folder.name == safe_name("..") and not scenario_folder.name.startswith(".")
    for folder in (work / "out", scenario_folder / "latest"):
        assert folder.resolve().is_relative_to(work)
        stems = {p.stem for p in (folder / "staff").iterdir()}
        assert stems == {safe_name(s) for s in PATH_STAFF}
        assert len(stems) == len(PATH_STAFF)
        for p in folder.rglob("*"):
            assert not p.is_symlink() and p.resolve().is_relative_to(folder.resolve())
        assert_ids_round_trip(data, read_back(folder))
        assert_valid_run(scenario, folder)
    assert not list(work.rglob(".*partial*")), "a staging folder was left behind"


@pytest.mark.parametrize(
    "text",
    [
        "..",
        ".",
        "../../etc/passwd",
        "/",
        "a/b",
        "a\\b",
        ".hidden",
        "x" * 300,
        "\u202eevil",
        "a\x00b",
    ],
)
def test_safe_name_is_a_plain_file_name(text: str) -> None:
    name = safe_name(text)
    assert name and name not in (".", "..") and not name.startswith(".")
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert all(ch.isalnum() or ch in "._-" for ch in name), name
    assert len(name) <= 80 + 7
    assert safe_name(text) == name  # stable across runs


def test_run_folder_refuses_a_path_outside_itself(tmp_path: Path) -> None:
    run = RunFolder(tmp_path / "run")
    with pytest.raises(ValueError, match="outside the output folder"):
        run.write("../escaped.txt", "x")
    with pytest.raises(ValueError, match="outside the output folder"):
        run.write("/../../escaped.txt", "x")
    run.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --- control characters, length limits ---------------------------------------------------------


@pytest.mark.parametrize(
    ("where", "value", "expected"),
    [
        ("staff-id", "peer\x00one", "control character"),
        ("resident-name", "Jordan\x00P.", "control character"),
        ("resident-id", "R\n01", "control character"),
        ("staff-id", "x" * 65, "at most 64"),
        ("resident-name", "y" * 201, "at most 200"),
        ("program-id", "p" * 65, "at most 64"),
        ("room-name", "r" * 201, "at most 200"),
    ],
)
def test_bad_text_is_a_clear_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str, value: str, expected: str
) -> None:
    data = tiny()
    section, field = where.split("-")
    key = {"staff": "staff", "resident": "residents", "program": "programs", "room": "rooms"}
    data[key[section]][0][field] = value
    scenario = write_yaml(tmp_path / "home.yaml", data)  # YAML writes "\0" as an escape
    for command in ("check", "solve"):
        extra = ["--out", str(tmp_path / "out")] if command == "solve" else []
        code, out, err = run_cli(capsys, command, scenario, *extra)
        assert_no_crash(code, out, err, allowed=(2,))
        assert expected in err and "home.yaml:" in err and "nothing was written" in err
    assert not (tmp_path / "out").exists()


def test_a_raw_nul_byte_in_the_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "home.yaml"
    text = yaml.safe_dump(tiny()).replace("Jordan P.", "Jordan\x00P.")
    scenario.write_bytes(text.encode())
    code, out, err = run_cli(capsys, "solve", scenario, "--out", tmp_path / "out")
    assert_no_crash(code, out, err, allowed=(2,))
    assert "NUL" in err
    assert not (tmp_path / "out").exists()


def test_ids_and_names_at_the_limits_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    staff = ["c" * 64, "p" * 63 + "/"]
    data = hostile(staff, ["r" * 64, "R2"], names=False)
    for section in ("staff", "residents", "rooms", "programs"):
        for item in data[section]:
            item["name"] = "N" * 199 + item["id"][:1]
    scenario = write_yaml(tmp_path / "home.yaml", data)
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", TIME_LIMIT
    )
    assert_no_crash(code, out, err, allowed=(0,))
    assert_ids_round_trip(data, read_back(tmp_path / "out"))
    assert_valid_run(scenario, tmp_path / "out")
    assert all(len(p.name) < 100 for p in (tmp_path / "out").rglob("*"))


# --- Unicode ------------------------------------------------------------------------------------

UNICODE_STAFF = ["O'Brien", "José Ñúñez", "שרה-כהן", "د. ليلى"]
UNICODE_RESIDENTS = ["'Tis", "Zoë", "李小龙", "\u202eR04", "Ａｌｅｘ", "e\u0301mile"]


def test_right_to_left_accents_and_apostrophes_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = hostile(UNICODE_STAFF, UNICODE_RESIDENTS, rooms=("salle-à-manger", "غرفة"))
    scenario = write_yaml(tmp_path / "home.yaml", data)
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", TIME_LIMIT, "--quiet"
    )
    assert_no_crash(code, out, err, allowed=(0,))
    folder = tmp_path / "out"
    tt = read_back(folder)
    assert_ids_round_trip(data, tt)
    assert_valid_run(scenario, folder)
    html = (folder / "index.html").read_text(encoding="utf-8")
    assert "O&#x27;Brien" in html or "O&#39;Brien" in html or "O'Brien" in html
    assert "שרה-כהן" in html and "李小龙" in html
    assert {p.stem for p in (folder / "staff").iterdir()} == {safe_name(s) for s in UNICODE_STAFF}
    # The validate command agrees.
    code, out, err = run_cli(capsys, "validate", scenario, folder / "timetable.csv")
    assert_no_crash(code, out, err, allowed=(0,))


# --- HTML -----------------------------------------------------------------------------------------

SCRIPT = "<script>document.title='PWNED'</script>"
IMG = "<img src=x onerror=\"document.body.setAttribute('data-pwned','1')\">"
ATTR = '" onmouseover="alert(3)'


def _markup_scenario() -> dict[str, Any]:
    data = hostile(
        ["<b>rivera</b>", "peer&copy"],
        ["R01", "R02", "R03"],
        rooms=("</style><script>alert(1)</script>", "office"),
        programs=("<svg onload=alert(2)>", "peer-counseling", "crisis</title>"),
        names=False,
    )
    data["name"] = "</title><script>alert('home')</script>"
    data["residents"][0]["name"] = SCRIPT
    data["residents"][1]["name"] = IMG
    data["residents"][2]["name"] = ATTR
    data["staff"][0]["name"] = "<script>alert(1)</script>"
    data["programs"][0]["name"] = "<iframe src=javascript:alert(4)>"
    return data


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _assert_inert(page: str) -> None:
    parser = _Tags()
    parser.feed(page)
    tags = [t for t, _ in parser.tags]
    assert tags.count("script") <= 1, "a name became a script element"
    assert not {"iframe", "svg", "object", "embed"} & set(tags), tags
    images = [attrs.get("src") or "" for tag, attrs in parser.tags if tag == "img"]
    assert all(src.startswith("data:image/png;base64,") for src in images)  # the charts only
    attributes = [a for _, attrs in parser.tags for a in attrs]
    assert not [a for a in attributes if a.startswith("on") or a == "data-pwned"], attributes
    assert "PWNED" not in parser.title


def test_markup_in_names_and_ids_is_escaped_in_the_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _markup_scenario()
    scenario = write_yaml(tmp_path / "home.yaml", data)
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", TIME_LIMIT, "--quiet"
    )
    assert_no_crash(code, out, err, allowed=(0,))
    folder = tmp_path / "out"
    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in page
    for raw in ("<script>alert", "<script>document", "<img src=x", "<svg onload", "<iframe"):
        assert raw not in page, raw
    assert 'onmouseover="alert' not in page
    _assert_inert(page)
    assert_ids_round_trip(data, read_back(folder))
    assert_valid_run(scenario, folder)


@pytest.mark.browser
def test_markup_in_names_does_not_run_in_a_browser(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    binary = shutil.which("chromium")
    if binary is None:
        pytest.skip("no `chromium` binary (Debian: apt-get install chromium)")
    scenario = write_yaml(tmp_path / "home.yaml", _markup_scenario())
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", TIME_LIMIT, "--quiet"
    )
    assert_no_crash(code, out, err, allowed=(0,))
    url = (tmp_path / "out" / "index.html").resolve().as_uri()
    dom = subprocess.run(
        [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    _assert_inert(dom)  # no data-pwned attribute, the title unchanged
    assert "document.title='PWNED'" in dom  # shown, as text


# --- spreadsheets -------------------------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)"]


def test_formula_ids_and_names_are_neutralised_in_every_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = hostile(
        ['=HYPERLINK("http://x","y")', "+1", "@peer"],
        ["-1", "@SUM(A1)", "=1+2", "'quoted"],
        rooms=("+room", "=office"),
        programs=("=group", "-peer", "@crisis"),
    )
    scenario = write_yaml(tmp_path / "home.yaml", data)
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", TIME_LIMIT, "--quiet"
    )
    assert_no_crash(code, out, err, allowed=(0,))
    folder = tmp_path / "out"
    assert_no_formula_cells(folder)
    raw = (folder / "timetable.csv").read_text(encoding="utf-8")
    assert "'=group" in raw and "'''quoted" not in raw
    assert "'@crisis" in (folder / "on_call.csv").read_text(encoding="utf-8")
    tt = read_back(folder)
    assert_ids_round_trip(data, tt)  # the readers undo the leading '
    assert "'quoted" in {r for b in tt.bookings for r in b.residents}
    assert_valid_run(scenario, folder)
    code, out, err = run_cli(capsys, "validate", scenario, folder / "timetable.csv")
    assert_no_crash(code, out, err, allowed=(0,))


def test_formulas_in_unmet_csv_are_neutralised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = hostile(["=clin", "+peer"], ["-1", "@SUM(A1)"])
    data["programs"].append(
        {
            "id": "=too-long",
            "name": "=too-long",
            "frequency": "once a week",
            "duration": "9 hours",  # the home is open 8 hours a day
            "facilitator": "clinician",
            "attendees": "each",
        }
    )
    scenario = write_yaml(tmp_path / "home.yaml", data)
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", TIME_LIMIT, "--quiet"
    )
    assert_no_crash(code, out, err, allowed=(3,))
    folder = tmp_path / "out"
    assert_no_formula_cells(folder)
    unmet = read_unmet_csv(folder / "unmet.csv")
    assert {u.program for u in unmet} == {"=too-long"}
    assert {u.who for u in unmet} == {"-1", "@SUM(A1)"}
    report = assert_valid_run(scenario, folder)
    assert not report.complete


@pytest.mark.parametrize(
    "text",
    [*FORMULAS, "'", "''x", "'=x", "\t=x", "plain", "", "a;b", "=", "-", "O'Brien"],
)
def test_csv_cells_round_trip(text: str) -> None:
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA_PREFIXES)
    assert from_csv_cell(cell) == text


def test_readers_undo_neutralisation_of_every_column(tmp_path: Path) -> None:
    import datetime as dt

    day = dt.date(2026, 12, 7)
    bookings = [Booking(day, 540, 600, "=p", "=p/A/1", "+r", ("-s", "@t"), ("=1", "'q"))]
    shifts = [OnCallShift(day, 600, 660, "@crisis", "=HYPERLINK(1)")]
    unmet = [Unmet("=p", "=p/B/1", "-who", "2026-12-07..2026-12-13", 1, "=reason")]
    (tmp_path / "timetable.csv").write_text(timetable_csv(bookings), encoding="utf-8")
    (tmp_path / "on_call.csv").write_text(on_call_csv(shifts), encoding="utf-8")
    (tmp_path / "unmet.csv").write_text(unmet_csv(unmet), encoding="utf-8")
    tt = read_back(tmp_path)
    assert (tt.bookings, tt.on_call, tt.unmet) == (bookings, shifts, unmet)
    assert_no_formula_cells(tmp_path)
    header = (tmp_path / "timetable.csv").read_text().splitlines()[0]
    assert header == "date,day,start,end,program,session,room,facilitators,residents"


def test_a_spreadsheet_saved_timetable_reads_back(tmp_path: Path) -> None:
    """A sheet saved from a spreadsheet: a byte-order mark, CRLF lines, extra columns."""
    path = tmp_path / "timetable.csv"
    path.write_bytes(
        "\ufeffdate,day,start,end,program,session,room,facilitators,residents,notes\r\n"
        "2026-12-07,Mon,09:00,10:00,=g,=g/A/1,room,rivera,R01;R02,ok\r\n".encode()
    )
    (booking,) = read_timetable_csv(path)
    assert (booking.program, booking.residents) == ("=g", ("R01", "R02"))


def test_a_malformed_timetable_csv_is_a_clear_reader_error(tmp_path: Path) -> None:
    path = tmp_path / "timetable.csv"
    path.write_text(
        "date,day,start,end,program,session,room,facilitators,residents\n"
        "2026-12-07,Mon,09:00,10:00,g,g/A/1,room,rivera,R01\n"
        "2026-13-01,Mon,nine,10:00,g,g/A/2,room,rivera,R01\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"timetable.csv:3: cannot read this row"):
        read_timetable_csv(path)
    path.write_text("date,start\n2026-12-07,09:00\n", encoding="utf-8")
    with pytest.raises(ValueError, match="missing columns"):
        read_timetable_csv(path)


def test_validate_command_on_a_malformed_csv_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = write_yaml(tmp_path / "home.yaml", tiny())
    bad = tmp_path / "timetable.csv"
    bad.write_text(
        "date,day,start,end,program,session,room,facilitators,residents\n"
        "2026-13-01,Mon,nine,10:00,g,g/A/1,room,rivera,R01\n",
        encoding="utf-8",
    )
    code, out, err = run_cli(capsys, "validate", scenario, bad)
    assert_no_crash(code, out, err, allowed=(2,))
    assert "timetable.csv:2" in err


def test_validate_command_accepts_the_tools_own_incomplete_timetable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tiny()
    data["programs"].append(
        {
            "id": "too-long",
            "frequency": "once a week",
            "duration": "9 hours",
            "facilitator": "clinician",
        }
    )
    scenario = write_yaml(tmp_path / "home.yaml", data)
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", TIME_LIMIT, "--quiet"
    )
    assert_no_crash(code, out, err, allowed=(3,))
    code, out, err = run_cli(capsys, "validate", scenario, tmp_path / "out" / "timetable.csv")
    assert_no_crash(code, out, err, allowed=(0,))


def test_an_id_with_the_list_separator_is_refused_or_round_trips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = hostile(["Smith; J", "peer"], ["R01", "Doe; A"])
    scenario = write_yaml(tmp_path / "home.yaml", data)
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", TIME_LIMIT, "--quiet"
    )
    assert_no_crash(code, out, err, allowed=(0, 2))
    if code == 2:
        assert "';'" in err
    else:
        assert_ids_round_trip(data, read_back(tmp_path / "out"))
        assert_valid_run(scenario, tmp_path / "out")


@pytest.mark.parametrize("section", ["staff", "programs"])
def test_two_with_the_same_name_still_get_every_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], section: str
) -> None:
    data = hostile(["rivera", "peer-1", "peer-2"], ["R01", "R02"], names=False)
    first = 1 if section == "staff" else 0  # two peers; group therapy and peer counseling
    data[section][first]["name"] = data[section][first + 1]["name"] = "Sam"
    scenario = write_yaml(tmp_path / "home.yaml", data)
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", TIME_LIMIT, "--quiet"
    )
    assert_no_crash(code, out, err, allowed=(0,))
    assert (tmp_path / "out" / "index.html").exists()


# --- YAML bombs, huge files ----------------------------------------------------------------------

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (BILLION_LAUGHS, "anchors and aliases"),
        ("name: &n [x, *n]\n", "refers to"),
        ("x: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ],
    ids=["billion-laughs", "self-alias", "deep-nesting"],
)
def test_yaml_bombs_are_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    scenario = tmp_path / "home.yaml"
    scenario.write_text(text, encoding="utf-8")
    for args in (["check"], ["solve", "--out", str(tmp_path / "out")]):
        code, out, err = run_cli(capsys, *args[:1], str(scenario), *args[1:])
        assert_no_crash(code, out, err, allowed=(2,))
        assert expected in err
    assert not (tmp_path / "out").exists()


def test_a_very_large_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = tmp_path / "home.yaml"
    with scenario.open("w", encoding="utf-8") as fh:
        fh.write(yaml.safe_dump(tiny()))
        fh.write(("# " + "x" * 97 + "\n") * (MAX_FILE_BYTES // 100 + 1))
    code, out, err = run_cli(capsys, "solve", scenario, "--out", tmp_path / "out")
    assert_no_crash(code, out, err, allowed=(2,))
    assert f"at most {MAX_FILE_BYTES:,}" in err
    assert not (tmp_path / "out").exists()


def test_a_file_with_too_many_values_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = yaml.safe_dump(tiny(), sort_keys=False)
    start, end = text.index("residents:"), text.index("programs:")
    residents = "".join(f"- {{id: R{i}, tracks: [a]}}\n" for i in range(MAX_VALUES // 6 + 1))
    scenario = tmp_path / "home.yaml"
    scenario.write_text(text[:start] + "residents:\n" + residents + text[end:], encoding="utf-8")
    assert scenario.stat().st_size < MAX_FILE_BYTES
    code, out, err = run_cli(capsys, "check", scenario)
    assert_no_crash(code, out, err, allowed=(2,))
    assert f"more than {MAX_VALUES:,} values" in err


# --- run folders ---------------------------------------------------------------------------------


def test_each_solve_gets_its_own_run_folder_and_latest_moves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = write_yaml(tmp_path / "home.yaml", tiny())
    monkeypatch.chdir(tmp_path)
    folders = []
    for _ in range(2):
        code, out, err = run_cli(
            capsys, "solve", "home.yaml", "--time-limit", TIME_LIMIT, "--quiet"
        )
        assert_no_crash(code, out, err, allowed=(0,))
        runs = {p for p in (tmp_path / "reports" / "home").iterdir() if p.name != "latest"}
        latest = tmp_path / "reports" / "home" / "latest"
        assert latest.is_symlink() and latest.resolve() in runs
        folders.append(latest.resolve())
    first, second = folders
    assert first != second and first.exists() and second.exists()
    assert {p.name for p in (tmp_path / "reports" / "home").iterdir()} == {
        first.name,
        second.name,
        "latest",
    }
    for folder in folders:
        assert (folder / "timetable.csv").exists() and (folder / "summary.json").exists()
        assert_valid_run(scenario, folder)


def test_a_run_folder_taken_meanwhile_is_never_overwritten(tmp_path: Path) -> None:
    """Two solves of one scenario started in the same second pick the same name."""
    final = tmp_path / "reports" / "home" / "2026-12-01_091502"
    first, second = RunFolder(final), RunFolder(final)
    first.write("timetable.csv", "first\n")
    second.write("timetable.csv", "second\n")
    assert first.publish() == final
    published = second.publish()
    assert published == final.with_name(final.name + "-2")
    assert (final / "timetable.csv").read_text() == "first\n"
    assert (published / "timetable.csv").read_text() == "second\n"
    assert not [p for p in final.parent.iterdir() if p.name.startswith(".")]


def test_out_refuses_a_non_empty_folder_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = write_yaml(tmp_path / "home.yaml", tiny())
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "timetable.csv").write_text("handed out last week\n")
    code, out, err = run_cli(capsys, "solve", scenario, "--out", out_dir, "--time-limit", "2")
    assert_no_crash(code, out, err, allowed=(2,))
    assert "not empty" in err and "--force" in err
    assert [p.name for p in out_dir.iterdir()] == ["timetable.csv"]
    assert (out_dir / "timetable.csv").read_text() == "handed out last week\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home.yaml", "out"]


def test_out_with_force_keeps_the_old_contents_beside_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = write_yaml(tmp_path / "home.yaml", tiny())
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "timetable.csv").write_text("handed out last week\n")
    for _ in range(2):  # twice in the same second: two kept folders, none replaced
        code, out, err = run_cli(
            capsys, "solve", scenario, "--out", out_dir, "--force", "--time-limit", "2", "--quiet"
        )
        assert_no_crash(code, out, err, allowed=(0,))
        assert "Kept the previous contents" in out
    kept = sorted(p for p in tmp_path.iterdir() if p.name.startswith("out.previous-"))
    assert len(kept) == 2
    texts = {(k / "timetable.csv").read_text(encoding="utf-8") for k in kept}
    assert "handed out last week\n" in texts and len(texts) == 2
    assert_valid_run(scenario, out_dir)


def test_out_refuses_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_yaml(tmp_path / "home.yaml", tiny())
    monkeypatch.chdir(tmp_path)
    for target in (".", ".."):
        code, out, err = run_cli(capsys, "solve", "home.yaml", "--out", target, "--force")
        assert_no_crash(code, out, err, allowed=(2,))
        assert "current folder" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["home.yaml"]


# --- nothing half-written ------------------------------------------------------------------------


def test_a_failure_while_writing_leaves_no_partial_run_and_the_previous_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_yaml(tmp_path / "home.yaml", tiny())
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "solve", "home.yaml", "--time-limit", TIME_LIMIT, "--quiet")
    assert_no_crash(code, out, err, allowed=(0,))
    home = tmp_path / "reports" / "home"
    previous = (home / "latest").resolve()
    snapshot = {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()}

    real_write = RunFolder.write

    def disk_full_at_unmet(self: RunFolder, name: str, data: str | bytes) -> Path:
        if name == "unmet.csv":  # after timetable.csv and on_call.csv
            raise OSError(28, "No space left on device")
        return real_write(self, name, data)

    monkeypatch.setattr(RunFolder, "write", disk_full_at_unmet)
    code, out, err = run_cli(capsys, "solve", "home.yaml", "--time-limit", TIME_LIMIT, "--quiet")
    assert code == 1 and "Traceback" not in out + err
    assert {p.name for p in home.iterdir()} == {previous.name, "latest"}  # no partial run
    assert (home / "latest").resolve() == previous
    assert {p: p.read_bytes() for p in previous.rglob("*") if p.is_file()} == snapshot


def test_write_atomic_never_leaves_a_half_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "timetable.csv"
    write_atomic(target, "old,complete\n")

    def no_rename(src: Any, dst: Any) -> None:
        raise OSError(5, "I/O error")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(OSError):
        write_atomic(target, "new," * 100_000)
    monkeypatch.undo()
    assert target.read_text() == "old,complete\n"
    assert [p.name for p in tmp_path.iterdir()] == ["timetable.csv"]


def test_ctrl_c_while_writing_keeps_the_timetable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = write_yaml(tmp_path / "home.yaml", tiny())
    real_write = RunFolder.write

    def impatient(self: RunFolder, name: str, data: str | bytes) -> Path:
        if name == "on_call.csv":  # Ctrl-C again while the files are written
            os.kill(os.getpid(), signal.SIGINT)
        return real_write(self, name, data)

    monkeypatch.setattr(RunFolder, "write", impatient)
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", TIME_LIMIT
    )
    assert_no_crash(code, out, err, allowed=(0, 3))
    assert "before a timetable was found" not in err
    assert_valid_run(scenario, tmp_path / "out")


# --- audit ----------------------------------------------------------------------------------------


def test_summary_records_what_produced_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = write_yaml(tmp_path / "home.yaml", tiny())
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", "2", "--seed", "7",
        "--quiet",
    )  # fmt: skip
    assert_no_crash(code, out, err, allowed=(0,))
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario_sha256"] == hashlib.sha256(scenario.read_bytes()).hexdigest()
    assert summary["tool_version"] not in ("", None, "unknown")
    assert summary["solver"]["ortools"] not in ("", None, "unknown")
    params = summary["solver"]["parameters"]
    assert params["random_seed"] == 7 and params["max_time_in_seconds"] == 2.0
    assert params["num_workers"] == 2
    assert summary["interrupted"] is False


def test_the_hash_is_of_the_scenario_that_was_solved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario = write_yaml(tmp_path / "home.yaml", tiny())
    solved = hashlib.sha256(scenario.read_bytes()).hexdigest()
    real_solve = pipeline.solve

    def edit_during_the_solve(*args: Any, **kwargs: Any) -> Any:
        scenario.write_text(scenario.read_text() + "# edited meanwhile\n", encoding="utf-8")
        return real_solve(*args, **kwargs)

    monkeypatch.setattr(pipeline, "solve", edit_during_the_solve)
    code, out, err = run_cli(
        capsys, "solve", scenario, "--out", tmp_path / "out", "--time-limit", "2", "--quiet"
    )
    assert_no_crash(code, out, err, allowed=(0,))
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["scenario_sha256"] == solved
