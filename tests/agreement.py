"""The agreement harness (issue 20): a timetable priced by the model with its variables fixed
(:func:`optimizer.model.fixed.price`) against the solver-free checker and score card. The model
must accept a timetable exactly when the checker finds no broken rule, name (as far as it can)
the rules the checker finds broken, and count every goal as the score card does.

Where both reject a timetable, each reason the model gives must be a rule the checker finds
broken and, when the model could express the whole timetable, each rule the checker finds that
the model states must be among the model's reasons.

Rules outside the model (the honesty of the unmet list) are left out of the comparison. A
required cover is demand in the model, priced like an unplaced session; like one, it must be
reported as unmet, which the checker holds it to: a cover the model finds short and the
timetable does not report counts as the model naming ``on_call_cover``.
"""

from __future__ import annotations

import datetime as dt

from optimizer.check import ValidationReport, score_card, validate
from optimizer.model.builder import FAMILIES
from optimizer.model.fixed import Verdict, price
from optimizer.planning.problem import Problem
from optimizer.rules.catalogue import RULES
from optimizer.timetable import Timetable

OUTSIDE = frozenset(r.id for r in RULES if r.outside_model)
STATED = frozenset(i for f in FAMILIES for i in f.ids)


def _unreported_cover(verdict: Verdict, timetable: Timetable) -> bool:
    reported = {u.program for u in timetable.unmet}
    return any(n > 0 and pid not in reported for pid, n in verdict.cover_short.items())


def disagreements(
    p: Problem,
    timetable: Timetable,
    *,
    previous: Timetable | None = None,
    since: dt.date | None = None,
    made_by: str | None = None,
) -> list[str]:
    """Where the model and the checker differ on ``timetable``, in words (empty: they agree).
    A timetable ``made_by`` the tool (constructed, solved) must also be accepted by both."""
    verdict = price(p, timetable)
    report = validate(p.scenario, timetable)
    found = report.rules() - OUTSIDE
    made: list[str] = []
    if made_by and not verdict.accepted:
        made.append(f"the {made_by} timetable: the model rejects it ({verdict})")
    if made_by and report.violations:
        made.append(
            f"the {made_by} timetable: the checker finds {', '.join(sorted(report.rules()))}"
        )
    return made + _compare(p, timetable, verdict, report, found, previous, since)


def _compare(
    p: Problem,
    timetable: Timetable,
    verdict: Verdict,
    report: ValidationReport,
    found: set[str],
    previous: Timetable | None,
    since: dt.date | None,
) -> list[str]:
    names = verdict.names()
    if verdict.accepted and _unreported_cover(verdict, timetable):
        names.append(frozenset({"on_call_cover"}))
    rejects = bool(names) or not verdict.accepted
    shown = ", ".join(sorted(found)) or "nothing broken"
    if rejects != bool(found):
        said = f"rejects it ({verdict})" if rejects else "accepts it"
        return [f"the model {said}; the checker finds {shown}"]
    if rejects:
        out = [
            f"the model rejects it for {' or '.join(sorted(n))}; the checker finds {shown}"
            for n in names
            if not n & found
        ]
        if verdict.issues:  # what it cannot express is not fixed, so no family sees it
            return out
        named = frozenset().union(*names)
        out += [
            f"the checker finds {rule}; the model does not name it ({verdict})"
            for rule in sorted(found & STATED - named)
        ]
        return out
    card = score_card(p.scenario, timetable, report, previous=previous, since=since)
    counts = {name: g.count for name, g in card.items()}
    return [
        f"{name}: the score card counts {counts.get(name, 0)}, the model "
        f"{verdict.terms.get(name, 0)}"
        for name in sorted(set(counts) | set(verdict.terms))
        if counts.get(name, 0) != verdict.terms.get(name, 0)
    ]
