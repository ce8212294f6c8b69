"""The ``bulk`` command: a module, a direction and an input in, an output folder out.

The lead wires ``add_arguments`` and ``run`` into ``python -m generator``. Exit status: 0 when
the run finished (rejected rows are output, not failure); 1 for bad input, a bad company
directory or specs that don't compile, and then nothing is left behind.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyarrow as pa

from generator import messages
from generator.backends.sql.dialects import DIALECTS
from generator.backends.sql.inputs import filter_fields, read_fields
from generator.backends.sql.parts import UnsupportedAssignment
from generator.backends.sql.render import bulk_query
from generator.bulk.cells import DEFAULT_DATE_FORMAT
from generator.bulk.columns import Columns
from generator.bulk.companies import BadDirectory, companies_table, empty_table, load_directory
from generator.bulk.records import fields_for
from generator.bulk.run import BulkFailure, Job, execute
from generator.bulk.target import Target, load_target
from generator.diagnostics import Diagnostics, Location
from generator.plan.model import BindLookup, Direction

DIRECTIONS = {"to-dataverse": Direction.TO_DATAVERSE, "to-finance": Direction.TO_FINANCE}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("module", help="the module name of the spec (its file name)")
    parser.add_argument("--direction", required=True, choices=sorted(DIRECTIONS))
    parser.add_argument(
        "--input",
        required=True,
        type=Path,
        help="JSON Lines (.jsonl), CSV with a header (.csv), a data package (.zip), OData pages "
        "(.json, or a folder of them), Parquet (a file or a folder) or a Delta table (a folder "
        "with _delta_log)",
    )
    parser.add_argument(
        "--date-format",
        default=DEFAULT_DATE_FORMAT,
        help="how CSV cells of date and date-time fields are written, as Python's strptime "
        "reads them (ISO 8601 is always accepted); default: %(default)s, as Data management "
        "exports them",
    )
    parser.add_argument("--output", required=True, type=Path, help="the output folder")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    parser.add_argument("--format", choices=("jsonl", "parquet"), default="jsonl")
    parser.add_argument(
        "--ignore-nulls",
        action="store_true",
        help="leave a column out of the payload when its source value is null or empty, "
        "instead of writing null (for an environment that already has data)",
    )
    add_run_arguments(parser)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of every command that runs a map's queries on an engine (bulk, reconcile)."""
    parser.add_argument(
        "--companies",
        type=Path,
        help="company directory: JSON of code -> cdm_companyid, or the cdm_companies response",
    )
    parser.add_argument("--master", default="local[2]", help="Spark master URL (--engine spark)")
    parser.add_argument("--quiet", action="store_true", help="no progress line")
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="the project root (default: .)"
    )


def run(arguments: argparse.Namespace, target: Target | None = None) -> int:
    """Run the command; ``target`` spares loading the project again (tests run it often)."""
    diagnostics = Diagnostics()
    job = prepare(arguments, diagnostics, target)
    if job is not None:
        try:
            summary = execute(job)
        except BulkFailure as failure:
            diagnostics.report(failure.message, failure.location, **failure.fields)
        else:
            if not arguments.quiet and not sys.stderr.isatty():
                print(
                    f"{summary['read']} read, {summary['written']} written, "
                    f"{summary['rejected']} rejected, {summary['filtered']} filtered out",
                    file=sys.stderr,
                )
    for diagnostic in diagnostics.sorted():
        print(diagnostic.headline(), file=sys.stderr)
    return 1 if diagnostics.errors else 0


def prepare(
    arguments: argparse.Namespace, diagnostics: Diagnostics, target: Target | None = None
) -> Job | None:
    """The job the arguments describe, or None with the problems reported."""
    if target is None:
        target = load_target(arguments.root, arguments.module, diagnostics)
    if target is None:
        return None
    plan = target.plan
    direction = DIRECTIONS[arguments.direction]
    chosen = plan.to_dataverse if direction is Direction.TO_DATAVERSE else plan.to_finance
    try:
        # For JSON Lines the engine builds each whole line, sparing a copy of every payload.
        line = arguments.format == "jsonl"
        query = bulk_query(plan, chosen, DIALECTS[arguments.engine], line, arguments.ignore_nulls)
    except UnsupportedAssignment as problem:
        diagnostics.report(messages.BULK_UNSUPPORTED, Location(plan.spec_path), what=str(problem))
        return None
    companies = companies_relation(arguments.companies, diagnostics, plan.template)
    needs_companies = any(
        isinstance(a, BindLookup) and a.lookup.company_column is not None
        for a in chosen.assignments
    )
    # A striped map's Dataverse key holds the company's GUID, as company lookups do.
    keyed = (
        plan.key is not None and plan.company is not None and direction is Direction.TO_DATAVERSE
    )
    if (needs_companies or keyed) and arguments.companies is None:
        diagnostics.report(
            messages.BULK_NEEDS_COMPANIES if needs_companies else messages.BULK_KEY_NEEDS_COMPANIES,
            Location(plan.spec_path),
            module=plan.module,
            direction=arguments.direction,
        )
    if not arguments.input.exists():
        diagnostics.report(
            messages.BULK_NO_INPUT, Location(str(arguments.input)), path=arguments.input
        )
    if diagnostics.errors or companies is None:
        return None
    to_dataverse = direction is Direction.TO_DATAVERSE
    schema = target.finance if to_dataverse else target.dataverse
    read = read_fields(plan, direction)
    direction_name = f"{plan.module} {arguments.direction}"
    return Job(
        template=plan.template,
        summary={
            "module": plan.module,
            "direction": direction.value,
            "engine": arguments.engine,
            "input": str(arguments.input),
            # What a loader must know before it sends anything.
            "addresses": plan.key is not None,
            "ignore_nulls": arguments.ignore_nulls,
        },
        query=query,
        source=arguments.input,
        fields=fields_for(read, schema),
        columns=Columns(
            [field.name for field in read], schema, filter_fields(plan, direction), direction_name
        ),
        date_format=arguments.date_format,
        entity_set=plan.finance_entity if to_dataverse else plan.dataverse_table,
        companies=companies,
        output=arguments.output,
        engine=arguments.engine,
        format=arguments.format,
        master=arguments.master,
        quiet=arguments.quiet,
    )


def companies_relation(
    path: Path | None, diagnostics: Diagnostics, template: str
) -> pa.Table | None:
    """The ``companies`` relation from the directory file (empty without one); None, with the
    problem reported, when the file is not a directory of companies."""
    if path is None:
        return empty_table()
    try:
        return companies_table(load_directory(path), template)
    except BadDirectory as problem:
        diagnostics.report(messages.BULK_BAD_COMPANIES, Location(str(path)), problem=problem)
        return None
