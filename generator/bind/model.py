"""The bound model: what binding produces and planning consumes, checked and free of code.

Each field is a schema column with its wire name; each default and value-map value is
typed and canonical (F&O enum members in the schema's spelling); filters are predicate
trees. Every rule of the spec language has been checked before a ``TableMap`` exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.bind.filters import BoundFilter
from generator.source.entity_schema import Column, EntitySchema
from generator.source.located_yaml import ScalarValue
from generator.source.spec import MapSpec, MapType, RowSpec


@dataclass(frozen=True)
class DataverseField:
    column: Column
    # For ``nav.key`` lookups: the key column of the target table.
    lookup_key: str | None = None
    # For lookups into a company-specific table: the target's company lookup column, the
    # other part of its alternate key, filled from the record's own company.
    target_company: str | None = None
    # The target key column's maxLength, which every bound value must respect.
    key_max_length: int | None = None


@dataclass(frozen=True)
class ValueMap:
    """(finance value, dataverse value) pairs, canonical and typed."""

    # The name in specs/value_maps.yaml, or None for a map written inline in its row.
    name: str | None
    pairs: tuple[tuple[ScalarValue, ScalarValue], ...]
    keep_unmapped: bool


@dataclass(frozen=True)
class Default:
    value: ScalarValue


@dataclass(frozen=True)
class Row:
    spec: RowSpec
    finance: Column | None
    dataverse: DataverseField | None
    # The default as written into each destination (enum members canonicalised).
    default_to_dataverse: Default | None
    default_to_finance: Default | None
    value_map: ValueMap | None

    @property
    def map_type(self) -> MapType:
        return self.spec.map_type


@dataclass(frozen=True)
class BoundCompany:
    """The company of a striped map: ``dataAreaId`` and the Dataverse company lookup."""

    finance_field: str
    lookup: Column  # the x-company lookup column of the Dataverse table
    code_column: str  # the company table's key column (cdm_companycode)


@dataclass(frozen=True)
class KeyField:
    finance: Column
    dataverse: Column
    row: Row


@dataclass(frozen=True)
class BoundKey:
    fields: tuple[KeyField, ...]  # in the spec's order
    # The matching alternate key of the Dataverse table, in its declared order.
    dataverse_order: tuple[str, ...]


@dataclass(frozen=True)
class TableMap:
    spec: MapSpec
    finance_schema: EntitySchema | None
    dataverse_schema: EntitySchema | None
    rows: tuple[Row, ...]
    source_filter: BoundFilter | None
    reverse_filter: BoundFilter | None
    company: BoundCompany | None
    key: BoundKey | None  # None: the spec names no integration key
