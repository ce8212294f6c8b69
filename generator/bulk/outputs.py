"""Outputs: the outcomes relation in, payloads, rejects and summary.json in a folder out.

The outcomes relation is the direction's query or Spark's result files. It is read once, as
a stream of Arrow batches in row order: each batch's payload lines are written as they came,
its rejected rows become reject lines, and its statuses are counted, so memory holds a batch
at a time however large the input. The folder is a staging folder (see folders.py).
"""

from __future__ import annotations

import json
from collections import Counter, deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from generator.backends.python.runtime import MappingError
from generator.bulk.direct import DirectFile

# Rows per Arrow batch: DuckDB's vector, a few MiB of payload text. Larger batches measured
# slower: their buffers go back to the system and are faulted in afresh, batch after batch.
BATCH = 2048
BACKLOG = 4  # batches written behind the engine
FILTERED, LINE, FIELD, VALUE, REASON, ADDRESS = range(1, 7)
# The runtime's reason for a number JSON can't hold: the value it names is a float.
NOT_FINITE = "is not a finite number: JSON has none"
NON_FINITE = frozenset({"NaN", "Infinity", "-Infinity"})


class CountMismatch(Exception):
    """Rows read differ from rows written, rejected and filtered: a bug, never bad input."""


def write_outputs(
    connection: duckdb.DuckDBPyConnection,
    outcomes: str,
    folder: Path,
    template: str,
    format: str,
    summary: dict[str, object],
) -> dict[str, object]:
    # For JSON Lines the query's payload is the whole line (see command.prepare): JSON text
    # spliced by the engine, never parsed or re-encoded. A payload only for a written row and a
    # reject field only for a rejected one: their nulls count them, and the rest are filtered.
    stream = connection.sql(
        f"SELECT \"row\", status = 'filtered', payload, reject_field, reject_value, "
        f"reject_reason, address FROM {outcomes}"
    ).to_arrow_reader(BATCH)
    counts: Counter[str] = Counter()
    rejects_path = folder / "rejects.jsonl"
    with rejects_path.open("w", encoding="utf-8") as rejects, _payloads(folder, format) as payloads:

        def write(batch: pa.RecordBatch, rejected: int) -> None:
            payloads.write(batch)
            if rejected:
                _write_rejects(batch, rejects, template)

        # One writer thread takes each batch in turn, so the file is written while the engine
        # computes the next batches; a bounded backlog keeps memory flat.
        with ThreadPoolExecutor(max_workers=1) as writer:
            backlog: deque[Future[None]] = deque()
            for batch in stream:
                found = _counts(batch)
                counts.update(found)
                backlog.append(writer.submit(write, batch, found["rejected"]))
                if len(backlog) > BACKLOG:
                    backlog.popleft().result()
            for pending in backlog:
                pending.result()
    read = connection.execute("SELECT count(*) FROM source").fetchall()[0][0]
    written, rejected, filtered = (counts[key] for key in ("written", "rejected", "filtered"))
    if read != written + rejected + filtered:
        raise CountMismatch(f"{read} read, but {written} + {rejected} + {filtered} accounted for")
    summary = {**summary, "read": read, "written": written, "rejected": rejected}
    summary["filtered"] = filtered
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def _counts(batch: pa.RecordBatch) -> dict[str, int]:
    filtered: pa.BooleanArray = batch.column(FILTERED)
    return {
        "written": batch.num_rows - batch.column(LINE).null_count,
        "rejected": batch.num_rows - batch.column(FIELD).null_count,
        "filtered": filtered.true_count,
    }


def _write_rejects(batch: pa.RecordBatch, out: IO[str], template: str) -> None:
    columns = [batch.column(index).to_pylist() for index in (0, FIELD, VALUE, REASON)]
    for row, field, value_text, reason in zip(*columns, strict=True):
        if field is None:
            continue
        # JSON has no NaN or infinities: the line holds them as the strings "NaN", "Infinity"
        # and "-Infinity" (as Spark's to_json writes them), so a strict parser reads every line.
        value = json.loads(value_text, parse_constant=str)
        shown = float(value) if reason == NOT_FINITE and value in NON_FINITE else value
        # The message is the Python mapper's, word for word.
        error = str(MappingError(template, field, shown, reason))
        line = {"row": row, "field": field, "value": value, "error": error}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")


class _JsonLines:
    """payloads.jsonl: each batch's lines, already text, written straight from Arrow's buffer."""

    def __init__(self, path: Path) -> None:
        self.out = DirectFile(path)

    def write(self, batch: pa.RecordBatch) -> None:
        lines = batch.column(LINE)
        offsets, data = lines.buffers()[1:3]
        if data is None:
            return
        # A null (a row not written) has no bytes, so the written lines lie end to end.
        wide = pa.types.is_large_string(lines.type)
        bounds = memoryview(offsets).cast("q") if wide else memoryview(offsets).cast("i")
        self.out.write(memoryview(data)[bounds[lines.offset] : bounds[lines.offset + len(lines)]])

    def __enter__(self) -> _JsonLines:
        return self

    def __exit__(self, *problem: object) -> None:
        self.out.close()


class _ParquetPayloads:
    """payloads.parquet: the row, the address and the payload JSON text of each written row."""

    SCHEMA = pa.schema([("row", pa.int64()), ("address", pa.string()), ("payload", pa.string())])

    def __init__(self, path: Path) -> None:
        self.out = pq.ParquetWriter(path, self.SCHEMA)

    def write(self, batch: pa.RecordBatch) -> None:
        chosen = batch.filter(batch.column(LINE).is_valid())
        columns = [chosen.column(0).cast(pa.int64())]
        columns += [chosen.column(ADDRESS).cast(pa.string()), chosen.column(LINE).cast(pa.string())]
        self.out.write_batch(pa.record_batch(columns, schema=self.SCHEMA))

    def __enter__(self) -> _ParquetPayloads:
        return self

    def __exit__(self, *problem: object) -> None:
        self.out.close()


def _payloads(folder: Path, format: str) -> _JsonLines | _ParquetPayloads:
    if format == "parquet":
        return _ParquetPayloads(folder / "payloads.parquet")
    return _JsonLines(folder / "payloads.jsonl")
