"""Value checks in SQL: a destination column's ValueCheck in, reject conditions and the kept value out.

They reproduce ``checked_string``, ``checked_integer``, ``checked_number`` and
``checked_boolean`` of the Python runtime, in the same order and with the same reasons.
Input columns are typed by the entity schema, so a value of the source field's kind is the
only kind that reaches a check; a kind the column does not take is always a reject.
"""

from __future__ import annotations

from dataclasses import dataclass

# The runtime's own patterns, so each format has one definition.
from generator.backends.python.runtime import _FORMATS
from generator.backends.sql.dialects import Dialect
from generator.plan.model import ValueCheck
from generator.source.entity_schema import Kind

_KIND_WORDS = {
    Kind.STRING: "a string",
    Kind.INTEGER: "an integer",
    Kind.NUMBER: "a number",
    Kind.BOOLEAN: "a boolean",
}


@dataclass(frozen=True)
class Failure:
    """One way a value can fail its check: SQL condition and SQL reason text."""

    condition: str
    reason: str


def _takes(check: ValueCheck, source: Kind) -> bool:
    if check.kind is Kind.NUMBER:
        return source in (Kind.INTEGER, Kind.NUMBER)
    return source is check.kind or source is Kind.ANY


def format_pattern(format: str) -> str:
    """Python's fullmatch of the runtime's pattern, in syntax both RE2 and Java read alike."""
    # Python's \d is any Unicode decimal digit; RE2's and Java's are ASCII, so spell it out.
    pattern = _FORMATS[format].pattern.replace("\\d", "\\p{Nd}")
    return f"^(?:{pattern})\\z"


def failures(dialect: Dialect, value: str, check: ValueCheck, source: Kind) -> list[Failure]:
    """The ways the non-null ``value`` (of kind ``source``) fails ``check``, in runtime order."""
    column = repr(check.column)
    d = dialect
    if not _takes(check, source):
        reason = f"is not {_KIND_WORDS[check.kind]}, as {column} takes"
        return [Failure("TRUE", d.string(reason))]
    found: list[Failure] = []
    if check.kind is Kind.STRING:
        if check.max_length is not None and not check.truncate:
            reason = (
                f"{d.string(f'is too long: {column} takes at most {check.max_length} characters, got ')}"
                f" || CAST(length({value}) AS STRING) "
            ).strip()
            found.append(Failure(f"length({value}) > {check.max_length}", reason))
        if check.format is not None:
            found.append(
                Failure(
                    f"NOT {d.matches(kept(value, check), format_pattern(check.format))}",
                    d.string(f"is not a {check.format}, as {column} takes"),
                )
            )
        return found
    if check.kind is Kind.NUMBER:
        found.append(
            Failure(f"NOT {d.finite(value)}", d.string("is not a finite number: JSON has none"))
        )
    if check.kind in (Kind.INTEGER, Kind.NUMBER):
        limits = []
        if check.minimum is not None:
            limits.append(f"{value} < {check.minimum!r}")
        if check.maximum is not None:
            limits.append(f"{value} > {check.maximum!r}")
        if limits:
            reason = f"is out of the range of {column} ({check.minimum} to {check.maximum})"
            found.append(Failure(" OR ".join(limits), d.string(reason)))
    return found


def kept(value: str, check: ValueCheck | None) -> str:
    """The value written: cut to the column's length when the column truncates."""
    if check is None or not (check.kind is Kind.STRING and check.truncate and check.max_length):
        return value
    return f"substr({value}, 1, {check.max_length})"
