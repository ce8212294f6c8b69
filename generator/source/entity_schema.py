"""Entity schemas: the JSON Schema documents of F&O entities and Dataverse tables.

Only the part of JSON Schema that describes flat OData records is understood:
``type`` (string, integer, number, boolean, object), ``enum`` with the extensions
``x-enum-values`` (F&O enum member -> integer) and ``x-enum-names`` (Dataverse option
value -> label), local ``$ref`` to ``#/$defs/...``, and ``x-lookup`` for Dataverse
lookup columns. Anything else in a property is documentation and is ignored.
A schema with ``x-partial: true`` says it lists only some of the table's columns: binding
types the others as JSON values instead of rejecting them.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

from generator import messages
from generator.diagnostics import CompileError, Diagnostics, Location, Message, suggestion
from generator.source.located_yaml import Mapping, Node, Scalar, Sequence, load_bytes


class Kind(Enum):
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    BOOLEAN = "boolean"
    LOOKUP = "lookup"
    ANY = "any"

    def admits(self, value: object) -> bool:
        """Whether a JSON value has this kind's type: a bool is not a number, an int is."""
        if self in (Kind.STRING, Kind.LOOKUP):
            return isinstance(value, str)
        if self is Kind.BOOLEAN:
            return isinstance(value, bool)
        if self is Kind.INTEGER:
            return type(value) is int
        if self is Kind.NUMBER:
            return type(value) in (int, float)
        return True


@dataclass(frozen=True)
class Lookup:
    target: str
    navigation_property: str


_INTEGER_RANGES = {
    "Edm.Int16": (-(2**15), 2**15 - 1),
    "Edm.Int32": (-(2**31), 2**31 - 1),
    "Edm.Int64": (-(2**63), 2**63 - 1),
}
FORMATS = ("uuid", "date", "date-time")


@dataclass(frozen=True)
class Constraints:
    """What a value must satisfy to be written to a column (JSON Schema's keywords)."""

    max_length: int | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    format: str | None = None
    odata_type: str | None = None
    # x-scale: the digits a decimal keeps after the point (reconcile compares numbers to it).
    scale: int | None = None


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
    constraints: Constraints = Constraints()

    @property
    def bounds(self) -> tuple[int | float | None, int | float | None]:
        """The inclusive range of a number column; integers default to Edm.Int32's."""
        low, high = self.constraints.minimum, self.constraints.maximum
        if self.kind is Kind.INTEGER and not self.options:
            default_low, default_high = _INTEGER_RANGES.get(
                self.constraints.odata_type or "Edm.Int32", _INTEGER_RANGES["Edm.Int32"]
            )
            low = default_low if low is None else low
            high = default_high if high is None else high
        return low, high

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
    # x-alternate-keys: each Dataverse alternate key's columns in declared order.
    alternate_keys: tuple[tuple[str, ...], ...] = ()
    # x-company: the lookup to cdm_companies that makes a Dataverse table company-specific.
    company: str | None = None
    # x-partial: the table has columns the schema does not list (written from docs, not $metadata).
    partial: bool = False

    def column(self, name: str) -> Column | None:
        """The column named exactly ``name``."""
        return next((column for column in self.columns if column.name == name), None)

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


# Everything a property may say: what the compiler reads, plus documentation keywords.
PROPERTY_KEYWORDS = (
    "type",
    "description",
    "title",
    "enum",
    "x-enum-values",
    "x-enum-names",
    "$ref",
    "x-lookup",
    "maxLength",
    "minimum",
    "maximum",
    "format",
    "x-odata-type",
    "x-precision",
    "x-scale",
    "x-nullable",
)


class _SchemaReader:
    def __init__(self, path: str, diagnostics: Diagnostics) -> None:
        self.path = path
        self.diagnostics = diagnostics

    def fail(self, location: Location, message: Message, **fields: Any) -> CompileError:
        return CompileError(self.diagnostics.report(message, location, **fields).message)

    def text(self, node: Node | None, what: str, where: Location) -> str:
        if node is None:
            raise self.fail(where, messages.SCHEMA_MISSING, what=what)
        if not isinstance(node, Scalar) or not isinstance(node.value, str):
            raise self.fail(node.location, messages.SCHEMA_NOT_STRING, what=what)
        return node.value

    def mapping(self, node: Node | None, what: str, where: Location) -> Mapping:
        if not isinstance(node, Mapping):
            raise self.fail(
                node.location if node else where, messages.SCHEMA_NOT_MAPPING, what=what
            )
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
                raise self.fail(name.location, messages.SCHEMA_PROPERTY_NAME)
            columns.append(replace(self.column(name.value, spec, defs), location=name.location))
        key_node = root.get("x-key")
        key: tuple[str, ...] = ()
        if key_node is not None:
            if not isinstance(key_node, Sequence):
                raise self.fail(key_node.location, messages.SCHEMA_KEY_NOT_LIST)
            key = tuple(
                self.text(item, "an x-key column", key_node.location) for item in key_node.items
            )
        names = {column.name for column in columns}
        return EntitySchema(
            title,
            entity_set,
            description,
            self.path,
            sha256,
            tuple(columns),
            key,
            self.alternate_keys(root.get("x-alternate-keys"), names),
            self.company(root.get("x-company"), columns),
            self.partial(root.get("x-partial")),
        )

    def partial(self, node: Node | None) -> bool:
        if node is None:
            return False
        if not isinstance(node, Scalar) or not isinstance(node.value, bool):
            raise self.fail(node.location, messages.SCHEMA_PARTIAL_NOT_BOOLEAN)
        return node.value

    def alternate_keys(self, node: Node | None, names: set[str]) -> tuple[tuple[str, ...], ...]:
        if node is None:
            return ()
        if not isinstance(node, Sequence) or not all(
            isinstance(item, Sequence) and item.items for item in node.items
        ):
            raise self.fail(node.location, messages.SCHEMA_ALTERNATE_KEYS_SHAPE)
        keys = []
        for item in node.items:
            assert isinstance(item, Sequence)
            columns = []
            for column in item.items:
                name = self.text(column, "an alternate-key column", item.location)
                if name not in names:
                    raise self.fail(
                        column.location,
                        messages.SCHEMA_KEY_COLUMN_UNKNOWN,
                        name=name,
                        hint=suggestion(name, names),
                    )
                columns.append(name)
            keys.append(tuple(columns))
        return tuple(keys)

    def company(self, node: Node | None, columns: list[Column]) -> str | None:
        if node is None:
            return None
        name = self.text(node, "'x-company'", node.location)
        column = next((c for c in columns if c.name == name), None)
        if column is None or column.lookup is None:
            raise self.fail(node.location, messages.SCHEMA_COMPANY_NOT_LOOKUP, name=name)
        return name

    def keywords(self, spec: Mapping, name: str) -> None:
        # A typo such as `typ:` would otherwise leave the column silently untyped.
        for key in spec.key_nodes():
            if key.value not in PROPERTY_KEYWORDS:
                self.diagnostics.report(
                    messages.SCHEMA_UNKNOWN_KEYWORD,
                    key.location,
                    key=key.value,
                    name=name,
                    hint=suggestion(str(key.value), PROPERTY_KEYWORDS),
                )

    def column(self, name: str, node: Node, defs: Mapping | None) -> Column:
        column = self.shape(name, node, defs)
        spec = self.mapping(node, f"property {name!r}", node.location)
        return replace(column, constraints=self.constraints(spec))

    def number(self, spec: Mapping, key: str, integer: bool) -> int | float | None:
        node = spec.get(key)
        if node is None:
            return None
        value = node.value if isinstance(node, Scalar) else None
        valid = type(value) is int if integer else type(value) in (int, float)
        if not valid or (isinstance(value, float) and not math.isfinite(value)):
            raise self.fail(node.location, messages.SCHEMA_BAD_CONSTRAINT, key=key)
        assert isinstance(value, int | float)
        return value

    def constraints(self, spec: Mapping) -> Constraints:
        max_length = self.number(spec, "maxLength", integer=True)
        format_node = spec.get("format")
        format_name = None
        if format_node is not None:
            format_name = self.text(format_node, "'format'", spec.location)
            if format_name not in FORMATS:
                raise self.fail(
                    format_node.location,
                    messages.SCHEMA_BAD_FORMAT,
                    format=format_name,
                    expected=", ".join(FORMATS),
                )
        odata_node = spec.get("x-odata-type")
        scale = self.number(spec, "x-scale", integer=True)
        return Constraints(
            max_length=None if max_length is None else int(max_length),
            minimum=self.number(spec, "minimum", integer=False),
            maximum=self.number(spec, "maximum", integer=False),
            format=format_name,
            odata_type=(
                self.text(odata_node, "'x-odata-type'", spec.location) if odata_node else None
            ),
            scale=None if scale is None else int(scale),
        )

    def shape(self, name: str, node: Node, defs: Mapping | None) -> Column:
        spec = self.mapping(node, f"property {name!r}", node.location)
        self.keywords(spec, name)
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
                raise self.fail(ref.location, messages.SCHEMA_REF_NOT_LOCAL, prefix=prefix)
            enum_type = target[len(prefix) :]
            resolved = defs.get(enum_type) if defs else None
            if resolved is None:
                available = [str(key.value) for key in defs.key_nodes()] if defs else []
                raise self.fail(
                    ref.location,
                    messages.SCHEMA_REF_UNKNOWN,
                    name=enum_type,
                    hint=suggestion(enum_type, available),
                )
            spec = self.mapping(resolved, f"definition {enum_type!r}", ref.location)
            self.keywords(spec, enum_type)
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
                messages.SCHEMA_TYPE_UNSUPPORTED,
                type=type_name,
                expected=", ".join(_TYPES),
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
        raise self.fail(enum_node.location, messages.SCHEMA_ENUM_KIND)

    def enum_values(self, spec: Mapping, enum_node: Node) -> tuple[tuple[str, int], ...]:
        if not isinstance(enum_node, Sequence):
            raise self.fail(enum_node.location, messages.SCHEMA_ENUM_NOT_LIST)
        numbers_node = spec.get("x-enum-values")
        numbers = self.mapping(numbers_node, "'x-enum-values'", spec.location)
        members: list[tuple[str, int]] = []
        for item in enum_node.items:
            member = self.text(item, "an enum member", enum_node.location)
            number = numbers.get(member)
            if not isinstance(number, Scalar) or type(number.value) is not int:
                raise self.fail(item.location, messages.SCHEMA_ENUM_NO_VALUE, member=member)
            members.append((member, number.value))
        return tuple(members)

    def options(self, spec: Mapping, enum_node: Node) -> tuple[tuple[int, str], ...]:
        if not isinstance(enum_node, Sequence):
            raise self.fail(enum_node.location, messages.SCHEMA_ENUM_NOT_LIST)
        names_node = spec.get("x-enum-names")
        names = self.mapping(names_node, "'x-enum-names'", spec.location) if names_node else None
        options: list[tuple[int, str]] = []
        for item in enum_node.items:
            if not isinstance(item, Scalar) or type(item.value) is not int:
                raise self.fail(item.location, messages.SCHEMA_OPTION_NOT_INT)
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


def parse_schema(raw: bytes, display: str, diagnostics: Diagnostics) -> EntitySchema | None:
    """Parse one schema file's bytes; its problems go to ``diagnostics`` and give None."""
    document = load_bytes(raw, display, diagnostics)
    if document is None:
        return None
    try:
        # Hashed with LF line endings, so a CRLF checkout of the schema names the same bytes.
        sha256 = hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()
        return _SchemaReader(display, diagnostics).read(document, sha256)
    except CompileError:
        return None
