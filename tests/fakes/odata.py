"""OData URL pieces both fakes parse: an entity set with its key predicate, e.g.
`accounts(accountnumber='US-001',_msdyn_company_value=<guid>)`, `accounts(<guid>)`,
`CustomersV3(dataAreaId='usmf',CustomerAccount='US-001')`, and the literals inside it (OData v4
URL conventions: strings in single quotes with `'` doubled, GUIDs, numbers and booleans bare)."""

from __future__ import annotations

import functools
import re
import urllib.parse
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# name = 'string with '' doubled' | a bare literal, then a comma or the end.
_KEY_PART = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*('(?:[^']|'')*'|[^,']*)\s*(,|$)")
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)(?:\((.*)\))?", re.DOTALL)

KeyValue = str | int | Decimal | bool | None


class ODataSyntaxError(ValueError):
    """A URL the service could not parse: answered 400 with code 0x0, as the Web API does for
    errors of its OData layer."""


@dataclass(frozen=True)
class EntityAddress:
    """`set(key)`: `key` is None for the set itself; a bare GUID is the name `""`."""

    entity_set: str
    key: tuple[tuple[str, KeyValue], ...] | None


@functools.lru_cache(maxsize=65536)
def parse_address(text: str) -> EntityAddress:
    """The entity set and key of one path segment, percent-decoded first (a key value may be
    encoded, quotes and commas inside a quoted string are the string's). Cached: a load binds
    thousands of rows to the same few companies."""
    decoded = urllib.parse.unquote(text)
    match = _SEGMENT.fullmatch(decoded)
    if match is None:
        raise ODataSyntaxError(f"Bad Request - Error in query syntax: '{decoded}'.")
    entity_set, predicate = match.group(1), match.group(2)
    if predicate is None:
        return EntityAddress(entity_set, None)
    return EntityAddress(entity_set, parse_key(predicate))


def parse_key(predicate: str) -> tuple[tuple[str, KeyValue], ...]:
    if "=" not in predicate.replace("''", "").split("'")[0]:
        return (("", parse_literal(predicate.strip())),)
    pairs: list[tuple[str, KeyValue]] = []
    position = 0
    while position < len(predicate):
        match = _KEY_PART.match(predicate, position)
        if match is None:
            raise ODataSyntaxError(f"Bad Request - Error in query syntax: key '{predicate}'.")
        pairs.append((match.group(1), parse_literal(match.group(2).strip())))
        position = match.end()
        if match.group(3) == "," and position == len(predicate):
            raise ODataSyntaxError(f"Bad Request - Error in query syntax: key '{predicate}'.")
    if len({name for name, _ in pairs}) != len(pairs):
        raise ODataSyntaxError(f"Duplicate key property in '{predicate}'.")
    return tuple(pairs)


def parse_literal(literal: str) -> KeyValue:
    if len(literal) >= 2 and literal[0] == "'" and literal[-1] == "'":
        inner = literal[1:-1]
        if "'" in inner.replace("''", ""):
            raise ODataSyntaxError(f"Unterminated string literal {literal}.")
        return inner.replace("''", "'")
    if GUID.fullmatch(literal):
        return literal.lower()
    if literal in ("true", "false"):
        return literal == "true"
    if literal == "null":
        return None
    if re.fullmatch(r"-?\d+", literal):
        return int(literal)
    try:
        return Decimal(literal)
    except InvalidOperation:
        raise ODataSyntaxError(f"Unrecognized literal '{literal}' in the key.") from None


def format_literal(value: KeyValue) -> str:
    """The inverse of parse_literal, for the addresses the fakes answer with."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | Decimal):
        return str(value)
    if GUID.fullmatch(value):
        return value
    return "'" + value.replace("'", "''") + "'"


def key_identity(value: object) -> object:
    """What two key values are compared by: strings case-insensitively (the services' SQL
    collation), numbers by value (`1` in a URL is the row whose column holds 1.0)."""
    if value.__class__ is str:
        return value.casefold()
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    return value
