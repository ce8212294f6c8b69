"""The spec language: one table map per YAML file, read into a located syntax tree.

This module checks only the shape of a spec (keys, row arity, map types, options);
names are resolved against entity schemas in ``generator.bind.resolve``.
"""

from __future__ import annotations

import hashlib
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import partial
from pathlib import Path
from typing import TypeVar

from generator.diagnostics import CompileError, Diagnostics, Location, suggestion
from generator.source.located_yaml import (
    Mapping,
    Node,
    Scalar,
    ScalarValue,
    Sequence,
    load,
    load_bytes,
)

NONE_FIELD = "none"
T = TypeVar("T")


class MapType(Enum):
    BOTH = "="
    TO_DATAVERSE = ">"
    TO_FINANCE = "<"
    BOTH_TRANSFORMED = "><"
    TO_DATAVERSE_TRANSFORMED = ">>"
    TO_FINANCE_TRANSFORMED = "<<"

    @property
    def to_dataverse(self) -> bool:
        return self in (MapType.BOTH, MapType.TO_DATAVERSE, MapType.BOTH_TRANSFORMED,
                        MapType.TO_DATAVERSE_TRANSFORMED)  # fmt: skip

    @property
    def to_finance(self) -> bool:
        return self in (MapType.BOTH, MapType.TO_FINANCE, MapType.BOTH_TRANSFORMED,
                        MapType.TO_FINANCE_TRANSFORMED)  # fmt: skip

    @property
    def transformed(self) -> bool:
        return len(self.value) == 2


@dataclass(frozen=True)
class Name:
    text: str
    location: Location


@dataclass(frozen=True)
class Pair:
    finance: Scalar
    dataverse: Scalar


@dataclass(frozen=True)
class ValueMapSpec:
    """Value pairs, written inline in a row or named in specs/value_maps.yaml."""

    name: str | None
    pairs: tuple[Pair, ...]
    location: Location


@dataclass(frozen=True)
class RowSpec:
    index: int
    location: Location
    finance: Name | None
    map_type: MapType
    map_type_location: Location
    dataverse: Name | None
    default: Scalar | None
    values: ValueMapSpec | None
    values_reference: Name | None
    keep_unmapped: bool


@dataclass(frozen=True)
class SideSpec:
    name: Name
    filter: Scalar | None


@dataclass(frozen=True)
class MapSpec:
    path: str
    module: str
    sha256: str
    template: str
    description: str
    finance: SideSpec
    dataverse: SideSpec
    rows: tuple[RowSpec, ...]
    location: Location


TOP_LEVEL_KEYS = ("template", "description", "finance", "dataverse", "fields")
FINANCE_KEYS = ("entity", "filter")
DATAVERSE_KEYS = ("table", "filter")
OPTION_KEYS = ("default", "values", "unmapped")
UNMAPPED_POLICIES = ("error", "keep")
RESERVED_MODULES = ("models",)
_MODULE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
IDENTIFIER_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$"
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)


def module_name_problem(stem: str) -> str | None:
    """Why a spec file name can't name a Python module, or None if it can."""
    if not _MODULE_NAME.match(stem):
        return (
            f"spec file name {stem!r} is not a valid module name: use lower-case letters, "
            "digits and underscores, starting with a letter"
        )
    if keyword.iskeyword(stem) or stem in RESERVED_MODULES:
        return f"spec file name {stem!r} is reserved in the generated package"
    return None


class _Reader:
    def __init__(self, path: str, diagnostics: Diagnostics) -> None:
        self.path = path
        self.diagnostics = diagnostics

    def fail(self, location: Location, message: str) -> CompileError:
        self.diagnostics.error(location, message)
        return CompileError(message)

    def mapping(self, node: Node, what: str, keys: tuple[str, ...]) -> Mapping:
        if not isinstance(node, Mapping):
            raise self.fail(node.location, f"{what} must be a mapping")
        for key in node.key_nodes():
            if key.value not in keys:
                self.diagnostics.error(
                    key.location,
                    f"unknown key {key.value!r} in {what}{suggestion(str(key.value), keys)}; "
                    f"expected {', '.join(keys)}",
                )
        return node

    def required(self, parent: Mapping, key: str, what: str) -> Node:
        node = parent.get(key)
        if node is None:
            raise self.fail(parent.location, f"{what} is missing the key {key!r}")
        return node

    def string(self, node: Node, what: str) -> str:
        if not isinstance(node, Scalar) or not isinstance(node.value, str) or not node.value:
            raise self.fail(node.location, f"{what} must be a non-empty string")
        return node.value

    def name(self, node: Node, what: str) -> Name:
        return Name(self.string(node, what), node.location)

    def identifier(self, node: Node, what: str) -> Name:
        """An entity or table name: it names schema files and generated types."""
        name = self.name(node, what)
        if not _IDENTIFIER.match(name.text):
            raise self.fail(
                node.location,
                f"{what} {name.text!r} is not an OData name (letters, digits and underscores)",
            )
        return name

    def filter(self, parent: Mapping) -> Scalar | None:
        node = parent.get("filter")
        if node is None:
            return None
        self.string(node, "a filter")
        assert isinstance(node, Scalar)
        return node

    def read(self, document: Node, module: str, sha256: str) -> MapSpec:
        root = self.mapping(document, "a spec", TOP_LEVEL_KEYS)
        # Each part is read on its own, so one run reports the problems of all of them.
        template = self.attempt(
            lambda: self.string(self.required(root, "template", "the spec"), "'template'")
        )
        description = self.attempt(lambda: self.optional_string(root, "description"))
        finance = self.attempt(lambda: self.side(root, "finance", "entity", FINANCE_KEYS))
        dataverse = self.attempt(lambda: self.side(root, "dataverse", "table", DATAVERSE_KEYS))
        rows = self.attempt(lambda: self.rows(root))
        if None in (template, description, finance, dataverse, rows):
            raise CompileError("the spec has errors")
        assert template is not None and description is not None and rows is not None
        assert finance is not None and dataverse is not None
        return MapSpec(
            self.path,
            module,
            sha256,
            template,
            description,
            finance,
            dataverse,
            rows,
            root.location,
        )

    def optional_string(self, parent: Mapping, key: str) -> str:
        node = parent.get(key)
        return "" if node is None else self.string(node, repr(key))

    def attempt(self, read: Callable[[], T]) -> T | None:
        try:
            return read()
        except CompileError:
            return None

    def side(self, root: Mapping, key: str, name_key: str, keys: tuple[str, ...]) -> SideSpec:
        side = self.mapping(self.required(root, key, "the spec"), repr(key), keys)
        name = self.identifier(self.required(side, name_key, repr(key)), repr(name_key))
        return SideSpec(name, self.filter(side))

    def rows(self, root: Mapping) -> tuple[RowSpec, ...]:
        fields = self.required(root, "fields", "the spec")
        if not isinstance(fields, Sequence) or not fields.items:
            raise self.fail(fields.location, "'fields' must be a non-empty list of rows")
        rows = []
        for index, item in enumerate(fields.items):
            row = self.attempt(partial(self.row, index, item))
            if row is not None:
                rows.append(row)
        return tuple(rows)

    def field_name(self, node: Node, side: str) -> Name | None:
        if not isinstance(node, Scalar) or not isinstance(node.value, str) or not node.value:
            raise self.fail(node.location, f"the {side} field must be a name or none")
        if node.value == NONE_FIELD:
            return None
        return Name(node.value, node.location)

    def row(self, index: int, node: Node) -> RowSpec:
        if not isinstance(node, Sequence) or len(node.items) not in (3, 4):
            size = f"{len(node.items)} elements" if isinstance(node, Sequence) else "not a list"
            raise self.fail(
                node.location,
                f"a row must be [finance field, map type, dataverse field] with an optional "
                f"4th element (default or options), got {size}",
            )
        finance_node, type_node, dataverse_node = node.items[:3]
        finance = self.field_name(finance_node, "finance")
        dataverse = self.field_name(dataverse_node, "dataverse")
        map_type = self.map_type(type_node)
        default: Scalar | None = None
        values: ValueMapSpec | None = None
        reference: Name | None = None
        keep = False
        if len(node.items) == 4:
            extra = node.items[3]
            if isinstance(extra, Scalar):
                default = extra
            elif isinstance(extra, Mapping):
                options = self.mapping(extra, "row options", OPTION_KEYS)
                default_node = options.get("default")
                if default_node is not None:
                    if not isinstance(default_node, Scalar):
                        raise self.fail(default_node.location, "a default must be a scalar")
                    default = default_node
                values_node = options.get("values")
                if values_node is not None:
                    if isinstance(values_node, Scalar):
                        reference = self.name(values_node, "a value-map name")
                    else:
                        values = self.pairs(values_node, None)
                unmapped = options.get("unmapped")
                if unmapped is not None:
                    policy = self.string(unmapped, "'unmapped'")
                    if policy not in UNMAPPED_POLICIES:
                        raise self.fail(
                            unmapped.location,
                            f"'unmapped' must be error or keep, not {policy!r}"
                            f"{suggestion(policy, UNMAPPED_POLICIES)}",
                        )
                    keep = policy == "keep"
            else:
                raise self.fail(extra.location, "the 4th element must be a default or options")
        return RowSpec(
            index,
            node.location,
            finance,
            map_type,
            type_node.location,
            dataverse,
            default,
            values,
            reference,
            keep,
        )

    def map_type(self, node: Node) -> MapType:
        symbols = [member.value for member in MapType]
        if isinstance(node, Scalar) and isinstance(node.value, str):
            for member in MapType:
                if member.value == node.value:
                    return member
            raise self.fail(
                node.location,
                f"unknown map type {node.value!r}{suggestion(node.value, symbols)}; "
                f"expected one of {' '.join(symbols)}",
            )
        raise self.fail(node.location, f"the map type must be one of {' '.join(symbols)}")

    def pairs(self, node: Node, name: str | None) -> ValueMapSpec:
        if not isinstance(node, Sequence) or not node.items:
            raise self.fail(node.location, "a value map must be a non-empty list of pairs")
        pairs = []
        for item in node.items:
            if (
                not isinstance(item, Sequence)
                or len(item.items) != 2
                or not all(isinstance(side, Scalar) for side in item.items)
            ):
                raise self.fail(
                    item.location, "a value-map pair must be [finance value, dataverse value]"
                )
            finance, dataverse = item.items
            assert isinstance(finance, Scalar) and isinstance(dataverse, Scalar)
            pairs.append(Pair(finance, dataverse))
        return ValueMapSpec(name, tuple(pairs), node.location)


def read_spec(path: Path, display: str, diagnostics: Diagnostics) -> MapSpec | None:
    """Read the spec at ``path``; its module is the file name. Problems give None."""
    return parse_spec(path.read_bytes(), display, path.stem, diagnostics)


def parse_spec(raw: bytes, display: str, module: str, diagnostics: Diagnostics) -> MapSpec | None:
    """Parse spec bytes from anywhere (a file, a git revision); problems give None."""
    problem = module_name_problem(module)
    if not display.isprintable():
        problem = f"spec path {display!r} has characters that can't appear in a generated header"
    if problem:
        diagnostics.error(Location(display, 1, 1), problem)
        return None
    document = load_bytes(raw, display, diagnostics)
    if document is None:
        return None
    try:
        return _Reader(display, diagnostics).read(document, module, hashlib.sha256(raw).hexdigest())
    except CompileError:
        return None


def read_value_maps(path: Path, display: str, diagnostics: Diagnostics) -> dict[str, ValueMapSpec]:
    """The named value maps: a mapping of name -> list of [finance, dataverse] pairs."""
    return parse_value_maps(path.read_text(encoding="utf-8"), display, diagnostics)


def parse_value_maps(text: str, display: str, diagnostics: Diagnostics) -> dict[str, ValueMapSpec]:
    document = load(text, display, diagnostics)
    if document is None:
        return {}
    reader = _Reader(display, diagnostics)
    if not isinstance(document, Mapping):
        diagnostics.error(document.location, "value_maps.yaml must map names to lists of pairs")
        return {}
    named: dict[str, ValueMapSpec] = {}
    for key, value in document.entries:
        try:
            name = reader.string(key, "a value-map name")
            named[name] = reader.pairs(value, name)
        except CompileError:
            continue
    return named


def scalar_text(value: ScalarValue) -> str:
    """A scalar as a user wrote it in YAML, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)
