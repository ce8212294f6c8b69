"""The unmapped-column report: every validated map in, a warning per schema column no spec uses out.

MapStruct's unmapped-target report: a column that no spec maps or filters on is usually
a forgotten row. Key columns are exempt (dual-write keys records by them). Each map is
reduced to the columns it uses first, so a cached spec need not be bound again to be counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import messages
from generator.bind.model import TableMap
from generator.diagnostics import Diagnostics
from generator.source.entity_schema import EntitySchema


@dataclass(frozen=True)
class ColumnUse:
    """The columns one map uses, by the path of the schema they belong to."""

    module: str
    columns: tuple[tuple[str, frozenset[str]], ...]


def column_use(table_map: TableMap) -> ColumnUse:
    columns = tuple(
        (schema.path, frozenset(names))
        for schema, names in (
            (table_map.finance_schema, _finance_columns(table_map)),
            (table_map.dataverse_schema, _dataverse_columns(table_map)),
        )
        if schema is not None
    )
    return ColumnUse(table_map.spec.module, columns)


def report_unmapped_columns(
    uses: list[ColumnUse], schemas: list[EntitySchema], diagnostics: Diagnostics
) -> None:
    """A warning per column of a schema some map uses that no map uses."""
    by_path = {schema.path: schema for schema in schemas}
    used: dict[str, set[str]] = {}
    users: dict[str, list[str]] = {}
    for use in uses:
        for path, names in use.columns:
            used.setdefault(path, set()).update(names)
            users.setdefault(path, []).append(use.module)
    for path in sorted(used):
        schema = by_path[path]
        for column in schema.columns:
            if column.name in used[path] or column.name in schema.key or column.location is None:
                continue
            diagnostics.report(
                messages.COLUMN_UNMAPPED,
                column.location,
                name=column.name,
                entity=schema.entity_set,
                users=", ".join(users[path]),
            )


def _finance_columns(table_map: TableMap) -> set[str]:
    names = {row.finance.name for row in table_map.rows if row.finance is not None}
    if table_map.source_filter is not None:
        names.update(table_map.source_filter.columns)
    return names


def _dataverse_columns(table_map: TableMap) -> set[str]:
    names = {row.dataverse.column.name for row in table_map.rows if row.dataverse is not None}
    if table_map.company is not None:
        names.add(table_map.company.lookup.name)
    if table_map.reverse_filter is not None:
        names.update(table_map.reverse_filter.columns)
    return names
