"""Parsing of the cell texts operations leads write: durations, schedules,
working hours and days, marks, lists and probabilities.

Every parser takes what a spreadsheet cell or a YAML scalar holds (text,
number, time) and returns a typed value, or raises :class:`ParseError` with an
English and a Japanese message saying what was found and what is accepted.
"""

from __future__ import annotations

from ._base import (
    MAX_CELL_CHARS,
    MAX_MINUTES,
    MAX_NEXT_TARGETS,
    ParseError,
    as_text,
    clean,
    decimal_text,
    name_key,
    norm_key,
    parse_bool,
    parse_date,
    parse_emotion,
    parse_number,
    short,
    split_list,
)
from ._calendar import parse_days, parse_hours, parse_schedule
from ._duration import parse_duration
from ._next import parse_next

__all__ = [
    "MAX_CELL_CHARS",
    "MAX_MINUTES",
    "MAX_NEXT_TARGETS",
    "ParseError",
    "as_text",
    "clean",
    "decimal_text",
    "name_key",
    "norm_key",
    "parse_bool",
    "parse_date",
    "parse_days",
    "parse_duration",
    "parse_emotion",
    "parse_hours",
    "parse_next",
    "parse_number",
    "parse_schedule",
    "short",
    "split_list",
]
