"""The pieces one assignment renders to: a payload entry and the checks that reject a row."""

from __future__ import annotations

from dataclasses import dataclass

NOT_IN_MAP = "is not in the value map"
NOT_A_COMPANY = "is not a company code (1 to 4 letters or digits)"


class UnsupportedAssignment(Exception):
    """A plan kind the SQL backend does not render yet (named, so nothing is dropped silently)."""


@dataclass(frozen=True)
class Entry:
    """``"target": value`` in the payload, when ``present`` holds (always, if None)."""

    key: str  # the JSON text of the key and the colon: '"accountnumber":'
    present: str | None
    value: str  # SQL for the value's JSON text
    # With --ignore-nulls, when the entry is written instead of ``present``: when the source
    # holds a value, not null or empty (an absent key is a null). A null the spec maps (a
    # default, a value map's pair for null) is a value; a constant or the company is always
    # written (None: as ``present`` says).
    valued: str | None = None


@dataclass(frozen=True)
class Check:
    """The row is rejected when ``condition`` holds, naming ``field`` and the JSON ``value``."""

    field: str
    condition: str
    value: str  # SQL for the JSON text of the offending value
    reason: str  # SQL for the reason text


Built = tuple[Entry, list[Check]]
