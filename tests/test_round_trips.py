"""Property tests on the 12 real templates, with records drawn from the compiled maps.

For every template, finance_to_dataverse then dataverse_to_finance returns every
bidirectional field unchanged, and so does the reverse trip, whatever subset of keys
is present; and no direction writes a key its spec does not write.
"""

from __future__ import annotations

import importlib
import re
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_end_to_end import ROOT

from generator.bind.model import Row, TableMap
from generator.pipeline import Compilation
from generator.plan.model import BindLookup, ModulePlan
from generator.source.entity_schema import Column, Kind

NAMES = sorted(path.stem for path in (ROOT / "specs" / "maps").glob("*.yaml"))
# A bind, with the company part that company-specific targets add.
BIND = re.compile(r"^/(?P<set>\w+)\((?P<key>\w+)='(?P<value>.*)'(?:,_\w+_value=[-0-9a-f]+)?\)$")
COMPANIES = {"USMF": "8d5e2a3c-6b1f-4e0a-9c7d-2f4b6a8c0e11"}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def module(name: str) -> Any:
    return importlib.import_module(f"dualwrite_maps.{name}")


def plain_values(*columns: Column, max_length: int | None = None) -> st.SearchStrategy[Any]:
    """Values every one of ``columns`` takes: what a round trip can carry unchanged."""
    column = columns[0]
    lengths = [c.constraints.max_length for c in columns if c.constraints.max_length] + (
        [max_length] if max_length else []
    )
    lows = [low for low, _ in (c.bounds for c in columns) if low is not None]
    highs = [high for _, high in (c.bounds for c in columns) if high is not None]
    low, high = (max(lows) if lows else None), (min(highs) if highs else None)
    formats: dict[str | None, st.SearchStrategy[Any]] = {
        "uuid": st.uuids().map(str),
        "date": st.dates().map(lambda day: day.isoformat()),
        "date-time": st.sampled_from(["2024-03-15T12:00:00Z", "1900-01-01T00:00:00+01:00"]),
    }
    text = formats.get(column.constraints.format, st.text(max_size=min(lengths, default=None)))
    by_kind: dict[Kind, st.SearchStrategy[Any]] = {
        Kind.STRING: text,
        Kind.INTEGER: st.integers(
            -(2**31) if low is None else int(low), 2**31 - 1 if high is None else int(high)
        ),
        Kind.NUMBER: st.floats(
            min_value=low, max_value=high, allow_nan=False, allow_infinity=False
        ),
        Kind.BOOLEAN: st.booleans(),
        Kind.ANY: st.one_of(st.text(), st.integers(), st.booleans()),
    }
    return st.one_of(st.none(), by_kind[column.kind])


def bidirectional(table_map: TableMap) -> list[Row]:
    return [
        row
        for row in table_map.rows
        if row.map_type.to_dataverse
        and row.map_type.to_finance
        and row.finance is not None
        and row.dataverse is not None
    ]


def finance_values(row: Row) -> st.SearchStrategy[Any]:
    assert row.finance is not None and row.dataverse is not None
    if row.value_map is not None:
        pairs = row.value_map.pairs
        # null maps to null only when no pair claims the Dataverse null for a finance value.
        null_trips = all(dataverse is not None for _, dataverse in pairs)
        values = [finance for finance, _ in pairs] + ([None] if null_trips else [])
        return st.sampled_from(values)
    if row.dataverse.lookup_key is not None:
        return plain_values(row.finance, max_length=row.dataverse.key_max_length)
    return plain_values(row.finance, row.dataverse.column)


def dataverse_values(row: Row) -> st.SearchStrategy[Any]:
    assert row.finance is not None and row.dataverse is not None
    if row.value_map is not None:
        pairs = row.value_map.pairs
        null_trips = all(finance is not None for finance, _ in pairs)
        values = [dataverse for _, dataverse in pairs] + ([None] if null_trips else [])
        return st.sampled_from(values)
    if row.dataverse.lookup_key is not None:
        key = row.dataverse.lookup_key
        finance_keys = plain_values(row.finance, max_length=row.dataverse.key_max_length)
        return st.one_of(st.none(), finance_keys.map(lambda text: {key: text}))
    return plain_values(row.dataverse.column, row.finance)


def dataverse_key(row: Row) -> str:
    assert row.dataverse is not None
    lookup = row.dataverse.column.lookup
    return (
        lookup.navigation_property
        if lookup and row.dataverse.lookup_key
        else row.dataverse.column.name
    )


def records(strategies: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Records holding any subset of the keys."""
    return st.fixed_dictionaries({}, optional=strategies)


def as_read(payload: dict[str, Any]) -> dict[str, Any]:
    """A Web API payload as the same row reads back: @odata.bind references expanded."""
    record: dict[str, Any] = {}
    for key, value in payload.items():
        if key.endswith("@odata.bind"):
            navigation = key.removesuffix("@odata.bind")
            match = BIND.match(value) if value is not None else None
            record[navigation] = (
                {match["key"]: unquote(match["value"]).replace("''", "'")} if match else None
            )
        else:
            record[key] = value
    return record


def compiled(shipped: Compilation, name: str) -> tuple[TableMap, ModulePlan]:
    table_map = next(table_map for table_map in shipped.maps if table_map.spec.module == name)
    return table_map, next(plan for plan in shipped.plans if plan.module == name)


def targets(plan: ModulePlan, to_dataverse: bool) -> set[str]:
    direction = plan.to_dataverse if to_dataverse else plan.to_finance
    return {assignment.target for assignment in direction.assignments}


@pytest.mark.parametrize("name", NAMES)
def test_finance_round_trip(shipped: Compilation, name: str) -> None:
    table_map, plan = compiled(shipped, name)
    rows = bidirectional(table_map)
    assert rows, f"{name} has no bidirectional rows"
    strategies = {row.finance.name: finance_values(row) for row in rows if row.finance}
    mapper = module(name)

    company = plan.company
    lookups = {
        assignment.source
        for assignment in plan.to_dataverse.assignments
        if isinstance(assignment, BindLookup)
    }

    @SETTINGS
    @given(records(strategies))
    def check(record: dict[str, Any]) -> None:
        if company is not None:
            record = {company.finance_field: "usmf", **record}
        payload = mapper.finance_to_dataverse(record, COMPANIES)
        assert set(payload) <= targets(plan, to_dataverse=True)
        back = mapper.dataverse_to_finance(as_read(payload))
        assert set(back) <= targets(plan, to_dataverse=False)
        # An empty lookup is no reference either way: null and "" both come back as "".
        expected = {
            key: "" if key in lookups and value is None else value for key, value in record.items()
        }
        assert {key: back[key] for key in record} == expected

    check()


@pytest.mark.parametrize("name", NAMES)
def test_dataverse_round_trip(shipped: Compilation, name: str) -> None:
    table_map, plan = compiled(shipped, name)
    rows = bidirectional(table_map)
    strategies = {dataverse_key(row): dataverse_values(row) for row in rows}
    mapper = module(name)

    company = plan.company

    @SETTINGS
    @given(records(strategies))
    def check(record: dict[str, Any]) -> None:
        if company is not None:
            record = {company.navigation: {company.code_column: "USMF"}, **record}
        finance = mapper.dataverse_to_finance(record)
        payload = mapper.finance_to_dataverse(finance, COMPANIES)
        back = as_read(payload)
        # An expanded lookup whose key is empty is no reference: it comes back as null.
        expected = {
            key: None if isinstance(value, dict) and set(value.values()) <= {None, ""} else value
            for key, value in record.items()
        }
        assert {key: back[key] for key in record} == expected

    check()
