"""What a $metadata document says about one entity set, as plain data for the schema builder."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Dialect(Enum):
    """Which service wrote the document; the value is the schema folder under specs/entities."""

    FINANCE = "finance"
    DATAVERSE = "dataverse"

    @property
    def namespace(self) -> str:
        return _NAMESPACES[self]

    @property
    def what(self) -> str:
        """How diagnostics name one of its entity sets."""
        return "entity" if self is Dialect.FINANCE else "table"


_NAMESPACES = {
    Dialect.FINANCE: "Microsoft.Dynamics.DataEntities",
    Dialect.DATAVERSE: "Microsoft.Dynamics.CRM",
}

Number = int | float


class MetadataError(Exception):
    """The document can't be read; ``kind`` picks the message, ``fields`` fill it."""

    def __init__(self, kind: str, **fields: object) -> None:
        super().__init__(kind)
        self.kind = kind
        self.fields = fields


@dataclass(frozen=True)
class Property:
    """A structural property; ``type`` is namespace-qualified with aliases resolved."""

    name: str
    type: str
    nullable: bool = True
    max_length: int | None = None
    precision: int | None = None
    scale: int | None = None
    minimum: Number | None = None
    maximum: Number | None = None
    description: str = ""


@dataclass(frozen=True)
class Navigation:
    """A single-valued navigation property (a Dataverse lookup)."""

    name: str
    target_type: str
    # The ``_<lookup>_value`` property its ReferentialConstraint names, if any.
    value_property: str | None
    description: str = ""


@dataclass(frozen=True)
class EntityType:
    name: str
    base_type: str | None
    key: tuple[str, ...]
    properties: tuple[Property, ...]
    navigations: tuple[Navigation, ...]
    alternate_keys: tuple[tuple[str, ...], ...]
    description: str = ""


@dataclass(frozen=True)
class EnumType:
    name: str
    members: tuple[tuple[str, int], ...]
    description: str = ""


@dataclass(frozen=True)
class Metadata:
    """The parts of one document an import needs: every entity set, the wanted types, enums."""

    display: str
    dialect: Dialect
    # Entity set name -> qualified entity type name.
    entity_sets: dict[str, str]
    entity_types: dict[str, EntityType]
    enum_types: dict[str, EnumType]

    def set_of_type(self, type_name: str) -> str | None:
        """The first entity set of a type (lookups name their target by entity set)."""
        for entity_set, entity_type in self.entity_sets.items():
            if entity_type == type_name:
                return entity_set
        return None
