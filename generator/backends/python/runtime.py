"""Run-time support shared by the generated mapper modules.

This file is copied verbatim into the generated package as ``_runtime.py``, so it
imports nothing but the standard library. The compiler imports it too, so that
constants it computes at generate time (lookup bindings of defaults) are exactly
what the generated code would compute.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote


class MappingError(ValueError):
    """A record can't be mapped: names the template, the field and the offending value."""

    def __init__(
        self, template: str, field: str, value: object, reason: str = "is not in the value map"
    ) -> None:
        self.template = template
        self.field = field
        self.value = value
        super().__init__(f"{template}: field {field!r}: value {value!r} {reason}")


def ensure_record(record: object, template: str) -> None:
    """Reject anything but a mapping before any field is read."""
    if not isinstance(record, Mapping):
        raise MappingError(
            template, "<record>", record, "is not a mapping of field names to values"
        )


def odata_bind(entity_set: str, key: str, value: object, template: str, field: str) -> str | None:
    """The ``@odata.bind`` reference to the row of ``entity_set`` whose ``key`` is ``value``.

    Single quotes are doubled (OData string literals) and everything that could end
    the literal or the URL segment (``/ ? # % &``, spaces, non-ASCII) is percent-encoded.
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise MappingError(template, field, value, "is not a string, so it can't key a lookup")
    literal = quote(value.replace("'", "''"), safe="'")
    return f"/{entity_set}({key}='{literal}')"


def expanded_key(expanded: object, key: str, template: str, field: str) -> str | None:
    """The key column of an expanded lookup, as ``$expand=<nav>($select=<key>)`` returns it."""
    if expanded is None:
        return None
    if isinstance(expanded, Mapping) and key in expanded:
        value = expanded[key]
        if value is None or isinstance(value, str):
            return value
    raise MappingError(
        template, field, expanded, f"is not an expanded lookup with a string column {key!r}"
    )


def fold(value: object) -> object:
    """The case-insensitive comparison key F&O query ranges use for strings."""
    return value.casefold() if isinstance(value, str) else value


def _comparable(left: object, right: object) -> bool:
    # OData compares like with like: a boolean never equals a number, as it would in Python.
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool)
    numbers = (int, float)
    if isinstance(left, numbers) and isinstance(right, numbers):
        return True
    return type(left) is type(right)


def odata_eq(left: object, right: object) -> bool:
    return _comparable(left, right) and left == right


def odata_ne(left: object, right: object) -> bool:
    return not odata_eq(left, right)


def _ordered(left: object, right: object) -> bool:
    # Ordering comparisons with null, or across types, are false in OData.
    return left is not None and right is not None and _comparable(left, right)


def odata_gt(left: object, right: object) -> bool:
    return _ordered(left, right) and left > right  # type: ignore[operator]


def odata_ge(left: object, right: object) -> bool:
    return _ordered(left, right) and left >= right  # type: ignore[operator]


def odata_lt(left: object, right: object) -> bool:
    return _ordered(left, right) and left < right  # type: ignore[operator]


def odata_le(left: object, right: object) -> bool:
    return _ordered(left, right) and left <= right  # type: ignore[operator]
