"""What the importer finds in a document: table maps, their rows and notes, before YAML exists.

A note is a catalog message at a line of the document. It becomes both a warning and a
comment in the spec written for it: ``# guess: ...`` for what the document left open,
``# could not import: ...`` for what could not be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Message
from generator.source.located_yaml import ScalarValue

ValuePair = tuple[ScalarValue, ScalarValue]


@dataclass
class ImportedRow:
    line: int
    source: str
    finance: str
    map_type: str
    dataverse: str
    default: ScalarValue
    has_default: bool
    pairs: list[ValuePair] | None = None
    keep_unmapped: bool = False


@dataclass
class FailedRow:
    line: int
    source: str
    reason: str


@dataclass(frozen=True)
class Note:
    line: int
    message: Message
    fields: dict[str, Any]
    comment: str

    @property
    def text(self) -> str:
        return self.message.format(**self.fields)

    @property
    def is_guess(self) -> bool:
        return self.comment.startswith("guess:")


def guess(line: int, message: Message, **fields: Any) -> Note:
    """Something the document left open; the message text starts with ``guess:``."""
    return Note(line, message, fields, message.format(**fields))


def failure(line: int, message: Message, shown: str | None = None, **fields: Any) -> Note:
    """Something that could not be read; the comment shows ``shown`` or else the message."""
    return Note(line, message, fields, f"could not import: {shown or message.format(**fields)}")


@dataclass
class FoundMap:
    """One table map of the document: a heading, what its text says, and its field table."""

    heading_line: int
    heading: str | None
    description: str = ""
    entity: str | None = None
    table: str | None = None
    company: str | None = None
    key: tuple[str, ...] | None = None
    source_filter: str | None = None
    reverse_filter: str | None = None
    module_hint: str | None = None
    items: list[ImportedRow | FailedRow] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    @property
    def rows(self) -> list[ImportedRow]:
        return [item for item in self.items if isinstance(item, ImportedRow)]
