"""Spec YAML writing: a table map found in a document in, the text of its spec file out.

The text is what a person would write: plain scalars where they read back as the same
string, flow-style rows, and each note as a comment above what it is about.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache

import yaml

from generator import messages
from generator.reference.guesses import entity_and_table, row_guesses
from generator.reference.import_model import FoundMap, ImportedRow, Note, failure, guess
from generator.source.located_yaml import ScalarValue, core_schema_value
from generator.source.spec import COMPANY_SCOPES

SCHEMA_COMMENT = "# yaml-language-server: $schema=../spec.schema.json"


@lru_cache(maxsize=4096)
def _plain_ok(text: str, flow: bool) -> bool:
    """Whether ``text`` reads back as itself, a string, when written as a plain YAML scalar."""
    if not text or text != text.strip() or not text.isprintable():
        return False
    if core_schema_value(text) != text:
        return False
    document = f"[{text}]" if flow else f"key: {text}"
    try:
        node = yaml.compose(document, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return False
    if flow:
        if not isinstance(node, yaml.SequenceNode) or len(node.value) != 1:
            return False
        scalar = node.value[0]
    else:
        if not isinstance(node, yaml.MappingNode) or len(node.value) != 1:
            return False
        scalar = node.value[0][1]
    return isinstance(scalar, yaml.ScalarNode) and scalar.style is None and scalar.value == text


def _quoted(text: str) -> str:
    """A double-quoted YAML scalar (JSON is one) with only printable characters."""
    return "".join(
        character if character.isprintable() else _escape(ord(character))
        for character in json.dumps(text, ensure_ascii=False)
    )


def _escape(code: int) -> str:
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def _scalar(value: ScalarValue, flow: bool = True) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    return value if _plain_ok(value, flow) else _quoted(value)


def _single_line(text: str) -> str:
    return "".join(character if character.isprintable() else " " for character in text)


def _row_text(row: ImportedRow) -> str:
    elements = [_scalar(row.finance), json.dumps(row.map_type), _scalar(row.dataverse)]
    if row.pairs is None and not row.keep_unmapped:
        if row.has_default:
            elements.append(_scalar(row.default))
    else:
        options = []
        if row.has_default:
            options.append(f"default: {_scalar(row.default)}")
        pairs = ", ".join(
            f"[{_scalar(finance)}, {_scalar(dataverse)}]" for finance, dataverse in row.pairs or []
        )
        options.append(f"values: [{pairs}]")
        if row.keep_unmapped:
            options.append("unmapped: keep")
        elements.append("{" + ", ".join(options) + "}")
    return "[" + ", ".join(elements) + "]"


class _SpecText:
    """The lines of a spec, with each note written as a comment where it applies."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.notes: list[Note] = []

    def line(self, text: str) -> None:
        self.lines.append(text)

    def comment(self, note: Note, indent: str = "") -> None:
        self.lines.append(f"{indent}# {_single_line(note.comment)}")
        self.notes.append(note)


def _identity(out: _SpecText, table_map: FoundMap, entity: str) -> None:
    """The company scope (guessed where the document is silent) and the integration key."""
    company = table_map.company
    if company is None:
        company = COMPANY_SCOPES[0]
        note = guess(
            table_map.heading_line, messages.IMPORT_GUESS_COMPANY, scope=company, entity=entity
        )
        out.comment(note)
    out.line(f"company: {_scalar(company, flow=False)}")
    # A map without a key still compiles; only a page written from a spec says what it is.
    if table_map.key:
        out.line(f"key: [{', '.join(_scalar(name) for name in table_map.key)}]")


def _sides(out: _SpecText, table_map: FoundMap, entity: str, table: str) -> None:
    assert table_map.heading is not None
    heading = json.dumps(table_map.heading, ensure_ascii=False)
    sides = (
        ("finance", "entity", entity, table_map.entity, table_map.source_filter),
        ("dataverse", "table", table, table_map.table, table_map.reverse_filter),
    )
    for side, key, name, documented, filter_text in sides:
        out.line(f"{side}:")
        if documented is None:
            note = guess(
                table_map.heading_line,
                messages.IMPORT_GUESS_NAME,
                key=key,
                name=name,
                heading=heading,
                side=side,
            )
            out.comment(note, "  ")
        out.line(f"  {key}: {_scalar(name, flow=False)}")
        if filter_text is not None:
            out.line(f"  filter: {_scalar(filter_text, flow=False)}")


def _fields(out: _SpecText, table_map: FoundMap, entity: str, table: str) -> None:
    out.line("fields:")
    if not table_map.rows:
        out.comment(failure(table_map.heading_line, messages.IMPORT_NO_ROWS), "  ")
    for item in table_map.items:
        if isinstance(item, ImportedRow):
            for note in row_guesses(item, entity, table):
                out.comment(note, "  ")
            out.line(f"  - {_row_text(item)}")
            continue
        note = failure(
            item.line,
            messages.IMPORT_ROW_FAILED,
            shown=item.source,
            reason=item.reason,
            source=item.source,
        )
        out.comment(note, "  ")


def write_spec(table_map: FoundMap, source: str) -> tuple[str, list[Note]]:
    """The spec text for ``table_map`` read from ``source``, and its notes in text order."""
    assert table_map.heading is not None
    out = _SpecText()
    out.line(SCHEMA_COMMENT)
    out.line(
        f"# Imported from {_single_line(source)} by python -m generator import; "
        "review the comments marked 'guess'."
    )
    for note in table_map.notes:
        out.comment(note)
    entity_guess, table_guess = entity_and_table(table_map.heading, table_map.rows)
    entity = table_map.entity or entity_guess
    table = table_map.table or table_guess
    out.line(f"template: {_scalar(table_map.heading, flow=False)}")
    if table_map.description:
        out.line(f"description: {_scalar(table_map.description, flow=False)}")
    _identity(out, table_map, entity)
    _sides(out, table_map, entity, table)
    _fields(out, table_map, entity, table)
    return "\n".join(out.lines) + "\n", out.notes
