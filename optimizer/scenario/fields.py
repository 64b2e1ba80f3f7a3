"""The types of the scenario's fields: ids, names, numbers, phrases and time windows, each
with a validator whose message says, in the words of the YAML file, what was expected.

The models that use them are in :mod:`.schema`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, ValidatorFunctionWrapHandler, WrapValidator

from optimizer.scenario.phrases import (
    DURATION_EXAMPLES,
    FREQUENCY_EXAMPLES,
    Frequency,
    Window,
    parse_duration,
    parse_frequency,
    parse_time_of_day,
    parse_window,
    parse_windows,
)

MAX_ID_LENGTH = 64
MAX_NAME_LENGTH = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def as_list(value: Any) -> Any:
    """A single item may be written where a list is expected: "Mon-Fri 09:00-17:00"."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return value
    return [value]


def shown(value: Any) -> str:
    """How a wrong value is shown in a message: short, and in the words of the YAML file."""
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping (field: value pairs)"
    if isinstance(value, list | tuple):
        return "a list"
    text = repr(value.isoformat() if isinstance(value, dt.date) else value)
    return text if len(text) <= 60 else text[:57] + "..."


def _clean_text(value: Any, *, limit: int, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"expected {what} as text, got {shown(value)}")
    text = str(value).strip()
    if not text:
        raise ValueError(f"{what} cannot be empty")
    if _CONTROL.search(text):
        raise ValueError(f"{what} contains a control character (such as a tab or NUL)")
    if len(text) > limit:
        raise ValueError(f"{what} is {len(text)} characters long; at most {limit} are allowed")
    return text


def check_id(value: Any) -> str:
    text = _clean_text(value, limit=MAX_ID_LENGTH, what="an id")
    if ";" in text:  # timetable.csv lists several people in one cell, separated by ';'
        raise ValueError(f"an id cannot contain ';' (got {text!r}); use '-' or ',' instead")
    return text


def _name(value: Any) -> str:
    return _clean_text(value, limit=MAX_NAME_LENGTH, what="a name")


def _window(value: Any) -> Window:
    if isinstance(value, Window):
        return value
    if isinstance(value, dt.date):  # an unquoted date in YAML
        value = value.isoformat()
    if not isinstance(value, str):
        raise ValueError(
            f'expected a time window as text such as "Mon-Fri 09:00-17:00", got {shown(value)}'
        )
    return parse_window(value)


def _windows_in(value: Any) -> list[Window] | None:
    """The windows written in one item, if it holds several ("Tue 16:00-20:00, Sat 09:00-12:00");
    otherwise None, and the item is validated as it is."""
    if isinstance(value, dt.date):
        value = value.isoformat()
    if not isinstance(value, str):
        return None
    try:
        windows = parse_windows(value)
    except ValueError:
        return None  # the item's validator says why, at the item's index
    return windows if len(windows) > 1 else None


def spread(
    value: Any,
    handler: ValidatorFunctionWrapHandler,
    when: Callable[[Any], Any],
    written_as: Callable[[Any, Window], Any],
    also: Callable[[Any, Window], Any],
) -> list[Any]:
    """A list of windows (or blocks), where an item that holds several windows becomes that
    many. The items are validated as written first, each standing for its first window
    (``written_as``), so that an error keeps the index the item has in the file; then each
    item's other windows follow it (``also``)."""
    items = list(as_list(value))
    more: dict[int, list[Window]] = {}
    for i, item in enumerate(items):
        windows = _windows_in(when(item))
        if windows:
            items[i], more[i] = written_as(item, windows[0]), windows[1:]
    validated = handler(items)
    return [
        x
        for i, first in enumerate(validated)
        for x in (first, *(also(first, w) for w in more.get(i, ())))
    ]


def _spread_windows(value: Any, handler: ValidatorFunctionWrapHandler) -> list[Window]:
    return spread(value, handler, lambda item: item, lambda _, w: w, lambda _, w: w)


def _frequency(value: Any) -> Frequency:
    if isinstance(value, Frequency):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"expected a frequency such as {FREQUENCY_EXAMPLES}, got {shown(value)}")
    return parse_frequency(str(value))


def _whole_number(value: Any) -> Any:
    """YAML reads yes/no/true/false as booleans; pydantic would take them as 1 and 0."""
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {shown(value)}")
    return value


def _number(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {shown(value)}")
    return value


def _duration(value: Any) -> int:
    if value is not None and (isinstance(value, bool) or not isinstance(value, str | int | float)):
        raise ValueError(f"expected a duration such as {DURATION_EXAMPLES}, got {shown(value)}")
    return parse_duration(value)


Id = Annotated[str, BeforeValidator(check_id)]
Name = Annotated[str, BeforeValidator(_name)]
WindowField = Annotated[Window, BeforeValidator(_window), PlainSerializer(lambda w: w.text)]
Windows = Annotated[list[WindowField], WrapValidator(_spread_windows)]
Labels = Annotated[list[Id], BeforeValidator(as_list)]
FrequencyField = Annotated[
    Frequency, BeforeValidator(_frequency), PlainSerializer(lambda f: f.describe())
]
Minutes = Annotated[int, BeforeValidator(_duration)]
WholeNumber = Annotated[int, BeforeValidator(_whole_number)]
Number = Annotated[float, BeforeValidator(_number)]


def _time_of_day(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        # minutes after midnight (the scenario file gives text: source.py keeps 19:00 as written)
        if not 0 <= value <= 24 * 60:
            raise ValueError(f'{shown(value)} is not a time of day; expected e.g. "19:00" or "7pm"')
        return value
    if not isinstance(value, str):
        raise ValueError(f'expected a time of day such as "19:00" or "7pm", got {shown(value)}')
    return parse_time_of_day(value)


TimeOfDay = Annotated[int, BeforeValidator(_time_of_day)]
