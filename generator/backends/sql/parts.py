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


@dataclass(frozen=True)
class Check:
    """The row is rejected when ``condition`` holds, naming ``field`` and the JSON ``value``."""

    field: str
    condition: str
    value: str  # SQL for the JSON text of the offending value
    reason: str  # SQL for the reason text


Built = tuple[Entry, list[Check]]
