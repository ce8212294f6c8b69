"""Run-time support shared by the generated mapper modules.

This file is copied verbatim into the generated package as ``_runtime.py``, so it
imports nothing but the standard library.
"""

from __future__ import annotations

import math
import re
import reprlib
from collections.abc import Callable, Mapping
from urllib.parse import quote

_GUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
COMPANY_FIELD = "dataAreaId"
# A lookup key made of these alone needs no quoting or percent-encoding: generated code
# tests ``not value.strip(PLAIN_KEY)``, twice as fast as a regular expression.
PLAIN_KEY = "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~"
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlong = 4, 100, 100, 60


def typed_key(value: object) -> tuple[str, object]:
    """A value-table key that keeps booleans apart from numbers (True == 1 in Python)."""
    if isinstance(value, bool):
        return ("boolean", value)
    if isinstance(value, int | float):
        return ("number", value)
    return ("string", value)


class MappingError(ValueError):
    """A record can't be mapped: names the template, the field and the offending value."""

    def __init__(
        self, template: str, field: str, value: object, reason: str = "is not in the value map"
    ) -> None:
        self.template = template
        self.field = field
        self.value = value
        super().__init__(f"{template}: field {field!r}: value {_shown(value)} {reason}")


def _shown(value: object) -> str:
    # A 10,000-character value would bury the message, and a deeply nested one would
    # overflow repr(); the whole value stays on .value.
    text = _REPR.repr(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text)} characters)"


_FORMATS = {
    "uuid": _GUID,
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "date-time": re.compile(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})"
    ),
}


def checked_string(
    template: str,
    field: str,
    value: object,
    column: str,
    max_length: int | None = None,
    format: str | None = None,
    truncate: bool = False,
) -> str | None:
    """``value`` if ``column`` takes it: a string, short enough, in its format."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise MappingError(template, field, value, f"is not a string, as {column!r} takes")
    if max_length is not None and len(value) > max_length:
        if truncate:
            return value[:max_length]
        raise MappingError(
            template,
            field,
            value,
            f"is too long: {column!r} takes at most {max_length} characters, got {len(value)}",
        )
    if format is not None and not _FORMATS[format].fullmatch(value):
        raise MappingError(template, field, value, f"is not a {format}, as {column!r} takes")
    return value


def _in_range(
    template: str,
    field: str,
    value: int | float,
    column: str,
    minimum: int | float | None,
    maximum: int | float | None,
) -> None:
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        raise MappingError(
            template, field, value, f"is out of the range of {column!r} ({minimum} to {maximum})"
        )


def checked_integer(
    template: str,
    field: str,
    value: object,
    column: str,
    minimum: int | float | None = None,
    maximum: int | float | None = None,
) -> int | None:
    """``value`` if ``column`` takes it: an integer (never a bool) in range."""
    if value is None:
        return None
    if type(value) is not int:
        raise MappingError(template, field, value, f"is not an integer, as {column!r} takes")
    _in_range(template, field, value, column, minimum, maximum)
    return value


def checked_number(
    template: str,
    field: str,
    value: object,
    column: str,
    minimum: int | float | None = None,
    maximum: int | float | None = None,
) -> float | None:
    """``value`` if ``column`` takes it: a finite number (never a bool) in range."""
    if value is None:
        return None
    if type(value) is not int and type(value) is not float:
        raise MappingError(template, field, value, f"is not a number, as {column!r} takes")
    if type(value) is float and not math.isfinite(value):
        raise MappingError(template, field, value, "is not a finite number: JSON has none")
    _in_range(template, field, value, column, minimum, maximum)
    return value


def checked_boolean(template: str, field: str, value: object, column: str) -> bool | None:
    """``value`` if ``column`` takes it: true, false or null."""
    if value is None or isinstance(value, bool):
        return value
    raise MappingError(template, field, value, f"is not a boolean, as {column!r} takes")


def ensure_record(record: object, template: str) -> None:
    """Reject anything but a JSON object (a dict) before any field is read."""
    if not isinstance(record, dict):
        raise MappingError(template, "<record>", record, "is not a record (a JSON object)")


def lookup_binder(
    template: str, entity_set: str, key: str, max_length: int | None = None
) -> Callable[[object, str], str | None]:
    """A function writing the ``@odata.bind`` reference to the ``entity_set`` row keyed ``key``.

    Single quotes are doubled (OData string literals) and everything that could end
    the literal or the URL segment (``/ ? # % &``, spaces, non-ASCII) is percent-encoded.
    An empty string is no reference, as dual-write treats it: F&O writes "" for an
    empty field, and a bind to ``key=''`` would fail or match the wrong row. Generated
    code writes a plain key itself and calls this for the rest.
    """
    prefix = f"/{entity_set}({key}="

    def bind(value: object, field: str) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise MappingError(template, field, value, "is not a string, so it can't key a lookup")
        _fits_key(template, field, value, entity_set, key, max_length)
        return prefix + _string_literal(template, field, value) + ")"

    return bind


# quote(text, safe="'") for ASCII text, one table lookup per character: twice as fast, and
# values such as "3 Months" are common lookup keys.
_PERCENT_ENCODED = str.maketrans(
    {chr(c): f"%{c:02X}" for c in range(128) if chr(c) not in PLAIN_KEY + "'"}
)


def _string_literal(template: str, field: str, value: str) -> str:
    doubled = value.replace("'", "''")
    if doubled.isascii():
        return "'" + doubled.translate(_PERCENT_ENCODED) + "'"
    try:
        return "'" + quote(doubled, safe="'") + "'"
    except UnicodeEncodeError:
        # A lone surrogate, which JSON can carry, has no UTF-8 form to percent-encode.
        raise MappingError(template, field, value, "is not valid Unicode text") from None


def _is_company_code(code: str) -> bool:
    """1 to 4 ASCII letters or digits, F&O's DataAreaId; generated fast paths test it inline.
    Anything else (a quote, a "/") could make a bind or key address point into another
    company, so it is refused, never encoded."""
    return len(code) <= 4 and code.isalnum() and code.isascii()


def company_code(template: str, value: object) -> str:
    """The record's legal entity as F&O's dataAreaId holds it, checked."""
    if isinstance(value, str) and _is_company_code(value):
        return value
    raise MappingError(
        template, COMPANY_FIELD, value, "is not a company code (1 to 4 letters or digits)"
    )


def company_binder(template: str, entity_set: str, code_column: str) -> Callable[[object], str]:
    """A function writing the company lookup from dataAreaId (codes are upper-case there)."""
    prefix = f"/{entity_set}({code_column}='"

    def bind(value: object) -> str:
        return prefix + company_code(template, value).upper() + "')"

    return bind


def company_reader(template: str, navigation: str, code_column: str) -> Callable[[object], str]:
    """A function reading dataAreaId (lower-case, as F&O returns it) from the expanded company."""

    def read(expanded: object) -> str:
        code = expanded.get(code_column) if isinstance(expanded, dict) else None
        if isinstance(code, str) and _is_company_code(code):
            return code.lower()
        raise MappingError(
            template,
            navigation,
            expanded,
            f"is not an expanded company with a code in {code_column!r}",
        )

    return read


def company_id(template: str, record: Mapping[str, object], companies: object, field: str) -> str:
    """The cdm_companyid of the record's own company, from the directory a service read once.

    ``field`` is what needs it (a key, a lookup), so the error says why the company matters.
    """
    code = record.get(COMPANY_FIELD)
    if type(code) is str and type(companies) is dict and _is_company_code(code):
        # The common case, once per record: the code as written or upper-cased, a GUID found.
        found = companies.get(code, _ABSENT)
        if found is _ABSENT:
            found = companies.get(code.upper())
        if type(found) is str and _GUID.fullmatch(found):
            return found
    return _company_id(template, record, companies, field)


_ABSENT = object()


def _company_id(template: str, record: Mapping[str, object], companies: object, field: str) -> str:
    if COMPANY_FIELD not in record:
        raise MappingError(
            template,
            field,
            record.get(field),
            f"needs the record's company, but it has no {COMPANY_FIELD}",
        )
    code = company_code(template, record[COMPANY_FIELD])
    if not isinstance(companies, dict):
        raise MappingError(
            template,
            "companies",
            companies,
            f"is not a dict of company codes to cdm_companyid GUIDs, which {field!r} needs",
        )
    found = companies.get(code, companies.get(code.upper(), companies.get(code.lower())))
    if found is None:
        folded = code.casefold()
        found = next(
            (v for k, v in companies.items() if isinstance(k, str) and k.casefold() == folded),
            None,
        )
    if found is None:
        raise MappingError(
            template, COMPANY_FIELD, code, f"is not in companies, so {field!r} can't be addressed"
        )
    if not isinstance(found, str) or not _GUID.fullmatch(found):
        raise MappingError(
            template, "companies", found, f"is not a GUID (the cdm_companyid of {code})"
        )
    return found


def company_directory(response: object) -> dict[str, str]:
    """``companies`` from the JSON of ``GET cdm_companies?$select=cdm_companyid,cdm_companycode``."""
    rows = response.get("value") if isinstance(response, dict) else None
    if not isinstance(rows, list):
        raise ValueError("expected the Web API's {'value': [...]} response of cdm_companies")
    directory: dict[str, str] = {}
    for row in rows:
        code = row.get("cdm_companycode") if isinstance(row, dict) else None
        guid = row.get("cdm_companyid") if isinstance(row, dict) else None
        if not isinstance(code, str) or not isinstance(guid, str) or not _GUID.fullmatch(guid):
            raise ValueError(f"not a company row with cdm_companycode and cdm_companyid: {row!r}")
        directory[code] = guid
    return directory


def _fits_key(
    template: str, field: str, value: str, entity_set: str, key: str, max_length: int | None
) -> None:
    if max_length is not None and len(value) > max_length:
        raise MappingError(
            template,
            field,
            value,
            f"is too long to key {entity_set}: {key!r} takes at most {max_length} characters, "
            f"got {len(value)}",
        )


def company_lookup_binder(
    template: str, entity_set: str, key: str, company_column: str, max_length: int | None = None
) -> Callable[[object, str, Mapping[str, object], object], str | None]:
    """Like ``lookup_binder``, for a company-specific table: the record's company completes the key."""
    prefix = f"/{entity_set}({key}="
    company_part = f",_{company_column}_value="

    def bind(
        value: object, field: str, record: Mapping[str, object], companies: object
    ) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise MappingError(template, field, value, "is not a string, so it can't key a lookup")
        _fits_key(template, field, value, entity_set, key, max_length)
        literal = _string_literal(template, field, value)
        return (
            prefix + literal + company_part + company_id(template, record, companies, field) + ")"
        )

    return bind


def key_literal(
    template: str, value: object, field: str, bare: bool | None, prefix: str = ""
) -> str:
    """One key value of an OData address: strings quoted and encoded, numbers and GUIDs bare.

    ``prefix`` qualifies an enum literal (``Microsoft.Dynamics.DataEntities.<Enum>``);
    ``bare`` None (an untyped column) decides by the value: numbers bare, strings quoted.
    """
    if value is None or value == "":
        raise MappingError(
            template, field, value, "is a key field: it must be present and not empty"
        )
    if bare is None:
        bare = not isinstance(value, str)
    if bare:
        finite = isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))
        if finite and not isinstance(value, bool):
            return repr(value)
        if isinstance(value, str) and _GUID.fullmatch(value):
            return value
        raise MappingError(template, field, value, "is not a number or a GUID, as this key needs")
    if not isinstance(value, str):
        raise MappingError(template, field, value, "is not a string, as this key needs")
    return prefix + _string_literal(template, field, value)


def reference_id(template: str, references: object, column: str) -> str:
    """The GUID of the row a key's lookup column points at: alternate keys can't nest."""
    found = references.get(column) if isinstance(references, dict) else None
    if isinstance(found, str) and _GUID.fullmatch(found):
        return found
    raise MappingError(
        template,
        column,
        found,
        "is part of the alternate key: pass the looked-up row's GUID in references",
    )


def finance_company_literal(template: str, record: Mapping[str, object]) -> str:
    """dataAreaId as an F&O key value: lower-case, quoted."""
    if COMPANY_FIELD not in record:
        raise MappingError(
            template, COMPANY_FIELD, None, "is a key field: it must be present and not empty"
        )
    return "'" + company_code(template, record[COMPANY_FIELD]).lower() + "'"


def expanded_key_reader(template: str, navigation: str, key: str) -> Callable[[object], str | None]:
    """A function reading ``key`` of an expanded lookup, as ``$expand=<nav>($select=<key>)``
    returns it."""

    def read(expanded: object) -> str | None:
        if expanded is None:
            # No reference: F&O holds an empty lookup field as "", as dual-write writes it.
            return ""
        if isinstance(expanded, dict) and key in expanded:
            value = expanded[key]
            if value is None or isinstance(value, str):
                return value
        raise MappingError(
            template,
            navigation,
            expanded,
            f"is not an expanded lookup with a string column {key!r}",
        )

    return read


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
    # Ordering comparisons with null, or across types, are false in OData; so are
    # comparisons of values that have no order (a list, a dict).
    return (
        left is not None
        and right is not None
        and _comparable(left, right)
        and isinstance(left, str | int | float)
    )


def odata_gt(left: object, right: object) -> bool:
    return _ordered(left, right) and left > right  # type: ignore[operator]


def odata_ge(left: object, right: object) -> bool:
    return _ordered(left, right) and left >= right  # type: ignore[operator]


def odata_lt(left: object, right: object) -> bool:
    return _ordered(left, right) and left < right  # type: ignore[operator]


def odata_le(left: object, right: object) -> bool:
    return _ordered(left, right) and left <= right  # type: ignore[operator]
