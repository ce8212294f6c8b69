"""The plan: a typed, backend-neutral description of what each generated direction does.

A backend renders a ``ModulePlan`` and decides nothing of substance: every read, write,
conversion table, lookup address and filter is here, with the types and names it needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from generator.bind.filters import BoundFilter
from generator.source.entity_schema import Kind
from generator.source.located_yaml import ScalarValue


class Direction(Enum):
    TO_DATAVERSE = "to_dataverse"
    TO_FINANCE = "to_finance"


@dataclass(frozen=True)
class Converter:
    """Converts one value in one direction: through a value table, or only null to a default.

    Rows that share a named value map (and its default) share one converter.
    """

    name: str  # unique in its module, e.g. "on_hold_status_to_dataverse"
    direction: Direction
    source: Kind
    target: Kind
    # (source value, target value) pairs; None for a converter that only replaces null.
    table: tuple[tuple[ScalarValue, ScalarValue], ...] | None
    # F&O values are matched without regard to case: the table's string keys are folded.
    fold: bool
    null_result: ScalarValue
    keep_unmapped: bool

    @property
    def raises(self) -> bool:
        """Whether an unlisted value is a MappingError (the caller must name its field)."""
        return self.table is not None and not self.keep_unmapped

    @property
    def result_nullable(self) -> bool:
        if self.null_result is None:
            return True
        return self.table is not None and any(value is None for _, value in self.table)


@dataclass(frozen=True)
class LookupAddress:
    """Where ``@odata.bind`` points: the row of ``entity_set`` whose ``key`` is the value.

    A company-specific target is keyed by the value and the record's own company:
    ``/<entity_set>(<key>='<value>',_<company_column>_value=<cdm_companyid>)``.
    """

    name: str  # unique in its module, e.g. "transactioncurrencies_by_isocurrencycode"
    entity_set: str
    key: str
    company_column: str | None = None
    # The target key column's length: a longer value can address no row.
    max_length: int | None = None


@dataclass(frozen=True)
class CompanyScope:
    """How a company-specific (striped) map carries the legal entity both ways.

    F&O names it ``dataAreaId`` (lower-case on the wire); Dataverse holds a lookup to
    ``cdm_companies``, bound and expanded by the company code (upper-case).
    """

    finance_field: str  # "dataAreaId"
    navigation: str  # the company lookup's navigation property, from the schema
    lookup_column: str  # the lookup's property name: keys name it "_<lookup_column>_value"
    entity_set: str  # "cdm_companies"
    code_column: str  # "cdm_companycode"


@dataclass(frozen=True)
class KeyPart:
    """One integration-key field: the finance field and the Dataverse column it maps to.

    Strings are written as quoted literals; numbers and GUIDs bare (OData key syntax).
    """

    finance_field: str
    dataverse_column: str
    finance_bare: bool | None  # None: an untyped column, decided by the value
    dataverse_bare: bool | None
    # A lookup column in an alternate key is written ``_<column>_value=<GUID>`` (keys can't
    # nest), so the caller supplies the looked-up row's GUID.
    dataverse_lookup: bool
    # F&O enum keys are written as Microsoft.Dynamics.DataEntities.<Enum>'<Member>'.
    finance_enum: str | None = None
    # A key row with a (one-to-one) value map converts its value for the Dataverse key.
    converter: Converter | None = None
    # The columns' kinds, which a backend that types values itself (SQL) formats by.
    finance_kind: Kind = Kind.ANY
    dataverse_kind: Kind = Kind.ANY
    # A lookup column's navigation property: its bind in the payload names the looked-up row.
    dataverse_navigation: str | None = None


@dataclass(frozen=True)
class KeyPlan:
    """The integration key: how a row is addressed in F&O and by alternate key in Dataverse."""

    parts: tuple[KeyPart, ...]  # in the spec's order; the F&O address puts the company first
    # The Dataverse alternate key's columns in declared order; the company's lookup column
    # (``CompanyScope.lookup_column``) stands for ``_<lookup>_value=<cdm_companyid>``.
    dataverse_order: tuple[str, ...]


@dataclass(frozen=True)
class ExpandedKey:
    """Reads ``key`` from the expanded lookup ``navigation`` of a Web API record."""

    name: str  # unique in its module, e.g. "transactioncurrencyid_isocurrencycode"
    navigation: str
    key: str


@dataclass(frozen=True)
class ValueCheck:
    """What a written value must satisfy: its destination column's schema, decided at generate time."""

    column: str  # the destination column, as messages name it
    kind: Kind  # the JSON type: STRING, INTEGER, NUMBER or BOOLEAN
    max_length: int | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    format: str | None = None  # uuid, date or date-time
    truncate: bool = False  # overflow: truncate


@dataclass(frozen=True)
class Copy:
    target: str
    source: str
    check: ValueCheck | None = None


@dataclass(frozen=True)
class Convert:
    target: str
    source: str
    converter: Converter
    # Only values a converter passes through unchanged (unmapped: keep) need checking:
    # every table value was checked against the column at generate time.
    check: ValueCheck | None = None


@dataclass(frozen=True)
class BindLookup:
    target: str  # "<navigation property>@odata.bind"
    source: str
    lookup: LookupAddress


@dataclass(frozen=True)
class ReadLookup:
    target: str
    reader: ExpandedKey
    check: ValueCheck | None = None


@dataclass(frozen=True)
class BindCompany:
    """Writes the company lookup from ``dataAreaId``: ``/cdm_companies(cdm_companycode='USMF')``."""

    target: str  # "<company navigation>@odata.bind"
    source: str  # "dataAreaId"
    company: CompanyScope


@dataclass(frozen=True)
class ReadCompany:
    """Writes ``dataAreaId`` (lower-case) from the expanded company lookup's code."""

    target: str  # "dataAreaId"
    company: CompanyScope


@dataclass(frozen=True)
class Constant:
    """Written every time the direction runs (``none`` rows)."""

    target: str
    value: ScalarValue


Assignment = Copy | Convert | BindLookup | ReadLookup | BindCompany | ReadCompany | Constant


@dataclass(frozen=True)
class DirectionPlan:
    direction: Direction
    assignments: tuple[Assignment, ...]


@dataclass(frozen=True)
class DataverseQuery:
    """The Web API query that reads what ``dataverse_to_finance`` needs."""

    select: tuple[str, ...]
    expand: tuple[tuple[str, tuple[str, ...]], ...]  # navigation property -> key columns
    filter: str | None


@dataclass(frozen=True)
class ModulePlan:
    module: str
    spec_path: str
    sha256: str
    template: str
    description: str
    finance_entity: str
    dataverse_table: str
    # Whether the entity and the table have schemas (typed records) or not (plain dicts).
    finance_typed: bool
    dataverse_typed: bool
    source_filter: BoundFilter | None
    reverse_filter: BoundFilter | None
    dataverse_query: DataverseQuery
    to_dataverse: DirectionPlan
    to_finance: DirectionPlan
    converters: tuple[Converter, ...]
    lookups: tuple[LookupAddress, ...]
    expanded_keys: tuple[ExpandedKey, ...]
    company: CompanyScope | None  # None: a cross-company (global) map
    key: KeyPlan | None  # None: the spec names no integration key

    @property
    def needs_companies(self) -> bool:
        """Whether finance_to_dataverse needs the company directory (company-specific lookups)."""
        return any(address.company_column is not None for address in self.lookups)

    @property
    def directions(self) -> tuple[DirectionPlan, DirectionPlan]:
        return (self.to_dataverse, self.to_finance)
