"""Entity schemas: the JSON Schema documents of F&O entities and Dataverse tables.

Only the part of JSON Schema that describes flat OData records is understood:
``type`` (string, integer, number, boolean, object), ``enum`` with the extensions
``x-enum-values`` (F&O enum member -> integer) and ``x-enum-names`` (Dataverse option
value -> label), local ``$ref`` to ``#/$defs/...``, and ``x-lookup`` for Dataverse
lookup columns. Anything else in a property is documentation and is ignored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from generator.diagnostics import CompileError, Diagnostics, Location, suggestion
from generator.source.located_yaml import Mapping, Node, Scalar, Sequence, load_bytes


class Kind(Enum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    LOOKUP = "lookup"
    ANY = "any"

    @property
    def python_type(self) -> str:
        return _PYTHON_TYPES[self]


_PYTHON_TYPES = {
    Kind.STRING: "str",
    Kind.INTEGER: "int",
    Kind.NUMBER: "float",
    Kind.BOOLEAN: "bool",
    Kind.LOOKUP: "dict[str, Any]",
    Kind.ANY: "Any",
}


@dataclass(frozen=True)
class Lookup:
    target: str
    navigation_property: str


@dataclass(frozen=True)
class Column:
    """One property of an entity or table, as the wire names it."""

    name: str
    kind: Kind
    description: str
    # F&O enums: member name -> integer. Dataverse option sets: value -> label.
    enum_type: str | None = None
    enum_values: tuple[tuple[str, int], ...] = ()
    options: tuple[tuple[int, str], ...] = ()
    lookup: Lookup | None = None
    location: Location | None = None

    @property
    def is_enum(self) -> bool:
        return bool(self.enum_values)

    def enum_member(self, text: str) -> str | None:
        """The canonical member named by ``text``, matched case-insensitively."""
        folded = text.casefold()
        for member, _ in self.enum_values:
            if member.casefold() == folded:
                return member
        return None

    def enum_member_by_value(self, value: int) -> str | None:
        for member, number in self.enum_values:
            if number == value:
                return member
        return None


def untyped_column(name: str) -> Column:
    """A column of an entity or table that has no schema: any JSON value."""
    return Column(name=name, kind=Kind.ANY, description="")


@dataclass(frozen=True)
class EntitySchema:
    title: str
    entity_set: str
    description: str
    path: str
    sha256: str
    columns: tuple[Column, ...]
    # x-key: columns dual-write keys records by; not reported when no row maps them.
    key: tuple[str, ...] = ()

    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def find(self, name: str) -> list[Column]:
        """Columns whose name equals ``name`` ignoring case (more than one is ambiguous)."""
        folded = name.casefold()
        return [column for column in self.columns if column.name.casefold() == folded]


_TYPES = {
    "string": Kind.STRING,
    "integer": Kind.INTEGER,
    "number": Kind.NUMBER,
    "boolean": Kind.BOOLEAN,
}


class _SchemaReader:
    def __init__(self, path: str, diagnostics: Diagnostics) -> None:
        self.path = path
        self.diagnostics = diagnostics

    def fail(self, location: Location, message: str) -> CompileError:
        self.diagnostics.error(location, message)
        return CompileError(message)

    def text(self, node: Node | None, what: str, where: Location) -> str:
        if node is None:
            raise self.fail(where, f"missing {what}")
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            raise self.fail(node.location, f"{what} must be a string")
        return node.value

    def mapping(self, node: Node | None, what: str, where: Location) -> Mapping:
        if not isinstance(node, Mapping):
            raise self.fail(node.location if node else where, f"{what} must be a mapping")
        return node

    def read(self, document: Node, sha256: str) -> EntitySchema:
        root = self.mapping(document, "a schema", document.location)
        title = self.text(root.get("title"), "'title'", root.location)
        entity_set = self.text(root.get("x-entity-set"), "'x-entity-set'", root.location)
        description_node = root.get("description")
        description = (
            self.text(description_node, "'description'", root.location) if description_node else ""
        )
        defs_node = root.get("$defs")
        defs = self.mapping(defs_node, "'$defs'", root.location) if defs_node else None
        properties = self.mapping(root.get("properties"), "'properties'", root.location)
        columns = []
        for name, spec in properties.entries:
            if not isinstance(name.value, str):
                raise self.fail(name.location, "property names must be strings")
            columns.append(replace(self.column(name.value, spec, defs), location=name.location))
        key_node = root.get("x-key")
        key: tuple[str, ...] = ()
        if key_node is not None:
            if not isinstance(key_node, Sequence):
                raise self.fail(key_node.location, "'x-key' must be a list of property names")
            key = tuple(
                self.text(item, "an x-key column", key_node.location) for item in key_node.items
            )
        return EntitySchema(title, entity_set, description, self.path, sha256, tuple(columns), key)

    def column(self, name: str, node: Node, defs: Mapping | None) -> Column:
        spec = self.mapping(node, f"property {name!r}", node.location)
        description_node = spec.get("description")
        description = (
            self.text(description_node, "'description'", spec.location) if description_node else ""
        )
        enum_type = None
        ref = spec.get("$ref")
        if ref is not None:
            target = self.text(ref, "'$ref'", spec.location)
            prefix = "#/$defs/"
            if not target.startswith(prefix):
                raise self.fail(ref.location, f"only local references {prefix}<name> are supported")
            enum_type = target[len(prefix) :]
            resolved = defs.get(enum_type) if defs else None
            if resolved is None:
                available = [str(key.value) for key in defs.key_nodes()] if defs else []
                raise self.fail(
                    ref.location,
                    f"no definition {enum_type!r} in $defs{suggestion(enum_type, available)}",
                )
            spec = self.mapping(resolved, f"definition {enum_type!r}", ref.location)
            if not description:
                description_node = spec.get("description")
                description = (
                    self.text(description_node, "'description'", spec.location)
                    if description_node
                    else ""
                )
        lookup_node = spec.get("x-lookup")
        if lookup_node is not None:
            return Column(name, Kind.LOOKUP, description, lookup=self.lookup(lookup_node))
        type_node = spec.get("type")
        if type_node is None:
            return Column(name, Kind.ANY, description)
        type_name = self.text(type_node, "'type'", spec.location)
        if type_name not in _TYPES:
            raise self.fail(
                type_node.location,
                f"unsupported type {type_name!r}; expected one of {', '.join(_TYPES)}",
            )
        kind = _TYPES[type_name]
        enum_node = spec.get("enum")
        if enum_node is None:
            return Column(name, kind, description)
        if kind is Kind.STRING:
            members = self.enum_values(spec, enum_node)
            return Column(name, kind, description, enum_type=enum_type, enum_values=members)
        if kind is Kind.INTEGER:
            options = self.options(spec, enum_node)
            return Column(name, kind, description, options=options)
        raise self.fail(enum_node.location, "'enum' is supported on string and integer columns")

    def enum_values(self, spec: Mapping, enum_node: Node) -> tuple[tuple[str, int], ...]:
        if not isinstance(enum_node, Sequence):
            raise self.fail(enum_node.location, "'enum' must be a list")
        numbers_node = spec.get("x-enum-values")
        numbers = self.mapping(numbers_node, "'x-enum-values'", spec.location)
        members: list[tuple[str, int]] = []
        for item in enum_node.items:
            member = self.text(item, "an enum member", enum_node.location)
            number = numbers.get(member)
            if not isinstance(number, Scalar) or type(number.value) is not int:
                raise self.fail(
                    item.location, f"enum member {member!r} has no integer in x-enum-values"
                )
            members.append((member, number.value))
        return tuple(members)

    def options(self, spec: Mapping, enum_node: Node) -> tuple[tuple[int, str], ...]:
        if not isinstance(enum_node, Sequence):
            raise self.fail(enum_node.location, "'enum' must be a list")
        names_node = spec.get("x-enum-names")
        names = self.mapping(names_node, "'x-enum-names'", spec.location) if names_node else None
        options: list[tuple[int, str]] = []
        for item in enum_node.items:
            if not isinstance(item, Scalar) or type(item.value) is not int:
                raise self.fail(item.location, "option-set values must be integers")
            label = ""
            if names is not None:
                for key, value in names.entries:
                    if key.value == item.value and isinstance(value, Scalar):
                        label = str(value.value)
            options.append((item.value, label))
        return tuple(options)

    def lookup(self, node: Node) -> Lookup:
        spec = self.mapping(node, "'x-lookup'", node.location)
        target = self.text(spec.get("target"), "x-lookup 'target'", spec.location)
        navigation = self.text(
            spec.get("navigation-property"), "x-lookup 'navigation-property'", spec.location
        )
        return Lookup(target, navigation)


def load_schema(path: Path, display: str, diagnostics: Diagnostics) -> EntitySchema | None:
    """Read one schema file; its problems go to ``diagnostics`` and give None."""
    raw = path.read_bytes()
    document = load_bytes(raw, display, diagnostics)
    if document is None:
        return None
    try:
        return _SchemaReader(display, diagnostics).read(document, hashlib.sha256(raw).hexdigest())
    except CompileError:
        return None
