"""One line of a field table in, an imported row (or the reason it can't be read) out.

Besides the cells the reference pages write, this reads the current reference's value
maps inside the Map type cell: ``><<br>`no` : `False`<br>`yes` : `True```, with
``blank`` for an empty value.
"""

from __future__ import annotations

import re

from generator.reference.import_model import FailedRow, ImportedRow, ValuePair
from generator.reference.page_format import (
    BLANK,
    MapTableHeader,
    Unreadable,
    read_field_cell,
    read_map_type,
    read_value_cell,
    table_cells,
)
from generator.source.located_yaml import ScalarValue, core_schema_value
from generator.source.spec import MapType

MAP_TYPES = tuple(member.value for member in MapType)
_BREAK = re.compile(r"(?<!\\)<br\s*/?>", re.IGNORECASE)
_PAIR = re.compile(
    r"^\s*(?:`(?P<finance>[^`]*)`|(?P<finance_word>\w+))\s*:\s*"
    r"(?:`(?P<dataverse>[^`]*)`|(?P<dataverse_word>\w+))\s*$"
)


def _cells_text(count: int) -> str:
    return f"{count} cell{'s' * (count != 1)}"


def _pair_value(quoted: str | None, word: str | None) -> ScalarValue | Unreadable:
    if quoted is not None:
        return core_schema_value(quoted.replace("\\|", "|"))
    if word is not None and word.lower() == BLANK:
        return None
    return Unreadable(f"{word!r} is neither in backticks nor 'blank'")


def _in_cell_pairs(parts: list[str]) -> list[ValuePair] | str:
    """The pairs after the map type in its cell, or why they can't be read."""
    pairs: list[ValuePair] = []
    for part in parts:
        if not part.strip():
            continue
        match = _PAIR.match(part)
        if match is None:
            return f"value-map pair {part.strip()!r} is not `a` : `b`"
        finance = _pair_value(match.group("finance"), match.group("finance_word"))
        dataverse = _pair_value(match.group("dataverse"), match.group("dataverse_word"))
        if isinstance(finance, Unreadable):
            return f"value-map pair {part.strip()!r}: {finance.reason}"
        if isinstance(dataverse, Unreadable):
            return f"value-map pair {part.strip()!r}: {dataverse.reason}"
        pairs.append((finance, dataverse))
    return pairs


def read_row(line: int, source: str, header: MapTableHeader) -> ImportedRow | FailedRow:
    """The row on ``source`` (line ``line`` of the document), read with the table's header."""
    cells = table_cells(source)
    original = source.strip()
    column = header.map_type
    if len(cells) > len(header.names):
        return FailedRow(
            line, original, f"{_cells_text(len(cells))}, the header has {len(header.names)}"
        )
    if len(cells) < column + 2:
        return FailedRow(line, original, f"{_cells_text(len(cells))}, need at least {column + 2}")
    finance = read_field_cell(cells[column - 1])
    dataverse = read_field_cell(cells[column + 1])
    if not finance or not dataverse:
        return FailedRow(line, original, "a field name is empty")
    parts = _BREAK.split(cells[column])
    symbol = read_map_type(parts[0])
    if symbol not in MAP_TYPES:
        return FailedRow(line, original, f"unknown map type {symbol!r}")
    pairs = _in_cell_pairs(parts[1:])
    if isinstance(pairs, str):
        return FailedRow(line, original, pairs)
    default: ScalarValue = None
    has_default = False
    if header.default is not None and header.default < len(cells) and cells[header.default]:
        value = read_value_cell(cells[header.default])
        if isinstance(value, Unreadable):
            return FailedRow(line, original, f"default: {value.reason}")
        default, has_default = value, True
    return ImportedRow(
        line, original, finance, symbol, dataverse, default, has_default, pairs or None
    )
