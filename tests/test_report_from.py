"""``report SCENARIO --from edited/timetable.csv`` (issue 15): a timetable edited by hand is
checked and every output is rebuilt from it, into a new run folder; a timetable that breaks a
rule gets its violations in words and exit code 4, and nothing is written without --force.
``validate`` uses the same exit code. The timetables here are written by hand, so nothing
depends on how far a search gets."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import openpyxl
import pytest

from optimizer.cli import main as cli
from optimizer.reports.output import safe_name

SCENARIO = """\
name: Tiny House
calendar:
  start: "2026-12-07"
  weeks: 1
  open: "Mon-Fri 9am-5pm"
rooms:
  - {id: group-room, capacity: 8, features: [group]}
  - {id: office, capacity: 2, features: [private]}
staff:
  - {id: rivera, name: Dr. Ana Rivera, roles: [clinician], available: "Mon,Wed 9-5, Fri 9-12"}
  - {id: bell, name: Marcus Bell, roles: [peer]}
residents:
  - {id: R01, name: Jordan P.}
  - {id: R02, name: Alex M.}
programs:
  - {id: group-therapy, frequency: twice a week, duration: 1 hour, facilitator: clinician,
     attendees: all, room: group}
  - {id: peer-counseling, frequency: weekly, duration: 45 minutes, facilitator: peer,
     attendees: each, room: private}
  - {id: crisis, frequency: as needed, duration: 4 hours, facilitator: peer}
"""

HEADER = "date,day,start,end,program,session,room,facilitators,residents\n"
# A timetable that keeps every rule (the solver's own, from a solve run to its optimum).
ROWS = [
    "2026-12-07,Mon,09:15,10:00,peer-counseling,peer-counseling/R01/1,office,bell,R01",
    "2026-12-07,Mon,11:00,12:00,group-therapy,group-therapy/A/2,group-room,rivera,R01;R02",
    "2026-12-07,Mon,12:00,12:45,peer-counseling,peer-counseling/R02/1,office,bell,R02",
    "2026-12-09,Wed,09:00,10:00,group-therapy,group-therapy/A/1,group-room,rivera,R01;R02",
]
ON_CALL = (
    "date,start,end,program,staff\n"
    "2026-12-07,13:00,17:00,crisis,bell\n"
    "2026-12-08,09:00,17:00,crisis,bell\n"
)
EXIT_BROKEN = 4


def write_run(folder: Path, rows: list[str], on_call: str | None = ON_CALL) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "timetable.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    if on_call is not None:
        (folder / "on_call.csv").write_text(on_call, encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # the default run folder is reports/ in the current folder
    path = tmp_path / "home.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def report(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = cli.main(["report", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "Internal error" not in out + err
    return code, out, err


def the_run(tmp_path: Path) -> Path:
    (run,) = [p for p in (tmp_path / "reports" / "home").iterdir() if p.name != "latest"]
    return run


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_output_is_rebuilt_from_the_edit(tmp_path: Path, home: Path, capsys) -> None:
    # the manager moves Wednesday's group therapy to Friday morning, and hands Monday's
    # on-call block to no one else (a gap is a goal, not a rule)
    rows = [*ROWS[:3], ROWS[3].replace("2026-12-09,Wed,09:00,10:00", "2026-12-11,Fri,10:00,11:00")]
    edited = write_run(tmp_path / "edited", rows)
    before = snapshot(edited.parent)
    code, out, err = report(capsys, home, "--from", edited)
    assert code == 0, out + err
    assert f"rebuilt from {edited}" in out
    assert snapshot(edited.parent) == before  # the edited folder is never touched
    run = the_run(tmp_path)
    assert (tmp_path / "reports" / "home" / "latest").resolve() == run.resolve()

    # the CSVs are the edited ones
    assert csv_rows(run / "timetable.csv") == csv_rows(edited)
    assert csv_rows(run / "on_call.csv") == csv_rows(edited.parent / "on_call.csv")
    assert csv_rows(run / "unmet.csv") == []
    sessions = csv_rows(edited)
    shifts = csv_rows(edited.parent / "on_call.csv")

    # the workbook: one row per session, at the edited times
    sheet = openpyxl.load_workbook(run / "timetable.xlsx")["Timetable"]
    table = list(sheet.iter_rows(values_only=True))
    header, body = table[0], table[1:]
    date, start = header.index("Date"), header.index("Start")
    got = sorted((str(r[date])[:10], r[start].strftime("%H:%M")) for r in body)
    assert len(body) == len(sessions)
    assert got == sorted((s["date"], s["start"]) for s in sessions)

    # each staff member's calendar: their sessions and on-call shifts, at the edited times
    for staff in ("rivera", "bell"):
        ics = (run / "calendars" / f"{safe_name(staff)}.ics").read_text(encoding="utf-8")
        led = [s for s in sessions if staff in s["facilitators"].split(";")]
        on_call = [s for s in shifts if s["staff"] == staff]
        assert ics.count("BEGIN:VEVENT") == len(led) + len(on_call)
        starts = set(re.findall(r"DTSTART[^:]*:(\d{8}T\d{4})", ics))
        expected = {f"{s['date'].replace('-', '')}T{s['start'].replace(':', '')}" for s in led}
        assert expected <= starts
    assert "20261211T1000" in (run / "calendars" / "rivera.ics").read_text(encoding="utf-8")

    # the page: every session, and each staff member's PDF, a page per week
    page = (run / "index.html").read_text(encoding="utf-8")
    assert set(re.findall(r'data-session="([^"]+)"', page)) == {s["session"] for s in sessions}
    for staff in ("rivera", "bell"):
        raw = (run / "staff" / f"{staff}.pdf").read_bytes()
        assert raw.startswith(b"%PDF-") and len(re.findall(rb"/Type\s*/Page\b", raw)) == 1
    assert list((run / "charts").glob("*.png")) and list((run / "utilization").glob("*.csv"))

    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    assert summary["edited_from"]["timetable"] == str(edited)
    assert summary["sessions_placed"] == len(sessions) and summary["violations"] == []
    assert summary["score"]["on_call_gap"]["count"] > 0  # recounted from the edit


def test_a_rule_broken_is_listed_and_nothing_is_written(tmp_path: Path, home, capsys) -> None:
    # group therapy on Tuesday, when Dr. Rivera does not work, and at the same time as a
    # peer-counseling session of R01
    rows = [*ROWS[:3], ROWS[3].replace("2026-12-09,Wed,09:00,10:00", "2026-12-07,Mon,09:00,10:00")]
    rows[1] = rows[1].replace("2026-12-07,Mon", "2026-12-08,Tue")
    edited = write_run(tmp_path / "edited", rows)
    before = snapshot(edited.parent)
    code, out, err = report(capsys, home, "--from", edited)
    assert code == EXIT_BROKEN
    assert "The edited timetable breaks" in out
    assert "staff rivera leads group-therapy/A/2 but is only available Mon,Wed 9-5" in out
    assert "resident_double_booked" in out and "R01" in out
    assert "Nothing was written" in err and "--force" in err
    assert not (tmp_path / "reports").exists()
    assert snapshot(edited.parent) == before


def test_force_writes_a_timetable_that_breaks_a_rule(tmp_path: Path, home, capsys) -> None:
    rows = [ROWS[0], ROWS[1].replace("2026-12-07,Mon", "2026-12-08,Tue"), *ROWS[2:]]
    edited = write_run(tmp_path / "edited", rows)
    code, out, _ = report(capsys, home, "--from", edited, "--force")
    assert code == EXIT_BROKEN
    assert "RULE VIOLATIONS in the edited timetable (written anyway" in out
    run = the_run(tmp_path)
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    assert summary["violations"] and summary["edited_from"]["written_despite_violations"]
    assert len(csv_rows(run / "timetable.csv")) == len(rows)


def test_a_session_removed_by_hand_is_unmet(tmp_path: Path, home, capsys) -> None:
    edited = write_run(tmp_path / "edited", ROWS[:3], on_call=None)  # no on_call.csv either
    code, out, _ = report(capsys, home, "--from", edited)
    assert code == 3, out  # like a solve that could not place everything
    unmet = csv_rows(the_run(tmp_path) / "unmet.csv")
    assert {(u["program"], u["who"]) for u in unmet} == {
        ("group-therapy", "R01"),
        ("group-therapy", "R02"),
    }
    assert "1 of the 2 session(s)" in unmet[0]["reason"]
    assert csv_rows(the_run(tmp_path) / "on_call.csv") == []


def test_the_edited_folder_cannot_be_the_output(tmp_path: Path, home, capsys) -> None:
    edited = write_run(tmp_path / "edited", ROWS)
    before = snapshot(edited.parent)
    for out_folder in (edited.parent, tmp_path):
        code, _, err = report(capsys, home, "--from", edited, "--out", out_folder, "--force")
        assert code == 2 and "it holds the edited timetable" in err
    assert snapshot(edited.parent) == before


def test_an_unreadable_edit_is_invalid_input(tmp_path: Path, home, capsys) -> None:
    edited = write_run(tmp_path / "edited", [ROWS[0].replace("09:15", "nine")])
    code, _, err = report(capsys, home, "--from", edited)
    assert code == 2 and "timetable.csv:2" in err
    code, _, err = report(capsys, home, "--from", tmp_path / "nowhere.csv")
    assert code == 2 and "is not a timetable.csv file" in err
    assert not (tmp_path / "reports").exists()


def test_validate_exits_4_for_a_broken_rule_and_0_for_a_good_timetable(
    tmp_path: Path, home, capsys
) -> None:
    good = write_run(tmp_path / "good", ROWS)
    assert cli.main(["validate", str(home), str(good)]) == 0
    rows = [ROWS[0], ROWS[1].replace("2026-12-07,Mon", "2026-12-08,Tue"), *ROWS[2:]]
    bad = write_run(tmp_path / "bad", rows)
    capsys.readouterr()
    assert cli.main(["validate", str(home), str(bad)]) == EXIT_BROKEN
    assert "facilitator_available" in capsys.readouterr().out
