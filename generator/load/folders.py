"""Bulk folders: an output folder of ``bulk`` in, its summary and a stream of payload rows out.

``payloads.jsonl`` lines are ``{"row": N, "address": "...", "payload": {...}}``;
``payloads.parquet`` has the columns ``row``, ``address`` and ``payload`` (JSON text). Rows
are read in chunks, so a folder of millions of rows never sits in memory whole.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHUNK = 10_000


class BadFolder(Exception):
    """A folder that is not bulk output, or a payload line that is not what bulk writes."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(problem)
        self.path = path
        self.problem = problem


@dataclass(frozen=True)
class PayloadRow:
    row: int  # the 0-based input row bulk numbered it with
    address: str  # the upsert address, relative to the API root
    payload: dict[str, Any]


@dataclass(frozen=True)
class BulkFolder:
    path: Path
    module: str
    direction: str  # "to_dataverse" or "to_finance", as summary.json writes it
    written: int  # rows bulk wrote: the rows to load

    @property
    def journal(self) -> Path:
        return self.path / "load"


def read_folder(path: Path) -> BulkFolder:
    summary_path = path / "summary.json"
    try:
        summary = json.loads(summary_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadFolder(
            path, "it has no summary.json; give a folder `bulk --output` wrote"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as problem:
        raise BadFolder(path, f"can't read summary.json: {problem}") from None
    if not isinstance(summary, dict):
        raise BadFolder(path, "summary.json is not a JSON object")
    module, direction, written = (summary.get(k) for k in ("module", "direction", "written"))
    if not isinstance(module, str) or direction not in ("to_dataverse", "to_finance"):
        raise BadFolder(path, "summary.json names no module and direction")
    if not isinstance(written, int) or isinstance(written, bool):
        raise BadFolder(path, "summary.json has no count of written rows")
    if summary.get("addresses") is False:
        raise BadFolder(
            path, f"{module} has no key, so bulk wrote no address to upsert its rows at"
        )
    if not _payload_file(path).exists():
        raise BadFolder(path, "it has neither payloads.jsonl nor payloads.parquet")
    return BulkFolder(path, module, direction, written)


def _payload_file(path: Path) -> Path:
    parquet = path / "payloads.parquet"
    return parquet if parquet.exists() else path / "payloads.jsonl"


def payload_chunks(folder: BulkFolder) -> Iterator[list[PayloadRow]]:
    """The folder's rows in file order, ``CHUNK`` at a time."""
    source = _payload_file(folder.path)
    if source.suffix == ".parquet":
        yield from _parquet_chunks(source)
    else:
        yield from _json_lines_chunks(source)


def _json_lines_chunks(source: Path) -> Iterator[list[PayloadRow]]:
    chunk: list[PayloadRow] = []
    try:
        with source.open("rb") as lines:
            for number, line in enumerate(lines, start=1):
                try:
                    record = json.loads(line)
                except ValueError as problem:
                    raise BadFolder(source, f"line {number} is not JSON: {problem}") from None
                chunk.append(_payload_row(source, number, record, record.get("payload")))
                if len(chunk) == CHUNK:
                    yield chunk
                    chunk = []
    except OSError as problem:
        raise BadFolder(source, f"can't read it: {problem}") from None
    if chunk:
        yield chunk


def _parquet_chunks(source: Path) -> Iterator[list[PayloadRow]]:
    import pyarrow.parquet as pq

    try:
        reader = pq.ParquetFile(source)
        number = 0
        for batch in reader.iter_batches(batch_size=CHUNK, columns=["row", "address", "payload"]):
            chunk = []
            for record in batch.to_pylist():
                number += 1
                try:
                    payload = json.loads(record["payload"])
                except (TypeError, ValueError) as problem:
                    raise BadFolder(
                        source, f"row {number}: payload is not JSON: {problem}"
                    ) from None
                chunk.append(_payload_row(source, number, record, payload))
            yield chunk
    except (OSError, KeyError, ValueError) as problem:
        raise BadFolder(source, f"can't read it as payloads: {problem}") from None


def _payload_row(source: Path, number: int, record: Any, payload: Any) -> PayloadRow:
    if not isinstance(record, dict):
        raise BadFolder(source, f"line {number} is not a JSON object")
    row, address = record.get("row"), record.get("address")
    if not isinstance(row, int) or isinstance(row, bool):
        raise BadFolder(source, f"line {number} has no row number")
    if not isinstance(address, str):
        raise BadFolder(
            source,
            f"line {number} has no address: write the folder again with this tablemap's bulk "
            "(the map needs a key for an upsert address)",
        )
    if not isinstance(payload, dict):
        raise BadFolder(source, f"line {number}: the payload is not a JSON object")
    return PayloadRow(row, address, payload)
