"""The unmapped-column report: every validated map in, a warning per schema column no spec uses out.

MapStruct's unmapped-target report: a column that no spec maps or filters on is usually
a forgotten row. Key columns are exempt (dual-write keys records by them).
"""

from __future__ import annotations

from generator import messages
from generator.bind.model import TableMap
from generator.diagnostics import Diagnostics
from generator.source.entity_schema import EntitySchema


def report_unmapped_columns(maps: list[TableMap], diagnostics: Diagnostics) -> None:
    used: dict[str, set[str]] = {}
    users: dict[str, list[str]] = {}
    schemas: dict[str, EntitySchema] = {}
    for table_map in maps:
        for schema, names in (
            (table_map.finance_schema, _finance_columns(table_map)),
            (table_map.dataverse_schema, _dataverse_columns(table_map)),
        ):
            if schema is None:
                continue
            schemas[schema.path] = schema
            used.setdefault(schema.path, set()).update(names)
            users.setdefault(schema.path, []).append(table_map.spec.module)
    for path, schema in sorted(schemas.items()):
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
