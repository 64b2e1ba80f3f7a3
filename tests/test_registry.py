"""One rule, one id: every hard rule of the catalogue has a model family and a solver-free
check, every goal a model term, a count and a text, and every id its tests. The registry
check is shown to fail when any of these is missing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import optimizer.check
import optimizer.check.card
import optimizer.check.goals
import optimizer.model.builder
from optimizer.rules import catalogue as rules
from optimizer.scenario.schema import Goals

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "optimizer" / "model"
TESTS = ROOT / "tests"
RULES_PAGE = ROOT / "docs" / "rules.md"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def model_terms() -> set[str]:
    """Goal ids the model adds to the objective: every ``ctx.term("<goal id>")``."""
    found: set[str] = set()
    for path in MODEL.glob("*.py"):
        found |= set(re.findall(r'ctx\.term\("(\w+)"\)', path.read_text(encoding="utf-8")))
    return found


def ids_in_tests() -> set[str]:
    """Ids quoted in a test module other than this one."""
    text = "".join(
        p.read_text(encoding="utf-8")
        for p in TESTS.glob("test_*.py")
        if p.name != Path(__file__).name
    )
    return {r.id for r in rules.RULES if f'"{r.id}"' in text}


def problems() -> list[str]:
    """What the registry lacks, in words; empty when every rule is complete. Reads the tables
    when called, so a test can take one entry away."""
    families = optimizer.model.builder.FAMILIES
    checks, counts = optimizer.check.CHECKS, optimizer.check.goals.COUNTS
    texts = optimizer.check.card.GOAL_TEXT
    in_model = {i for f in families for i in f.ids}
    terms, tested = model_terms(), ids_in_tests()
    documented = RULES_PAGE.read_text(encoding="utf-8") if RULES_PAGE.exists() else ""
    ids = [r.id for r in rules.RULES]
    out = [
        f"{i}: listed twice in the catalogue" for i in sorted({i for i in ids if ids.count(i) > 1})
    ]
    for r in rules.RULES:
        if r.tier == rules.HARD:
            if r.id not in checks:
                out.append(f"{r.id}: no check")
            if r.id not in in_model and not r.outside_model:
                out.append(f"{r.id}: no model family")
            if r.id in in_model and r.outside_model:
                out.append(f"{r.id}: in a model family but marked outside the model")
        else:
            if r.id not in in_model:
                out.append(f"{r.id}: no model family")
            if r.id not in terms:
                out.append(f"{r.id}: no model term")
            if r.id not in counts:
                out.append(f"{r.id}: no count")
            if not texts.get(r.id):
                out.append(f"{r.id}: no text")
            if r.weight not in Goals.model_fields:
                out.append(f"{r.id}: no weight in goals")
        if r.id not in tested:
            out.append(f"{r.id}: no test")
        if f"| `{r.id}` |" not in documented:
            out.append(f"{r.id}: no row in docs/rules.md")
    known = set(ids)
    for what, names in (
        ("check", checks),
        ("count", counts),
        ("model term", terms),
        ("model family", in_model),
        ("goal text", texts),
    ):
        out += [f"{n}: a {what} for a rule the catalogue lacks" for n in sorted(set(names) - known)]
    for n in sorted(set(checks) & {r.id for r in rules.RULES if r.tier != rules.HARD}):
        out.append(f"{n}: a goal with a hard-rule check")
    return out


def test_every_rule_and_goal_is_complete() -> None:
    assert problems() == []


def test_goals_are_demand_first_then_soft() -> None:
    assert rules.GOALS[0] == "unplaced_session"
    assert rules.BY_ID["unplaced_session"].tier == rules.DEMAND
    assert {rules.BY_ID[g].tier for g in rules.GOALS[1:]} == {rules.SOFT}


def test_a_rule_without_a_check_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    checks = dict(optimizer.check.CHECKS)
    del checks["one_facilitator"]
    monkeypatch.setattr(optimizer.check, "CHECKS", checks)
    assert problems() == ["one_facilitator: no check"]


def test_a_rule_without_a_model_family_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    families = tuple(f for f in optimizer.model.builder.FAMILIES if "different_days" not in f.ids)
    monkeypatch.setattr(optimizer.model.builder, "FAMILIES", families)
    assert problems() == ["different_days: no model family"]


def test_a_goal_without_a_count_term_or_text_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    counts = dict(optimizer.check.goals.COUNTS)
    del counts["replan_change"]
    monkeypatch.setattr(optimizer.check.goals, "COUNTS", counts)
    texts = {k: v for k, v in optimizer.check.card.GOAL_TEXT.items() if k != "fair_load"}
    monkeypatch.setattr(optimizer.check.card, "GOAL_TEXT", texts)
    monkeypatch.setattr(__import__(__name__, fromlist=["x"]), "model_terms",
                        lambda: {r for r in rules.GOALS if r != "late_evening"})  # fmt: skip
    assert problems() == [
        "late_evening: no model term",
        "fair_load: no text",
        "replan_change: no count",
    ]


def test_a_check_for_an_unknown_rule_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    checks = dict(optimizer.check.CHECKS, room_free=optimizer.check.CHECKS["room_double_booked"])
    monkeypatch.setattr(optimizer.check, "CHECKS", checks)
    assert problems() == ["room_free: a check for a rule the catalogue lacks"]


def test_rules_outside_the_model_say_why() -> None:
    """Hard rules no model family states: the honesty of the unmet list (written from the
    result). The on-call cover and shift lengths are rules of the on-call family (issue 13)."""
    outside = {r.id for r in rules.RULES if r.outside_model}
    assert outside == {"unmet_unreported", "unmet_spurious"}


def _where(fn: object) -> str:
    module = getattr(fn, "__module__", "").removeprefix("optimizer.")
    return f"`{module}.{getattr(fn, '__name__', '?')}`"


def rules_page() -> str:
    """docs/rules.md: every rule by id, with where its model family and its check or count are."""
    family = {i: f.add for f in optimizer.model.builder.FAMILIES for i in f.ids}
    checks, counts = optimizer.check.CHECKS, optimizer.check.goals.COUNTS
    lines = [
        "# The rules",
        "",
        "Every hard rule and soft goal by its id (`optimizer/rules/catalogue.py`): the model",
        "family that states it and the solver-free check or count; its tests are those that quote",
        "the id (`grep -l '\"<id>\"' tests/*.py`). Made from the code by `python -m",
        "tests.test_registry`; `make test` fails when it is out of date. How to add one:",
        "docs/architecture.md, *Adding a rule*.",
        "",
        "| id | tier | what it means | model family | check or count |",
        "|---|---|---|---|---|",
    ]
    for r in rules.RULES:
        model = _where(family[r.id]) if r.id in family else f"outside the model: {r.outside_model}"
        judged = checks.get(r.id) or counts.get(r.id)
        lines.append(
            f"| `{r.id}` | {r.tier} | {r.name} | {model} | {_where(judged) if judged else '-'} |"
        )
    return "\n".join(lines) + "\n"


def test_the_rules_page_is_current() -> None:
    assert RULES_PAGE.read_text(encoding="utf-8") == rules_page(), (
        "docs/rules.md is out of date: run `python -m tests.test_registry`"
    )


def test_the_checklist_names_what_the_registry_checks() -> None:
    """Each kind of gap the registry reports is an item of the architecture page's checklist,
    and each item the checklist says the registry enforces is one the registry reports."""
    import inspect

    reported = set(re.findall(r'f"\{(?:r\.id|i|n)\}: ([a-z][^"{]*)"', inspect.getsource(problems)))
    reported |= {"a goal with a hard-rule check"}
    checklist = ARCHITECTURE.read_text(encoding="utf-8").split("## Adding a rule", 1)[1]
    promised = set(re.findall(r"`([a-z][a-z .\-/]*[a-z])`", checklist.replace("\n   ", " ")))
    promised = {p for p in promised if p.startswith(("no ", "a ", "in ", "listed "))}
    assert promised == reported


if __name__ == "__main__":
    RULES_PAGE.write_text(rules_page(), encoding="utf-8")
    print(f"wrote {RULES_PAGE}")
