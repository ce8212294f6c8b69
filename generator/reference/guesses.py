"""What a mapping reference leaves open, guessed: names and row details in, names and notes out.

Module names come from headings; entity and table names from headings such as ``Customers
V3 to accounts`` or ``CDS Contacts V2 (contacts)``, or else from the columns; each row gets
a note for what the compiler will need that the document did not give.
"""

from __future__ import annotations

import re

from generator import messages
from generator.reference.import_model import ImportedRow, Note, guess
from generator.source.spec import NONE_FIELD, MapType, module_name_problem

_TO = re.compile(r"^(?P<entity>.+)\s+to\s+(?P<table>[^\s].*)$", re.IGNORECASE)
_PARENTHESES = re.compile(r"^(?P<entity>.+?)\s*\((?P<table>[^()]+)\)\s*$")


def module_name(heading: str) -> str:
    """A spec file name (snake case) for a heading."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", heading)
    name = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "table_map"
    if not name[0].isalpha():
        name = f"map_{name}"
    if module_name_problem(name):
        name = f"{name}_map"
    return name


def _pascal_case(text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    name = "".join(word[0].upper() + word[1:] for word in words) or "Entity"
    return name if name[0].isalpha() else f"Entity{name}"


def _entity_set(text: str) -> str:
    """A Dataverse entity set name: lower case, and plural when the text is a display name."""
    name = re.sub(r"[^A-Za-z0-9_]", "", text.strip())
    if not name:
        return "table"
    display = name != name.lower()
    name = name.lower()
    if display and not name.endswith("s"):
        name = name[:-1] + "ies" if re.search(r"[^aeiou]y$", name) else name + "s"
    return name if name[0].isalpha() or name[0] == "_" else f"t_{name}"


def entity_and_table(heading: str, rows: list[ImportedRow]) -> tuple[str, str]:
    """The F&O entity and the Dataverse entity set a heading most likely names."""
    for pattern in (_PARENTHESES, _TO):
        match = pattern.match(heading)
        if match:
            return _pascal_case(match.group("entity")), _entity_set(match.group("table"))
    columns = [row.dataverse.split(".")[0] for row in rows if row.dataverse != NONE_FIELD]
    solution = sum(column.startswith("msdyn_") for column in columns) * 2 > len(columns)
    words = "".join(re.findall(r"[A-Za-z0-9]+", heading))
    table = _entity_set(("msdyn_" if solution else "") + words.lower())
    if not table.endswith("s"):
        table += "s"
    return _pascal_case(heading), table


def row_guesses(row: ImportedRow, entity: str, table: str) -> list[Note]:
    """What to check in ``row``: lookup targets, missing defaults, value maps."""
    notes = []
    if "." in row.dataverse:
        notes.append(
            guess(
                row.line,
                messages.IMPORT_GUESS_LOOKUP,
                field=row.dataverse,
                column=row.dataverse.split(".")[0],
                table=table,
            )
        )
    if NONE_FIELD in (row.finance, row.dataverse) and not row.has_default:
        notes.append(guess(row.line, messages.IMPORT_GUESS_NO_DEFAULT))
    if row.pairs is not None:
        notes.append(
            guess(row.line, messages.IMPORT_GUESS_VALUE_MAP, field=row.finance, entity=entity)
        )
    elif (
        len(row.map_type) == 2 and NONE_FIELD not in (row.finance, row.dataverse)
    ) or row.map_type == MapType.BOTH_TRANSFORMED.value:
        notes.append(guess(row.line, messages.IMPORT_GUESS_COPIES, map_type=row.map_type))
    return notes
