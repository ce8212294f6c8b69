"""One bulk run: a prepared job in, the output folder written and its summary out.

The input becomes the ``source`` relation (streamed from JSON Lines or CSV, or scanned from
Parquet by DuckDB), the engine runs the direction's query once (Spark into a scratch folder of
Parquet outcomes), and the outcomes stream into a staged folder that replaces the output
folder whole only when everything succeeded (see folders.py).
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from generator import messages
from generator.bulk import engines
from generator.bulk.columns import BadColumns, Columns
from generator.bulk.folders import Busy, NotAnOutput, OutputFolder, Scratch, ScratchFailure
from generator.bulk.outputs import write_outputs
from generator.bulk.parquet_source import create_source_view
from generator.bulk.progress import Progress
from generator.bulk.records import BadInput, Field, Reading
from generator.bulk.sources import input_format, stage, with_input_rejects
from generator.diagnostics import Location, Message

MEMORY_LIMIT = "1GB"


@dataclass(frozen=True)
class Job:
    template: str
    summary: dict[str, object]
    query: str
    source: Path
    fields: list[Field]
    columns: Columns
    date_format: str
    entity_set: str  # the source entity's, which finds its file in a data package
    companies: pa.Table
    output: Path
    engine: str
    format: str
    master: str
    quiet: bool


class BulkFailure(Exception):
    def __init__(self, message: Message, location: Location, **fields: Any) -> None:
        super().__init__(message.code)
        self.message = message
        self.location = location
        self.fields = fields


def execute(job: Job) -> dict[str, object]:
    kind = input_format(job.source)
    progress = Progress(job.quiet)
    try:
        with OutputFolder(job.output) as output, Scratch() as scratch:
            try:
                summary = _execute(job, kind, scratch.path, output.staged, progress)
            except duckdb.IOException as problem:
                # DuckDB's own files (its database, spill, the staged input) are the scratch's.
                if str(scratch.path) not in str(problem):
                    raise
                raise ScratchFailure(_io_problem(str(problem))) from None
            output.commit()
    except BaseException as problem:
        failure = _failure(problem, job, kind)
        if failure is None:
            raise
        raise failure from None
    progress.done(int(str(summary["read"])))
    return summary


def _io_problem(text: str) -> str:
    """DuckDB's error as Python shows an OSError's, where it gives the errno."""
    number = re.search(r'"errno":"(\d+)"', text)
    if number is None:
        return text
    return f"[Errno {number[1]}] {os.strerror(int(number[1]))}"


def _failure(problem: BaseException, job: Job, kind: str) -> BulkFailure | None:
    """The diagnostic for an expected failure; None for a bug, which keeps its traceback."""
    output = Location(str(job.output))
    if isinstance(problem, Busy):
        return BulkFailure(messages.BULK_BUSY, output, pid=problem.pid, lock=problem.lock)
    if isinstance(problem, NotAnOutput):
        return BulkFailure(messages.BULK_NOT_OUTPUT, output, problem=problem)
    if isinstance(problem, ScratchFailure):
        folder = tempfile.gettempdir()
        return BulkFailure(messages.BULK_SCRATCH, output, folder=folder, problem=problem.detail)
    if isinstance(problem, BadInput):
        location = Location(str(problem.path))
        return BulkFailure(messages.BULK_UNREADABLE, location, format=kind, problem=problem.detail)
    if isinstance(problem, BadColumns):
        return BulkFailure(problem.message, Location(str(job.source)), **problem.fields)
    if isinstance(problem, duckdb.Error):
        # DuckDB fails on what it reads (a damaged Parquet page) before anything of ours.
        return BulkFailure(
            messages.BULK_UNREADABLE, Location(str(job.source)), format=kind, problem=problem
        )
    if isinstance(problem, engines.EngineFailure):
        return BulkFailure(
            messages.BULK_ENGINE, Location(str(job.source)), engine=job.engine, problem=problem
        )
    if isinstance(problem, OSError):
        # Reading errors arrive as BadInput, so an OSError here is about the output.
        return BulkFailure(messages.BULK_OUTPUT, output, problem=problem)
    return None


def _execute(
    job: Job, kind: str, scratch: Path, folder: Path, progress: Progress
) -> dict[str, object]:
    connection = connect(scratch, job.companies)
    try:
        reading = Reading(job.source, job.fields, job.columns, job.date_format)
        watcher = create_source(connection, reading, kind, job.entity_set, scratch, progress)
        unused = job.columns.unused()
        summary = {**job.summary, "unused_columns": {"count": len(unused), "names": unused}}
        try:
            if job.engine == "spark":
                outcomes = engines.run_spark(connection, job.query, scratch, job.master)
                # Read back in order by one thread: several would hold row groups for order.
                connection.execute("SET threads = 1")
            else:
                outcomes = f"({job.query})"
            outcomes = with_input_rejects(connection, outcomes, reading.rejects, job.columns)
            return write_outputs(connection, outcomes, folder, job.template, job.format, summary)
        finally:
            if watcher is not None:
                watcher.set()
    finally:
        connection.close()


def connect(scratch: Path, companies: pa.Table) -> duckdb.DuckDBPyConnection:
    """A DuckDB database in ``scratch`` with the view ``companies`` the queries read."""
    connection = duckdb.connect(str(scratch / "work.duckdb"))
    connection.execute(f"SET temp_directory = '{engines.sql_path(scratch / 'spill')}'")
    # DuckDB would take 80% of the machine; the work streams, and what does not fit spills.
    connection.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    # Rows must come out in input order. DuckDB rewrites a long IN list (a value map's
    # keys) into a join, whose parallel output is not in input order; a list is kept as is.
    connection.execute("SET disabled_optimizers = 'in_clause'")
    connection.register("companies_table", companies)
    connection.execute("CREATE VIEW companies AS SELECT * FROM companies_table")
    return connection


def create_source(
    connection: duckdb.DuckDBPyConnection,
    reading: Reading,
    kind: str,
    entity_set: str,
    scratch: Path,
    progress: Progress,
) -> threading.Event | None:
    """The input ``reading`` reads as the view ``source``, how every command reads an export.

    Values that do not fit their field are null in it and listed in ``reading.rejects``.
    Returns the progress watcher of a Parquet scan, to be set when the run is over.
    """
    if kind == "parquet":
        total = create_source_view(connection, reading.path, reading.fields, reading.columns)
        return _watch(connection, total, progress)
    staged = engines.sql_path(scratch / "source.parquet")
    stage(connection, reading, kind, entity_set, staged, progress.rows)
    return None


def _watch(
    connection: duckdb.DuckDBPyConnection, total: int, progress: Progress
) -> threading.Event:
    """Poll DuckDB's progress on the Parquet scan, as rows read, until the event is set."""
    stop = threading.Event()
    if not progress.enabled:
        return stop

    def poll() -> None:
        while not stop.wait(0.2):
            share = connection.query_progress()
            if share >= 0:
                progress.rows(int(total * share / 100))

    threading.Thread(target=poll, daemon=True).start()
    return stop
