"""Existing schemas: a schema file's bytes in, its data and its comments (by the key they sit on) out.

YAML loaders drop comments, so they are found in the text: a ``#`` at the start of a line
or after a space, outside every scalar the YAML scanner reports. A comment goes with the
key it describes: the lines above a top-level key, a property or a ``$defs`` entry belong to
it; a comment inside an entry's block, or after a value on its line, belongs to that entry
(the writer puts it above). Comments before the first key are the file's header.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import yaml

from generator import messages
from generator.diagnostics import Diagnostics, Location
from generator.metadata.writer import Document, Slot
from generator.source.located_yaml import Mapping, load_bytes, plain

_SECTIONS = ("properties", "$defs")
_HASH = re.compile(r"(?:^|(?<=[ \t]))#", re.MULTILINE)


@dataclass(frozen=True)
class _Comment:
    line: int  # 1-based
    text: str
    whole_line: bool


def _scalar_spans(text: str) -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.ScalarToken):
            starts.append(token.start_mark.index)
            ends.append(token.end_mark.index)
    return starts, ends


def _comments(text: str) -> list[_Comment]:
    starts, ends = _scalar_spans(text)
    found: dict[int, _Comment] = {}
    line_starts = [0] + [match.end() for match in re.finditer("\n", text)]
    for match in _HASH.finditer(text):
        index = match.start()
        span = bisect.bisect_right(starts, index) - 1
        if span >= 0 and index < ends[span]:
            continue
        line = bisect.bisect_right(line_starts, index)
        if line in found:
            continue
        start = line_starts[line - 1]
        end = text.find("\n", index)
        comment = text[index : len(text) if end < 0 else end].rstrip()
        found[line] = _Comment(line, comment, not text[start:index].strip())
    return [found[line] for line in sorted(found)]


def _slots(root: Mapping) -> list[tuple[int, Slot]]:
    """Where each commentable key starts, by line."""
    slots: list[tuple[int, Slot]] = []
    for key, value in root.entries:
        slots.append((key.location.line, ("", str(key.value))))
        if key.value in _SECTIONS and isinstance(value, Mapping):
            for name, _ in value.entries:
                slots.append((name.location.line, (str(key.value), str(name.value))))
    return sorted(slots)


def _attach(text: str, root: Mapping) -> tuple[list[str], dict[Slot, list[str]]]:
    slots = _slots(root)
    lines = [line for line, _ in slots]
    by_line = dict(slots)
    content = text.splitlines()
    header: list[str] = []
    attached: dict[Slot, list[str]] = {}
    for comment in _comments(text):
        if not slots or comment.line < lines[0]:
            header.append(comment.text)
            continue
        slot = None
        if comment.whole_line:
            following = comment.line
            while following < len(content) and _skippable(content[following]):
                following += 1
            slot = by_line.get(following + 1)
        if slot is None:
            slot = slots[bisect.bisect_right(lines, comment.line) - 1][1]
        attached.setdefault(slot, []).append(comment.text)
    return header, attached


def _skippable(line: str) -> bool:
    stripped = line.strip()
    return not stripped or stripped.startswith("#")


def read_existing(raw: bytes, display: str, diagnostics: Diagnostics) -> Document | None:
    """The schema in ``raw`` as data plus comments; problems go to ``diagnostics``."""
    node = load_bytes(raw, display, diagnostics)
    if node is None:
        return None
    problem = None
    if not isinstance(node, Mapping):
        problem = "it is not a mapping"
    elif not isinstance(node.get("properties"), Mapping):
        problem = "'properties' is not a mapping"
    else:
        for section in _SECTIONS:
            entries = node.get(section)
            if isinstance(entries, Mapping) and not all(
                isinstance(value, Mapping) for _, value in entries.entries
            ):
                problem = f"an entry of {section!r} is not a mapping"
    if problem is not None or not isinstance(node, Mapping):
        diagnostics.report(messages.SCHEMA_IMPORT_EXISTING, Location(display), problem=problem)
        return None
    data = plain(node)
    assert isinstance(data, dict)
    header, comments = _attach(raw.decode("utf-8"), node)
    return Document(data, header, comments)
