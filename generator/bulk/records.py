"""Typed input records: records of any reader in, Arrow batches of the ``source`` relation out.

A reader (JSON Lines here; CSV, OData pages and data packages in their modules) yields each
record with its keys already renamed to the fields read (see columns.py). Each value is
checked against the entity schema's kind as it is read: one that does not fit is null in the
batch and its row becomes an input reject (row, field, value, reason), which the run turns
into a rejected row. Batches stream: memory holds one batch, never the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from generator.backends.sql.inputs import ReadField
from generator.bulk.cells import (
    EXPECTED,
    BadCell,
    Unparsed,
    checked_integer,
    checked_number,
    mismatch,
)
from generator.bulk.columns import BadColumns, Columns
from generator.source.entity_schema import EntitySchema, Kind

BATCH_ROWS = 50_000

_ARROW = {
    Kind.STRING: pa.string(),
    Kind.INTEGER: pa.int64(),
    Kind.NUMBER: pa.float64(),
    Kind.BOOLEAN: pa.bool_(),
    Kind.ANY: pa.string(),
}


class BadInput(Exception):
    """The input can't be read: ``path`` is the file, ``detail`` names the row and column."""

    def __init__(self, path: Path, detail: str) -> None:
        super().__init__(f"{path}: {detail}")
        self.path = path
        self.detail = detail


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    nested_key: str | None  # an expanded lookup: the key read from it
    format: str | None = None  # the schema's format: uuid, date or date-time


def fields_for(read: list[ReadField], schema: EntitySchema | None) -> list[Field]:
    columns = {column.name: column for column in schema.columns} if schema else {}
    fields = []
    for read_field in read:
        column = columns.get(read_field.name)
        kind = column.kind if column else Kind.ANY
        fields.append(
            Field(
                read_field.name,
                Kind.LOOKUP if read_field.nested_key else kind,
                read_field.nested_key,
                column.constraints.format if column else None,
            )
        )
    return fields


def arrow_schema(fields: list[Field]) -> pa.Schema:
    columns = [pa.field("_row", pa.int64()), pa.field("_absent", pa.list_(pa.string()))]
    for item in fields:
        if item.nested_key is not None:
            columns.append(pa.field(item.name, pa.struct([(item.nested_key, pa.string())])))
        else:
            columns.append(pa.field(item.name, _ARROW[item.kind]))
    return pa.schema(columns)


@dataclass(frozen=True)
class InputReject:
    row: int
    field: str
    value: str  # JSON text, as the outcomes' reject_value
    reason: str


@dataclass
class Reading:
    """What a read found besides its rows: its rejects, and the failure that stopped it."""

    path: Path
    fields: list[Field]
    columns: Columns
    date_format: str
    rejects: list[InputReject] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)

    def reject(self, row: int, name: str, value: object, problem: BadCell) -> None:
        text = json.dumps(value, ensure_ascii=False)
        self.rejects.append(InputReject(row, name, text, problem.reason))


def _fits(kind: Kind, value: object) -> bool:
    # An untyped column is staged as text, so here it takes strings only.
    return isinstance(value, str) if kind is Kind.ANY else kind.admits(value)


def checked(item: Field, value: object) -> object:
    """The value as the batch holds it, or BadCell."""
    if value is None:
        return None
    if item.nested_key is None:
        if not _fits(item.kind, value):
            raise mismatch(item.kind)
        if item.kind is Kind.INTEGER:
            return checked_integer(value)  # type: ignore[arg-type]
        if item.kind is Kind.NUMBER:
            return checked_number(value)  # type: ignore[arg-type]
        return value
    if not isinstance(value, dict):
        raise mismatch(Kind.LOOKUP)
    inner = value.get(item.nested_key)
    if inner is not None and not isinstance(inner, str):
        raise BadCell(f"holds {item.nested_key!r} that is not {EXPECTED[Kind.STRING]}")
    return {item.nested_key: inner}


class _Batcher:
    """Collects checked rows into column lists and cuts them into Arrow batches."""

    def __init__(self, reading: Reading, schema: pa.Schema) -> None:
        self.reading = reading
        self.fields = reading.fields
        self.schema = schema
        self.columns: list[list[object]] = [[] for _ in schema]

    def add(self, row: int, record: dict[str, object]) -> None:
        absent: list[str] = []
        values: list[object] = [row, absent]
        rejected = False
        for item in self.fields:
            if item.name not in record:
                absent.append(item.name)
                values.append(None)
                continue
            value = record[item.name]
            try:
                if isinstance(value, Unparsed):
                    raise BadCell(value.reason)
                values.append(checked(item, value))
            except BadCell as problem:
                values.append(None)
                if not rejected:  # the first bad field rejects the row, as the mapper raises
                    shown = value.text if isinstance(value, Unparsed) else value
                    self.reading.reject(row, item.name, shown, problem)
                    rejected = True
                continue
            if isinstance(value, dict) and item.nested_key not in value:
                absent.append(f"{item.name}/{item.nested_key}")
        for column, value in zip(self.columns, values, strict=True):
            column.append(value)

    def full(self) -> bool:
        return len(self.columns[0]) >= BATCH_ROWS

    def cut(self) -> pa.RecordBatch:
        arrays = [
            self.array(column, item) for column, item in zip(self.columns, self.schema, strict=True)
        ]
        self.columns = [[] for _ in self.schema]
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)

    def array(self, column: list[object], item: pa.Field) -> pa.Array:
        try:
            return pa.array(column, type=item.type)
        except (UnicodeError, pa.ArrowException):
            # JSON can spell a lone surrogate ("\ud800"), which no UTF-8 engine can hold.
            rows = self.columns[0]
            for row, value in zip(rows, column, strict=True):
                try:
                    pa.array([value], type=item.type)
                except (UnicodeError, pa.ArrowException):
                    raise BadInput(
                        self.reading.path,
                        f"row {row}, column {item.name!r}: not valid Unicode text",
                    ) from None
            raise


def guarded(reading: Reading, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """The batches, with a reading problem kept in ``reading.failures`` as it is raised: the
    consumer (DuckDB) re-raises its own error type, and the reader's names file and row."""
    try:
        yield from batches
    except (BadInput, BadColumns, OSError, UnicodeDecodeError) as problem:
        failure: Exception = problem
        if isinstance(problem, OSError | UnicodeDecodeError):
            failure = BadInput(reading.path, f"{problem}")
        reading.failures.append(failure)
        raise failure from None


def _batches(
    reading: Reading,
    records: Iterator[tuple[int, object]],
    on_rows: Callable[[int], None],
) -> Iterator[pa.RecordBatch]:
    batcher = _Batcher(reading, arrow_schema(reading.fields))
    count = 0
    for row, record in records:
        if not isinstance(record, dict):
            raise BadInput(reading.path, f"row {row}: the record is not a JSON object")
        batcher.add(row, record)
        count += 1
        if batcher.full():
            on_rows(count)
            yield batcher.cut()
    if count:
        reading.columns.check()
    on_rows(count)
    yield batcher.cut()


def json_lines(reading: Reading) -> Iterator[tuple[int, object]]:
    """Each line's record, its keys renamed to the fields read."""
    path = reading.path
    row = 0
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as problem:
                raise BadInput(
                    path,
                    f"line {number} (row {row}): not JSON: {problem.msg} at column {problem.colno}",
                ) from None
            yield row, reading.columns.record(record) if isinstance(record, dict) else record
            row += 1


def record_batches(
    reading: Reading,
    records: Iterator[tuple[int, object]],
    on_rows: Callable[[int], None],
) -> pa.RecordBatchReader:
    """A streaming reader of the ``source`` relation from a reader's records.

    A problem found while DuckDB pulls batches is appended to ``reading.failures`` as well as
    raised.
    """
    batches = guarded(reading, _batches(reading, records, on_rows))
    return pa.RecordBatchReader.from_batches(arrow_schema(reading.fields), batches)
