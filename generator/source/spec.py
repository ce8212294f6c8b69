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
from typing import Any, TypeVar, assert_never

from generator import messages
from generator.diagnostics import CompileError, Diagnostics, Location, Message, suggestion
from generator.source.located_yaml import (
    Mapping,
    Node,
    Scalar,
    ScalarValue,
    Sequence,
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

    @property
    def plain(self) -> MapType:
        """The same directions without a transform (= for ><)."""
        match self:
            case MapType.BOTH_TRANSFORMED:
                return MapType.BOTH
            case MapType.TO_DATAVERSE_TRANSFORMED:
                return MapType.TO_DATAVERSE
            case MapType.TO_FINANCE_TRANSFORMED:
                return MapType.TO_FINANCE
            case MapType.BOTH | MapType.TO_DATAVERSE | MapType.TO_FINANCE:
                return self
            case _:
                assert_never(self)


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
    # A named value map is expanded into ``values`` by the loader (generator.source.project);
    # ``values_reference`` keeps where its name was written.
    values: ValueMapSpec | None
    values_reference: Name | None
    keep_unmapped: bool
    # overflow: truncate: a string longer than its destination column is cut, not refused.
    truncate: bool = False


@dataclass(frozen=True)
class SideSpec:
    name: Name
    filter: Scalar | None


@dataclass(frozen=True)
class CompanySpec:
    """``company: striped`` (company-specific on both sides) or ``company: global``."""

    striped: bool
    location: Location


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
    company: CompanySpec | None  # required to compile; optional to read (older revisions)
    # The integration key: finance fields that, with the company on striped maps, identify a row.
    key: tuple[Name, ...]
    key_location: Location


TOP_LEVEL_KEYS = ("template", "description", "company", "key", "finance", "dataverse", "fields")
COMPANY_SCOPES = ("striped", "global")
FINANCE_KEYS = ("entity", "filter")
DATAVERSE_KEYS = ("table", "filter")
OPTION_KEYS = ("default", "values", "unmapped", "overflow")
OVERFLOW_POLICIES = ("error", "truncate")
UNMAPPED_POLICIES = ("error", "keep")
# Names the generated package binds itself: a module of the same name would shadow them.
RESERVED_MODULES = ("annotations", "models")
_MODULE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
IDENTIFIER_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$"
_IDENTIFIER = re.compile(IDENTIFIER_PATTERN)


def module_name_problem(stem: str) -> Message | None:
    """Why a spec file name can't name a Python module (a message taking ``name``), or None."""
    if not _MODULE_NAME.match(stem):
        return messages.SPEC_MODULE_NAME
    if keyword.iskeyword(stem) or stem in RESERVED_MODULES:
        return messages.SPEC_MODULE_RESERVED
    return None


class _Reader:
    def __init__(self, path: str, diagnostics: Diagnostics) -> None:
        self.path = path
        self.diagnostics = diagnostics

    def fail(self, location: Location, message: Message, **fields: Any) -> CompileError:
        return CompileError(self.diagnostics.report(message, location, **fields).message)

    def mapping(self, node: Node, what: str, keys: tuple[str, ...]) -> Mapping:
        if not isinstance(node, Mapping):
            raise self.fail(node.location, messages.SPEC_NOT_MAPPING, what=what)
        for key in node.key_nodes():
            if key.value not in keys:
                self.diagnostics.report(
                    messages.SPEC_UNKNOWN_KEY,
                    key.location,
                    key=key.value,
                    what=what,
                    hint=suggestion(str(key.value), keys),
                    expected=", ".join(keys),
                )
        return node

    def required(self, parent: Mapping, key: str, what: str) -> Node:
        node = parent.get(key)
        if node is None:
            raise self.fail(parent.location, messages.SPEC_MISSING_KEY, what=what, key=key)
        return node

    def string(self, node: Node, what: str) -> str:
        if not isinstance(node, Scalar) or not isinstance(node.value, str) or not node.value:
            raise self.fail(node.location, messages.SPEC_NOT_STRING, what=what)
        return node.value

    def name(self, node: Node, what: str) -> Name:
        return Name(self.string(node, what), node.location)

    def identifier(self, node: Node, what: str) -> Name:
        """An entity or table name: it names schema files and generated types."""
        name = self.name(node, what)
        if not _IDENTIFIER.match(name.text):
            raise self.fail(node.location, messages.SPEC_NOT_IDENTIFIER, what=what, name=name.text)
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
        company = self.attempt(lambda: self.company(root))
        key = self.attempt(lambda: self.key(root))
        scope_failed = company is None and root.get("company") is not None
        if None in (template, description, finance, dataverse, rows, key) or scope_failed:
            raise CompileError("the spec has errors")
        assert template is not None and description is not None and rows is not None
        assert finance is not None and dataverse is not None
        assert key is not None
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
            company,
            key[0],
            key[1],
        )

    def company(self, root: Mapping) -> CompanySpec | None:
        node = root.get("company")
        if node is None:
            return None
        scope = self.string(node, "'company'")
        if scope not in COMPANY_SCOPES:
            raise self.fail(
                node.location,
                messages.SPEC_COMPANY_SCOPE,
                scope=scope,
                hint=suggestion(scope, COMPANY_SCOPES),
            )
        return CompanySpec(scope == "striped", node.location)

    def key(self, root: Mapping) -> tuple[tuple[Name, ...], Location]:
        node = root.get("key")
        if node is None:
            # Without a key the map still syncs; it only gets no row addresses.
            return (), root.location
        if not isinstance(node, Sequence) or not node.items:
            raise self.fail(node.location, messages.SPEC_KEY_SHAPE)
        names = tuple(self.name(item, "a key field") for item in node.items)
        return names, node.location

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
            raise self.fail(fields.location, messages.SPEC_NO_ROWS)
        rows = []
        for index, item in enumerate(fields.items):
            row = self.attempt(partial(self.row, index, item))
            if row is not None:
                rows.append(row)
        return tuple(rows)

    def field_name(self, node: Node, side: str) -> Name | None:
        if not isinstance(node, Scalar) or not isinstance(node.value, str) or not node.value:
            raise self.fail(node.location, messages.SPEC_FIELD_NOT_NAME, side=side)
        if node.value == NONE_FIELD:
            return None
        return Name(node.value, node.location)

    def row(self, index: int, node: Node) -> RowSpec:
        if not isinstance(node, Sequence) or len(node.items) not in (3, 4):
            size = f"{len(node.items)} elements" if isinstance(node, Sequence) else "not a list"
            raise self.fail(node.location, messages.SPEC_ROW_SHAPE, size=size)
        finance_node, type_node, dataverse_node = node.items[:3]
        finance = self.field_name(finance_node, "finance")
        dataverse = self.field_name(dataverse_node, "dataverse")
        map_type = self.map_type(type_node)
        default: Scalar | None = None
        values: ValueMapSpec | None = None
        reference: Name | None = None
        keep = truncate = False
        if len(node.items) == 4:
            extra = node.items[3]
            if isinstance(extra, Scalar):
                default = extra
            elif isinstance(extra, Mapping):
                options = self.mapping(extra, "row options", OPTION_KEYS)
                default_node = options.get("default")
                if default_node is not None:
                    if not isinstance(default_node, Scalar):
                        raise self.fail(default_node.location, messages.SPEC_DEFAULT_NOT_SCALAR)
                    default = default_node
                values_node = options.get("values")
                if values_node is not None:
                    if isinstance(values_node, Scalar):
                        reference = self.name(values_node, "a value-map name")
                    else:
                        values = self.pairs(values_node, None)
                keep = self.policy(options, "unmapped", UNMAPPED_POLICIES) == "keep"
                truncate = self.policy(options, "overflow", OVERFLOW_POLICIES) == "truncate"
            else:
                raise self.fail(extra.location, messages.SPEC_FOURTH_ELEMENT)
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
            truncate,
        )

    def policy(self, options: Mapping, key: str, policies: tuple[str, ...]) -> str:
        """A row option that names one of ``policies``; the first is the default."""
        node = options.get(key)
        if node is None:
            return policies[0]
        policy = self.string(node, repr(key))
        if policy not in policies:
            raise self.fail(
                node.location,
                messages.SPEC_POLICY,
                key=key,
                policy=policy,
                expected=" or ".join(policies),
                hint=suggestion(policy, policies),
            )
        return policy

    def map_type(self, node: Node) -> MapType:
        symbols = [member.value for member in MapType]
        if isinstance(node, Scalar) and isinstance(node.value, str):
            for member in MapType:
                if member.value == node.value:
                    return member
            raise self.fail(
                node.location,
                messages.SPEC_UNKNOWN_MAP_TYPE,
                symbol=node.value,
                hint=_map_type_hint(node.value, symbols),
                expected=" ".join(symbols),
            )
        raise self.fail(
            node.location, messages.SPEC_MAP_TYPE_NOT_SYMBOL, expected=" ".join(symbols)
        )

    def pairs(self, node: Node, name: str | None) -> ValueMapSpec:
        if not isinstance(node, Sequence) or not node.items:
            raise self.fail(node.location, messages.SPEC_VALUE_MAP_EMPTY)
        pairs = []
        for item in node.items:
            if (
                not isinstance(item, Sequence)
                or len(item.items) != 2
                or not all(isinstance(side, Scalar) for side in item.items)
            ):
                raise self.fail(item.location, messages.SPEC_VALUE_PAIR_SHAPE)
            finance, dataverse = item.items
            assert isinstance(finance, Scalar) and isinstance(dataverse, Scalar)
            pairs.append(Pair(finance, dataverse))
        return ValueMapSpec(name, tuple(pairs), node.location)


def parse_spec(raw: bytes, display: str, module: str, diagnostics: Diagnostics) -> MapSpec | None:
    """Parse spec bytes from anywhere (a file, a git revision); problems give None."""
    problem = module_name_problem(module)
    if not display.isprintable():
        diagnostics.report(messages.SPEC_PATH_UNPRINTABLE, Location(repr(display)), path=display)
        return None
    if problem:
        diagnostics.report(problem, Location(display, 1, 1), name=module)
        return None
    document = load_bytes(raw, display, diagnostics)
    if document is None:
        return None
    try:
        # Hashed with LF line endings, so a CRLF checkout of the spec names the same bytes.
        sha256 = hashlib.sha256(raw.replace(b"\r\n", b"\n")).hexdigest()
        return _Reader(display, diagnostics).read(document, module, sha256)
    except CompileError:
        return None


def _map_type_hint(symbol: str, symbols: list[str]) -> str:
    """A did-you-mean for a map type: ``<>`` is ``><`` with its characters the other way round,
    which the closest spelling (``>`` or ``<``, one character off) would hide."""
    reordered = [candidate for candidate in symbols if sorted(candidate) == sorted(symbol)]
    return f" (did you mean {reordered[0]!r}?)" if reordered else suggestion(symbol, symbols)


@dataclass(frozen=True)
class NamedValueMaps:
    """The value maps of value_maps.yaml, by name."""

    maps: dict[str, ValueMapSpec]
    # False when some of the file could not be read: a name missing here may be defined there.
    complete: bool


def parse_value_maps(raw: bytes, display: str, diagnostics: Diagnostics) -> NamedValueMaps:
    """value_maps.yaml's bytes: a mapping of name -> list of [finance, dataverse] pairs."""
    document = load_bytes(raw, display, diagnostics)
    if document is None:
        return NamedValueMaps({}, complete=False)
    if not isinstance(document, Mapping):
        diagnostics.report(messages.VALUE_MAPS_NOT_MAPPING, document.location)
        return NamedValueMaps({}, complete=False)
    reader = _Reader(display, diagnostics)
    named: dict[str, ValueMapSpec] = {}
    complete = True
    for key, value in document.entries:
        try:
            name = reader.string(key, "a value-map name")
            named[name] = reader.pairs(value, name)
        except CompileError:
            complete = False
    return NamedValueMaps(named, complete)


def scalar_text(value: ScalarValue) -> str:
    """A scalar as a user wrote it in YAML, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, str) else str(value)
