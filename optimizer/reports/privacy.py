"""How people appear in what staff print and share, and spreadsheet-safe text.

Residents are shown per the scenario's ``privacy`` setting on sheets meant for a wall or a
shared folder (staff and room timetables, the workbook): initials ("Jordan P." -> "J.P."),
ids, or full names. The resident timetables are keyed by id. Calendars never name residents.
"""

from __future__ import annotations

from typing import Literal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..scenario.schema import Resident

Privacy = Literal["initials", "ids", "names"]

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
