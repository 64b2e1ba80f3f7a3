"""How people appear in what staff print and share, and spreadsheet-safe text.

Privacy by audience:

- *staff sheets* (staff timetables and PDFs, the workbook, calendar descriptions, sign-in
  sheets, resident handouts) show residents per the scenario's ``privacy`` setting: initials
  ("Jordan P." -> "J.P."), ids, or full names; two residents never look alike
  (:func:`resident_labels` adds a short disambiguator: "Jo.M." and "Ja.M.", else "J.M. #2");
- *wall sheets* (room timetables, the today board) name no resident (a count at most) and
  show a program's name only when ``sharing.wall_programs`` lists it, else a neutral
  "Group session" / "One-on-one session" (:func:`wall_title`).
"""

from __future__ import annotations

from typing import Literal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from optimizer.scenario.schema import Resident

Privacy = Literal["initials", "ids", "names"]

CONFIDENTIAL = (
    "Confidential: contains information about people in treatment (protected health "
    "information; in the US, 42 CFR Part 2). Share only with the care team; do not post where "
    "visitors can see it or forward it outside the program."
)
WALL_NOTE = (
    "For posting: this sheet names no resident and no treatment. Do not write residents' "
    "names or program details on it; staff timetables have them."
)

# A spreadsheet treats a cell starting with one of these as a formula (CSV/formula injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def initials(name: str) -> str:
    """ "Jordan P." -> "J.P."; the first letter of each space-separated word, upper-cased.

    Returns "" when the name has no letters (the caller then falls back to the id).
    """
    letters = []
    for word in name.split():
        first = next((ch for ch in word if ch.isalpha()), None)
        if first is not None:
            letters.append(first.upper() + ".")
    return "".join(letters)


def resident_display(resident: Resident, privacy: Privacy) -> str:
    """How a resident appears on staff and room sheets."""
    if privacy == "names":
        return resident.label
    if privacy == "initials" and resident.name:
        return initials(resident.name) or resident.id
    return resident.id


def _first_word_prefix(name: str, n: int) -> str:
    """ "Jordan M." with n=2 -> "Jo.M.": the first word's first ``n`` letters, then initials."""
    words = name.split()
    if not words:
        return ""
    head = "".join(ch for ch in words[0] if ch.isalpha())[:n]
    rest = initials(" ".join(words[1:]))
    return (head[:1].upper() + head[1:].lower() + "." + rest) if head else ""


def resident_labels(residents: list[Resident], privacy: Privacy) -> dict[str, str]:
    """Each resident id -> how staff sheets show them, no two alike.

    Residents whose initials (or names) coincide get more of their first name ("Jo.M.",
    "Ja.M."); if that still does not tell them apart, a number in plan order ("J.M. #2").
    With ``privacy: ids`` the id is already unique.
    """
    shown = {r.id: resident_display(r, privacy) for r in residents}
    if privacy == "ids":
        return shown
    by_label: dict[str, list[Resident]] = {}
    for r in residents:
        by_label.setdefault(shown[r.id], []).append(r)
    taken = {label for label, rs in by_label.items() if len(rs) == 1}
    for label, clash in by_label.items():
        if len(clash) < 2:
            continue
        for n in (2, 3) if privacy == "initials" else ():
            longer = {r.id: _first_word_prefix(r.name or "", n) for r in clash}
            values = list(longer.values())
            if all(values) and len(set(values)) == len(values) and not set(values) & taken:
                shown.update(longer)
                taken |= set(values)
                break
        else:
            for i, r in enumerate(clash, start=1):
                candidate = f"{label} #{i}" if i > 1 else label
                while candidate in taken:
                    i += 1
                    candidate = f"{label} #{i}"
                shown[r.id] = candidate
                taken.add(candidate)
    return shown


def neutralize(text: str) -> str:
    """Text a spreadsheet will show as text: a leading ``'`` before formula-like content,
    and no characters a workbook cannot hold."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def neutralize_cell(value: object) -> object:
    """:func:`neutralize` for strings; other values (numbers, dates) pass unchanged."""
    return neutralize(value) if isinstance(value, str) else value
