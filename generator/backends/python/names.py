"""Python names: plan names in, the identifiers and type spellings of the generated code out."""

from __future__ import annotations

import math
import re

from generator.plan.model import Converter, ExpandedKey, LookupAddress, ModulePlan
from generator.source.entity_schema import Kind
from generator.source.located_yaml import ScalarValue

_PYTHON_TYPES = {
    Kind.STRING: "str",
    Kind.INTEGER: "int",
    Kind.NUMBER: "float",
    Kind.BOOLEAN: "bool",
    Kind.ANY: "Any",
}


def py_literal(value: ScalarValue) -> str:
    """A Python literal that evaluates to ``value``; repr() escapes every string safely."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    return repr(value)


def pascal_case(name: str) -> str:
    parts = re.split(r"[^0-9A-Za-z]+", name)
    return "".join(part[:1].upper() + part[1:] for part in parts if part)


def finance_type_name(entity_set: str) -> str:
    return f"Finance{pascal_case(entity_set)}"


def dataverse_type_name(entity_set: str) -> str:
    return f"Dataverse{pascal_case(entity_set)}"


def dataverse_payload_type_name(entity_set: str) -> str:
    return f"{dataverse_type_name(entity_set)}Payload"


_UNTYPED = "dict[str, Any]"


def finance_record(plan: ModulePlan) -> str:
    return finance_type_name(plan.finance_entity) if plan.finance_typed else _UNTYPED


def dataverse_record(plan: ModulePlan) -> str:
    return dataverse_type_name(plan.dataverse_table) if plan.dataverse_typed else _UNTYPED


def dataverse_payload(plan: ModulePlan) -> str:
    return dataverse_payload_type_name(plan.dataverse_table) if plan.dataverse_typed else _UNTYPED


def value_type(kind: Kind, nullable: bool = True) -> str:
    python = _PYTHON_TYPES[kind]
    return python if kind is Kind.ANY or not nullable else f"{python} | None"


def converter_function(converter: Converter) -> str:
    return f"_{converter.name}"


def converter_table(converter: Converter) -> str:
    return f"_{converter.name.upper()}"


def table_annotation(converter: Converter) -> str:
    assert converter.table is not None
    nullable = any(value is None for _, value in converter.table)
    value = value_type(converter.target, nullable=nullable)
    return f"Final[dict[{_PYTHON_TYPES[converter.source]}, {value}]]"


def binder(address: LookupAddress) -> str:
    return f"_bind_{address.name}"


def reader(key: ExpandedKey) -> str:
    return f"_read_{key.name}"


_KEY_TESTS = {
    Kind.STRING: "isinstance(value, str)",
    Kind.INTEGER: "type(value) is int",
    Kind.NUMBER: "type(value) in (int, float)",
    Kind.BOOLEAN: "isinstance(value, bool)",
    Kind.ANY: "isinstance(value, (str, int, float, bool))",
}


def key_test(converter: Converter) -> str:
    """The test a value passes before it is looked up (a bool never keys an int table)."""
    return _KEY_TESTS[converter.source]


def table_key(converter: Converter) -> str:
    if not converter.fold:
        return "value"
    return "value.casefold()" if converter.source is Kind.STRING else "fold(value)"
