"""One reconcile run: a prepared job in, the output folder written and its summary out.

Each export becomes the ``source`` relation as ``bulk`` reads it (in a schema of its own),
and its direction's query runs over it once; the outcomes are kept as DuckDB tables, and the
pairing query joins them. The repairs are the bulk query over the F&O rows that need one,
written by the bulk writer. On Spark, every query runs there and DuckDB keeps its results.
Everything is written into a staged folder that is moved into
place only when the whole run succeeded.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from generator import messages
from generator.backends.sql.dialects import DIALECTS
from generator.backends.sql.render import render_direction
from generator.bulk import engines
from generator.bulk.columns import BadColumns, Columns
from generator.bulk.folders import (
    OUTPUTS as BULK_OUTPUTS,
)
from generator.bulk.folders import (
    Busy,
    NotAnOutput,
    OutputFolder,
    Scratch,
    ScratchFailure,
)
from generator.bulk.outputs import write_outputs
from generator.bulk.progress import Progress
from generator.bulk.records import BadInput, Field, Reading
from generator.bulk.run import BulkFailure, connect, create_source
from generator.bulk.sources import input_format, register_input_rejects
from generator.diagnostics import Location
from generator.plan.model import Direction
from generator.reconcile.columns import Comparison
from generator.reconcile.comparison import pairing_query, side_query
from generator.reconcile.outputs import write_folder

SIDES = {"finance": Direction.TO_DATAVERSE, "dataverse": Direction.TO_FINANCE}
# What a run writes in its output folder: a later run replaces a folder of these alone.
OUTPUTS = BULK_OUTPUTS | {
    "report.md",
    "differences.jsonl",
    "only_in_finance.jsonl",
    "only_in_dataverse.jsonl",
    "repairs",
}


@dataclass(frozen=True)
class Side:
    """One export and what its reader reads from it."""

    path: Path
    fields: list[Field]
    columns: Columns
    entity_set: str  # finds its file in a data package


@dataclass(frozen=True)
class Job:
    comparison: Comparison
    sides: dict[str, Side]  # "finance", "dataverse"
    date_format: str
    companies: pa.Table
    output: Path
    engine: str
    master: str
    quiet: bool


def execute(job: Job) -> dict[str, object]:
    reading: list[Path] = []  # the export being read, for a failure's location
    try:
        with OutputFolder(job.output, OUTPUTS) as output, Scratch() as scratch:
            try:
                summary = _execute(job, scratch.path, output.staged, reading)
            except duckdb.IOException as problem:
                # DuckDB's own files (its database, spill, the staged inputs) are the scratch's.
                if str(scratch.path) not in str(problem):
                    raise
                raise ScratchFailure(str(problem)) from None
            output.commit()
    except BaseException as problem:
        failure = _failure(problem, job, reading)
        if failure is None:
            raise
        raise failure from None
    return summary


def _failure(problem: BaseException, job: Job, reading: list[Path]) -> BulkFailure | None:
    """The diagnostic for an expected failure; None for a bug, which keeps its traceback."""
    source = reading[-1] if reading else job.output
    output = Location(str(job.output))
    if isinstance(problem, Busy):
        return BulkFailure(messages.BULK_BUSY, output, pid=problem.pid, lock=problem.lock)
    if isinstance(problem, NotAnOutput):
        return BulkFailure(messages.BULK_NOT_OUTPUT, output, problem=problem)
    if isinstance(problem, ScratchFailure):
        folder = tempfile.gettempdir()
        return BulkFailure(messages.BULK_SCRATCH, output, folder=folder, problem=problem.detail)
    if isinstance(problem, BadInput):
        return BulkFailure(
            messages.BULK_UNREADABLE,
            Location(str(problem.path)),
            format=input_format(source),
            problem=problem.detail,
        )
    if isinstance(problem, BadColumns):
        return BulkFailure(problem.message, Location(str(source)), **problem.fields)
    if isinstance(problem, duckdb.Error) and reading:
        return BulkFailure(
            messages.BULK_UNREADABLE,
            Location(str(source)),
            format=input_format(source),
            problem=problem,
        )
    if isinstance(problem, engines.EngineFailure):
        return BulkFailure(
            messages.BULK_ENGINE, Location(str(source)), engine=job.engine, problem=problem
        )
    if isinstance(problem, OSError):
        return BulkFailure(messages.BULK_OUTPUT, Location(str(job.output)), problem=problem)
    return None


def _execute(job: Job, scratch: Path, folder: Path, reading: list[Path]) -> dict[str, object]:
    dialect = DIALECTS[job.engine]
    connection = connect(scratch, job.companies)
    try:
        rows: dict[str, int] = {}
        for side, direction in SIDES.items():
            export = job.sides[side]
            reading.append(export.path)
            work = scratch / side
            work.mkdir()
            # Each side's ``source`` is its own schema's: the queries name it unqualified.
            _use(connection, side)
            progress = Progress(job.quiet)
            read = Reading(export.path, export.fields, export.columns, job.date_format)
            kind = input_format(export.path)
            watcher = create_source(connection, read, kind, export.entity_set, work, progress)
            try:
                query = side_query(job.comparison, direction, dialect)
                outcomes = _with_input_rejects(
                    connection, _run(connection, query, work, job), read, export.columns
                )
                connection.execute(f"CREATE TABLE main.{side}_outcomes AS SELECT * FROM {outcomes}")
                rows[side] = connection.execute("SELECT count(*) FROM source").fetchall()[0][0]
            finally:
                if watcher is not None:
                    watcher.set()
            progress.done(rows[side])
        reading.clear()
        _use(connection, "main")
        pairing = pairing_query(job.comparison, dialect, "finance_outcomes", "dataverse_outcomes")
        if job.engine == "spark":
            pairs = _spark_pairs(connection, pairing, scratch, job.master)
            connection.execute(f"CREATE TABLE pairs AS SELECT * FROM {pairs}")
        else:
            connection.execute(f"CREATE TABLE pairs AS {pairing}")
        summary: dict[str, object] = {
            "module": job.comparison.plan.module,
            "engine": job.engine,
            "finance": str(job.sides["finance"].path),
            "dataverse": str(job.sides["dataverse"].path),
            "finance_rows": rows["finance"],
            "dataverse_rows": rows["dataverse"],
        }
        repairs = _repairs(connection, job, scratch / "repairs", folder / "repairs")
        return write_folder(connection, job.comparison, folder, summary, repairs)
    finally:
        connection.close()


def _with_input_rejects(
    connection: duckdb.DuckDBPyConnection, outcomes: str, read: Reading, columns: Columns
) -> str:
    """The outcomes with each row holding a value that does not fit its field rejected, as
    ``bulk`` rejects it (the query saw the value as null; a row the filter left out stays
    out when the value is not one the filter reads)."""
    if not read.rejects:
        return outcomes
    register_input_rejects(connection, read.rejects, columns)
    bad = "b.\"row\" IS NOT NULL AND NOT (o.status = 'filtered' AND NOT b.in_filter)"
    return (
        f"(SELECT o.* REPLACE (CASE WHEN {bad} THEN 'rejected' ELSE o.status END AS status, "
        f"CASE WHEN {bad} THEN b.field ELSE o.reject_field END AS reject_field, "
        f"CASE WHEN {bad} THEN b.value ELSE o.reject_value END AS reject_value, "
        f"CASE WHEN {bad} THEN b.reason ELSE o.reject_reason END AS reject_reason) "
        f'FROM {outcomes} AS o LEFT JOIN input_rejects_table AS b ON o."row" = b."row")'
    )


def _use(connection: duckdb.DuckDBPyConnection, schema: str) -> None:
    connection.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    connection.execute(f"SET schema = '{schema}'")
    connection.execute(f"SET search_path = '{schema},main'")


def _run(connection: duckdb.DuckDBPyConnection, query: str, work: Path, job: Job) -> str:
    """The relation of ``query``'s outcomes over the current ``source``, on the job's engine."""
    if job.engine == "spark":
        return engines.run_spark(connection, query, work, job.master)
    return f"({query})"


def _repairs(connection: duckdb.DuckDBPyConnection, job: Job, work: Path, folder: Path) -> int:
    """repairs/: what ``bulk`` writes for the F&O rows Dataverse lacks or differs from, by
    the bulk writer, so ``load`` applies it as it is."""
    plan = job.comparison.plan
    work.mkdir()
    folder.mkdir()
    _use(connection, "repairs")
    connection.execute(
        "CREATE VIEW source AS SELECT * FROM finance.source "
        "WHERE _row IN (SELECT f_row FROM main.pairs WHERE repair)"
    )
    query = render_direction(plan, plan.to_dataverse, DIALECTS[job.engine], line=True)
    outcomes = _run(connection, query, work, job)
    written = write_outputs(
        connection,
        f'(SELECT * FROM {outcomes} AS repaired ORDER BY "row")',
        folder,
        plan.template,
        "jsonl",
        {
            "module": plan.module,
            "direction": Direction.TO_DATAVERSE.value,
            "engine": job.engine,
            "input": str(job.sides["finance"].path),
        },
    )
    _use(connection, "main")
    return int(str(written["written"]))


def _spark_pairs(
    connection: duckdb.DuckDBPyConnection, query: str, scratch: Path, master: str
) -> str:
    """Run the pairing query on Spark over both sides' outcomes; its result's relation."""
    try:
        spark = engines.spark_session(master)
        for side in SIDES:
            files = scratch / side / "outcomes.parquet"
            connection.execute(
                f"COPY main.{side}_outcomes TO '{engines.sql_path(files)}' (FORMAT parquet)"
            )
            spark.read.parquet(str(files)).createOrReplaceTempView(f"{side}_outcomes")
        result = scratch / "pairs"
        spark.sql(query).write.mode("overwrite").parquet(str(result))
    except Exception as problem:  # an AnalysisException or a failed job, both from the JVM
        raise engines.EngineFailure(str(problem).splitlines()[0]) from problem
    return f"read_parquet('{engines.sql_path(result / '*.parquet')}')"
