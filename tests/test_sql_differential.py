"""Differential tests: the same hypothesis records through the Python mapper, DuckDB and Spark.

For every shipped template and both directions, payloads and rejects must be identical row
for row, and every row must be written, rejected or filtered out exactly once. Records are
batched: each engine runs one query per template and direction, on one batch of records.
"""

from __future__ import annotations

import argparse
import functools
import inspect
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from generator.backends.sql.inputs import read_fields
from generator.bulk import command
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
COMPANIES = {
    "USMF": "5a0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
    "dat": "not a guid",
    "\u00df": "0e0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
}
# Fields per batch (records times the fields each may have): as many as hypothesis can draw.
BATCH_FIELDS = 1500
CASES = [(module, direction) for module in sorted(TEMPLATES) for direction in Direction]
# One batch per engine, template and direction, drawn at random (see records()).
# No shrinking: a failure prints its whole batch, and shrinking 100 records takes minutes.
BATCHES = settings(
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
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


def _case_variants(text: str) -> st.SearchStrategy[str]:
    return st.sampled_from([text, text.upper(), text.title(), text.swapcase()])


def _strings(known: list[str]) -> st.SearchStrategy[str]:
    choices = [
        st.text(st.sampled_from(NASTY) | st.characters(codec="utf-8"), max_size=12),
        st.text(max_size=3).map(lambda text: text * 200),  # over-long strings
        st.sampled_from(SPELLINGS + FORMATTED),
    ]
    if known:
        choices.append(st.sampled_from(known).flatmap(_case_variants))
    return st.one_of(*choices)


def _value(kind: Kind, known: list[Any], nested_key: str | None) -> st.SearchStrategy[Any]:
    if nested_key is not None:
        inner = st.none() | _strings([])
        return st.none() | st.just({}) | st.builds(lambda value: {nested_key: value}, inner)
    if kind is Kind.BOOLEAN:
        return st.none() | st.booleans()
    if kind is Kind.INTEGER:
        ints = [key for key in known if type(key) is int]
        sampled = [st.sampled_from(ints)] if ints else []
        return st.one_of(st.none(), st.integers(-(2**40), 2**40), *sampled)
    if kind is Kind.NUMBER:
        return st.none() | st.floats(allow_nan=False, allow_infinity=False)
    return st.none() | _strings([key for key in known if isinstance(key, str)])


def records(target: Target, direction: Direction) -> st.SearchStrategy[list[dict[str, Any]]]:
    plan = target.plan
    kinds = target.kinds(direction)
    chosen = plan.to_dataverse if direction is Direction.TO_DATAVERSE else plan.to_finance
    known: dict[str, list[Any]] = {}
    for assignment in chosen.assignments:
        if isinstance(assignment, Convert) and assignment.converter.table:
            keys = [key for key, _ in assignment.converter.table if key is not None]
            known.setdefault(assignment.source, []).extend(keys)
    optional = {
        field.name: _value(
            kinds.get(field.name, Kind.STRING), known.get(field.name, []), field.nested_key
        )
        for field in read_fields(plan, direction)
    }
    # Wide records take more of hypothesis's choice budget: fewer of them, or it gives up.
    size = BATCH_FIELDS // len(optional)
    records = st.fixed_dictionaries({}, optional=optional)
    # Hypothesis's first example is its simplest, a batch of empty records: passed over, so the
    # one example run is drawn at random (empty records still come up in it).
    return st.lists(records, min_size=size // 4, max_size=size).filter(lambda batch: any(batch))


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


def bulk_outcomes(
    target: Target, direction: Direction, batch: list[dict[str, Any]], folder: Path, engine: str
) -> dict[str, Any]:
    module = target.plan.module
    source = folder / "input.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in batch), encoding="utf-8")
    directory = folder / "companies.json"
    directory.write_text(json.dumps(COMPANIES), encoding="utf-8")
    output = folder / f"out-{engine}"
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


@pytest.mark.parametrize(("module", "direction"), CASES)
def test_duckdb_matches_the_python_mapper(
    target: Target, direction: Direction, tmp_path_factory: pytest.TempPathFactory
) -> None:
    @settings(BATCHES, max_examples=1)
    @given(records(target, direction))
    def run(batch: list[dict[str, Any]]) -> None:
        _check(target, direction, "duckdb", batch, tmp_path_factory)

    run()


@pytest.mark.spark
@pytest.mark.parametrize(("module", "direction"), CASES)
def test_spark_matches_the_python_mapper(
    target: Target, direction: Direction, tmp_path_factory: pytest.TempPathFactory
) -> None:
    @settings(BATCHES, max_examples=1)
    @given(records(target, direction))
    def run(batch: list[dict[str, Any]]) -> None:
        _check(target, direction, "spark", batch, tmp_path_factory)

    run()
