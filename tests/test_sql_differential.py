"""Differential tests: the same records through the Python mapper, DuckDB and Spark.

For every shipped template and both directions, payloads, their upsert addresses and rejects
must be identical row for row, with and without --ignore-nulls, and every row must be written,
rejected or filtered out exactly once. Records are batched: each engine runs one query per
template and direction, on one batch of records, written as JSON Lines and (without
--ignore-nulls) again in one other input format (each case its own, in turn, so every format is
checked on several templates and both directions), as that format can hold the records: the
Python mapper is given the records so held.
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
from generator.plan.model import (
    BindLookup,
    Convert,
    Copy,
    Direction,
    DirectionPlan,
    KeyPart,
    ModulePlan,
    ReadLookup,
)
from generator.source.entity_schema import Kind
from projects import run_cache

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generated"))
from dualwrite_maps import TEMPLATES, MappingError  # noqa: E402
from dualwrite_maps._runtime import key_literal  # noqa: E402

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


def _key_number(rng: random.Random) -> float:
    """A number key value (a line number): at most 15 significant digits, where Spark's
    rounding of Java's digits finds the text Python's repr writes (see README, Limits)."""
    return float(f"{rng.choice([1, -1]) * 10 ** rng.uniform(-8, 20):.{rng.randint(1, 15)}g}")


def _key_sources(plan: ModulePlan, direction: Direction) -> list[tuple[str, str | None]]:
    """The fields a direction's key values come from, each with its expanded lookup's key."""
    if plan.key is None:
        return []
    if direction is Direction.TO_DATAVERSE:
        return [(part.finance_field, None) for part in plan.key.parts]
    fields = {part.finance_field for part in plan.key.parts}
    found: list[tuple[str, str | None]] = []
    for assignment in plan.to_finance.assignments:
        if isinstance(assignment, Copy | Convert) and assignment.target in fields:
            found.append((assignment.source, None))
        elif isinstance(assignment, ReadLookup) and assignment.target in fields:
            found.append((assignment.reader.navigation, assignment.reader.key))
    return found


def _addressable(
    rng: random.Random,
    plan: ModulePlan,
    direction: Direction,
    kinds: dict[str, Kind],
    known: dict[str, list[Any]],
) -> dict[str, Any]:
    """The company and key values of a tame record: a known company and short key values of
    the characters that break naive quoting and URLs, so its address can be formed."""
    found: dict[str, Any] = {}
    company = plan.company
    if company is not None:
        code = rng.choice(["usmf", "USMF", "Usmf"])
        if direction is Direction.TO_DATAVERSE:
            found[company.finance_field] = code
        else:
            found[company.navigation] = {company.code_column: code}
    for field, nested_key in _key_sources(plan, direction):
        text = "".join(rng.choice([*NASTY, "A", "7"]) for _ in range(rng.randint(1, 4)))
        if nested_key is not None:
            found[field] = {nested_key: text}
        elif known.get(field):
            found[field] = rng.choice(known[field])
        elif kinds.get(field) is Kind.NUMBER:
            found[field] = _key_number(rng)
        else:
            found[field] = text
    return found


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
    key_fields = {field for field, _ in _key_sources(plan, direction)}
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
        for name in key_fields:
            if kinds.get(name) is Kind.NUMBER and records[-1].get(name) is not None:
                records[-1][name] = _key_number(rng)
        if draw is _tame:
            records[-1].update(_addressable(rng, plan, direction, kinds, known))
        if compared and rng.randrange(2):
            records[-1].update({column: rng.choice(values) for column, values in compared.items()})
    rng.shuffle(records)
    return records


# The GUID the Python key function is given for a lookup column of a Dataverse key; the bulk
# output writes the bind it stands for instead (see _Bound).
REFERENCE = "00000000-0000-4000-8000-000000000000"


class _Bound(dict[str, str]):
    """The ``references`` a loader resolves from a payload: the looked-up row's GUID for each
    lookup column of the key (REFERENCE; the bulk output writes ``@<navigation>``). A record
    without the key value binds no row, so the key value's own error is raised, as the
    runtime's key_literal raises it for the field."""

    def __init__(self, template: str, record: dict[str, Any], parts: dict[str, KeyPart]) -> None:
        super().__init__()
        self.template, self.record, self.parts = template, record, parts

    def get(self, column: str, default: object = None) -> str:
        field = self.parts[column].finance_field
        key_literal(self.template, self.record.get(field), field, False)
        return REFERENCE


def python_address(
    module: ModuleType, plan: ModulePlan, direction: Direction, record: dict[str, Any], mapped: Any
) -> str | None:
    """The upsert address the bulk output must write: ``dataverse_key(record, companies)`` or
    ``finance_key(dataverse_to_finance(record))``, with each lookup column of a Dataverse key
    written as the bind it stands for; None for a map without a key. Raises MappingError."""
    if plan.key is None:
        return None
    if direction is Direction.TO_FINANCE:
        return str(module.finance_key(mapped))
    lookups = {part.dataverse_column: part for part in plan.key.parts if part.dataverse_lookup}
    parameters = inspect.signature(module.dataverse_key).parameters
    given = {"companies": COMPANIES} if "companies" in parameters else {}
    if "references" in parameters:
        given["references"] = _Bound(plan.template, record, lookups)
    address = str(module.dataverse_key(record, **given))
    for column, part in lookups.items():
        address = address.replace(
            f"_{column}_value={REFERENCE}", f"_{column}_value=@{part.dataverse_navigation}"
        )
    return address


def _no_value(value: object) -> bool:
    return value is None or value == ""


def ignoring_nulls(
    chosen: DirectionPlan, record: dict[str, Any], payload: dict[str, Any]
) -> dict[str, Any]:
    """--ignore-nulls, the rule in one place: the payload without each entry whose source value
    is null or empty (the empty string; an expanded lookup that is null, or whose key is null
    or empty), unless the spec maps that null to a value (a default, a value map's pair for
    null). Constants and the company are always written; which rows are written, rejected or
    filtered does not change."""
    left_out = set()
    for assignment in chosen.assignments:
        if isinstance(assignment, Copy | BindLookup):
            if _no_value(record.get(assignment.source)):
                left_out.add(assignment.target)
        elif isinstance(assignment, Convert):
            value = record.get(assignment.source)
            if value == "" or (value is None and assignment.converter.null_result is None):
                left_out.add(assignment.target)
        elif isinstance(assignment, ReadLookup):
            expanded = record.get(assignment.reader.navigation)
            if expanded is None or _no_value(expanded.get(assignment.reader.key)):
                left_out.add(assignment.target)
    return {key: value for key, value in payload.items() if key not in left_out}


def python_outcomes(
    module: ModuleType,
    plan: ModulePlan,
    direction: Direction,
    batch: list[dict[str, Any]],
    ignore_nulls: bool,
) -> dict[str, Any]:
    written: dict[int, Any] = {}
    rejects: dict[int, Any] = {}
    filtered = 0
    to_dataverse = direction is Direction.TO_DATAVERSE
    chosen = plan.to_dataverse if to_dataverse else plan.to_finance
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
            address = python_address(module, plan, direction, record, mapped)
        except MappingError as error:
            rejects[row] = {"field": error.field, "value": error.value, "error": str(error)}
            continue
        payload = ignoring_nulls(chosen, record, mapped) if ignore_nulls else mapped
        written[row] = {"address": address, "payload": payload}
    normal = json.loads(json.dumps({"written": written, "rejects": rejects}))
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
    ignore_nulls: bool,
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
            *(["--ignore-nulls"] if ignore_nulls else []),
        ]
    )
    assert command.run(arguments, target) == 0
    written = {}
    for line in _lines(output / "payloads.jsonl"):
        found = json.loads(line)
        written[str(found.pop("row"))] = found
    rejects = {}
    for line in _lines(output / "rejects.jsonl"):
        reject = json.loads(line)
        rejects[str(reject.pop("row"))] = reject
    summary = json.loads((output / "summary.json").read_text(encoding="utf-8"))
    assert summary["read"] == len(batch)
    assert (summary["written"], summary["rejected"]) == (len(written), len(rejects))
    assert [int(row) for row in written] == sorted(int(row) for row in written)
    assert (summary["addresses"], summary["ignore_nulls"]) == (
        target.plan.key is not None,
        ignore_nulls,
    )
    return {"written": written, "rejects": rejects, "filtered": summary["filtered"]}


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
    ignore_nulls: bool,
) -> None:
    module = target.plan.module
    folder = tmp_path_factory.mktemp(f"{engine}-{module}")
    plan = target.plan
    expected = python_outcomes(TEMPLATES[module], plan, direction, batch, ignore_nulls)
    assert bulk_outcomes(target, direction, batch, folder, engine, ignore_nulls) == expected
    if ignore_nulls:
        return  # the input formats are checked once, without it
    other = FORMATS[CASES.index((module, direction)) % len(FORMATS)]
    records = held(batch, _fields(target, direction), other)
    expected = python_outcomes(TEMPLATES[module], plan, direction, records, ignore_nulls)
    assert (
        bulk_outcomes(target, direction, records, folder, engine, ignore_nulls, other) == expected
    )


@pytest.mark.parametrize("ignore_nulls", [False, True], ids=["with-nulls", "ignore-nulls"])
@pytest.mark.parametrize(("module", "direction"), CASES)
def test_duckdb_matches_the_python_mapper(
    target: Target,
    direction: Direction,
    ignore_nulls: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    @settings(BATCHES, max_examples=1)
    @given(st.randoms(use_true_random=True))
    def run(rng: random.Random) -> None:
        records = batch(target, direction, rng)
        _check(target, direction, "duckdb", records, tmp_path_factory, ignore_nulls)

    run()


@pytest.mark.spark
@pytest.mark.parametrize("ignore_nulls", [False, True], ids=["with-nulls", "ignore-nulls"])
@pytest.mark.parametrize(("module", "direction"), CASES)
def test_spark_matches_the_python_mapper(
    target: Target,
    direction: Direction,
    ignore_nulls: bool,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    @settings(BATCHES, max_examples=1)
    @given(st.randoms(use_true_random=True))
    def run(rng: random.Random) -> None:
        records = batch(target, direction, rng)
        _check(target, direction, "spark", records, tmp_path_factory, ignore_nulls)

    run()
