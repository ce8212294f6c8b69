"""The schema builder: one entity set of a read $metadata (and its option sets) in, schema facts out.

The facts are the keywords the compiler reads, in the conventions of specs/entities: JSON
type, ``format``, ``maxLength``, ``minimum``/``maximum``, ``x-odata-type`` (the exact Edm
type, left out where the JSON type and format already say it: Edm.String, Edm.Boolean,
Edm.Guid, Edm.Date, Edm.DateTimeOffset),
``x-precision``/``x-scale``, ``x-nullable: false``; F&O enums as ``$ref`` into ``$defs``;
Dataverse option sets as ``enum`` plus ``x-enum-names``; Dataverse lookups as ``x-lookup``
columns named by the lookup's logical name (the ``<name>`` of its ``_<name>_value``
property) or, for a lookup with several target tables, by each navigation property.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.metadata.model import Dialect, EntityType, Metadata, Navigation, Property
from generator.metadata.options import OptionSet

_FORMATS = {"Edm.Guid": "uuid", "Edm.Date": "date", "Edm.DateTimeOffset": "date-time"}
_JSON_TYPES = {
    "Edm.String": "string",
    "Edm.Boolean": "boolean",
    "Edm.Byte": "integer",
    "Edm.SByte": "integer",
    "Edm.Int16": "integer",
    "Edm.Int32": "integer",
    "Edm.Int64": "integer",
    "Edm.Decimal": "number",
    "Edm.Double": "number",
    "Edm.Single": "number",
    "Edm.TimeOfDay": "string",
    "Edm.Duration": "string",
    "Edm.Binary": "string",
    **dict.fromkeys(_FORMATS, "string"),
}
# The JSON type and format say all there is to say about these.
_IMPLIED = ("Edm.String", "Edm.Boolean", *_FORMATS)


@dataclass(frozen=True)
class ImportedColumn:
    name: str
    # Keywords the metadata decides, in the order the writer puts them.
    facts: dict[str, Any]
    description: str
    # What the summary calls its type: "string (Edm.String)", "enum NoYes", "lookup to accounts".
    label: str


@dataclass(frozen=True)
class ImportedEntity:
    dialect: Dialect
    entity_set: str
    title: str
    description: str
    key: tuple[str, ...]
    alternate_keys: tuple[tuple[str, ...], ...]
    columns: dict[str, ImportedColumn]
    # $defs entries (F&O enums) by name, and their descriptions from the metadata.
    enums: dict[str, dict[str, Any]]
    enum_descriptions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OptionProblem:
    """An option set the import could not use: ``kind`` is "unknown" or "wrong_type"."""

    kind: str
    column: str
    odata_type: str = ""
    candidates: tuple[str, ...] = ()


def _local(name: str) -> str:
    return name.rpartition(".")[2]


def _typed(prop: Property, metadata: Metadata, enums: dict[str, dict[str, Any]]) -> ImportedColumn:
    facts: dict[str, Any] = {}
    enum_type = metadata.enum_types.get(prop.type)
    if enum_type is not None:
        name = _local(enum_type.name)
        facts["$ref"] = f"#/$defs/{name}"
        enums[name] = {
            "type": "string",
            "enum": [member for member, _ in enum_type.members],
            "x-enum-values": dict(enum_type.members),
        }
        label = f"enum {name}"
    else:
        json_type = _JSON_TYPES.get(prop.type)
        if json_type is not None:
            facts["type"] = json_type
        if prop.type in _FORMATS:
            facts["format"] = _FORMATS[prop.type]
        if prop.type == "Edm.String" and prop.max_length is not None:
            facts["maxLength"] = prop.max_length
        if prop.minimum is not None:
            facts["minimum"] = prop.minimum
        if prop.maximum is not None:
            facts["maximum"] = prop.maximum
        if prop.type not in _IMPLIED:
            facts["x-odata-type"] = prop.type
        if prop.type == "Edm.Decimal" and prop.precision is not None:
            facts["x-precision"] = prop.precision
        if prop.type == "Edm.Decimal" and prop.scale is not None:
            facts["x-scale"] = prop.scale
        label = f"{json_type or 'any'} ({prop.type})"
    if not prop.nullable:
        facts["x-nullable"] = False
    return ImportedColumn(prop.name, facts, prop.description, label)


def _with_options(column: ImportedColumn, options: OptionSet) -> ImportedColumn:
    facts = dict(column.facts)
    if not options.boolean:
        facts["enum"] = [value for value, _ in options.options]
    labels = {value: label for value, label in options.options if label}
    if labels:
        facts["x-enum-names"] = labels
    return ImportedColumn(column.name, facts, column.description, f"{column.label}, option set")


def _lookup_columns(
    metadata: Metadata, navigations: list[Navigation], values: dict[str, Property]
) -> dict[str, list[ImportedColumn]]:
    """The lookup columns that stand for each ``_<name>_value`` property."""
    lookups: dict[str, list[ImportedColumn]] = {}
    for navigation in navigations:
        target = metadata.set_of_type(navigation.target_type)
        prop = navigation.value_property
        if target is None or prop is None or prop not in values:
            continue
        facts = {
            "type": "object",
            "x-lookup": {"target": target, "navigation-property": navigation.name},
        }
        description = navigation.description or values[prop].description
        label = f"lookup to {target} ({navigation.name})"
        lookups.setdefault(prop, []).append(
            ImportedColumn(navigation.name, facts, description, label)
        )
    for prop, group in lookups.items():
        # One column per target when a lookup has several (customerid_account, ...).
        if len(group) == 1:
            logical = prop[1:-6] if prop.startswith("_") and prop.endswith("_value") else prop
            column = group[0]
            group[0] = ImportedColumn(logical, column.facts, column.description, column.label)
    return lookups


def _flattened(
    metadata: Metadata, entity_type: EntityType
) -> tuple[list[Property], list[Navigation], tuple[str, ...]]:
    """Properties, navigations and key with those of the base types first (CSDL 8.1.2)."""
    chain = [entity_type]
    while chain[-1].base_type in metadata.entity_types:
        base = metadata.entity_types[str(chain[-1].base_type)]
        if base in chain:
            break  # a cycle of base types: malformed, and nothing more to inherit
        chain.append(base)
    properties: list[Property] = []
    navigations: list[Navigation] = []
    key: tuple[str, ...] = ()
    for item in reversed(chain):
        properties.extend(item.properties)
        navigations.extend(item.navigations)
        key = item.key or key
    return properties, navigations, key


def build_entity(
    metadata: Metadata, entity_set: str, options: dict[str, OptionSet]
) -> tuple[ImportedEntity, list[OptionProblem]]:
    """The schema facts of ``entity_set``, which the caller has checked the document has."""
    entity_type = metadata.entity_types[metadata.entity_sets[entity_set]]
    properties, navigations, key = _flattened(metadata, entity_type)
    enums: dict[str, dict[str, Any]] = {}
    columns = {prop.name: _typed(prop, metadata, enums) for prop in properties}
    renamed: dict[str, str] = {}
    if metadata.dialect is Dialect.DATAVERSE:
        lookups = _lookup_columns(metadata, navigations, {p.name: p for p in properties})
        # A key names the lookup's value property; a multi-target lookup keys by its first column.
        renamed = {prop: group[0].name for prop, group in lookups.items()}
        columns = {
            item.name: item
            for name, column in columns.items()
            for item in lookups.get(name, [column])
        }
    problems: list[OptionProblem] = []
    for name, option_set in options.items():
        column = columns.get(name)
        if column is None:
            problems.append(OptionProblem("unknown", name, candidates=tuple(columns)))
            continue
        expected = "boolean" if option_set.boolean else "integer"
        if column.facts.get("type") != expected:
            odata_type = column.facts.get("x-odata-type", column.facts.get("type", "?"))
            problems.append(OptionProblem("wrong_type", name, str(odata_type)))
            continue
        columns[name] = _with_options(column, option_set)
    alternate_keys = tuple(
        tuple(renamed.get(part, part) for part in alternate)
        for alternate in entity_type.alternate_keys
    )
    title = _local(entity_type.name)
    return (
        ImportedEntity(
            dialect=metadata.dialect,
            entity_set=entity_set,
            title=title,
            description=entity_type.description
            or _default_description(metadata.dialect, title, entity_set),
            key=tuple(renamed.get(part, part) for part in key),
            alternate_keys=alternate_keys,
            columns=columns,
            enums=enums,
            enum_descriptions={
                _local(name): enum.description
                for name, enum in metadata.enum_types.items()
                if _local(name) in enums and enum.description
            },
        ),
        problems,
    )


def _default_description(dialect: Dialect, title: str, entity_set: str) -> str:
    if dialect is Dialect.FINANCE:
        return (
            f"Finance and operations entity {title}, OData entity set /data/{entity_set}. "
            "Imported from $metadata."
        )
    return f"Dataverse table {title}, Web API entity set {entity_set}. Imported from $metadata."
