"""Input formats: an input path in, its format and the stream of the ``source`` relation out.

The format is told by the path: a folder with ``_delta_log`` is a Delta table, a folder of
``.json`` pages OData pages, any other folder Parquet; by suffix ``.zip`` a data package,
``.csv`` CSV, ``.json`` an OData page, ``.parquet`` Parquet, anything else JSON Lines.
Parquet is scanned by DuckDB itself (parquet_source.py); the others stream Arrow batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pyarrow as pa

from generator.bulk.columns import Columns
from generator.bulk.csv_source import csv_records, text_stream
from generator.bulk.data_package import package_records
from generator.bulk.delta_source import delta_batches, is_delta_table
from generator.bulk.json_engine import NotForTheEngine, stage_json_lines
from generator.bulk.odata_pages import page_records
from generator.bulk.records import (
    BadInput,
    InputReject,
    Reading,
    arrow_schema,
    guarded,
    json_lines,
    record_batches,
)

FORMATS = ("jsonl", "csv", "parquet", "odata", "package", "delta")


def input_format(path: Path) -> str:
    if path.is_dir():
        if is_delta_table(path):
            return "delta"
        has_pages = any(path.glob("*.json")) and not any(path.rglob("*.parquet"))
        return "odata" if has_pages else "parquet"
    return {".parquet": "parquet", ".csv": "csv", ".json": "odata", ".zip": "package"}.get(
        path.suffix.lower(), "jsonl"
    )


def _csv_file(reading: Reading) -> Iterator[tuple[int, object]]:
    with reading.path.open("rb") as binary, text_stream(binary) as handle:
        yield from csv_records(reading, handle)


def _delta(reading: Reading, on_rows: Callable[[int], None]) -> Iterator[pa.RecordBatch]:
    count = 0
    for batch in delta_batches(reading.path, reading.fields, reading.columns):
        count += batch.num_rows
        on_rows(count)
        yield batch


def source_batches(
    reading: Reading, kind: str, entity_set: str, on_rows: Callable[[int], None]
) -> pa.RecordBatchReader:
    """The ``source`` relation of a streamed input (every format but Parquet)."""
    if kind == "delta":
        batches = guarded(reading, _delta(reading, on_rows))
        return pa.RecordBatchReader.from_batches(arrow_schema(reading.fields), batches)
    if kind == "csv":
        records = _csv_file(reading)
    elif kind == "odata":
        records = page_records(reading)
    elif kind == "package":
        records = package_records(reading, entity_set)
    elif kind == "jsonl":
        records = json_lines(reading)
    else:
        raise BadInput(reading.path, f"no reader for the format {kind!r}")
    return record_batches(reading, records, on_rows)


def stage(
    connection: duckdb.DuckDBPyConnection,
    reading: Reading,
    kind: str,
    entity_set: str,
    staged: str,
    on_rows: Callable[[int], None],
) -> None:
    """Stage a streamed input as Parquet at ``staged`` (a SQL literal's text) and create the
    view ``source`` over it; its input rejects go to ``reading.rejects``."""
    if kind == "jsonl":
        try:
            reading.rejects.extend(stage_json_lines(connection, reading, staged))
        except NotForTheEngine:
            pass
        else:
            rows = connection.execute(f"SELECT count(*) FROM read_parquet('{staged}')").fetchall()
            if rows[0][0]:
                reading.columns.check()
            on_rows(rows[0][0])
            names = ", ".join(_ident(field.name) for field in reading.fields)
            connection.execute(
                "CREATE VIEW source AS SELECT file_row_number AS _row, _absent"
                + (f", {names}" if names else "")
                + f" FROM read_parquet('{staged}', file_row_number = true)"
            )
            return
    # The stream reads only once: the rows read are counted after the run, and Spark reads
    # its input from Parquet.
    reader = source_batches(reading, kind, entity_set, on_rows)
    connection.register("input_batches", reader)
    try:
        connection.execute(f"COPY (SELECT * FROM input_batches) TO '{staged}' (FORMAT parquet)")
    except duckdb.Error:
        # A reader's BadInput surfaces through DuckDB as its own error: report the reader's.
        if reading.failures:
            raise reading.failures[0] from None
        raise
    connection.execute(f"CREATE VIEW source AS SELECT * FROM read_parquet('{staged}')")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def register_input_rejects(
    connection: duckdb.DuckDBPyConnection, rejects: list[InputReject], columns: Columns
) -> None:
    """The rows holding a value that does not fit its field, as ``input_rejects_table``."""
    table = pa.table(
        {
            "row": [reject.row for reject in rejects],
            "field": [reject.field for reject in rejects],
            "value": [reject.value for reject in rejects],
            "reason": [reject.reason for reject in rejects],
            "in_filter": [reject.field in columns.filter_fields for reject in rejects],
        }
    )
    connection.register("input_rejects_table", table)


def with_input_rejects(
    connection: duckdb.DuckDBPyConnection,
    outcomes: str,
    rejects: list[InputReject],
    columns: Columns,
) -> str:
    """The outcomes with each row holding a value that does not fit its field rejected.

    The query saw such a value as null. A row it filtered out stays filtered when the bad
    value is not one the filter reads, as the Python mapper tests the filter first. Only a
    run with such rows pays for the join and the sort that restores row order.
    """
    if not rejects:
        return outcomes
    register_input_rejects(connection, rejects, columns)
    keep = "b.\"row\" IS NULL OR (o.status = 'filtered' AND NOT b.in_filter)"
    return (
        f"(SELECT o.\"row\", CASE WHEN {keep} THEN o.status ELSE 'rejected' END AS status, "
        f"CASE WHEN {keep} THEN o.payload END AS payload, "
        f"CASE WHEN {keep} THEN o.address END AS address, "
        f"CASE WHEN {keep} THEN o.reject_field ELSE b.field END AS reject_field, "
        f"CASE WHEN {keep} THEN o.reject_value ELSE b.value END AS reject_value, "
        f"CASE WHEN {keep} THEN o.reject_reason ELSE b.reason END AS reject_reason "
        f'FROM {outcomes} AS o LEFT JOIN input_rejects_table AS b ON o."row" = b."row" '
        f'ORDER BY o."row")'
    )
