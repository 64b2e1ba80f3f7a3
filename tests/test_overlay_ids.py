"""Issue 15: an overlay item whose id is not in the base and that lacks required fields is
most likely a misspelt id, so it gets "did you mean", at the id's line, not a missing field."""

from __future__ import annotations

from pathlib import Path

import pytest

from optimizer.cli import main as cli
from optimizer.scenario import ScenarioError, load_scenario

from .test_compare import BASE, line_in, overlay, write


def issues_of(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    return [str(i) for i in err.value.issues]


@pytest.fixture
def base(tmp_path: Path) -> Path:
    text = BASE.replace(
        "  - id: bell\n",
        "  - id: mehta\n    name: Dr. Priya Mehta\n    roles: [clinician]\n  - id: bell\n",
    )
    return write(tmp_path / "home.yaml", text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "staff:\n  - id: mehtaa\n    max_hours_per_week: 12\n",
            "staff[0].id: no staff member 'mehtaa' in the base scenario (did you mean "
            "'mehta'?); to add a new one give all its required fields (roles)",
        ),
        (
            "rooms:\n  - id: ofice\n    features: [private, quiet]\n",
            "rooms[0].id: no room 'ofice' in the base scenario (did you mean 'office'?); to add "
            "a new one give all its required fields (capacity)",
        ),
        (
            "programs:\n  - id: group-therapi\n    duration: 90 minutes\n",
            "programs[0].id: no program 'group-therapi' in the base scenario (did you mean "
            "'group-therapy'?); to add a new one give all its required fields (frequency, "
            "facilitator)",
        ),
        (
            "staff:\n  - id: zzz\n    hourly_cost: 10\n",
            "staff[0].id: no staff member 'zzz' in the base scenario; known: rivera, mehta, "
            "bell, warren; to add a new one give all its required fields (roles)",
        ),
    ],
    ids=["staff", "room", "program-two-missing", "nothing-close"],
)
def test_an_unknown_id_with_some_fields_gets_did_you_mean(
    tmp_path: Path, base: Path, text: str, expected: str
) -> None:
    plan = overlay(tmp_path, text)
    (issue,) = issues_of(plan)
    line = line_in(plan, "- id:")
    assert issue == f"{plan}:{line}: {expected}"


def test_a_complete_new_item_is_still_added(tmp_path: Path, base: Path) -> None:
    plan = overlay(tmp_path, "staff:\n  - id: mehtaa\n    roles: [peer]\n")
    assert [s.id for s in load_scenario(plan).staff] == [
        "rivera",
        "mehta",
        "bell",
        "warren",
        "mehtaa",
    ]


def test_the_cli_says_did_you_mean_with_exit_code_2(
    tmp_path: Path, base: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = overlay(tmp_path, "staff:\n  - id: mehtaa\n    max_hours_per_week: 12\n")
    assert cli.main(["check", str(plan)]) == 2
    err = capsys.readouterr().err
    assert f"{plan}:3: staff[0].id: no staff member 'mehtaa'" in err
    assert "did you mean 'mehta'?" in err
    assert "Traceback" not in err
