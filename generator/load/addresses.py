"""Addresses: ``accounts(accountnumber='US-001',_msdyn_company_value=<guid>)`` in, its parts out.

A payload row's upsert address and a bind's target (``/accounts(...)``) name the same row with
the same key parts, possibly in another order: ``identity`` makes them comparable. A key part
``_<column>_value=@<navigation>`` stands for the GUID of the row the payload binds through
``<navigation>@odata.bind``, which the loader fills in before sending.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BIND = "@odata.bind"
_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class BadAddress(ValueError):
    """Text that is not ``<entity set>(<key>)``."""


@dataclass(frozen=True)
class Address:
    entity_set: str
    # (column, literal) in the order written; a primary key alone is ("", guid).
    parts: tuple[tuple[str, str], ...]

    @property
    def identity(self) -> str:
        """The same text for every spelling of this row's key (parts sorted)."""
        inner = ",".join(f"{name}={value}" for name, value in sorted(self.parts))
        return f"{self.entity_set}({inner})"

    @property
    def deferred(self) -> tuple[str, ...]:
        """The navigation properties whose target's GUID the key needs (``=@<navigation>``)."""
        return tuple(value[1:] for _, value in self.parts if value.startswith("@"))

    def with_guids(self, guids: dict[str, str]) -> str:
        """The address with each ``@<navigation>`` part replaced by its GUID from ``guids``."""
        written = (
            f"{name}={guids[value[1:]]}" if value.startswith("@") else f"{name}={value}"
            for name, value in self.parts
        )
        return f"{self.entity_set}({','.join(written)})"


def parse_address(text: str) -> Address:
    """Parse ``set(key)``, ``/set(key)`` or a bare-GUID ``set(<guid>)``; quotes may hold commas."""
    body = text[1:] if text.startswith("/") else text
    opening = body.find("(")
    if opening <= 0 or not body.endswith(")"):
        raise BadAddress(f"not an address of the form <entity set>(<key>): {text!r}")
    entity_set, inner = body[:opening], body[opening + 1 : -1]
    parts: list[tuple[str, str]] = []
    for piece in _split_parts(inner, text):
        name, equals, value = piece.partition("=")
        if not equals:
            if len(parts) or not _GUID.fullmatch(piece):
                raise BadAddress(f"key part {piece!r} has no '=' in {text!r}")
            parts.append(("", piece.lower()))
            continue
        if not name or not value:
            raise BadAddress(f"empty key part {piece!r} in {text!r}")
        parts.append((name, value.lower() if _GUID.fullmatch(value) else value))
    if not parts:
        raise BadAddress(f"the key is empty in {text!r}")
    return Address(entity_set, tuple(parts))


def _split_parts(inner: str, text: str) -> list[str]:
    """Split on commas outside single-quoted literals (a quote inside is written twice)."""
    if "'" not in inner:
        return inner.split(",")
    pieces: list[str] = []
    start, quoted = 0, False
    for index, character in enumerate(inner):
        if character == "'":
            quoted = not quoted
        elif character == "," and not quoted:
            pieces.append(inner[start:index])
            start = index + 1
    if quoted:
        raise BadAddress(f"unterminated quote in {text!r}")
    pieces.append(inner[start:])
    return pieces


def entity_id(location: str) -> str | None:
    """The GUID of ``OData-EntityId: <url>/api/data/v9.2/accounts(<guid>)``, or None."""
    opening = location.rfind("(")
    candidate = location[opening + 1 : -1] if opening >= 0 and location.endswith(")") else ""
    return candidate.lower() if _GUID.fullmatch(candidate) else None
