"""Typed cells: a value as an export spells it in, the JSON value of its field's kind out.

CSV holds only text, so each cell is parsed by the kind (and format) the entity schema gives
its field. Only plain ASCII numerals are numbers: Python's ``int()`` would also take ``1_2``
and Arabic-Indic digits, and a thousands separator is a locale's, never the schema's. A cell
that does not parse raises ``BadCell``, which rejects its row (see run.py).
"""

from __future__ import annotations

import re
from datetime import datetime

from generator.source.entity_schema import Kind

INTEGER = re.compile(r"[+-]?[0-9]+")
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
# What the Python runtime's format checks accept, in ASCII digits only.
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ISO_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
# As finance and operations' Data management writes dates and date-times in an en-us export
# (its sample: 8/25/2020 13:03), in UTC.
DEFAULT_DATE_FORMAT = "%m/%d/%Y %H:%M"
INT64 = (-(2**63), 2**63 - 1)
EXPECTED = {
    Kind.STRING: "a string",
    Kind.INTEGER: "an integer",
    Kind.NUMBER: "a number",
    Kind.BOOLEAN: "a boolean",
    Kind.ANY: "a string",
    Kind.LOOKUP: "an expanded lookup (an object)",
}


class BadCell(Exception):
    """The value does not fit its field: ``reason`` completes "value <value> ..."."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def mismatch(kind: Kind) -> BadCell:
    return BadCell(f"is not {EXPECTED[kind]}, the type the entity schema gives the field")


def checked_integer(value: int) -> int:
    if not INT64[0] <= value <= INT64[1]:
        raise BadCell("is beyond the 64-bit integers the engines hold")
    return value


def checked_number(value: int | float) -> float:
    try:
        return float(value)
    except OverflowError:
        raise BadCell("is beyond the numbers the engines hold (64-bit floating point)") from None


def parse_cell(text: str, kind: Kind, format: str | None, date_format: str) -> object:
    """The value of a CSV cell; an empty cell is null (CSV has no other spelling for it)."""
    if text == "":
        return None
    if kind is Kind.INTEGER:
        if not INTEGER.fullmatch(text):
            raise mismatch(kind)
        return checked_integer(int(text))
    if kind is Kind.NUMBER:
        if not NUMBER.fullmatch(text):
            raise mismatch(kind)
        return checked_number(float(text))
    if kind is Kind.BOOLEAN:
        if text.casefold() not in ("true", "false"):
            raise mismatch(kind)
        return text.casefold() == "true"
    if format in ("date", "date-time"):
        return _date(text, format, date_format)
    return text


def _date(text: str, format: str, date_format: str) -> str:
    iso = ISO_DATE if format == "date" else ISO_DATE_TIME
    if iso.fullmatch(text):
        return text
    try:
        parsed = datetime.strptime(text, date_format)
    except ValueError:
        if format == "date":
            # A date-only cell, for the date part of a date-time format.
            try:
                return datetime.strptime(text, date_format.split(" ")[0]).date().isoformat()
            except ValueError:
                pass
        raise BadCell(
            f"is not a {format} in the format {date_format!r} (--date-format) or ISO 8601"
        ) from None
    if format == "date":
        return parsed.date().isoformat()
    if parsed.tzinfo is None:
        return parsed.isoformat(timespec="seconds") + "Z"
    return parsed.isoformat()


class Unparsed:
    """A cell that did not parse, carried to the batch that rejects its row."""

    __slots__ = ("reason", "text")

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
