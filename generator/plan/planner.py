"""Planning: a validated ``TableMap`` in, a ``ModulePlan`` out; a pure function that never reports.

Every choice a backend would otherwise make is made here: which key is read, which
converter a row goes through (one per named value map and direction), what each value
table holds (F&O keys folded), which lookup addresses exist, what the Dataverse query
selects and expands.
"""

from __future__ import annotations

import re
from dataclasses import replace

from generator.bind.model import BoundCompany, Row, TableMap
from generator.plan.model import (
    Assignment,
    BindCompany,
    BindLookup,
    CompanyScope,
    Constant,
    Convert,
    Converter,
    Copy,
    DataverseQuery,
    Direction,
    DirectionPlan,
    ExpandedKey,
    KeyPart,
    KeyPlan,
    LookupAddress,
    ModulePlan,
    ReadCompany,
    ReadLookup,
    ValueCheck,
)
from generator.plan.odata import bind_reference
from generator.source.entity_schema import Column, Kind
from generator.source.located_yaml import ScalarValue


def snake_case(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    snake = re.sub(r"[^0-9a-zA-Z]+", "_", spaced).strip("_").lower()
    return snake or "field"


class _Planner:
    def __init__(self, table_map: TableMap) -> None:
        self.map = table_map
        self.company = _company_scope(table_map.company)
        self.converters: dict[str, Converter] = {}
        self.lookups: dict[str, LookupAddress] = {}
        self.expanded_keys: dict[str, ExpandedKey] = {}

    def converter(
        self, row: Row, source: Column, target: Column, direction: Direction
    ) -> Converter:
        """The converter of a row with a value map or a default, shared where identical."""
        to_dataverse = direction is Direction.TO_DATAVERSE
        default = row.default_to_dataverse if to_dataverse else row.default_to_finance
        value_map = row.value_map
        fold = to_dataverse and source.kind in (Kind.STRING, Kind.ANY)
        null_result: ScalarValue = None
        table: tuple[tuple[ScalarValue, ScalarValue], ...] | None = None
        if value_map is not None:
            entries = []
            for pair in value_map.pairs:
                key, value = pair if to_dataverse else (pair[1], pair[0])
                if key is None:
                    null_result = value
                    continue
                entries.append((key.casefold() if fold and isinstance(key, str) else key, value))
            table = tuple(entries)
        if default is not None:
            null_result = default.value
        # Both directions of a row are named after its finance field, so they pair up.
        assert row.finance is not None
        base = value_map.name if value_map and value_map.name else row.finance.name
        candidate = Converter(
            name=f"{snake_case(base)}_{direction.value}",
            direction=direction,
            source=source.kind,
            target=target.kind,
            table=table,
            fold=fold,
            null_result=null_result,
            keep_unmapped=value_map.keep_unmapped if value_map else False,
        )
        number = 1
        name = candidate.name
        while name in self.converters:
            existing = self.converters[name]
            if existing == _renamed(candidate, name):
                return existing
            number += 1
            name = f"{candidate.name}_{number}"
        converter = _renamed(candidate, name)
        self.converters[name] = converter
        return converter

    def lookup(
        self, entity_set: str, key: str, company_column: str | None, max_length: int | None
    ) -> LookupAddress:
        address = LookupAddress(
            f"{entity_set}_by_{key}", entity_set, key, company_column, max_length
        )
        return self.lookups.setdefault(address.name, address)

    def expanded_key(self, navigation: str, key: str) -> ExpandedKey:
        reader = ExpandedKey(f"{navigation}_{key}".lower(), navigation, key)
        return self.expanded_keys.setdefault(reader.name, reader)

    def to_dataverse(self, row: Row) -> Assignment | None:
        if not row.map_type.to_dataverse or row.dataverse is None:
            return None
        column = row.dataverse.column
        lookup, key = column.lookup, row.dataverse.lookup_key
        target = f"{lookup.navigation_property}@odata.bind" if lookup else column.name
        if row.finance is None:
            assert row.default_to_dataverse is not None
            value = row.default_to_dataverse.value
            if lookup and key and isinstance(value, str):
                value = bind_reference(lookup.target, key, value)
            return Constant(target, value)
        source = row.finance.name
        if lookup and key:
            address = self.lookup(
                lookup.target, key, row.dataverse.target_company, row.dataverse.key_max_length
            )
            return BindLookup(target, source, address)
        if row.value_map is not None or row.default_to_dataverse is not None:
            converter = self.converter(row, row.finance, column, Direction.TO_DATAVERSE)
            return Convert(target, source, converter, _keep_check(converter, column, row))
        return Copy(target, source, _check(column, row.spec.truncate))

    def to_finance(self, row: Row) -> Assignment | None:
        if not row.map_type.to_finance or row.finance is None:
            return None
        target = row.finance.name
        if row.dataverse is None:
            assert row.default_to_finance is not None
            return Constant(target, row.default_to_finance.value)
        column = row.dataverse.column
        if column.lookup and row.dataverse.lookup_key:
            reader = self.expanded_key(column.lookup.navigation_property, row.dataverse.lookup_key)
            return ReadLookup(target, reader, _check(row.finance, row.spec.truncate))
        if row.value_map is not None or row.default_to_finance is not None:
            converter = self.converter(row, column, row.finance, Direction.TO_FINANCE)
            return Convert(target, column.name, converter, _keep_check(converter, row.finance, row))
        return Copy(target, column.name, _check(row.finance, row.spec.truncate))

    def direction(self, direction: Direction) -> DirectionPlan:
        to_dataverse = direction is Direction.TO_DATAVERSE
        assign = self.to_dataverse if to_dataverse else self.to_finance
        assignments = [assign(row) for row in self.map.rows]
        if self.company is not None:
            # The company comes first: it addresses everything after it.
            company: Assignment = (
                BindCompany(
                    f"{self.company.navigation}@odata.bind",
                    self.company.finance_field,
                    self.company,
                )
                if to_dataverse
                else ReadCompany(self.company.finance_field, self.company)
            )
            assignments.insert(0, company)
        return DirectionPlan(direction, tuple(a for a in assignments if a is not None))

    def key(self) -> KeyPlan | None:
        if self.map.key is None:
            return None
        parts = tuple(
            KeyPart(
                field.finance.name,
                field.dataverse.name,
                _bare(field.finance),
                _bare(field.dataverse),
                field.dataverse.lookup is not None,
                field.finance.enum_type if field.finance.is_enum else None,
                (
                    self.converter(
                        field.row, field.finance, field.dataverse, Direction.TO_DATAVERSE
                    )
                    if field.row.value_map is not None
                    else None
                ),
                field.finance.kind,
                field.dataverse.kind,
                field.dataverse.lookup.navigation_property if field.dataverse.lookup else None,
            )
            for field in self.map.key.fields
        )
        return KeyPlan(parts, self.map.key.dataverse_order)

    def dataverse_query(self, to_finance: DirectionPlan) -> DataverseQuery:
        select: list[str] = []
        expand: dict[str, list[str]] = {}
        for assignment in to_finance.assignments:
            if isinstance(assignment, ReadLookup):
                keys = expand.setdefault(assignment.reader.navigation, [])
                if assignment.reader.key not in keys:
                    keys.append(assignment.reader.key)
            elif isinstance(assignment, ReadCompany):
                expand[assignment.company.navigation] = [assignment.company.code_column]
            elif isinstance(assignment, Copy | Convert) and assignment.source not in select:
                select.append(assignment.source)
        reverse = self.map.reverse_filter
        if reverse is not None:
            select.extend(name for name in reverse.columns if name not in select)
        return DataverseQuery(
            tuple(select),
            tuple((navigation, tuple(keys)) for navigation, keys in expand.items()),
            reverse.text if reverse else None,
        )

    def plan(self) -> ModulePlan:
        spec = self.map.spec
        to_dataverse = self.direction(Direction.TO_DATAVERSE)
        to_finance = self.direction(Direction.TO_FINANCE)
        key = self.key()
        return ModulePlan(
            module=spec.module,
            spec_path=spec.path,
            sha256=spec.sha256,
            template=spec.template,
            description=spec.description,
            finance_entity=spec.finance.name.text,
            dataverse_table=spec.dataverse.name.text,
            finance_typed=self.map.finance_schema is not None,
            dataverse_typed=self.map.dataverse_schema is not None,
            source_filter=self.map.source_filter,
            reverse_filter=self.map.reverse_filter,
            dataverse_query=self.dataverse_query(to_finance),
            to_dataverse=to_dataverse,
            to_finance=to_finance,
            converters=tuple(sorted(self.converters.values(), key=lambda c: c.name)),
            lookups=tuple(sorted(self.lookups.values(), key=lambda a: a.name)),
            expanded_keys=tuple(sorted(self.expanded_keys.values(), key=lambda r: r.name)),
            company=self.company,
            key=key,
        )


def _company_scope(company: BoundCompany | None) -> CompanyScope | None:
    if company is None:
        return None
    lookup = company.lookup.lookup
    assert lookup is not None
    return CompanyScope(
        company.finance_field,
        lookup.navigation_property,
        company.lookup.name,
        lookup.target,
        company.code_column,
    )


def _check(column: Column, truncate: bool) -> ValueCheck | None:
    """The run-time check of a value written to ``column``; None for an untyped column."""
    if column.kind not in (Kind.STRING, Kind.INTEGER, Kind.NUMBER, Kind.BOOLEAN):
        return None
    constraints = column.constraints
    low, high = column.bounds if column.kind in (Kind.INTEGER, Kind.NUMBER) else (None, None)
    max_length = constraints.max_length if column.kind is Kind.STRING else None
    return ValueCheck(
        column.name,
        column.kind,
        max_length=max_length,
        minimum=low,
        maximum=high,
        format=constraints.format if column.kind is Kind.STRING else None,
        truncate=truncate and max_length is not None,
    )


def _keep_check(converter: Converter, target: Column, row: Row) -> ValueCheck | None:
    return _check(target, row.spec.truncate) if converter.keep_unmapped else None


def _bare(column: Column) -> bool | None:
    """Numbers and GUIDs are written bare in an OData key, strings quoted; None: by the value."""
    if column.kind is Kind.ANY:
        return None
    return column.kind in (Kind.INTEGER, Kind.NUMBER) or column.constraints.format == "uuid"


def _renamed(converter: Converter, name: str) -> Converter:
    return replace(converter, name=name)


def plan_module(table_map: TableMap) -> ModulePlan:
    return _Planner(table_map).plan()
