"""Safe YAML loading into nodes that remember where they came from.

Specs are edited by hand, so the loader keeps every value's line and column for
diagnostics, rejects duplicate keys (PyYAML silently keeps the last), refuses tags,
anchors and aliases (no object construction, no alias bombs) and bounds size and
nesting before any recursive work is done. Plain scalars are typed by the YAML 1.2
core schema: ``no`` and ``yes`` are strings, only ``true``/``false`` are booleans.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from generator import messages
from generator.diagnostics import CompileError, Diagnostics, Location, Message

MAX_BYTES = 1024 * 1024
MAX_DEPTH = 32
MAX_NODES = 100_000

ScalarValue = str | int | float | bool | None


@dataclass(frozen=True)
class Scalar:
    value: ScalarValue
    location: Location
    quoted: bool


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...]
    location: Location


@dataclass(frozen=True)
class Mapping:
    entries: tuple[tuple[Scalar, Node], ...]
    location: Location

    def get(self, key: str) -> Node | None:
        for name, value in self.entries:
            if name.value == key:
                return value
        return None

    def key_nodes(self) -> Iterator[Scalar]:
        return (name for name, _ in self.entries)


Node = Scalar | Sequence | Mapping


# A double-quoted escape of a UTF-16 surrogate, which no UTF-8 file (no output) can hold.
_SURROGATE_ESCAPE = re.compile(
    r"\\(?:u[dD][89a-fA-F][0-9a-fA-F]{2}|U0000[dD][89a-fA-F][0-9a-fA-F]{2})"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
# A map type in a flow row ([A, >, b]), where YAML can't start a plain scalar with '>'.
_BARE_MAP_TYPE = re.compile(r"[<>=]{1,2}(?=\s*[,\]])")

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?[0-9]+$")
_OCT = re.compile(r"^0o[0-7]+$")
_HEX = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


def core_schema_value(text: str) -> ScalarValue:
    """Type a plain scalar the way YAML 1.2's core schema does."""
    if _NULL.match(text):
        return None
    if _TRUE.match(text):
        return True
    if _FALSE.match(text):
        return False
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


class _UntypedLoader(yaml.SafeLoader):
    """Resolves every untagged scalar to a string, so only explicit tags differ."""

    yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012


if yaml.__with_libyaml__:

    class _CUntypedLoader(yaml.CSafeLoader):
        """The same loader on libyaml: about ten times faster on a valid spec."""

        yaml_implicit_resolvers: dict[str, list[tuple[str, re.Pattern[str]]]] = {}  # noqa: RUF012

else:  # pragma: no cover - PyYAML built without libyaml
    _CUntypedLoader = None  # type: ignore[assignment,misc]


def _mark_location(path: str, mark: Any) -> Location:
    if mark is None:
        return Location(path, 1, 1)
    return Location(path, mark.line + 1, mark.column + 1)


class _Converter:
    def __init__(self, path: str, text: str, diagnostics: Diagnostics) -> None:
        self.path = path
        self.text = text
        self.diagnostics = diagnostics
        self.seen: set[int] = set()

    def fail(self, location: Location, message: Message, **fields: Any) -> CompileError:
        return CompileError(self.diagnostics.report(message, location, **fields).message)

    def convert(self, node: yaml.Node) -> Node:
        location = _mark_location(self.path, node.start_mark)
        if id(node) in self.seen:
            raise self.fail(location, messages.YAML_ALIAS)
        self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, location)
        if isinstance(node, yaml.SequenceNode):
            self.untagged(node, "tag:yaml.org,2002:seq", location)
            return Sequence(tuple(self.convert(item) for item in node.value), location)
        if isinstance(node, yaml.MappingNode):
            self.untagged(node, "tag:yaml.org,2002:map", location)
            return self.mapping(node, location)
        raise self.fail(location, messages.YAML_NODE, kind=type(node).__name__)

    def untagged(self, node: yaml.Node, default: str, location: Location) -> None:
        if node.tag != default:
            raise self.fail(location, messages.YAML_TAG, tag=node.tag)

    def scalar(self, node: yaml.ScalarNode, location: Location) -> Scalar:
        self.untagged(node, "tag:yaml.org,2002:str", location)
        surrogate = _SURROGATE.search(node.value)
        if surrogate is not None:
            raise self.surrogate(node, location, surrogate.group())
        # Plain style: None from the Python parser, "" from libyaml.
        if not node.style:
            return Scalar(core_schema_value(node.value), location, quoted=False)
        return Scalar(node.value, location, quoted=True)

    def surrogate(self, node: yaml.ScalarNode, location: Location, found: str) -> CompileError:
        """The error at the escape that wrote the lone surrogate ``found``: only an escape can,
        as the file's bytes were decoded as UTF-8."""
        start = node.start_mark
        escape = _SURROGATE_ESCAPE.search(self.text, start.index, node.end_mark.index)
        if escape is not None:
            before = self.text[start.index : escape.start()]
            lines = before.split("\n")
            column = len(lines[-1]) if len(lines) > 1 else start.column + len(before)
            location = Location(self.path, start.line + len(lines), column + 1)
        return self.fail(location, messages.YAML_SURROGATE, escape=f"\\u{ord(found):04x}")

    def mapping(self, node: yaml.MappingNode, location: Location) -> Mapping:
        entries: list[tuple[Scalar, Node]] = []
        first_seen: dict[object, Location] = {}
        for key_node, value_node in node.value:
            key = self.convert(key_node)
            if not isinstance(key, Scalar):
                raise self.fail(key.location, messages.YAML_KEY_NOT_SCALAR)
            if key.value in first_seen:
                self.diagnostics.report(
                    messages.YAML_DUPLICATE_KEY,
                    key.location,
                    key=key.value,
                    line=first_seen[key.value].line,
                )
            else:
                first_seen[key.value] = key.location
            entries.append((key, self.convert(value_node)))
        return Mapping(tuple(entries), location)


def _check_shape(text: str, loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]) -> None:
    """Bound nesting and node count with the streaming parser, before composing recursively."""
    depth = 0
    count = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise _ShapeError(event.start_mark, messages.YAML_ALIAS)
        if isinstance(event, yaml.NodeEvent) and getattr(event, "anchor", None):
            raise _ShapeError(event.start_mark, messages.YAML_ALIAS)
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise _ShapeError(event.start_mark, messages.YAML_TOO_DEEP, limit=MAX_DEPTH)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.NodeEvent):
            count += 1
            if count > MAX_NODES:
                raise _ShapeError(event.start_mark, messages.YAML_TOO_MANY_NODES, limit=MAX_NODES)


class _ShapeError(Exception):
    def __init__(self, mark: Any, message: Message, **fields: Any) -> None:
        super().__init__(message.code)
        self.mark = mark
        self.message = message
        self.fields = fields


def _fast_compose(text: str) -> yaml.Node | None:
    """The document composed by libyaml, or None: then the pure-Python parser does it again,
    because its messages and positions are the ones diagnostics report."""
    if _CUntypedLoader is None:
        return None
    try:
        _check_shape(text, _CUntypedLoader)
        return yaml.compose(text, Loader=_CUntypedLoader)
    except (yaml.YAMLError, _ShapeError):
        return None


def load(text: str, path: str, diagnostics: Diagnostics) -> Node | None:
    """Parse one YAML document; problems go to ``diagnostics`` and give None."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        diagnostics.report(messages.YAML_TOO_LARGE, Location(path, 1, 1), limit=MAX_BYTES)
        return None
    composed = _fast_compose(text)
    try:
        if composed is None:
            _check_shape(text, _UntypedLoader)
            composed = yaml.compose(text, Loader=_UntypedLoader)
    except _ShapeError as problem:
        diagnostics.report(problem.message, _mark_location(path, problem.mark), **problem.fields)
        return None
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        bare = _BARE_MAP_TYPE.match(text, mark.index) if mark is not None else None
        if bare is not None and problem.problem_mark is mark:
            symbol = bare.group()
            diagnostics.report(
                messages.YAML_BARE_MAP_TYPE, _mark_location(path, mark), symbol=symbol
            )
            return None
        message = problem.problem or problem.context or "invalid YAML"
        if problem.context and problem.problem:
            message = f"{problem.problem} ({problem.context})"
        diagnostics.report(messages.YAML_SYNTAX, _mark_location(path, mark), problem=message)
        return None
    except yaml.YAMLError as problem:
        diagnostics.report(messages.YAML_SYNTAX, Location(path, 1, 1), problem=problem)
        return None
    if composed is None:
        diagnostics.report(messages.YAML_EMPTY, Location(path, 1, 1))
        return None
    try:
        return _Converter(path, text, diagnostics).convert(composed)
    except CompileError:
        return None


def load_bytes(raw: bytes, path: str, diagnostics: Diagnostics) -> Node | None:
    """Like ``load``, for a file's bytes: text that is not UTF-8 is an error too."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as problem:
        diagnostics.report(messages.NOT_UTF8, Location(path, 1, 1), problem=problem)
        return None
    return load(text, path, diagnostics)


def plain(node: Node) -> object:
    """The node as plain Python data, for documents whose positions no longer matter."""
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Sequence):
        return [plain(item) for item in node.items]
    return {key.value: plain(value) for key, value in node.entries}
