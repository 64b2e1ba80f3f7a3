"""A hand-written scenario with a mistake gets a ScenarioError whose issues name the file, the
line of the offending value, the field path and what was expected, in plain words."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from optimizer.scenario import Issue, Scenario, ScenarioError, load_scenario
from optimizer.scenario.source import MAX_FILE_BYTES

BASE = """\
name: Test House
calendar:
  start: "2026-12-07"
  weeks: 1
  open: "Mon-Fri 09:00-17:00"
rooms:
  - id: group-room
    capacity: 8
    features: [group]
  - id: office
    capacity: 2
    features: [private]
staff:
  - id: rivera
    roles: [clinician]
    available: "Mon-Fri 09:00-17:00"
  - id: sam
    roles: [peer]
residents:
  - id: R01
    tracks: [trauma]
  - id: R02
    busy: "Mon 09:00-10:00"
programs:
  - id: group-therapy
    frequency: 3 times a week
    duration: 1 hour
    facilitator: clinician
    attendees: all
    room: group
  - id: peer-counseling
    frequency: weekly
    duration: 45 minutes
    facilitator: peer
    attendees: each
    room: private
"""

# Words from pydantic or Python that mean nothing to a program manager.
JARGON = (
    "Input should",
    "valid integer",
    "valid dictionary",
    "instance of",
    "Value error",
    "Field required",
    "Extra inputs",
    "Traceback",
    "NoneType",
    "datetime.date(",
    "List should",
)


def variant(old: str, new: str, text: str = BASE) -> str:
    """``text`` with the one line(s) ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} is not unique in the scenario"
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line that contains ``needle``."""
    found = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(found) == 1, f"{needle!r} is on lines {found}"
    return found[0]


def write(tmp_path: Path, text: str, name: str = "home.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def issues_of(path: Path) -> list[Issue]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    issues = info.value.issues
    assert issues, "a ScenarioError with no issues"
    for issue in issues:
        assert issue.file == str(path)
        assert not any(word in issue.message for word in JARGON), issue.message
        assert str(path) in str(issue)
    return issues


def only_issue(tmp_path: Path, text: str) -> Issue:
    issues = issues_of(write(tmp_path, text))
    assert len(issues) == 1, "\n".join(str(i) for i in issues)
    return issues[0]


def assert_issue(issue: Issue, line: int | None, path: str, *expected: str) -> None:
    assert (issue.line, issue.path) == (line, path), str(issue)
    for words in expected:
        assert words in issue.message, str(issue)
    if line is not None:
        assert str(issue).startswith(f"{issue.file}:{line}: {path}:" if path else "")


def test_the_base_scenario_is_valid(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, BASE))
    assert isinstance(scenario, Scenario)
    assert [p.id for p in scenario.programs] == ["group-therapy", "peer-counseling"]


# --- one mistake each: (old line, new line, the text on the offending line, path, expected) ---

CASES = [
    # unknown references (the second pass)
    pytest.param(
        "    room: group\n",
        "    room: groupp\n",
        "groupp",
        "programs[0].room",  # written as one feature, not a list
        ("no room has the feature 'groupp'", "did you mean 'group'?", "known room features"),
        id="unknown-room-feature",
    ),
    pytest.param(
        "    facilitator: clinician\n",
        "    facilitator: [clinican]\n",
        "clinican",
        "programs[0].facilitator[0]",
        ("no staff member has the role 'clinican'", "did you mean 'clinician'?", "known roles"),
        id="unknown-role",
    ),
    pytest.param(
        "    facilitator: peer\n",
        "    facilitator: peers\n",
        "peers",
        "programs[1].facilitator",
        ("no staff member has the role 'peers'", "did you mean 'peer'?"),
        id="unknown-role-single",
    ),
    pytest.param(
        "    attendees: all\n",
        "    attendees: [R01, R99]\n",
        "R99",
        "programs[0].attendees[1]",
        ("unknown resident 'R99'", "known resident ids: R01, R02"),
        id="unknown-resident",
    ),
    pytest.param(
        "    attendees: all\n",
        '    attendees: "track:truama"\n',
        "truama",
        "programs[0].attendees",
        ("no resident is on the track 'truama'", "did you mean 'trauma'?"),
        id="unknown-track",
    ),
    pytest.param(
        "    attendees: each\n",
        "    attendees:\n      - R01\n      - R02\n      - R01\n",
        "- R01\n",  # not unique; see the needle handling below
        "programs[1].attendees[2]",
        ("'R01' is listed twice",),
        id="resident-listed-twice",
    ),
    # unreadable phrases
    pytest.param(
        '    available: "Mon-Fri 09:00-17:00"\n',
        '    available: ["Mon-Fri 9.30am-5pm"]\n',
        "9.30am-5pm",
        "staff[0].available[0]",
        ("'9.30am' is not a time of day", "expected e.g. 09:00, 9, 8am, 5:30pm"),
        id="unreadable-time",
    ),
    pytest.param(
        '    available: "Mon-Fri 09:00-17:00"\n',
        '    available: "Mon-Fri 13pm-5pm"\n',
        "13pm-5pm",
        "staff[0].available",  # a single window, written without a list: no [0]
        ("'13pm' is not a time of day", "write 13:00 (24-hour) or e.g. 5pm"),
        id="unreadable-time-single",
    ),
    pytest.param(
        '    available: "Mon-Fri 09:00-17:00"\n',
        '    available: "Mon-Fri 09:00-05:00"\n',
        "09:00-05:00",
        "staff[0].available",
        ('if you meant 09:00-17:00, write "Mon-Fri 09:00-17:00"',),
        id="nine-to-five-in-24-hour-style",
    ),
    pytest.param(
        '    available: "Mon-Fri 09:00-17:00"\n',
        '    available: "Tue 16:00-20:00, Sat 09:00-25:00"\n',
        "Sat 09:00-25:00",
        "staff[0].available",
        ("'Sat 09:00-25:00': '25:00' is not a time of day",),
        id="several-windows-one-wrong",
    ),
    pytest.param(
        '    available: "Mon-Fri 09:00-17:00"\n',
        '    available:\n      - "Tue 16:00-20:00, Sat 09:00-12:00"\n      - "Sun 9-5"\n'
        '      - "Funday 9-5"\n',
        "Funday",
        "staff[0].available[2]",  # the index as written, though item 0 holds two windows
        ("'Funday' is not a day",),
        id="several-windows-then-a-wrong-item",
    ),
    pytest.param(
        '    busy: "Mon 09:00-10:00"\n',
        "    busy:\n      - {when: 'Tue 9-12, Thu 9-12', reason: job}\n"
        "      - {when: Mon 9-10, reason: [job]}\n",
        "reason: [job]",
        "residents[1].busy[1].reason",
        ("expected text", "got a list"),
        id="several-busy-windows-then-a-wrong-reason",
    ),
    pytest.param(
        '    available: "Mon-Fri 09:00-17:00"\n',
        '    available:\n      - "Mon-Fri 09:00-12:00"\n      - "Mon-Fri 17:00-13:00"\n',
        "17:00-13:00",
        "staff[0].available[1]",
        ("ends (13:00) before or when it starts (17:00)", "expected the end after the start"),
        id="window-end-before-start",
    ),
    pytest.param(
        '    busy: "Mon 09:00-10:00"\n',
        '    busy: "Funday 09:00-10:00"\n',
        "Funday",
        "residents[1].busy",  # one block, written without a list: no [0]
        ("'Funday' is not a day", "expected e.g. Mon, Mon-Fri"),
        id="unreadable-day-in-busy-text",
    ),
    pytest.param(
        '    busy: "Mon 09:00-10:00"\n',
        "    busy:\n      - {when: 2026-12-09 14:00, reason: court date}\n",
        "court date",
        "residents[1].busy[0].when",
        ("'14:00' is not a time range (it has no end)", "e.g. 14:00-15:00"),
        id="unreadable-busy-when",
    ),
    pytest.param(
        "    frequency: 3 times a week\n",
        "    frequency: 3 tims a week\n",
        "tims",
        "programs[0].frequency",
        ("'3 tims a week' is not a frequency", 'expected e.g. "3 times a week"'),
        id="unreadable-frequency",
    ),
    pytest.param(
        "    frequency: 3 times a week\n",
        "    frequency: 0 times a week\n",
        "0 times",
        "programs[0].frequency",
        ("expected at least one",),
        id="zero-frequency",
    ),
    pytest.param(
        "    frequency: 3 times a week\n",
        "    frequency: 3\n",
        "frequency: 3",
        "programs[0].frequency",
        ('"3 times a week"',),
        id="bare-number-frequency",
    ),
    pytest.param(
        "    duration: 1 hour\n",
        "    duration: an hour or so\n",
        "or so",
        "programs[0].duration",
        ("'an hour or so' is not a duration", 'expected e.g. "1 hour"'),
        id="unreadable-duration",
    ),
    pytest.param(
        "    duration: 1 hour\n",
        "    duration: 0 minutes\n",
        "0 minutes",
        "programs[0].duration",
        ("longer than zero",),
        id="zero-duration",
    ),
    pytest.param(
        "    duration: 1 hour\n",
        "    duration: -30\n",
        "-30",
        "programs[0].duration",
        ("longer than zero",),
        id="negative-duration",
    ),
    pytest.param(
        "    duration: 1 hour\n",
        "    duration: 50 minutes\n",
        "50 minutes",
        "programs[0].duration",
        ("not a whole number of 15-minute slots", "multiple of 15"),
        id="duration-off-the-slot-grid",
    ),
    # numbers
    pytest.param(
        "    capacity: 2\n",
        "    capacity: 0\n",
        "capacity: 0",
        "rooms[1].capacity",
        ("expected a whole number from 1 to 10,000", "got 0"),
        id="zero-capacity",
    ),
    pytest.param(
        "    capacity: 2\n",
        "    capacity: -2\n",
        "capacity: -2",
        "rooms[1].capacity",
        ("expected a whole number from 1 to 10,000", "got -2"),
        id="negative-capacity",
    ),
    pytest.param(
        "    capacity: 2\n",
        "    capacity: two\n",
        "capacity: two",
        "rooms[1].capacity",
        ("expected a whole number", "got 'two'"),
        id="capacity-in-words",
    ),
    pytest.param(
        "    capacity: 2\n",
        "    capacity: 2.5\n",
        "capacity: 2.5",
        "rooms[1].capacity",
        ("expected a whole number", "got 2.5"),
        id="fractional-capacity",
    ),
    pytest.param(
        "    capacity: 2\n",
        "    capacity: yes\n",
        "capacity: yes",
        "rooms[1].capacity",
        ("expected a whole number", "got true"),
        id="capacity-yes",
    ),
    pytest.param(
        "    capacity: 2\n",
        "    capacity:\n      2000000\n",
        "2000000",
        "rooms[1].capacity",
        ("expected a whole number from 1 to 10,000",),
        id="value-on-its-own-line",
    ),
    pytest.param(
        "  weeks: 1\n",
        "  weeks: 60\n",
        "weeks: 60",
        "calendar.weeks",
        ("expected a whole number from 1 to 52", "got 60"),
        id="too-many-weeks",
    ),
    pytest.param(
        "    roles: [peer]\n",
        "    roles: [peer]\n    max_hours_per_week: 0\n",
        "max_hours_per_week",
        "staff[1].max_hours_per_week",
        ("expected a number greater than 0 and at most 168", "got 0"),
        id="zero-hours",
    ),
    pytest.param(
        "    roles: [peer]\n",
        "    roles: []\n",
        "roles: []",
        "staff[1].roles",
        ("expected at least 1 item",),
        id="no-roles",
    ),
    # calendar
    pytest.param(
        '  start: "2026-12-07"\n',
        '  start: "2026-12-08"\n',
        "2026-12-08",
        "calendar.start",
        ("2026-12-08 is a Tuesday", "must start on a Monday", "2026-12-07"),
        id="start-not-monday",
    ),
    pytest.param(
        '  start: "2026-12-07"\n',
        "  start: 2026-13-07\n",
        "2026-13-07",
        "calendar.start",
        ("'2026-13-07' is not a date", "expected YYYY-MM-DD"),
        id="start-impossible-unquoted-date",
    ),
    pytest.param(
        '  start: "2026-12-07"\n',
        "  start: 20261207\n",
        "20261207",
        "calendar.start",
        ("is not a date", "expected YYYY-MM-DD"),
        id="start-as-number",
    ),
    pytest.param(
        '  open: "Mon-Fri 09:00-17:00"\n',
        '  open: "Mon-Fri 09:00-17:00"\n  slot_minutes: 7\n',
        "slot_minutes",
        "calendar.slot_minutes",
        ("does not divide an hour", "use 5, 10, 15, 20, 30 or 60"),
        id="slot-minutes",
    ),
    pytest.param(
        '  open: "Mon-Fri 09:00-17:00"\n',
        '  open: "Mon-Fri 09:00-17:00"\n  timezone: Mars/Olympus\n',
        "Mars",
        "calendar.timezone",
        ("not a time zone", "America/Chicago"),
        id="timezone",
    ),
    # duplicate ids
    pytest.param(
        "  - id: office\n",
        "  - id: group-room\n",
        "id: group-room",  # the second one; see the needle handling below
        "rooms[1].id",
        ("duplicate id 'group-room'", "rooms[0] already uses it"),
        id="duplicate-room-id",
    ),
    pytest.param(
        "  - id: sam\n",
        "  - id: rivera\n",
        "id: rivera",
        "staff[1].id",
        ("duplicate id 'rivera'", "staff[0] already uses it"),
        id="duplicate-staff-id",
    ),
    pytest.param(
        "  - id: R02\n",
        "  - id: R01\n",
        "id: R01",
        "residents[1].id",
        ("duplicate id 'R01'",),
        id="duplicate-resident-id",
    ),
    pytest.param(
        "  - id: peer-counseling\n",
        "  - id: group-therapy\n",
        "id: group-therapy",
        "programs[1].id",
        ("duplicate id 'group-therapy'",),
        id="duplicate-program-id",
    ),
    # unknown fields and wrong shapes
    pytest.param(
        "    attendees: all\n",
        "    attendees: all\n    max_group_sise: 8\n",
        "max_group_sise",
        "programs[0].max_group_sise",
        ("unknown field 'max_group_sise'", "did you mean 'max_group_size'?", "expected one of"),
        id="unknown-field-typo",
    ),
    pytest.param(
        "name: Test House\n",
        "name: Test House\nprivacy: full\n",
        "privacy",
        "privacy",
        ("expected 'initials', 'ids' or 'names'", "got 'full'"),
        id="privacy",
    ),
    pytest.param(
        '    busy: "Mon 09:00-10:00"\n',
        "    busy:\n      - 17\n",
        "- 17",
        "residents[1].busy[0]",
        ("expected a time window", "{when:", "got 17"),
        id="busy-item-a-number",
    ),
    pytest.param(
        '    busy: "Mon 09:00-10:00"\n',
        "    busy:\n      - {when: Mon 09:00-10:00, reason: [job]}\n",
        "reason",
        "residents[1].busy[0].reason",
        ("expected text", "got a list"),
        id="busy-reason-a-list",
    ),
    pytest.param(
        '    busy: "Mon 09:00-10:00"\n',
        "    busy:\n      - {reason: job}\n",
        "reason: job",
        "residents[1].busy[0].when",
        ("the required field 'when' is missing",),
        id="busy-without-when",
    ),
    pytest.param(
        '    busy: "Mon 09:00-10:00"\n',
        "    busy: {reason: job}\n",
        "reason: job",
        "residents[1].busy.when",  # one block, written without a list: no [0]
        ("the required field 'when' is missing",),
        id="single-busy-without-when",
    ),
]


@pytest.mark.parametrize(("old", "new", "needle", "path", "expected"), CASES)
def test_one_mistake(
    tmp_path: Path, old: str, new: str, needle: str, path: str, expected: tuple[str, ...]
) -> None:
    text = variant(old, new)
    issue = only_issue(tmp_path, text)
    # The offending line is the one where ``new`` put ``needle`` (which may occur elsewhere).
    start = BASE.index(old)
    line = text[: start + new.rindex(needle)].count("\n") + 1
    assert_issue(issue, line, path, *expected)


def test_unknown_house(tmp_path: Path) -> None:
    text = variant("    features: [private]\n", "    features: [private]\n    house: main\n")
    text = variant("    tracks: [trauma]\n", "    tracks: [trauma]\n    house: main\n", text)
    text = variant("  - id: R02\n", "  - id: R02\n    house: main\n", text)
    text = variant("    capacity: 8\n", "    capacity: 8\n    house: main\n", text)
    text = variant("    roles: [peer]\n", "    roles: [peer]\n    houses: [mian]\n", text)
    issue = only_issue(tmp_path, text)
    assert_issue(
        issue,
        line_of(text, "mian"),
        "staff[1].houses[0]",
        "unknown house 'mian'",
        "did you mean 'main'?",
    )


def test_unknown_field_and_the_missing_one(tmp_path: Path) -> None:
    text = variant("    roles: [clinician]\n", "    role: [clinician]\n")
    issues = issues_of(write(tmp_path, text))
    assert [(i.line, i.path) for i in issues] == [
        (line_of(text, "- id: rivera"), "staff[0].roles"),
        (line_of(text, "role:"), "staff[0].role"),
    ]
    assert issues[0].message == "the required field 'roles' is missing"
    assert "unknown field 'role' (did you mean 'roles'?)" in issues[1].message


def test_houses_named_on_some_rooms_only(tmp_path: Path) -> None:
    text = variant("    capacity: 8\n", "    capacity: 8\n    house: main\n")
    issues = issues_of(write(tmp_path, text))
    assert [(i.line, i.path) for i in issues] == [
        (line_of(text, "- id: office"), "rooms[1].house"),
        (line_of(text, "- id: R01"), "residents[0].house"),
        (line_of(text, "- id: R02"), "residents[1].house"),
    ]
    assert "this room names no house; expected one of: main" in issues[0].message


def test_missing_required_field_points_at_its_item(tmp_path: Path) -> None:
    text = variant("    duration: 45 minutes\n", "")
    issue = only_issue(tmp_path, text)
    assert_issue(
        issue,
        line_of(text, "- id: peer-counseling"),
        "programs[1].duration",
        "the required field 'duration' is missing",
    )


def test_a_section_of_the_wrong_shape(tmp_path: Path) -> None:
    old = BASE[BASE.index("residents:") : BASE.index("programs:")]
    text = variant(old, "residents:\n  R01: trauma\n")
    issues = issues_of(write(tmp_path, text))
    assert issues[0].path == "residents"
    assert issues[0].line == line_of(text, "residents:")
    assert "expected a list" in issues[0].message


# --- several mistakes -----------------------------------------------------------------------


def test_several_mistakes_are_all_reported_in_file_order(tmp_path: Path) -> None:
    text = variant('  start: "2026-12-07"\n', '  start: "2026-12-09"\n')
    text = variant("    capacity: 2\n", "    capacity: 0\n", text)
    text = variant(
        '    available: "Mon-Fri 09:00-17:00"\n', '    available: "Mon-Fri 9-25"\n', text
    )
    text = variant("    frequency: weekly\n", "    frequency: weakly\n", text)
    text = variant("    duration: 1 hour\n", "    duration: 0 hours\n", text)
    issues = issues_of(write(tmp_path, text))
    assert [(i.line, i.path) for i in issues] == [
        (line_of(text, "2026-12-09"), "calendar.start"),
        (line_of(text, "capacity: 0"), "rooms[1].capacity"),
        (line_of(text, "9-25"), "staff[0].available"),
        (line_of(text, "0 hours"), "programs[0].duration"),
        (line_of(text, "weakly"), "programs[1].frequency"),
    ]


def test_several_reference_mistakes_are_all_reported(tmp_path: Path) -> None:
    text = variant("    room: group\n", "    room: groupp\n")
    text = variant("    facilitator: peer\n", "    facilitator: peers\n", text)
    text = variant("  - id: sam\n", "  - id: rivera\n", text)
    issues = issues_of(write(tmp_path, text))
    second_rivera = [n for n, ln in enumerate(text.splitlines(), 1) if "id: rivera" in ln][1]
    assert [(i.line, i.path) for i in issues] == [
        (second_rivera, "staff[1].id"),
        (line_of(text, "groupp"), "programs[0].room"),
        (line_of(text, "peers"), "programs[1].facilitator"),
    ]


def test_every_duplicate_key_is_reported(tmp_path: Path) -> None:
    text = variant("  weeks: 1\n", "  weeks: 1\n  weeks: 2\n")
    text = variant("    capacity: 2\n", "    capacity: 2\n    capacity: 3\n", text)
    issues = issues_of(write(tmp_path, text))
    assert [(i.line, i.path) for i in issues] == [
        (line_of(text, "weeks: 2"), "calendar.weeks"),
        (line_of(text, "capacity: 3"), "rooms[1].capacity"),
    ]
    assert "'weeks' is given twice" in issues[0].message
    assert f"first on line {line_of(text, 'weeks: 1')}" in issues[0].message
    assert "remove one" in issues[0].message


# --- the file itself ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        ("name: Test House\n", 'name: "Test House\n', "name:", "quoted text is never closed"),
        ("    room: private\n", '    room: "private\n', '"private', "quoted text is never closed"),
        ("    capacity: 8\n", "   capacity: 8\n", "   capacity: 8", "indent"),
        ("    capacity: 8\n", "\tcapacity: 8\n", "\tcapacity", "tab"),
        (
            "    features: [group]\n",
            "    features: [group\n",
            "[group",
            "[ on this line is not closed",
        ),
        ("    attendees: all\n", "    attendees: all: of them\n", "all: of", "':'"),
        ("    attendees: all\n", "    attendees: *everyone\n", "everyone", "undefined alias"),
    ],
    ids=[
        "open-quote",
        "open-quote-at-the-end",
        "indentation",
        "tab-indent",
        "open-bracket",
        "colon",
        "undefined-alias",
    ],
)
def test_yaml_syntax_errors(tmp_path: Path, old: str, new: str, needle: str, expected: str) -> None:
    text = variant(old, new)
    issue = only_issue(tmp_path, text)
    assert issue.path == ""
    assert issue.message.startswith("YAML syntax error: ")
    assert expected in issue.message
    assert issue.line == line_of(text, needle)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "home.yaml"
    path.write_bytes(BASE.replace("Test House", "Caf\xe9 House").encode("latin-1"))
    (issue,) = issues_of(path)
    assert issue.line == 1
    assert "not UTF-8" in issue.message


def test_utf8_with_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "home.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.replace("Test House", "Café").encode("utf-8"))
    assert load_scenario(path).name == "Café"


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n"])
def test_empty_file(tmp_path: Path, text: str) -> None:
    issue = only_issue(tmp_path, text)
    assert issue.line == 1
    assert "the file is empty; expected a scenario" in issue.message


@pytest.mark.parametrize(
    ("text", "got"),
    [("- name: Test House\n- rooms: []\n", "got a list"), ("just some words\n", "got 'just")],
)
def test_file_that_is_not_a_mapping(tmp_path: Path, text: str, got: str) -> None:
    issue = only_issue(tmp_path, text)
    assert issue.line == 1
    assert "expected a scenario" in issue.message
    assert "name, calendar, rooms" in issue.message
    assert got in issue.message


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_billion_laughs_is_refused_fast(tmp_path: Path) -> None:
    path = write(tmp_path, BILLION_LAUGHS)
    began = time.perf_counter()
    (issue,) = issues_of(path)
    assert time.perf_counter() - began < 2.0
    assert "anchors and aliases" in issue.message
    assert (issue.line, issue.path) == (9, "i")


def test_alias_inside_its_own_anchor(tmp_path: Path) -> None:
    issue = only_issue(tmp_path, "name: &n [x, *n]\n")
    assert "refers to" in issue.message


def test_anchors_and_merge_keys_in_moderation_are_fine(tmp_path: Path) -> None:
    text = variant(
        "rooms:\n  - id: group-room\n    capacity: 8\n",
        "x-room: &room {capacity: 8}\nrooms:\n  - id: group-room\n    <<: *room\n",
    )
    # a place to keep anchors is not a scenario field
    issue = only_issue(tmp_path, text)
    assert (issue.line, issue.path) == (line_of(text, "x-room"), "x-room")
    text = variant(
        "  - id: office\n    capacity: 2\n    features: [private]\n",
        "  - &office {id: office, capacity: 0, features: [private]}\n"
        "  - <<: *office\n    id: office-2\n",
    )
    issues = issues_of(write(tmp_path, text, "merge.yaml"))
    assert [(i.line, i.path) for i in issues] == [
        (line_of(text, "&office"), "rooms[1].capacity"),
        (line_of(text, "&office"), "rooms[2].capacity"),  # where the 0 is written
    ]


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    padding = "# " + "x" * 98 + "\n"
    path.write_text(BASE + padding * (MAX_FILE_BYTES // len(padding) + 1), encoding="utf-8")
    (issue,) = issues_of(path)
    assert "a scenario may be at most 5,000,000" in issue.message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    (issue,) = issues_of(tmp_path / "nope.yaml")
    assert "cannot read the file" in issue.message
    (issue,) = issues_of(tmp_path)
    assert "is a folder" in issue.message


def test_tab_inside_an_id(tmp_path: Path) -> None:
    text = variant("  - id: sam\n", '  - id: "s\\tam"\n')
    issue = only_issue(tmp_path, text)
    assert_issue(issue, line_of(text, "s\\tam"), "staff[1].id", "control character")


# --- things that look wrong but are fine ----------------------------------------------------


def test_unquoted_dates_work(tmp_path: Path) -> None:
    text = variant('  start: "2026-12-07"\n', "  start: 2026-12-07\n")
    text = variant(
        '  open: "Mon-Fri 09:00-17:00"\n',
        '  open: "Mon-Fri 09:00-17:00"\n  closed: [2026-12-09, {when: 2026-12-10, reason: x}]\n',
        text,
    )
    text = variant("    roles: [peer]\n", "    roles: [peer]\n    unavailable: 2026-12-08\n", text)
    text = variant('    busy: "Mon 09:00-10:00"\n', "    busy: 2026-12-11\n", text)
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.calendar.start == dt.date(2026, 12, 7)
    closed = [b.when for b in scenario.calendar.closed]
    assert [(w.first, w.last, w.start, w.end) for w in closed] == [
        (dt.date(2026, 12, 9), dt.date(2026, 12, 9), 0, 24 * 60),
        (dt.date(2026, 12, 10), dt.date(2026, 12, 10), 0, 24 * 60),
    ]
    assert scenario.calendar.closed[1].reason == "x"
    assert scenario.staff[1].unavailable[0].when.first == dt.date(2026, 12, 8)
    assert scenario.residents[1].busy[0].when.first == dt.date(2026, 12, 11)


def test_a_single_unquoted_date_in_closed(tmp_path: Path) -> None:
    text = variant(
        '  open: "Mon-Fri 09:00-17:00"\n', '  open: "Mon-Fri 09:00-17:00"\n  closed: 2026-12-25\n'
    )
    (block,) = load_scenario(write(tmp_path, text)).calendar.closed
    assert block.when.first == dt.date(2026, 12, 25)
    assert block.when.dated


def test_single_items_and_phrases(tmp_path: Path) -> None:
    text = variant("    frequency: 3 times a week\n", "    frequency: 1 time a week\n")
    text = variant("    duration: 45 minutes\n", "    duration: 1h30\n", text)
    text = variant("    capacity: 8\n", "    capacity: 8\n    available: Sat\n", text)
    text = variant(
        '    busy: "Mon 09:00-10:00"\n',
        '    busy:\n      - "Mon,Wed 09:00-10:00"\n'
        '      - {when: "2026-12-09 14:00-15:30", reason: court date}\n',
        text,
    )
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.programs[0].frequency.times == 1
    assert scenario.programs[1].duration == 90
    assert scenario.rooms[0].available is not None
    assert scenario.rooms[0].available[0].days == frozenset({5})
    busy = scenario.residents[1].busy
    assert busy[0].reason is None and busy[1].reason == "court date"
    assert scenario.staff[1].available is None  # whenever the home is open


def test_time_of_day_goal(tmp_path: Path) -> None:
    for written, minutes in (('"20:30"', 20 * 60 + 30), ("19:00", 19 * 60), ("7pm", 19 * 60)):
        text = BASE + f"goals:\n  late_evening_after: {written}\n"
        scenario = load_scenario(write(tmp_path, text))
        assert scenario.goals.late_evening_after == minutes
    text = BASE + "goals:\n  late_evening_after: 25:00\n"
    issue = only_issue(tmp_path, text)
    assert_issue(
        issue, line_of(text, "25:00"), "goals.late_evening_after", "expected HH:MM between"
    )


def test_several_windows_in_one_text_in_every_field(tmp_path: Path) -> None:
    """Wherever a list of windows is accepted, one text with several windows is several."""
    two = '"Tue 16:00-20:00, Sat 9am-noon"'
    text = variant('  open: "Mon-Fri 09:00-17:00"\n', f"  open: {two}\n  closed: {two}\n")
    text = variant(
        "    features: [group]\n",
        f"    features: [group]\n    available: {two}\n    unavailable: {two}\n",
        text,
    )
    text = variant(
        '    available: "Mon-Fri 09:00-17:00"\n',
        f"    available: {two}\n    prefers: {two}\n    avoids: [{two}]\n"
        f"    unavailable: {{when: {two}, reason: training}}\n",
        text,
    )
    text = variant('    busy: "Mon 09:00-10:00"\n', f"    busy: [{two}, Mon 9-10]\n", text)
    scenario = load_scenario(write(tmp_path, text))
    room, staff, resident = scenario.rooms[0], scenario.staff[0], scenario.residents[1]
    assert room.available is not None and staff.available is not None
    tue, sat = (960, 1200, frozenset({1})), (540, 720, frozenset({5}))
    for windows in (
        scenario.calendar.open,
        [b.when for b in scenario.calendar.closed],
        room.available,
        [b.when for b in room.unavailable],
        staff.available,
        staff.prefers,
        staff.avoids,
        [b.when for b in staff.unavailable],
    ):
        assert [(w.start, w.end, w.days) for w in windows] == [tue, sat]
    assert [b.reason for b in staff.unavailable] == ["training", "training"]
    assert [w.text for w in staff.available] == ["Tue 16:00-20:00", "Sat 9am-noon"]
    assert [(b.when.start, b.when.end, b.when.days) for b in resident.busy] == [
        tue,
        sat,
        (540, 600, frozenset({0})),
    ]
