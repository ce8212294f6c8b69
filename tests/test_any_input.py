"""Any JSON in, only MappingError out: every public function of the shipped package.

A service hands the generated functions whatever its HTTP client parsed. Whatever that is, a
caller must be able to rely on one ``except MappingError`` (whose ``.template`` names the
template): no TypeError, KeyError, AttributeError or UnicodeError may escape. Modules come
from ``dualwrite_maps.TEMPLATES`` and functions from each module (and the package root)
itself, so a new template or a new public function that takes a record is covered without
touching this file. Its other parameters (``companies``, ``references``, an entity name) get
drawn values too.
"""

from __future__ import annotations

import functools
import inspect
import json
import re
import reprlib
import sys
import typing
from collections.abc import Callable
from types import ModuleType
from typing import Any

import dualwrite_maps
import pytest
from dualwrite_maps import TEMPLATES, MappingError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# The functions every template module has; the discovery below must find at least these.
REQUIRED_FUNCTIONS = {
    "finance_to_dataverse",
    "dataverse_to_finance",
    "matches_source_filter",
    "matches_reverse_source_filter",
}
MODULES = sorted(TEMPLATES)
# Values that pass the runtime's company-code and GUID checks, and some that just miss them.
COMPANY_CODES = ["usmf", "USMF", "dat", "toolong"]
GUIDS = ["0f8fad5b-d9cb-469f-a165-70867728950e", "not-a-guid"]

Function = Callable[..., object]


@functools.cache
def public_functions(module: ModuleType) -> dict[str, Function]:
    """The module's own public functions that take a parameter named ``record``."""
    return {
        name: function
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_")
        and function.__module__ == module.__name__
        and "record" in inspect.signature(function).parameters
    }


@functools.cache
def hints(function: Function) -> dict[str, Any]:
    return typing.get_type_hints(function)


def _query_names(query: str) -> set[str]:
    """Columns, navigation properties and expanded keys named in DATAVERSE_QUERY."""
    names: set[str] = set()
    for option in query.split("&"):
        if option.startswith("$select="):
            names.update(option.removeprefix("$select=").split(","))
        elif option.startswith("$expand="):
            for navigation, keys in re.findall(r"(\w+)\(\$select=([^)]*)\)", option):
                names.add(navigation)
                names.update(keys.split(","))
    return names


@functools.cache
def column_names(module: ModuleType) -> list[str]:
    """Every key a record of either side may carry: the TypedDicts' keys and the query's names."""
    names = _query_names(module.DATAVERSE_QUERY)
    for function in public_functions(module).values():
        record_type = hints(function).get("record")
        if typing.is_typeddict(record_type):
            names.update(typing.get_type_hints(record_type))
    return sorted(names)


def table_values(module: ModuleType) -> list[object]:
    """The keys and values of the module's value tables and filters: inputs that map."""
    values: list[object] = ["", *COMPANY_CODES, *GUIDS]
    for name, table in sorted(vars(module).items()):
        # Value tables are the module's private upper-case dicts (``_ON_HOLD_STATUS_TO_FINANCE``).
        if re.fullmatch(r"_[A-Z][A-Z0-9_]*", name) and isinstance(table, dict):
            values.extend(table)
            values.extend(table.values())
    for text in (module.SOURCE_FILTER, module.REVERSE_SOURCE_FILTER):
        for double, single in re.findall(r"\"([^\"]*)\"|'((?:[^']|'')*)'", text or ""):
            values.append(double or single.replace("''", "'"))
    return values


# Strings that stress the code paths that quote, encode or fold them.
NASTY_TEXT = st.sampled_from(
    ["'", "''", '"', "/", "?", "#", "%", "&", "%27", " ", "é", "ß", "İ", "日本", "\x00", "\\", ""]
)
TEXT = st.one_of(st.text(max_size=12), st.lists(NASTY_TEXT, max_size=4).map("".join))
HUGE_INTEGERS = st.sampled_from([2**31, -(2**63) - 1, 2**64, 10**30, -(10**400)])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    HUGE_INTEGERS,
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)


def json_values(keys: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Any JSON value; object keys come from ``keys`` so nested records look real sometimes."""
    return st.recursive(
        SCALARS,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(keys, children, max_size=3),
        ),
        max_leaves=8,
    )


@functools.cache
def records(module: ModuleType) -> st.SearchStrategy[dict[str, Any]]:
    """Records keyed by the module's real columns, valued by anything (mapped values often)."""
    names = column_names(module)
    keys = st.one_of(st.sampled_from(names), TEXT)
    value = st.one_of(st.sampled_from(table_values(module)), json_values(keys))
    return st.dictionaries(st.sampled_from(names), value, max_size=12)


NON_RECORDS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    TEXT,
    st.lists(json_values(TEXT), max_size=3),
)
# The other parameters: a directory of companies or references (a dict from the service), or
# the name of an entity or table (package-level functions that pick templates).
DIRECTORIES = st.one_of(
    st.none(),
    st.dictionaries(
        st.one_of(st.sampled_from(COMPANY_CODES), TEXT),
        st.one_of(st.sampled_from(GUIDS), json_values(TEXT)),
        max_size=3,
    ),
)
ENTITY_NAMES = st.one_of(
    st.sampled_from(
        sorted(
            {m.FINANCE_ENTITY for m in TEMPLATES.values()}
            | {m.DATAVERSE_TABLE for m in TEMPLATES.values()}
        )
    ),
    TEXT,
)


class OtherArguments:
    """Drawn values for every parameter but ``record``, chosen by its annotation, drawn once
    per example: a service hands the one company directory it has to every function, and
    drawing a directory costs more than the calls it feeds."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data
        self.drawn: dict[tuple[str, bool], object] = {}

    def of(self, function: Function) -> dict[str, object]:
        arguments: dict[str, object] = {}
        for name in inspect.signature(function).parameters:
            if name == "record":
                continue
            named = hints(function).get(name) is str
            if (name, named) not in self.drawn:
                strategy = ENTITY_NAMES if named else DIRECTORIES
                self.drawn[name, named] = self.data.draw(strategy, label=name)
            arguments[name] = self.drawn[name, named]
        return arguments


def call(function: Function, record: object, others: OtherArguments, templates: set[str]) -> object:
    """Run ``function``; a MappingError naming one of ``templates`` is the one allowed failure."""
    arguments = others.of(function)
    # The arguments are shared by every call of the example: none may change them.
    snapshot = repr((record, arguments))
    try:
        result = function(record=record, **arguments)
    except MappingError as error:
        assert isinstance(error, ValueError)
        assert error.template in templates, function.__name__
        return error
    finally:
        assert repr((record, arguments)) == snapshot, f"{function.__name__} changed its input"
    return_type = hints(function)["return"]
    if return_type is bool:
        assert type(result) is bool, function.__name__
    elif typing.is_typeddict(return_type):
        # A payload must survive the json module, as the HTTP client will serialise it.
        assert isinstance(result, dict), function.__name__
        json.dumps(result)
    return result


def call_all(module: ModuleType, record: object, others: OtherArguments) -> list[object]:
    return [
        call(function, record, others, {module.TEMPLATE})
        for function in public_functions(module).values()
    ]


def test_every_module_has_the_required_public_functions() -> None:
    assert TEMPLATES, "no templates: the package under test is empty"
    for module_name, module in TEMPLATES.items():
        assert set(public_functions(module)) >= REQUIRED_FUNCTIONS, module_name
        assert column_names(module), f"{module_name}: no column names found to draw keys from"


@pytest.mark.parametrize("module_name", MODULES)
@SETTINGS
@given(data=st.data())
def test_records_of_real_columns(module_name: str, data: st.DataObject) -> None:
    module = TEMPLATES[module_name]
    call_all(module, data.draw(records(module), label="record"), OtherArguments(data))


# Inputs that owe nothing to a module's columns go to every module in one example.
@SETTINGS
@given(record=st.dictionaries(TEXT, json_values(TEXT), max_size=4), data=st.data())
def test_arbitrary_objects(record: dict[str, Any], data: st.DataObject) -> None:
    others = OtherArguments(data)
    for module_name in MODULES:
        call_all(TEMPLATES[module_name], record, others)


@SETTINGS
@given(value=NON_RECORDS, data=st.data())
def test_non_records_are_mapping_errors(value: Any, data: st.DataObject) -> None:
    others = OtherArguments(data)
    for module_name in MODULES:
        for outcome in call_all(TEMPLATES[module_name], value, others):
            assert isinstance(outcome, MappingError), module_name
            assert outcome.field == "<record>"
            assert outcome.value is value


@pytest.mark.parametrize("function_name", sorted(public_functions(dualwrite_maps)))
@SETTINGS
@given(data=st.data())
def test_package_functions_taking_a_record(function_name: str, data: st.DataObject) -> None:
    # The package root's own helpers (such as picking the templates a record syncs with) run
    # every module's filters: a record of any module's columns, or anything at all.
    module = TEMPLATES[data.draw(st.sampled_from(MODULES), label="module")]
    record = data.draw(st.one_of(records(module), NON_RECORDS), label="record")
    templates = {module.TEMPLATE for module in TEMPLATES.values()}
    call(public_functions(dualwrite_maps)[function_name], record, OtherArguments(data), templates)


def escapes(inputs: Callable[[ModuleType], list[object]]) -> list[str]:
    """Each (module, function, input) that lets an exception other than MappingError out."""
    found = []
    for module_name in MODULES:
        module = TEMPLATES[module_name]
        for record in inputs(module):
            for name, function in public_functions(module).items():
                try:
                    function(record)
                except MappingError:
                    continue
                except Exception as error:
                    # reprlib stops at a few levels, so a deep record can be shown at all.
                    shown = reprlib.repr(record)
                    found.append(f"{module_name}.{name}({shown}): {type(error).__name__}")
    return found


def test_lone_surrogates_are_mapping_errors_at_most() -> None:
    # Kept out of the property tests (hypothesis draws no surrogates by default) so they
    # stay green while this known failure is open.
    assert escapes(lambda module: [{column: "\ud800"} for column in column_names(module)]) == []


def test_deeply_nested_values_are_mapping_errors_at_most() -> None:
    deep: object = []
    for _ in range(sys.getrecursionlimit()):
        deep = [deep]
    assert (
        escapes(lambda module: [deep, *({column: deep} for column in column_names(module))]) == []
    )
