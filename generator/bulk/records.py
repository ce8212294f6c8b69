"""Typed input records: JSON Lines or CSV rows in, Arrow batches of the ``source`` relation out.

Each value is checked against the entity schema's kind as it is read, so a bad file stops
with its file, row and column named before anything is written. Batches stream: memory
holds one batch, never the file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from generator.backends.sql.inputs import ReadField
from generator.source.entity_schema import Kind

BATCH_ROWS = 50_000

_ARROW = {
    Kind.STRING: pa.string(),
    Kind.INTEGER: pa.int64(),
    Kind.NUMBER: pa.float64(),
    Kind.BOOLEAN: pa.bool_(),
    Kind.ANY: pa.string(),
}
_EXPECTED = {
    Kind.STRING: "a string",
    Kind.INTEGER: "an integer",
    Kind.NUMBER: "a number",
    Kind.BOOLEAN: "a boolean",
    Kind.ANY: "a string",
    Kind.LOOKUP: "an expanded lookup (an object)",
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


def fields_for(read: list[ReadField], kinds: dict[str, Kind]) -> list[Field]:
    return [
        Field(
            field.name,
            Kind.LOOKUP if field.nested_key else kinds.get(field.name, Kind.ANY),
            field.nested_key,
        )
        for field in read
    ]


def arrow_schema(fields: list[Field]) -> pa.Schema:
    columns = [pa.field("_row", pa.int64()), pa.field("_absent", pa.list_(pa.string()))]
    for field in fields:
        if field.nested_key is not None:
            columns.append(pa.field(field.name, pa.struct([(field.nested_key, pa.string())])))
        else:
            columns.append(pa.field(field.name, _ARROW[field.kind]))
    return pa.schema(columns)


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def _fits(kind: Kind, value: object) -> bool:
    # An untyped column is staged as text, so here it takes strings only.
    return isinstance(value, str) if kind is Kind.ANY else kind.admits(value)


class _Batcher:
    """Collects checked rows into column lists and cuts them into Arrow batches."""

    def __init__(self, path: Path, fields: list[Field], schema: pa.Schema) -> None:
        self.path = path
        self.fields = fields
        self.schema = schema
        self.columns: list[list[object]] = [[] for _ in schema]

    def add(self, row: int, record: dict[str, object]) -> None:
        absent: list[str] = []
        values: list[object] = [row, absent]
        for field in self.fields:
            if field.name not in record:
                absent.append(field.name)
                values.append(None)
                continue
            values.append(self.checked(row, field, record[field.name], absent))
        for column, value in zip(self.columns, values, strict=True):
            column.append(value)

    def checked(self, row: int, field: Field, value: object, absent: list[str]) -> object:
        if value is None:
            return None
        if field.nested_key is None:
            if not _fits(field.kind, value):
                raise self.wrong(row, field.name, _EXPECTED[field.kind], value)
            return float(value) if field.kind is Kind.NUMBER else value  # type: ignore[arg-type]
        if not isinstance(value, dict):
            raise self.wrong(row, field.name, _EXPECTED[Kind.LOOKUP], value)
        if field.nested_key not in value:
            absent.append(f"{field.name}/{field.nested_key}")
            return {field.nested_key: None}
        inner = value[field.nested_key]
        if inner is not None and not isinstance(inner, str):
            raise self.wrong(row, f"{field.name}/{field.nested_key}", "a string", inner)
        return {field.nested_key: inner}

    def wrong(self, row: int, column: str, expected: str, value: object) -> BadInput:
        return BadInput(
            self.path,
            f"row {row}, column {column!r}: expected {expected}, " f"got {_type_name(value)}",
        )

    def full(self) -> bool:
        return len(self.columns[0]) >= BATCH_ROWS

    def cut(self) -> pa.RecordBatch:
        arrays = [
            self.array(column, field)
            for column, field in zip(self.columns, self.schema, strict=True)
        ]
        self.columns = [[] for _ in self.schema]
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema)

    def array(self, column: list[object], field: pa.Field) -> pa.Array:
        try:
            return pa.array(column, type=field.type)
        except (UnicodeError, pa.ArrowException):
            # JSON can spell a lone surrogate ("\ud800"), which no UTF-8 engine can hold.
            rows = self.columns[0]
            for row, value in zip(rows, column, strict=True):
                try:
                    pa.array([value], type=field.type)
                except (UnicodeError, pa.ArrowException):
                    raise BadInput(
                        self.path, f"row {row}, column {field.name!r}: not valid Unicode text"
                    ) from None
            raise


def _batches(
    path: Path,
    fields: list[Field],
    records: Iterator[tuple[int, object]],
    on_rows: Callable[[int], None],
    failures: list[BadInput],
) -> Iterator[pa.RecordBatch]:
    batcher = _Batcher(path, fields, arrow_schema(fields))
    count = 0
    try:
        for row, record in records:
            if not isinstance(record, dict):
                raise BadInput(path, f"row {row}: the record is not a JSON object")
            batcher.add(row, record)
            count += 1
            if batcher.full():
                on_rows(count)
                yield batcher.cut()
        on_rows(count)
        yield batcher.cut()
    except (BadInput, OSError, UnicodeDecodeError) as problem:
        # The consumer (DuckDB) re-raises its own error type: keep the reader's for the message.
        failure = problem if isinstance(problem, BadInput) else BadInput(path, f"{problem}")
        failures.append(failure)
        raise failure from None


def _json_lines(path: Path) -> Iterator[tuple[int, object]]:
    row = 0
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                yield row, json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as problem:
                raise BadInput(
                    path,
                    f"line {number} (row {row}): not JSON: {problem.msg} at column {problem.colno}",
                ) from None
            row += 1


def _csv_rows(path: Path, fields: list[Field]) -> Iterator[tuple[int, object]]:
    kinds = {field.name: field.kind for field in fields}
    with path.open(encoding="utf-8", newline="") as handle:
        for row, raw in enumerate(csv.DictReader(handle)):
            record: dict[str, object] = {}
            for name, text in raw.items():
                if name is None or text is None:
                    raise BadInput(path, f"row {row}: the row does not match the header")
                record[name] = _csv_value(path, row, name, text, kinds.get(name, Kind.STRING))
            yield row, record


def _csv_value(path: Path, row: int, name: str, text: str, kind: Kind) -> object:
    # An empty cell is null: CSV has no other spelling for it.
    if text == "":
        return None
    try:
        if kind is Kind.INTEGER:
            return int(text)
        if kind is Kind.NUMBER:
            return float(text)
    except ValueError:
        raise BadInput(
            path, f"row {row}, column {name!r}: expected {_EXPECTED[kind]}, got {text!r}"
        ) from None
    if kind is Kind.BOOLEAN:
        if text.casefold() not in ("true", "false"):
            raise BadInput(
                path, f"row {row}, column {name!r}: expected true or false, got {text!r}"
            )
        return text.casefold() == "true"
    return text


def record_batches(
    path: Path,
    format: str,
    fields: list[Field],
    on_rows: Callable[[int], None],
    failures: list[BadInput],
) -> pa.RecordBatchReader:
    """A streaming reader of the ``source`` relation from a JSON Lines or CSV file.

    A problem found while DuckDB pulls batches is appended to ``failures`` as well as raised.
    """
    records = _json_lines(path) if format == "jsonl" else _csv_rows(path, fields)
    batches = _batches(path, fields, records, on_rows, failures)
    return pa.RecordBatchReader.from_batches(arrow_schema(fields), batches)
