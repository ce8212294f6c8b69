"""Outputs: the outcomes relation in, payloads, rejects and summary.json in a folder out.

The outcomes relation is the direction's query (DuckDB runs it twice: once for the
payloads, once, without building payloads, for the rest) or Spark's result files. Everything
is written into a temporary folder beside the destination and moved into place at the end,
so a failed run leaves the destination as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from generator.backends.python.runtime import MappingError
from generator.bulk.engines import sql_path

REJECT_BATCH = 10_000


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
    written = _write_payloads(connection, outcomes, folder, format)
    others = folder.parent / f"{folder.name}.others.parquet"
    try:
        connection.execute(
            f'COPY (SELECT "row", status, reject_field, reject_value, reject_reason '
            f"FROM {outcomes} WHERE status <> 'written') TO '{sql_path(others)}' (FORMAT parquet)"
        )
        scan = f"read_parquet('{sql_path(others)}')"
        _write_rejects(connection, scan, folder / "rejects.jsonl", template)
        counts = dict(
            connection.execute(f"SELECT status, count(*) FROM {scan} GROUP BY status").fetchall()
        )
    finally:
        others.unlink(missing_ok=True)
    read = connection.execute("SELECT count(*) FROM source").fetchall()[0][0]
    rejected, filtered = counts.get("rejected", 0), counts.get("filtered", 0)
    if read != written + rejected + filtered:
        raise CountMismatch(f"{read} read, but {written} + {rejected} + {filtered} accounted for")
    summary = {**summary, "read": read, "written": written, "rejected": rejected}
    summary["filtered"] = filtered
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def _write_payloads(
    connection: duckdb.DuckDBPyConnection, outcomes: str, folder: Path, format: str
) -> int:
    """Write the payloads; returns how many."""
    written = f"SELECT \"row\", payload FROM {outcomes} WHERE status = 'written'"
    if format == "parquet":
        target = sql_path(folder / "payloads.parquet")
        result = connection.execute(f"COPY ({written}) TO '{target}' (FORMAT parquet)")
    else:
        # The payload is JSON text already: each line is spliced, never re-encoded. With no
        # quote and no escape character the CSV writer writes the one column as it is, and
        # JSON text has no raw line break to split a line.
        line = "'{\"row\":' || \"row\" || ',\"payload\":' || payload || '}'"
        target = sql_path(folder / "payloads.jsonl")
        result = connection.execute(
            f"COPY (SELECT {line} FROM ({written})) TO '{target}' "
            "(FORMAT csv, HEADER false, QUOTE '', ESCAPE '')"
        )
    count = result.fetchall()[0][0]
    return int(count)


def _write_rejects(
    connection: duckdb.DuckDBPyConnection, scan: str, path: Path, template: str
) -> None:
    cursor = connection.execute(
        f'SELECT "row", reject_field, reject_value, reject_reason FROM {scan} '
        "WHERE status = 'rejected' ORDER BY \"row\""
    )
    with path.open("w", encoding="utf-8") as out:
        while rows := cursor.fetchmany(REJECT_BATCH):
            for row, field, value_text, reason in rows:
                value = json.loads(value_text)
                # The message is the Python mapper's, word for word.
                error = str(MappingError(template, field, value, reason))
                line = {"row": row, "field": field, "value": value, "error": error}
                out.write(json.dumps(line, ensure_ascii=False) + "\n")


class StagedFolder:
    """A temporary folder that becomes ``destination`` on commit and vanishes otherwise."""

    def __init__(self, destination: Path) -> None:
        self.destination = destination
        destination.parent.mkdir(parents=True, exist_ok=True)
        self.path = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))

    def commit(self) -> None:
        if not self.destination.exists():
            os.replace(self.path, self.destination)
            return
        for item in sorted(self.path.iterdir()):
            os.replace(item, self.destination / item.name)
        self.path.rmdir()

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
