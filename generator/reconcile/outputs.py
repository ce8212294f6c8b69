"""A reconcile's folder: the pairs relation in, summary.json, report.md and the lists out.

``pairs`` holds one row per key (see ``comparison``). Counts are aggregated in the engine;
only the rows listed (differing, missing, rejected) come back to Python, a batch at a time,
in input-row order.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import duckdb

from generator.backends.python.runtime import MappingError
from generator.bulk.outputs import BATCH
from generator.reconcile.columns import Comparison
from generator.reconcile.comparison import (
    KEY_REJECT,
    OUTCOMES,
    dataverse_text,
    differs,
    finance_text,
)
from generator.reconcile.report import Tally, write_report

Line = dict[str, object]


def write_folder(
    connection: duckdb.DuckDBPyConnection,
    comparison: Comparison,
    folder: Path,
    summary: dict[str, object],
    repairs: int,
) -> dict[str, object]:
    """Everything but repairs/, which the run writes first (``repairs`` rows)."""
    tally = _tally(connection, comparison)
    with (folder / "differences.jsonl").open("w", encoding="utf-8") as out:
        for line in _differences(connection, comparison):
            tally.example(line)
            _write(out, line)
    for outcome, row in (("only_in_finance", "f_row"), ("only_in_dataverse", "d_row")):
        with (folder / f"{outcome}.jsonl").open("w", encoding="utf-8") as out:
            for found in _rows(connection, f"outcome = '{outcome}'", row):
                _write(out, {**_where(found, comparison), "row": found[row]})
    with (folder / "rejects.jsonl").open("w", encoding="utf-8") as out:
        for line in _rejects(connection, comparison):
            _write(out, line)
    summary = {**summary, **tally.counts(None), "repairs": repairs}
    summary["columns"] = tally.columns(None)
    if comparison.plan.company is not None:
        summary["companies"] = {
            company: {**tally.counts(company), "columns": tally.columns(company)}
            for company in tally.companies()
        }
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    write_report(folder / "report.md", comparison, summary, tally)
    return summary


def _write(out: IO[str], line: Line) -> None:
    out.write(json.dumps(line, ensure_ascii=False) + "\n")


def _tally(connection: duckdb.DuckDBPyConnection, comparison: Comparison) -> Tally:
    flags = [
        f"sum(CASE WHEN {differs(index)} THEN 1 ELSE 0 END)"
        for index, _ in enumerate(comparison.compared)
    ]
    found = connection.execute(
        f"SELECT company, outcome, count(*){''.join(', ' + flag for flag in flags)} "
        "FROM pairs GROUP BY company, outcome ORDER BY company, outcome"
    ).fetchall()
    tally = Tally(comparison)
    for company, outcome, count, *columns in found:
        assert outcome in OUTCOMES, outcome
        tally.add(company, outcome, count, [int(value) for value in columns])
    return tally


def _rows(
    connection: duckdb.DuckDBPyConnection, condition: str, order: str
) -> Iterator[dict[str, object]]:
    stream = connection.sql(
        f'SELECT * FROM pairs WHERE {condition} ORDER BY {order}, "d_row"'
    ).to_arrow_reader(BATCH)
    for batch in stream:
        yield from batch.to_pylist()


def _key(found: dict[str, object], comparison: Comparison) -> dict[str, object]:
    return {
        part.field: json.loads(str(found[f"_tm_key{number}"]))
        for number, part in enumerate(comparison.keys)
    }


def _where(found: dict[str, object], comparison: Comparison) -> Line:
    return {"company": found["company"], "key": _key(found, comparison)}


def _differences(connection: duckdb.DuckDBPyConnection, comparison: Comparison) -> Iterator[Line]:
    for found in _rows(connection, "outcome = 'different'", "f_row"):
        columns = [
            {
                "column": column.column,
                "direction": column.direction.value,
                "finance": json.loads(str(found[finance_text(index)])),
                "dataverse": json.loads(str(found[dataverse_text(index)])),
            }
            for index, column in enumerate(comparison.compared)
            if found[differs(index)]
        ]
        yield {
            **_where(found, comparison),
            "finance_row": found["f_row"],
            "dataverse_row": found["d_row"],
            "columns": columns,
        }


def _rejects(connection: duckdb.DuckDBPyConnection, comparison: Comparison) -> Iterator[Line]:
    template = comparison.plan.template
    for side, prefix in (("finance", "f"), ("dataverse", "d")):
        for found in _rows(connection, "outcome = 'rejected'", f"{prefix}_row"):
            if found[f"{prefix}_row"] is None:
                continue
            reject = _reject(found, prefix, comparison, template)
            if reject is not None:
                row = found[f"{prefix}_row"]
                yield {"side": side, "row": row, **_where(found, comparison), **reject}


def _reject(
    found: dict[str, object], prefix: str, comparison: Comparison, template: str
) -> Line | None:
    """Why this side's row can't be compared, or None when it is not the side at fault."""
    if found[f"{prefix}_status"] == "rejected":
        field = str(found[f"{prefix}_reject_field"])
        value = json.loads(str(found[f"{prefix}_reject_value"]))
        reason = str(found[f"{prefix}_reject_reason"])
        error = str(MappingError(template, field, value, reason))
        return {"field": field, "value": value, "error": error}
    missing = found[f"{prefix}_missing"]
    if missing is not None:
        value = _key(found, comparison)[str(missing)]
        return {
            "field": missing,
            "value": value,
            "error": str(MappingError(template, str(missing), value, KEY_REJECT)),
        }
    if found[f"{prefix}_no_company"]:
        scope = comparison.plan.company
        assert scope is not None
        field = scope.finance_field if prefix == "f" else scope.navigation
        return {
            "field": field,
            "value": None,
            "error": str(MappingError(template, field, None, KEY_REJECT)),
        }
    repeats = found[f"{prefix}_repeats"]
    if repeats is not None:
        return {
            "field": None,
            "value": None,
            "error": f"{template}: the row has the key of row {repeats}: a key must be on one row",
        }
    return None
