"""Parquet input: a file or a folder of Parquet files in, the ``source`` view in DuckDB out.

DuckDB scans the files itself (streaming, in file-name order). Row numbers continue across
files; a column the files lack is null and absent in every row; a column of the wrong type
stops the run before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from generator.bulk.columns import Columns
from generator.bulk.records import BadInput, Field
from generator.source.entity_schema import Kind

_ACCEPTED = {
    Kind.STRING: ("VARCHAR",),
    Kind.INTEGER: ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"),
    Kind.NUMBER: ("FLOAT", "DOUBLE", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "DECIMAL"),
    Kind.BOOLEAN: ("BOOLEAN",),
    Kind.ANY: ("VARCHAR",),
}
_SQL_TYPES = {
    Kind.STRING: "VARCHAR",
    Kind.INTEGER: "BIGINT",
    Kind.NUMBER: "DOUBLE",
    Kind.BOOLEAN: "BOOLEAN",
    Kind.ANY: "VARCHAR",
}


def parquet_files(path: Path) -> list[Path]:
    files = sorted(path.rglob("*.parquet")) if path.is_dir() else [path]
    if not files:
        raise BadInput(path, "the folder has no .parquet files")
    return files


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def create_source_view(
    connection: duckdb.DuckDBPyConnection, path: Path, fields: list[Field], columns: Columns
) -> int:
    """Create the view ``source`` over the Parquet input; returns its number of rows. Columns
    are named as the fields they feed (see columns.py)."""
    files = parquet_files(path)
    offsets: list[int] = []
    total = 0
    for file in files:
        try:
            rows = pq.ParquetFile(file).metadata.num_rows
        except Exception as problem:  # pyarrow raises several types for a damaged file
            raise BadInput(file, f"not a readable Parquet file: {problem}") from None
        offsets.append(total)
        total += rows
    names = "[" + ", ".join(_literal(file.as_posix()) for file in files) + "]"
    scan = f"read_parquet({names}, filename = true, file_row_number = true, union_by_name = true)"
    described = [
        (str(row[0]), str(row[1]))
        for row in connection.execute(f"DESCRIBE SELECT * FROM {scan}").fetchall()
        if row[0] not in ("filename", "file_row_number")  # the scan's own columns
    ]
    chosen = columns.header([name for name, _ in described])
    columns.check()
    absent: list[str] = []
    selected: list[str] = []
    for field in fields:
        if field.name not in chosen:
            absent.append(field.name)
            selected.append(f"CAST(NULL AS {declared(field)}) AS {_ident(field.name)}")
            continue
        name, found = described[chosen[field.name]]
        _check_type(files[0] if len(files) == 1 else path, field, found)
        selected.append(f"CAST({_ident(name)} AS {declared(field)}) AS {_ident(field.name)}")
    offset = (
        "CASE filename "
        + " ".join(
            f"WHEN {_literal(file.as_posix())} THEN {start}"
            for file, start in zip(files, offsets, strict=True)
        )
        + " END"
    )
    absent_list = "CAST([" + ", ".join(_literal(name) for name in absent) + "] AS VARCHAR[])"
    connection.execute(
        "CREATE OR REPLACE VIEW source AS SELECT "
        + ", ".join([f"file_row_number + {offset} AS _row", f"{absent_list} AS _absent", *selected])
        + f" FROM {scan}"
    )
    return total


def declared(field: Field) -> str:
    if field.nested_key is not None:
        return f"STRUCT({_ident(field.nested_key)} VARCHAR)"
    return _SQL_TYPES[field.kind]


def _check_type(where: Path, field: Field, found: str) -> None:
    if field.nested_key is not None:
        ok = found.startswith("STRUCT(") and field.nested_key in found
        expected = f"a struct with a string {field.nested_key!r}"
    else:
        ok = found.split("(")[0] in _ACCEPTED[field.kind]
        expected = _SQL_TYPES[field.kind]
    if not ok:
        raise BadInput(where, f"column {field.name!r} is {found}, but the schema says {expected}")
