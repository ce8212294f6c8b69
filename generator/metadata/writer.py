"""The schema writer: a schema as plain data plus its comments in, YAML text in the house style out.

The style is the one the shipped schemas are written in: top-level keys in a fixed order,
the description folded, one block per property with its keywords in a fixed order, enum
members and value labels in flow style, no blank lines. Comments come back above the key
they belong to. A string is written plain only when every YAML reader (the compiler's
YAML 1.2 core schema and PyYAML's YAML 1.1) reads it back as the same string; otherwise it
is double-quoted with escapes, so any text survives a write and a read unchanged.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml

from generator.source.located_yaml import core_schema_value

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
TOP_ORDER = (
    "$schema",
    "title",
    "description",
    "type",
    "x-entity-set",
    "x-key",
    "x-alternate-keys",
    "x-company",
    "properties",
    "$defs",
)
PROPERTY_ORDER = (
    "$ref",
    "type",
    "format",
    "maxLength",
    "minimum",
    "maximum",
    "x-odata-type",
    "x-precision",
    "x-scale",
    "x-nullable",
    "title",
    "description",
    "enum",
    "x-enum-names",
    "x-enum-values",
    "x-lookup",
)
DEFINITION_ORDER = ("description", "type", "enum", "x-enum-values")
# Keywords whose strings are names (written plain) rather than values (always quoted).
_NAME_LISTS = ("x-key",)
_FLOW = ("enum", "x-enum-values", "x-enum-names")
_WIDTH = 100
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_YAML11_WORDS = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"])

# Where a comment goes: ("", top-level key), ("properties", column) or ("$defs", enum).
Slot = tuple[str, str]


@dataclass
class Document:
    """A schema as plain data, with the comment lines of the file it came from."""

    data: dict[str, Any]
    header: list[str] = field(default_factory=list)
    comments: dict[Slot, list[str]] = field(default_factory=dict)


def _reads_back(text: str) -> bool:
    try:
        return bool(yaml.safe_load(text) == text)
    except yaml.YAMLError:
        return False


@lru_cache(maxsize=8192)
def plain_safe(text: str, *, flow: bool = False) -> bool:
    """Whether ``text`` can be written without quotes and read back unchanged."""
    if not text or text != text.strip() or not text.isprintable():
        return False
    if text[0] in _INDICATORS or ": " in text or " #" in text or text.endswith(":"):
        return False
    if flow and any(mark in text for mark in ",[]{}"):
        return False
    if text.casefold() in _YAML11_WORDS or core_schema_value(text) != text:
        return False
    return _reads_back(text)


def quoted(text: str) -> str:
    """A double-quoted YAML scalar: printable characters as they are, the rest escaped."""
    out = ['"']
    for character in text:
        if character in '"\\':
            out.append("\\" + character)
        elif character.isprintable() or character == " ":
            out.append(character)
        elif ord(character) < 0x100:
            out.append(f"\\x{ord(character):02x}")
        elif ord(character) < 0x10000:
            out.append(f"\\u{ord(character):04x}")
        else:
            out.append(f"\\U{ord(character):08x}")
    out.append('"')
    return "".join(out)


def _number(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value)
    return text if "e" in text or "." in text else text + ".0"


def scalar(value: Any, *, flow: bool = False, name: bool = True) -> str:
    """One scalar; strings plain when safe and ``name`` is set, otherwise quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    text = str(value)
    return text if name and plain_safe(text, flow=flow) else quoted(text)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _flow_list(items: list[Any], *, names: bool) -> str:
    return "[" + ", ".join(scalar(item, flow=True, name=names) for item in items) + "]"


def _flow_map(entries: dict[Any, Any]) -> str:
    return (
        "{"
        + ", ".join(
            f"{scalar(key, flow=True, name=False)}: {scalar(value, flow=True, name=False)}"
            for key, value in entries.items()
        )
        + "}"
    )


def _ordered(mapping: dict[Any, Any], order: tuple[str, ...]) -> list[tuple[Any, Any]]:
    known = [(key, mapping[key]) for key in order if key in mapping]
    return known + [(key, value) for key, value in mapping.items() if key not in order]


class _Writer:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.lines: list[str] = list(document.header)

    def comments(self, slot: Slot, indent: int) -> None:
        self.lines.extend(" " * indent + text for text in self.document.comments.get(slot, ()))

    def value(self, key: Any, value: Any, indent: int) -> None:
        """``key: value`` at ``indent``, choosing flow or block style by keyword and shape."""
        head = " " * indent + scalar(key) + ":"
        if key in _FLOW and isinstance(value, dict) and all(map(_is_scalar, value.values())):
            self.lines.append(f"{head} {_flow_map(value)}")
        elif isinstance(value, list) and all(map(_is_scalar, value)):
            self.lines.append(f"{head} {_flow_list(value, names=key in _NAME_LISTS)}")
        elif key == "x-alternate-keys" and isinstance(value, list):
            self.lines.append(head)
            for item in value:
                rest = _flow_list(item, names=True) if isinstance(item, list) else scalar(item)
                self.lines.append(" " * (indent + 2) + "- " + rest)
        elif isinstance(value, dict):
            self.lines.append(head + (" {}" if not value else ""))
            for child_key, child in value.items():
                self.value(child_key, child, indent + 2)
        elif isinstance(value, list):
            self.lines.append(head + (" []" if not value else ""))
            for item in value:
                self.item(item, indent + 2)
        else:
            self.lines.append(f"{head} {scalar(value)}")

    def item(self, item: Any, indent: int) -> None:
        if _is_scalar(item):
            self.lines.append(" " * indent + "- " + scalar(item))
            return
        if isinstance(item, list):
            self.lines.append(" " * indent + "- " + _flow_list(item, names=False))
            return
        # A mapping in a list: its first key on the dash line, the rest aligned under it.
        start = len(self.lines)
        for key, value in item.items():
            self.value(key, value, indent + 2)
        if len(self.lines) > start:
            self.lines[start] = " " * indent + "- " + self.lines[start][indent + 2 :]
        else:
            self.lines.append(" " * indent + "- {}")

    def description(self, text: Any, indent: int) -> None:
        head = " " * indent + "description:"
        if isinstance(text, str) and _foldable(text):
            self.lines.append(head + " >-")
            width = _WIDTH - indent - 2
            for line in textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False):
                self.lines.append(" " * (indent + 2) + line)
        else:
            self.lines.append(f"{head} {scalar(text)}")

    def entries(self, section: str, entries: dict[Any, Any], order: tuple[str, ...]) -> None:
        self.lines.append(f"{section}:" + (" {}" if not entries else ""))
        for name, spec in entries.items():
            self.comments((section, str(name)), 2)
            if not isinstance(spec, dict):
                self.value(name, spec, 2)
                continue
            self.lines.append(f"  {scalar(name)}:" + (" {}" if not spec else ""))
            for key, value in _ordered(spec, order):
                self.value(key, value, 4)

    def write(self) -> str:
        for key, value in _ordered(self.document.data, TOP_ORDER):
            self.comments(("", str(key)), 0)
            if key == "description":
                self.description(value, 0)
            elif key == "properties" and isinstance(value, dict):
                self.entries("properties", value, PROPERTY_ORDER)
            elif key == "$defs" and isinstance(value, dict):
                self.entries("$defs", value, DEFINITION_ORDER)
            else:
                self.value(key, value, 0)
        return "\n".join(self.lines) + "\n"


def _foldable(text: str) -> bool:
    """Folded style gives back exactly one line of single-spaced printable text."""
    return bool(text) and text.isprintable() and text == " ".join(text.split())


def render(document: Document) -> str:
    return _Writer(document).write()
