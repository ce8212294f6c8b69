"""The ``bulk`` command: a module, a direction and an input file in, an output folder out.

The lead wires ``add_arguments`` and ``run`` into ``python -m generator``. Exit status: 0 done
(rejected rows are output, not failure), 1 bad input or specs (nothing is left behind).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from generator import messages
from generator.backends.sql import render_sql
from generator.backends.sql.assignments import UnsupportedAssignment
from generator.backends.sql.inputs import read_fields
from generator.backends.sql.render import file_name
from generator.bulk import engines
from generator.bulk.outputs import StagedFolder, write_outputs
from generator.bulk.parquet_source import create_source_view
from generator.bulk.progress import Progress
from generator.bulk.records import BadInput, fields_for, record_batches
from generator.bulk.target import load_target
from generator.diagnostics import Diagnostics, Location
from generator.plan.model import Direction

DIRECTIONS = {"to-dataverse": Direction.TO_DATAVERSE, "to-finance": Direction.TO_FINANCE}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("module", help="the module name of the spec (its file name)")
    parser.add_argument("--direction", required=True, choices=sorted(DIRECTIONS))
    parser.add_argument("--input", required=True, type=Path, help=".jsonl, .csv or Parquet")
    parser.add_argument("--output", required=True, type=Path, help="the output folder")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    parser.add_argument("--companies", type=Path, help="company code to cdm_companyid (JSON)")
    parser.add_argument("--master", default="local[2]", help="Spark master URL")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    parser.add_argument("--root", type=Path, default=Path("."), help=argparse.SUPPRESS)


def input_format(path: Path) -> str:
    if path.is_dir() or path.suffix == ".parquet":
        return "parquet"
    if path.suffix == ".csv":
        return "csv"
    return "jsonl"


def run(arguments: argparse.Namespace) -> int:
    diagnostics = Diagnostics()
    status = _run(arguments, diagnostics)
    for diagnostic in diagnostics.sorted():
        print(diagnostic.headline(), file=sys.stderr)
    return status


def _run(arguments: argparse.Namespace, diagnostics: Diagnostics) -> int:
    target = load_target(arguments.root, arguments.module, diagnostics)
    if target is None:
        return 1
    direction = DIRECTIONS[arguments.direction]
    plan = target.plan
    try:
        query = render_sql(plan, "spark" if arguments.engine == "spark" else "duckdb")[
            file_name(plan.module, direction, arguments.engine)
        ]
    except UnsupportedAssignment as problem:
        diagnostics.report(messages.BULK_UNSUPPORTED, Location(plan.spec_path), what=str(problem))
        return 1
    source: Path = arguments.input
    if not source.exists():
        diagnostics.report(messages.BULK_NO_INPUT, Location(str(source)), path=source)
        return 1
    fields = fields_for(read_fields(plan, direction), target.kinds(direction))
    progress = Progress(arguments.quiet)
    staged = StagedFolder(arguments.output)
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="tablemap-bulk-") as scratch_name:
            scratch = Path(scratch_name)
            connection = duckdb.connect(str(scratch / "work.duckdb"))
            connection.execute(f"SET temp_directory = '{engines.sql_path(scratch)}'")
            kind = input_format(source)
            if kind == "parquet":
                create_source_view(connection, source, fields)
            else:
                reader = record_batches(source, kind, fields, progress.rows)
                connection.register("input_batches", reader)
                connection.execute("CREATE VIEW source AS SELECT * FROM input_batches")
            result = scratch / ("result" if arguments.engine == "spark" else "result.parquet")
            if arguments.engine == "spark":
                engines.run_spark(connection, query, scratch, result, arguments.master)
            else:
                engines.run_duckdb(connection, query, result)
            summary = write_outputs(
                connection,
                result,
                staged.path,
                plan.template,
                arguments.format,
                {
                    "module": plan.module,
                    "direction": direction.value,
                    "engine": arguments.engine,
                    "input": str(source),
                },
            )
            connection.close()
        progress.done(int(summary["read"]))  # type: ignore[call-overload]
        del started
        staged.commit()
    except BadInput as problem:
        staged.discard()
        diagnostics.report(messages.BULK_UNREADABLE, Location(str(source)), format=kind, problem=problem)
        return 1
    except (OSError, UnicodeDecodeError, duckdb.Error) as problem:
        staged.discard()
        diagnostics.report(messages.BULK_UNREADABLE, Location(str(source)), format=input_format(source), problem=problem)
        return 1
    except BaseException:
        staged.discard()
        raise
    return 0
