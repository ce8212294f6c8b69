"""Python names: plan names in, the identifiers and type spellings of the generated code out."""

from __future__ import annotations

import math
import re

from generator.plan.model import Converter, ExpandedKey, LookupAddress, ModulePlan, ValueCheck
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
    """A Python literal that evaluates to ``value``; repr() escapes every string safely.

    Quoted as black quotes it (in double quotes where that needs no more escapes), so black
    finds most lines already in its form: it formats a block twice unless the first pass
    changes nothing."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    text = repr(value)
    if isinstance(value, float):
        # black writes an exponent without its plus sign: 1e308, not 1e+308.
        return text.replace("e+", "e")
    # repr() chose single quotes, and there is no double quote: the body has no quote at all.
    if isinstance(value, str) and text[0] == "'" and '"' not in value:
        return f'"{text[1:-1]}"'
    return text


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
    key = "tuple[str, object]" if converter.source is Kind.ANY else _PYTHON_TYPES[converter.source]
    return f"Final[dict[{key}, {value}]]"


def check_function(check: ValueCheck) -> str:
    return {
        Kind.STRING: "checked_string",
        Kind.BOOLEAN: "checked_boolean",
        Kind.INTEGER: "checked_integer",
    }.get(check.kind, "checked_number")


# The largest finite float: a range test against it also refuses NaN and the infinities.
_FINITE = 1.7976931348623157e308


def invalid_condition(check: ValueCheck) -> str:
    """A Python test of ``value`` (not None) that is true when the column would refuse it.

    It is the fast path only: a value it flags goes to the checker, which says why (or,
    with overflow: truncate, cuts it).
    """
    if check.kind is Kind.STRING:
        if check.format is not None:
            return "True"
        if check.max_length is None:
            return "value.__class__ is not str"
        return f"value.__class__ is not str or len(value) > {check.max_length}"
    if check.kind is Kind.BOOLEAN:
        return "value.__class__ is not bool"
    low = check.minimum if check.minimum is not None else -_FINITE
    high = check.maximum if check.maximum is not None else _FINITE
    if check.kind is Kind.INTEGER:
        return f"value.__class__ is not int or not {py_literal(low)} <= value <= {py_literal(high)}"
    return (
        "(value.__class__ is not float and value.__class__ is not int) "
        f"or not {py_literal(low)} <= value <= {py_literal(high)}"
    )


def admits_every_string(check: ValueCheck) -> bool:
    """Whether the column takes any string, so a value known to be one needs no check."""
    return check.kind is Kind.STRING and check.format is None and check.max_length is None


def checker(check: ValueCheck, field: str) -> str:
    """The call that checks ``value`` against its column, raising a MappingError that says why."""
    arguments = [f"TEMPLATE, {py_literal(field)}, value, {py_literal(check.column)}"]
    if check.kind is Kind.STRING:
        if check.max_length is not None:
            arguments.append(f"max_length={check.max_length!r}")
        if check.format is not None:
            arguments.append(f"format={py_literal(check.format)}")
        if check.truncate:
            arguments.append("truncate=True")
    elif check.kind is not Kind.BOOLEAN:
        for name, bound in (("minimum", check.minimum), ("maximum", check.maximum)):
            if bound is not None:
                arguments.append(f"{name}={py_literal(bound)}")
    return f"{check_function(check)}({', '.join(arguments)})"


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
    if converter.source is Kind.ANY:
        # An untyped value may be a bool or a number: typed keys keep True apart from 1.
        return "typed_key(fold(value))" if converter.fold else "typed_key(value)"
    return "value.casefold()" if converter.fold else "value"


def table_entry(converter: Converter, key: ScalarValue) -> str:
    """A value table's key as written in the table."""
    literal = py_literal(key)
    return f"typed_key({literal})" if converter.source is Kind.ANY else literal
