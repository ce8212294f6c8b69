"""Differential tests: the same records through the Python mapper, DuckDB and Spark.

For every shipped template and both directions, payloads and rejects must be identical row
for row, and every row must be written, rejected or filtered out exactly once. Records are
batched: each engine runs one query per template and direction, on one batch of records,
written as JSON Lines and again in one other input format (each case its own, in turn, so
every format is checked on several templates and both directions), as that format can hold
the records: the Python mapper is given the records so held.
"""

from __future__ import annotations

import argparse
import csv
import functools
import inspect
import io
import json
import random
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import write_deltalake
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.backends.sql.inputs import read_fields
from generator.bind.filters import Negation, ODataComparison, Predicate, RangeEquals
from generator.bulk import command
from generator.bulk.cells import ISO_DATE, ISO_DATE_TIME
from generator.bulk.records import Field, arrow_schema, fields_for
from generator.bulk.target import Target, load_target
from generator.diagnostics import Diagnostics
from generator.pipeline import Compilation
from generator.plan.model import Convert, Direction
from generator.source.entity_schema import Kind
from projects import run_cache

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generated"))
from dualwrite_maps import TEMPLATES, MappingError  # noqa: E402

# Characters that break naive quoting, URLs or case folding (ß, long s, Kelvin sign, ligature).
NASTY = list("/?#%& '\"\\\nß\u017f\u212a\ufb05é😀İ\x00\x85\u2028")
SPELLINGS = ["", "usmf", "USMF", "dat", "Dat", "SS", "zz", "toolong", "a'b", "''", "%20"]
# Formats: Python's \d takes any decimal digit (Arabic-Indic too), and fullmatch no final "\n".
FORMATTED = [
    "2024-01-31",
    "2024-01-31\n",
    "\u0662\u0660\u0662\u0664-\u0660\u0661-\u0663\u0661",
    "2024-01-31T10:00:00Z",
    "2024-01-31T10:00:00.123+02:00",
    "5a0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
    "5A0F3C4E-1B2D-4E6F-8A9B-0C1D2E3F4A5B\n",
]
# The bulk command refuses a directory with a bad GUID, so "dat" is a company it lacks.
COMPANIES = {
    "USMF": "5a0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
    "\u00df": "0e0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
}
# Fields per batch: records times the fields each may have.
BATCH_FIELDS = 3000
CASES = [(module, direction) for module in sorted(TEMPLATES) for direction in Direction]
# The formats besides JSON Lines; case i is also run in FORMATS[i % len(FORMATS)].
FORMATS = ["odata", "csv", "parquet", "package", "delta"]
MANIFEST = ROOT / "tests" / "bulk_inputs" / "Manifest.xml"
# A CSV cell of a date field is ISO 8601 (in ASCII digits) or parsed by --date-format.
ISO = {"date": ISO_DATE, "date-time": ISO_DATE_TIME}
# One batch per engine, template and direction, from a Random hypothesis seeds (see batch()).
BATCHES = settings(
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@functools.cache
def _loaded(module: str) -> Target | None:
    # The run's cache (see conftest.py): the project is parsed once, not once per template.
    return load_target(ROOT, module, Diagnostics(), run_cache())


@pytest.fixture
def target(module: str) -> Target:
    """What the bulk command runs: load_target binds and plans the spec, and renders nothing
    (the Spark tests run as their own pytest session, which need not compile all of specs/).
    Once per template: both directions use it."""
    loaded = _loaded(module)
    assert loaded is not None
    return loaded


# Integers and floats at the edges of what the columns, Python and the engines hold.
EDGE_INTEGERS = [0, 1, -1, 2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 2**40, -(2**40)]
EDGE_FLOATS = [0.0, -0.0, 0.5, -1.5, 5e-324, 1e-300, 1e15, 1e16, 1.7976931348623157e308]


def _text(rng: random.Random) -> str:
    """Up to 12 characters: the nasty ones, ASCII, or any code point but a surrogate."""
    characters = []
    for _ in range(rng.randrange(13)):
        pool = rng.randrange(3)
        if pool == 0:
            characters.append(rng.choice(NASTY))
        elif pool == 1:
            characters.append(chr(rng.randrange(32, 127)))
        else:
            point = rng.randrange(0x10F800)
            characters.append(chr(point if point < 0xD800 else point + 0x800))
    return "".join(characters)


def _string(rng: random.Random, known: list[str]) -> str:
    kind = rng.randrange(4 if known else 3)
    if kind == 0:
        return _text(rng)
    if kind == 1:
        return _text(rng)[:3] * 200  # over-long
    if kind == 2:
        return rng.choice(SPELLINGS + FORMATTED)
    text = rng.choice(known)
    return rng.choice([text, text.upper(), text.title(), text.swapcase()])


def _tame(rng: random.Random, kind: Kind, known: list[Any], nested_key: str | None) -> Any:
    """A value most columns take: in a record of such values every check can pass, which in a
    map of fifty columns almost no record of random values does."""
    if nested_key is not None:
        return {nested_key: rng.choice(["USMF", "dat", "A-1"])}
    if kind is Kind.BOOLEAN:
        return rng.random() < 0.5
    if known and rng.randrange(2):
        return rng.choice(known)
    if kind is Kind.INTEGER:
        return rng.randrange(100)
    if kind is Kind.NUMBER:
        return rng.choice([0.5, 12.0, -3.25])
    return rng.choice(["USMF", "dat", "Contoso", "a b", ""])


def _value(rng: random.Random, kind: Kind, known: list[Any], nested_key: str | None) -> Any:
    if rng.randrange(4) == 0:
        return None
    if nested_key is not None:
        return rng.choice([{}, {nested_key: None}, {nested_key: _string(rng, [])}])
    if kind is Kind.BOOLEAN:
        return rng.random() < 0.5
    if kind is Kind.INTEGER:
        ints = [key for key in known if type(key) is int]
        pools = 3 if ints else 2
        pool = rng.randrange(pools)
        if pool == 0:
            return rng.randint(-(2**40), 2**40)
        return rng.choice(EDGE_INTEGERS if pool == 1 else ints)
    if kind is Kind.NUMBER:
        if rng.randrange(2):
            return rng.choice(EDGE_FLOATS) * rng.choice([1, -1])
        return rng.choice([1, -1]) * 10 ** rng.uniform(-20, 300)
    return _string(rng, [key for key in known if isinstance(key, str)])


def _compared(predicate: Predicate) -> list[tuple[str, Any]]:
    """The (column, value) pairs a filter's predicate asks to be equal."""
    if isinstance(predicate, RangeEquals):
        return [(predicate.column, predicate.value)]
    if isinstance(predicate, ODataComparison):
        return [(predicate.column, predicate.value)] if predicate.operator == "eq" else []
    if isinstance(predicate, Negation):
        return []
    return [pair for operand in predicate.operands for pair in _compared(operand)]


def batch(target: Target, direction: Direction, rng: random.Random) -> list[dict[str, Any]]:
    """Records of the fields the query reads, each field there or not, valued at random among
    nulls, edge values, the value maps' keys in any case and strings that break naive
    quoting, URLs and case folding; a quarter of them tame (see _tame). Drawn from a Random
    hypothesis seeds: a failure names the seed, and a batch of hundreds of records costs a
    fraction of drawing each value through hypothesis (which could not shrink a batch in
    reasonable time anyway)."""
    plan = target.plan
    kinds = target.kinds(direction)
    chosen = plan.to_dataverse if direction is Direction.TO_DATAVERSE else plan.to_finance
    known: dict[str, list[Any]] = {}
    for assignment in chosen.assignments:
        if isinstance(assignment, Convert) and assignment.converter.table:
            keys = [key for key, _ in assignment.converter.table if key is not None]
            known.setdefault(assignment.source, []).extend(keys)
    # The values the filter compares with: half the records take them as they are written, so
    # that rows pass the filter as well as fail it.
    row_filter = plan.source_filter if direction is Direction.TO_DATAVERSE else plan.reverse_filter
    compared: dict[str, list[Any]] = {}
    for column, value in _compared(row_filter.predicate) if row_filter else []:
        compared.setdefault(column, []).append(value)
        known.setdefault(column, []).append(value)
    fields = read_fields(plan, direction)
    # As many records as hold BATCH_FIELDS fields between them, an empty one among them.
    size = BATCH_FIELDS // len(fields)
    records: list[dict[str, Any]] = [{}]
    for _ in range(rng.randint(size // 4, size) - 1):
        draw = _tame if rng.randrange(4) == 0 else _value
        records.append(
            {
                field.name: draw(
                    rng,
                    kinds.get(field.name, Kind.STRING),
                    known.get(field.name, []),
                    field.nested_key,
                )
                for field in fields
                if rng.randrange(2)
            }
        )
        if compared and rng.randrange(2):
            records[-1].update({column: rng.choice(values) for column, values in compared.items()})
    rng.shuffle(records)
    return records


def python_outcomes(
    module: ModuleType, direction: Direction, batch: list[dict[str, Any]]
) -> dict[str, Any]:
    payloads: dict[int, Any] = {}
    rejects: dict[int, Any] = {}
    filtered = 0
    to_dataverse = direction is Direction.TO_DATAVERSE
    # Striped maps take the company directory; the bulk run is given the same one as a file.
    takes = "companies" in inspect.signature(module.finance_to_dataverse).parameters
    companies = {"companies": COMPANIES} if takes else {}
    for row, record in enumerate(batch):
        keep = (
            module.matches_source_filter(record)
            if to_dataverse
            else module.matches_reverse_source_filter(record)
        )
        if not keep:
            filtered += 1
            continue
        try:
            mapped = (
                module.finance_to_dataverse(record, **companies)
                if to_dataverse
                else module.dataverse_to_finance(record)
            )
        except MappingError as error:
            rejects[row] = {"field": error.field, "value": error.value, "error": str(error)}
            continue
        payloads[row] = mapped
    normal = json.loads(json.dumps({"payloads": payloads, "rejects": rejects}))
    return {**normal, "filtered": filtered}


def _lines(path: Path) -> list[str]:
    # JSON Lines ends lines with "\n" only: str.splitlines() would also split at U+2028.
    return path.read_text(encoding="utf-8").split("\n")[:-1]


def _fields(target: Target, direction: Direction) -> list[Field]:
    schema = target.finance if direction is Direction.TO_DATAVERSE else target.dataverse
    return fields_for(read_fields(target.plan, direction), schema)


def held(batch: list[dict[str, Any]], fields: list[Field], format: str) -> list[dict[str, Any]]:
    """The records as ``format`` holds them. An OData page holds them as they are. CSV,
    Parquet and Delta have every column in every row (a key absent is null); CSV has no
    expanded lookups and no empty string (an empty cell is null), and a date field's cell
    that is not ISO 8601 would be parsed by --date-format, so it is left empty here."""
    if format == "odata":
        return batch
    records = []
    for record in batch:
        row: dict[str, Any] = {}
        for field in fields:
            value = record.get(field.name)
            if format in ("csv", "package"):
                if field.nested_key is not None:
                    continue
                iso = ISO.get(field.format or "")
                if value == "" or (iso and isinstance(value, str) and not iso.fullmatch(value)):
                    value = None
            elif field.nested_key is not None and isinstance(value, dict):
                value = {field.nested_key: value.get(field.nested_key)}
            row[field.name] = value
        records.append(row)
    return records


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


def _csv(records: list[dict[str, Any]], fields: list[Field]) -> str:
    """Upper-case names, as Data management's staging names are."""
    names = [field.name for field in fields if field.nested_key is None]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([name.upper() for name in names])
    writer.writerows([_cell(record[name]) for name in names] for record in records)
    return text.getvalue()


def _package(path: Path, entity_set: str, text: str) -> None:
    """A package of one entity, in Data management's CSV-Unicode (UTF-16)."""
    manifest = MANIFEST.read_text(encoding="utf-8")
    first = manifest.index("<DataManagementPackageEntityData>")
    second = manifest.index("<DataManagementPackageEntityData>", first + 1)
    manifest = (manifest[:first] + manifest[second:]).replace("Customers V3", entity_set)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Manifest.xml", manifest)
        archive.writestr(f"{entity_set}.csv", text.encode("utf-16"))


def write_input(
    folder: Path, records: list[dict[str, Any]], fields: list[Field], format: str, entity: str
) -> Path:
    if format == "jsonl":
        source = folder / "input.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    elif format == "odata":
        source = folder / "page.json"
        page = {
            "@odata.context": f"https://contoso.example/data/$metadata#{entity}",
            "value": [{"@odata.etag": 'W/"1"', **record} for record in records],
            "@odata.nextLink": f"https://contoso.example/data/{entity}?$skiptoken=2",
        }
        source.write_text(json.dumps(page), encoding="utf-8")
    elif format == "csv":
        source = folder / "input.csv"
        source.write_text(_csv(records, fields), encoding="utf-8", newline="")
    elif format == "package":
        source = folder / "package.zip"
        _package(source, entity, _csv(records, fields))
    else:
        schema = pa.schema(list(arrow_schema(fields))[2:])  # without _row and _absent
        table = pa.Table.from_pylist(records, schema=schema)
        source = folder / ("input.parquet" if format == "parquet" else "delta")
        if format == "parquet":
            pq.write_table(table, source)
        else:
            write_deltalake(str(source), table)
    return source


def bulk_outcomes(
    target: Target,
    direction: Direction,
    batch: list[dict[str, Any]],
    folder: Path,
    engine: str,
    format: str = "jsonl",
) -> dict[str, Any]:
    module = target.plan.module
    to_dataverse = direction is Direction.TO_DATAVERSE
    entity = target.plan.finance_entity if to_dataverse else target.plan.dataverse_table
    source = write_input(folder, batch, _fields(target, direction), format, entity)
    directory = folder / "companies.json"
    directory.write_text(json.dumps(COMPANIES), encoding="utf-8")
    output = folder / f"out-{engine}-{format}"
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    arguments = parser.parse_args(
        [
            module,
            *("--direction", direction.value.replace("_", "-")),
            *("--input", str(source), "--output", str(output), "--engine", engine),
            *("--companies", str(directory), "--root", str(ROOT), "--quiet"),
        ]
    )
    assert command.run(arguments, target) == 0
    payloads = {}
    for line in _lines(output / "payloads.jsonl"):
        written = json.loads(line)
        payloads[str(written["row"])] = written["payload"]
    rejects = {}
    for line in _lines(output / "rejects.jsonl"):
        reject = json.loads(line)
        rejects[str(reject.pop("row"))] = reject
    summary = json.loads((output / "summary.json").read_text(encoding="utf-8"))
    assert summary["read"] == len(batch)
    assert (summary["written"], summary["rejected"]) == (len(payloads), len(rejects))
    assert [int(row) for row in payloads] == sorted(int(row) for row in payloads)
    return {"payloads": payloads, "rejects": rejects, "filtered": summary["filtered"]}


def test_every_direction_of_every_shipped_template_renders_for_both_dialects(
    shipped: Compilation,
) -> None:
    assert sorted(shipped.sql) == sorted(
        f"{module}.{direction.value}.{dialect}.sql"
        for module in TEMPLATES
        for direction in Direction
        for dialect in ("duckdb", "spark")
    )


def _check(
    target: Target,
    direction: Direction,
    engine: str,
    batch: list[dict[str, Any]],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    module = target.plan.module
    folder = tmp_path_factory.mktemp(f"{engine}-{module}")
    expected = python_outcomes(TEMPLATES[module], direction, batch)
    assert bulk_outcomes(target, direction, batch, folder, engine) == expected
    other = FORMATS[CASES.index((module, direction)) % len(FORMATS)]
    records = held(batch, _fields(target, direction), other)
    expected = python_outcomes(TEMPLATES[module], direction, records)
    assert bulk_outcomes(target, direction, records, folder, engine, other) == expected


@pytest.mark.parametrize(("module", "direction"), CASES)
def test_duckdb_matches_the_python_mapper(
    target: Target, direction: Direction, tmp_path_factory: pytest.TempPathFactory
) -> None:
    @settings(BATCHES, max_examples=1)
    @given(st.randoms(use_true_random=True))
    def run(rng: random.Random) -> None:
        _check(target, direction, "duckdb", batch(target, direction, rng), tmp_path_factory)

    run()


@pytest.mark.spark
@pytest.mark.parametrize(("module", "direction"), CASES)
def test_spark_matches_the_python_mapper(
    target: Target, direction: Direction, tmp_path_factory: pytest.TempPathFactory
) -> None:
    @settings(BATCHES, max_examples=1)
    @given(st.randoms(use_true_random=True))
    def run(rng: random.Random) -> None:
        _check(target, direction, "spark", batch(target, direction, rng), tmp_path_factory)

    run()
