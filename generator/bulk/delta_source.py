"""Delta tables: a folder with ``_delta_log`` in, Arrow batches of the ``source`` relation out.

Azure Synapse Link for Dataverse and Fabric write Dataverse tables as Delta. The table's
current version is read through the ``deltalake`` library as an Arrow dataset (no JVM, no
jars), streamed a batch at a time and numbered in the order of its files. As in Parquet, a
column the table lacks is absent from every row, and a column of a type the schema does not
take stops the run; a timestamp or date column that feeds a string field becomes ISO 8601
text, as OData spells it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from generator.bulk.columns import Columns
from generator.bulk.records import BadInput, Field, arrow_schema
from generator.source.entity_schema import Kind

DELTA_LOG = "_delta_log"


def is_delta_table(path: Path) -> bool:
    return path.is_dir() and (path / DELTA_LOG).is_dir()


def _typed(column: pa.ChunkedArray | pa.Array, item: Field, where: Path) -> pa.Array:
    kind, found = item.kind, column.type
    if item.nested_key is not None:
        if pa.types.is_struct(found) and found.get_field_index(item.nested_key) >= 0:
            inner = pc.struct_field(column, item.nested_key)
            if pa.types.is_string(inner.type) or pa.types.is_large_string(inner.type):
                key = inner.cast(pa.string())
                return pa.StructArray.from_arrays([key], [item.nested_key], mask=column.is_null())
        raise _wrong(where, item, found, f"a struct with a string {item.nested_key!r}")
    if kind in (Kind.STRING, Kind.ANY):
        if pa.types.is_string(found) or pa.types.is_large_string(found):
            return column.cast(pa.string())
        if pa.types.is_timestamp(found):
            utc = column if found.tz is None else column.cast(pa.timestamp(found.unit, "UTC"))
            return pc.strftime(utc, format="%Y-%m-%dT%H:%M:%SZ")
        if pa.types.is_date(found):
            return pc.strftime(column, format="%Y-%m-%d")
        raise _wrong(where, item, found, "a string")
    if kind is Kind.INTEGER and pa.types.is_integer(found):
        return _cast(column, pa.int64(), item, where)
    if kind is Kind.NUMBER and (
        pa.types.is_integer(found) or pa.types.is_floating(found) or pa.types.is_decimal(found)
    ):
        return _cast(column, pa.float64(), item, where)
    if kind is Kind.BOOLEAN and pa.types.is_boolean(found):
        return column
    raise _wrong(
        where,
        item,
        found,
        {Kind.INTEGER: "an integer", Kind.NUMBER: "a number"}.get(kind, "a boolean"),
    )


def _cast(column: pa.Array, to: pa.DataType, item: Field, where: Path) -> pa.Array:
    try:
        return column.cast(to)
    except pa.ArrowInvalid as problem:
        raise BadInput(where, f"column {item.name!r}: {problem}") from None


def _wrong(where: Path, item: Field, found: pa.DataType, expected: str) -> BadInput:
    return BadInput(where, f"column {item.name!r} is {found}, but the schema says {expected}")


def delta_batches(path: Path, fields: list[Field], columns: Columns) -> Iterator[pa.RecordBatch]:
    """The source relation's batches; the table is opened and checked before the first."""
    from deltalake import DeltaTable  # only a Delta input needs it

    try:
        table = DeltaTable(str(path))
        dataset = _in_write_order(table.to_pyarrow_dataset(), pa.table(table.get_add_actions()))
    except Exception as problem:  # deltalake raises its own types and Arrow's
        raise BadInput(path, f"not a readable Delta table: {problem}") from None
    names = dataset.schema.names
    chosen = columns.header(names)
    columns.check()
    schema = arrow_schema(fields)
    absent = [item.name for item in fields if item.name not in chosen]
    read = [names[chosen[item.name]] for item in fields if item.name in chosen]
    return _stream(dataset, read, fields, chosen, absent, schema, path)


def _in_write_order(dataset: ds.FileSystemDataset, actions: pa.Table) -> ds.FileSystemDataset:
    """The dataset with its files in the order they were added (the log lists the newest
    first), so rows are numbered as they were written, the same on every run."""
    added = dict(
        zip(
            actions.column("path").to_pylist(),
            actions.column("modification_time").to_pylist(),
            strict=True,
        )
    )
    fragments = sorted(
        dataset.get_fragments(), key=lambda fragment: (added.get(fragment.path, 0), fragment.path)
    )
    return ds.FileSystemDataset(fragments, dataset.schema, dataset.format, dataset.filesystem)


def _stream(
    dataset: ds.FileSystemDataset,
    read: list[str],
    fields: list[Field],
    chosen: dict[str, int],
    absent: list[str],
    schema: pa.Schema,
    path: Path,
) -> Iterator[pa.RecordBatch]:
    names = dataset.schema.names
    start = 0
    for batch in dataset.to_batches(columns=read):
        rows = batch.num_rows
        arrays = [
            pa.array(range(start, start + rows), pa.int64()),
            pa.array([absent] * rows, pa.list_(pa.string())),
        ]
        for item in fields:
            if item.name in chosen:
                arrays.append(_typed(batch.column(names[chosen[item.name]]), item, path))
            else:
                arrays.append(pa.nulls(rows, schema.field(item.name).type))
        start += rows
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)
