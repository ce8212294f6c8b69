"""Filter binding: a filter's syntax tree and its entity schema in, a typed predicate tree out.

The predicate tree is what every backend renders (a Python expression, a SQL condition):
fields are schema columns with their wire names, enum constants are canonical members,
and each comparison says which semantics it follows. F&O query ranges compare strings
without regard to case, as F&O's SQL collation does; OData comparisons with null, or
across types, are false, and ``true`` never equals ``1``.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator import messages
from generator.bind.filter_syntax import (
    Comparison,
    Constant,
    Expression,
    Field,
    FilterSyntaxError,
    Junction,
    Literal,
    Not,
    parse_reverse_filter,
    parse_source_filter,
)
from generator.diagnostics import Diagnostics, Location, Message, suggestion
from generator.source.entity_schema import Column, EntitySchema, Kind, untyped_column
from generator.source.located_yaml import Scalar


@dataclass(frozen=True)
class RangeEquals:
    """F&O query range ``column == value``: strings compare case-insensitively."""

    column: str
    value: Literal


@dataclass(frozen=True)
class ODataComparison:
    """OData ``column <operator> value`` with OData's typing rules."""

    column: str
    operator: str  # eq ne gt ge lt le
    value: Literal


@dataclass(frozen=True)
class Negation:
    operand: Predicate


@dataclass(frozen=True)
class AllOf:
    operands: tuple[Predicate, ...]


@dataclass(frozen=True)
class AnyOf:
    operands: tuple[Predicate, ...]


Predicate = RangeEquals | ODataComparison | Negation | AllOf | AnyOf


@dataclass(frozen=True)
class BoundFilter:
    text: str
    predicate: Predicate
    columns: tuple[str, ...]  # the columns it reads, in order of first use


class _Binder:
    def __init__(
        self,
        schema: EntitySchema | None,
        location: Location,
        diagnostics: Diagnostics,
        finance: bool,
    ) -> None:
        self.schema = schema
        self.location = location
        self.diagnostics = diagnostics
        self.finance = finance
        self.ok = True
        self.columns: list[str] = []

    def error(self, offset: int, message: Message, **fields: object) -> None:
        self.ok = False
        self.diagnostics.report(message, self.location.shifted(offset), **fields)

    def column(self, field: Field) -> Column | None:
        if self.schema is None:
            return untyped_column(field.name)
        # F&O names resolve case-insensitively; OData names are exact.
        matches = (
            self.schema.find(field.name)
            if self.finance
            else [c for c in self.schema.columns if c.name == field.name]
        )
        if len(matches) == 1:
            if matches[0].name not in self.columns:
                self.columns.append(matches[0].name)
            return matches[0]
        where = f"{'entity' if self.finance else 'table'} {self.schema.entity_set}"
        if matches:
            self.error(field.offset, messages.FILTER_FIELD_AMBIGUOUS, name=field.name, where=where)
        else:
            self.error(
                field.offset,
                messages.FILTER_FIELD_UNKNOWN,
                name=field.name,
                where=where,
                hint=suggestion(field.name, self.schema.column_names()),
            )
        return None

    def bind(self, expression: Expression) -> Predicate:
        if isinstance(expression, Junction):
            operands = tuple(self.bind(operand) for operand in expression.operands)
            return AllOf(operands) if expression.operator == "and" else AnyOf(operands)
        if isinstance(expression, Not):
            return Negation(self.bind(expression.operand))
        return self.comparison(expression)

    def comparison(self, comparison: Comparison) -> Predicate:
        left, right = comparison.left, comparison.right
        if isinstance(left, Constant) and isinstance(right, Field):
            left, right = right, left
        if not isinstance(left, Field) or not isinstance(right, Constant):
            self.error(comparison.left.offset, messages.FILTER_NOT_FIELD_AND_VALUE)
            return AnyOf(())
        column = self.column(left)
        if column is None:
            return AnyOf(())
        if self.finance:
            value = right.value
            if column.is_enum:
                value = self.enum_member(column, right)
            equals = RangeEquals(column.name, value)
            return equals if comparison.operator == "eq" else Negation(equals)
        if column.kind is Kind.LOOKUP:
            self.error(right.offset, messages.FILTER_LOOKUP, name=column.name)
        return ODataComparison(column.name, comparison.operator, right.value)

    def enum_member(self, column: Column, constant: Constant) -> str | None:
        members = [member for member, _ in column.enum_values]
        if constant.enum is not None:
            enum_type, name = constant.enum
            if column.enum_type and enum_type != column.enum_type:
                self.error(
                    constant.offset,
                    messages.FILTER_ENUM_TYPE,
                    literal=f"{enum_type}::{name}",
                    name=column.name,
                    enum=column.enum_type,
                    other=enum_type,
                )
                return None
        value = constant.value
        if isinstance(value, int) and not isinstance(value, bool):
            # F&O compares an integer with an enum field by the enum's values.
            member = column.enum_member_by_value(value)
            if member is None:
                values = ", ".join(f"{m}={v}" for m, v in column.enum_values)
                self.error(
                    constant.offset,
                    messages.FILTER_ENUM_VALUE,
                    value=value,
                    enum=column.enum_type,
                    values=values,
                )
            return member
        if isinstance(value, str):
            member = column.enum_member(value)
            if member is None:
                self.error(
                    constant.offset,
                    messages.FILTER_ENUM_MEMBER,
                    value=value,
                    enum=column.enum_type,
                    hint=suggestion(value, members),
                )
            return member
        self.error(constant.offset, messages.FILTER_ENUM_COMPARISON, name=column.name)
        return None


def bind_filter(
    source: Scalar, schema: EntitySchema | None, diagnostics: Diagnostics, finance: bool
) -> BoundFilter | None:
    """The filter as a predicate tree over the schema's columns; None if it has problems.

    Problems are reported at their column inside the filter string.
    """
    assert isinstance(source.value, str)
    text = source.value
    # A quoted YAML scalar starts one column before its text.
    location = source.location.shifted(1 if source.quoted else 0)
    try:
        expression = parse_source_filter(text) if finance else parse_reverse_filter(text)
    except FilterSyntaxError as problem:
        diagnostics.report(
            messages.FILTER_SYNTAX,
            location.shifted(problem.offset),
            kind="source filter" if finance else "reversed source filter",
            problem=problem.message,
        )
        return None
    binder = _Binder(schema, location, diagnostics, finance)
    predicate = binder.bind(expression)
    if not binder.ok:
        return None
    return BoundFilter(text, predicate, tuple(binder.columns))
