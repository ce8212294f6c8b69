"""Outputs: the outcomes Parquet in, payloads, rejects and summary.json in a folder out.

Everything is written into a temporary folder beside the destination and moved into place at
the end, so a failed run leaves the destination as it was.
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


def outcomes_scan(result: Path) -> str:
    pattern = (result / "*.parquet") if result.is_dir() else result
    return f"read_parquet('{sql_path(pattern)}')"


def write_outputs(
    connection: duckdb.DuckDBPyConnection,
    result: Path,
    folder: Path,
    template: str,
    format: str,
    summary: dict[str, object],
) -> dict[str, object]:
    scan = outcomes_scan(result)
    written = f"SELECT \"row\", payload FROM {scan} WHERE status = 'written'"
    if format == "parquet":
        connection.execute(
            f"COPY ({written}) TO '{sql_path(folder / 'payloads.parquet')}' (FORMAT parquet)"
        )
    else:
        connection.execute(
            f'COPY (SELECT "row", json(payload) AS payload FROM ({written})) '
            f"TO '{sql_path(folder / 'payloads.jsonl')}' (FORMAT json)"
        )
    _write_rejects(connection, scan, folder / "rejects.jsonl", template)
    counts = dict(
        connection.execute(f"SELECT status, count(*) FROM {scan} GROUP BY status").fetchall()
    )
    summary = {
        **summary,
        "read": sum(counts.values()),
        "written": counts.get("written", 0),
        "rejected": counts.get("rejected", 0),
        "filtered": counts.get("filtered", 0),
    }
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def _write_rejects(
    connection: duckdb.DuckDBPyConnection, scan: str, path: Path, template: str
) -> None:
    cursor = connection.execute(
        f'SELECT "row", reject_field, reject_value, reject_reason FROM {scan} '
        "WHERE status = 'rejected'"
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
