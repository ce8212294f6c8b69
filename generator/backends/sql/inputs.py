"""The input contract of a direction's query: a plan and a direction in, the fields it reads out.

A reader must give the relation ``source`` one column per field listed here (NULL where the
record has no such key, with the key named in ``_absent``), besides ``_row`` and ``_absent``.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.bind.filters import AllOf, AnyOf, Negation, Predicate
from generator.plan.model import (
    BindCompany,
    BindLookup,
    Convert,
    Copy,
    Direction,
    ModulePlan,
    ReadCompany,
    ReadLookup,
)


@dataclass(frozen=True)
class ReadField:
    name: str
    # For an expanded lookup: the key column read from it (the column is a struct of it).
    nested_key: str | None = None


def read_fields(plan: ModulePlan, direction: Direction) -> list[ReadField]:
    """Every field the query reads, in order of first use: assignments, then the filter."""
    chosen = plan.to_dataverse if direction is Direction.TO_DATAVERSE else plan.to_finance
    found: dict[str, ReadField] = {}
    for assignment in chosen.assignments:
        if isinstance(assignment, Copy | Convert | BindLookup | BindCompany):
            found.setdefault(assignment.source, ReadField(assignment.source))
        elif isinstance(assignment, ReadLookup):
            reader = assignment.reader
            found.setdefault(reader.navigation, ReadField(reader.navigation, reader.key))
        elif isinstance(assignment, ReadCompany):
            company = assignment.company
            found.setdefault(company.navigation, ReadField(company.navigation, company.code_column))
    company_lookup = any(
        isinstance(a, BindLookup) and a.lookup.company_column is not None
        for a in chosen.assignments
    )
    if company_lookup and plan.company is not None:
        field = plan.company.finance_field
        found.setdefault(field, ReadField(field))
    for column in filter_fields(plan, direction):
        found.setdefault(column, ReadField(column))
    return list(found.values())


def filter_fields(plan: ModulePlan, direction: Direction) -> list[str]:
    """The fields the direction's source filter reads, in order, each once."""
    bound = plan.source_filter if direction is Direction.TO_DATAVERSE else plan.reverse_filter
    if bound is None:
        return []
    return list(dict.fromkeys(_filter_columns(bound.predicate)))


def _filter_columns(predicate: Predicate) -> list[str]:
    if isinstance(predicate, Negation):
        return _filter_columns(predicate.operand)
    if isinstance(predicate, AllOf | AnyOf):
        return [column for operand in predicate.operands for column in _filter_columns(operand)]
    return [predicate.column]
