"""The benchmark's hand-written baseline maps exactly as the generated mapper does.

tests/benchmarks/handwritten_accounts.py is what `make bench` measures the generated
customers_v3_to_accounts against; a faster baseline that maps differently would prove
nothing. Both run on every golden record of the template and on drawn records (valid values
of every field, other spellings and cases, and wrong types, lengths and ranges), and must
return equal payloads, keys in the same order, or raise the same MappingError.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from dualwrite_maps import MappingError
from dualwrite_maps import customers_v3_to_accounts as generated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).parent / "benchmarks"))
import handwritten_accounts as handwritten

GOLDEN = Path(__file__).parent / "golden" / "customers_v3_to_accounts"
CASES = {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in GOLDEN.glob("*.json")}
DIRECTIONS = ("finance_to_dataverse", "dataverse_to_finance")
GUID = "8d5e2a3c-6b1f-4e0a-9c7d-2f4b6a8c0e11"
# Each side of the limits the template's columns have (maxLength, ranges, Int32).
LENGTHS = (4, 5, 20, 50, 80, 100, 128, 200, 250, 2000)
NUMBERS = (-90, 90, -180, 180, 1e14, 2**31 - 1, -(2**31))
# Every key and value of the generated value maps, in other cases too.
MAPPED = sorted(
    {
        item
        for name, table in vars(generated).items()
        if name.isupper() and name.startswith("_") and isinstance(table, dict)
        for pair in table.items()
        for item in pair
    },
    key=repr,
)
SPELLINGS = [
    case(item) for item in MAPPED if isinstance(item, str) for case in (str.upper, str.title)
]


def outcome(function: Callable[..., Any], *arguments: object) -> tuple[str, object]:
    """What a call did, comparable across implementations: the payload with its key order,
    or the error's template, field, value and message."""
    try:
        result = function(*arguments)
    except MappingError as error:
        return "error", (error.template, error.field, repr(error.value), str(error))
    assert isinstance(result, dict)
    return "payload", repr(list(result.items()))


def agree(direction: str, record: object, companies: object = None) -> None:
    arguments = (record, companies) if direction == "finance_to_dataverse" else (record,)
    expected = outcome(getattr(generated, direction), *arguments)
    assert outcome(getattr(handwritten, direction), *arguments) == expected


@pytest.mark.parametrize(
    "name", sorted(name for name, case in CASES.items() if case["direction"] in DIRECTIONS)
)
def test_golden_records(name: str) -> None:
    case = CASES[name]
    agree(case["direction"], case["input"], case.get("companies"))


def _full(direction: str) -> dict[str, Any]:
    prefix = "to_dataverse" if direction == "finance_to_dataverse" else "to_finance"
    record: dict[str, Any] = CASES[f"{prefix}_full_record"]["input"]
    return record


def _variants(value: object) -> list[object]:
    """Values near a valid one: other types, and other cases, lengths, ranges or map entries."""
    found: list[object] = [value, None, "", True, False, 0, 1.5, math.nan, [value], {"x": value}]
    if value.__class__ in (int, float):
        found += [n + step for n in NUMBERS for step in (0, -0.5, 0.5)] + [math.inf, 10**15]
    if isinstance(value, str):
        found += [value.upper(), value.lower(), value + " /'%", "Zürich", "\ud800", "İ", "ß"]
        found += [value[:1].ljust(n + extra, "x") for n in LENGTHS for extra in (0, 1)]
    if value in MAPPED or (isinstance(value, str) and value.casefold() in MAPPED):
        found += MAPPED + SPELLINGS
    if isinstance(value, dict):
        found += [{key: None for key in value}, {key: 7 for key in value}, {}]
        found += [{key: f"{item} #1" for key, item in value.items()}]
    if "dataAreaId" in repr(value) or value == "usmf":
        found += ["usmf", "USMF", "toolong"]
    return found


@st.composite
def records(draw: st.DrawFn, direction: str) -> dict[str, Any]:
    """Some of the full record's fields, a few of them changed: the first refused value
    ends the mapping, so most must stay valid for the later fields' checks to run."""
    full = _full(direction)
    fields = sorted(full)
    kept = draw(st.lists(st.sampled_from(fields), unique=True, max_size=len(fields)))
    record = {field: full[field] for field in fields if field in kept or len(kept) % 2}
    for field in draw(st.lists(st.sampled_from(fields), unique=True, max_size=3)):
        record[field] = draw(st.sampled_from(_variants(full[field])))
    return record


DIRECTORIES = [
    {"USMF": GUID},
    {"usmf": GUID, "USMF": "not-a-guid"},
    {"Usmf": GUID},
    {"usmf": None, "USMF": GUID},
    {},
    None,
    [GUID],
]
COMPANIES = st.sampled_from(DIRECTORIES)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("direction", DIRECTIONS)
def test_every_field_near_its_limits(direction: str) -> None:
    """One field changed in the full record, or alone, for every field and nearby value."""
    full = _full(direction)
    for field, value in full.items():
        for variant in _variants(value):
            agree(direction, {**full, field: variant}, {"USMF": GUID})
            agree(direction, {field: variant}, {"USMF": GUID})
    for companies in DIRECTORIES:
        agree(direction, full, companies)


@SETTINGS
@given(record=records("finance_to_dataverse"), companies=COMPANIES)
def test_drawn_records_to_dataverse(record: dict[str, Any], companies: object) -> None:
    agree("finance_to_dataverse", record, companies)


@SETTINGS
@given(record=records("dataverse_to_finance"))
def test_drawn_records_to_finance(record: dict[str, Any]) -> None:
    agree("dataverse_to_finance", record)


@pytest.mark.parametrize("record", [None, [], "record", 1, {"x": 1}.keys()])
@pytest.mark.parametrize("direction", DIRECTIONS)
def test_non_records(direction: str, record: object) -> None:
    agree(direction, record)
