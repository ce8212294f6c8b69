"""Input column names: the names an export holds in, the fields a direction reads out.

Names resolve as the compiler resolves a spec's (``EntitySchema.find``): an exact match first,
then ignoring case, so ``DATAAREAID``, ``DataAreaId`` and ``dataAreaId`` are the company. Two
input names that both match a field, neither exactly, are ambiguous. Names the direction does
not read are kept for the summary, never an error; an input that holds none of the fields, or
lacks one its source filter reads, is (it would filter out every row).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator import messages
from generator.diagnostics import Message
from generator.source.entity_schema import EntitySchema, untyped_column

SHOWN = 12  # names listed in a message; the rest are counted


class BadColumns(Exception):
    def __init__(self, message: Message, **fields: Any) -> None:
        super().__init__(message.code)
        self.message = message
        self.fields = fields


def _listed(names: list[str]) -> str:
    if not names:
        return "no columns"
    shown = ", ".join(repr(name) for name in names[:SHOWN])
    return shown if len(names) <= SHOWN else f"{shown} … ({len(names)} in all)"


class Columns:
    """Resolves input names to the fields read, and remembers every name it was given."""

    def __init__(
        self,
        fields: list[str],
        schema: EntitySchema | None,
        filter_fields: list[str],
        direction: str,
    ) -> None:
        self.fields = fields
        self.read = set(fields)
        # Fields a schema does not list (no schema, or a partial one) are names known too.
        listed = schema.columns if schema else ()
        unlisted = [name for name in fields if not any(c.name == name for c in listed)]
        self.schema = EntitySchema(
            "", "", "", "", "", (*listed, *(untyped_column(name) for name in unlisted))
        )
        self.filter_fields = filter_fields
        self.direction = direction
        self.resolved: dict[str, str | None] = {}
        self.present: set[str] = set()

    def field(self, name: str) -> str | None:
        """The field the input column ``name`` feeds, or None when the direction reads none."""
        if name in self.resolved:
            return self.resolved[name]
        matches = self.schema.find(name)
        exact = [column for column in matches if column.name == name]
        chosen = exact or (matches if len(matches) == 1 else [])
        field = chosen[0].name if chosen and chosen[0].name in self.read else None
        if name in self.read:
            field = name  # a field of an untyped lookup, or a name the schema spells twice
        self.resolved[name] = field
        return field

    def header(self, names: list[str]) -> dict[str, int]:
        """Field -> index of the column holding it, for a header (or a file's columns)."""
        chosen: dict[str, int] = {}
        inexact: dict[str, list[str]] = {}
        for index, name in enumerate(names):
            field = self.field(name)
            if field is None:
                continue
            if name == field:
                chosen[field] = index
            else:
                inexact.setdefault(field, []).append(name)
        for field, spellings in inexact.items():
            if field in chosen:
                continue
            if len(spellings) > 1:
                raise self.ambiguous(field, spellings)
            chosen[field] = names.index(spellings[0])
        self.present.update(chosen)
        return chosen

    def record(self, record: Mapping[str, object]) -> dict[str, object]:
        """The record with its keys renamed to the fields they feed; other keys dropped."""
        renamed: dict[str, object] = {}
        inexact: dict[str, str] = {}
        for key, value in record.items():
            field = self.field(key)
            if field is None:
                continue
            if field == key:
                renamed[key] = value
            elif field in inexact:
                raise self.ambiguous(field, [inexact[field], key])
            else:
                inexact[field] = key
        for field, key in inexact.items():
            renamed.setdefault(field, record[key])
        self.present.update(renamed)
        return renamed

    def ambiguous(self, field: str, spellings: list[str]) -> BadColumns:
        return BadColumns(messages.BULK_AMBIGUOUS_COLUMNS, names=_listed(spellings), field=field)

    def check(self) -> None:
        """Refuse an input that holds none of the fields read, or lacks a filter's field."""
        found = _listed(list(self.resolved))
        if self.fields and not self.present:
            raise BadColumns(
                messages.BULK_NO_COLUMNS,
                direction=self.direction,
                expected=_listed(self.fields),
                found=found,
            )
        missing = [name for name in self.filter_fields if name not in self.present]
        if missing:
            raise BadColumns(
                messages.BULK_NO_FILTER_COLUMN,
                missing=_listed(missing),
                direction=self.direction,
                expected=_listed(self.filter_fields),
                found=found,
            )

    def unused(self) -> list[str]:
        """Input names no field was read from, in the order first seen."""
        return [name for name, field in self.resolved.items() if field is None]
