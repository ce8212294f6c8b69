"""The ``reconcile`` command: a module and its two exports in, a folder of what differs out.

Exit status: 0 when the run finished (differences are output, not failure); 1 for a map
without a key, bad input, a bad company directory or specs that don't compile, and then
nothing is left behind.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator import messages
from generator.backends.sql.dialects import DIALECTS
from generator.backends.sql.inputs import filter_fields
from generator.backends.sql.parts import UnsupportedAssignment
from generator.bulk.cells import DEFAULT_DATE_FORMAT
from generator.bulk.columns import Columns
from generator.bulk.command import add_run_arguments, companies_relation
from generator.bulk.records import fields_for
from generator.bulk.run import BulkFailure
from generator.bulk.target import Target, load_target
from generator.diagnostics import Diagnostics, Location
from generator.plan.model import BindLookup, Direction
from generator.reconcile.columns import comparison
from generator.reconcile.comparison import side_query
from generator.reconcile.run import SIDES, Job, Side, execute


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("module", help="the module name of the spec (its file name)")
    parser.add_argument(
        "--finance", required=True, type=Path, help="the F&O export of the map's entity"
    )
    parser.add_argument(
        "--dataverse",
        required=True,
        type=Path,
        help="the Dataverse export of the map's table, records as DATAVERSE_QUERY reads them "
        "(OData pages or JSON Lines), or any format bulk reads",
    )
    parser.add_argument(
        "--date-format",
        default=DEFAULT_DATE_FORMAT,
        help="how CSV cells of date and date-time fields are written (as for bulk)",
    )
    parser.add_argument("--output", required=True, type=Path, help="the output folder")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    add_run_arguments(parser)


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
            if not arguments.quiet:
                print(
                    f"{summary['paired']} paired ({summary['different']} differ), "
                    f"{summary['only_in_finance']} only in F&O, "
                    f"{summary['only_in_dataverse']} only in Dataverse, "
                    f"{summary['rejected']} rejected, {summary['repairs']} repairs: "
                    f"{arguments.output / 'report.md'}",
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
    compared = comparison(plan, target.finance, target.dataverse)
    if compared is None:
        diagnostics.report(messages.RECONCILE_NO_KEY, Location(plan.spec_path), module=plan.module)
        return None
    try:
        for direction in SIDES.values():
            side_query(compared, direction, DIALECTS[arguments.engine])
    except UnsupportedAssignment as problem:
        diagnostics.report(messages.BULK_UNSUPPORTED, Location(plan.spec_path), what=str(problem))
        return None
    companies = companies_relation(arguments.companies, diagnostics, plan.template)
    needs_companies = any(
        isinstance(a, BindLookup) and a.lookup.company_column is not None
        for a in plan.to_dataverse.assignments
    )
    if needs_companies and arguments.companies is None:
        diagnostics.report(
            messages.BULK_NEEDS_COMPANIES,
            Location(plan.spec_path),
            module=plan.module,
            direction="to-dataverse",
        )
    inputs = {"finance": arguments.finance, "dataverse": arguments.dataverse}
    for path in inputs.values():
        if not path.exists():
            diagnostics.report(messages.BULK_NO_INPUT, Location(str(path)), path=path)
    if arguments.finance.exists() and arguments.finance.resolve() == arguments.dataverse.resolve():
        diagnostics.report(messages.RECONCILE_SAME_INPUT, Location(str(arguments.finance)))
    if diagnostics.errors or companies is None:
        return None
    sides = {}
    for side, direction in SIDES.items():
        to_dataverse = direction is Direction.TO_DATAVERSE
        schema = target.finance if to_dataverse else target.dataverse
        read = compared.fields(direction)
        name = "to-dataverse" if to_dataverse else "to-finance"
        sides[side] = Side(
            path=inputs[side],
            fields=fields_for(read, schema),
            columns=Columns(
                [field.name for field in read],
                schema,
                filter_fields(plan, direction),
                f"{plan.module} {name}",
            ),
            entity_set=plan.finance_entity if to_dataverse else plan.dataverse_table,
        )
    return Job(
        comparison=compared,
        sides=sides,
        date_format=arguments.date_format,
        companies=companies,
        output=arguments.output,
        engine=arguments.engine,
        master=arguments.master,
        quiet=arguments.quiet,
    )
