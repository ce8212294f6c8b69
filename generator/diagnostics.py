"""Diagnostics: catalog messages in, located errors and warnings out, rendered like a compiler's.

Every problem is reported through a ``Message`` of the catalog (``generator.messages``)
and collected rather than raised, so one run reports all of them as
``path:line:column: error[TM123]: message`` with the source line and a caret. Only the
command line decides what is printed and what the exit status is.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column in a file, named by its path as the user gave it.

    Line 0 stands for the whole file (or folder, or revision): no line to point at.
    """

    path: str
    line: int = 0
    column: int = 0

    def shifted(self, columns: int) -> Location:
        return Location(self.path, self.line, self.column + columns)

    def __str__(self) -> str:
        if self.line <= 0:
            return self.path
        return f"{self.path}:{self.line}:{self.column}"


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Message:
    """One entry of the catalog: a stable code, a severity and a ``str.format`` text."""

    code: str
    severity: Severity
    text: str

    def format(self, **fields: Any) -> str:
        return self.text.format(**fields)


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    location: Location
    message: str

    def headline(self) -> str:
        return f"{self.location}: {self.severity.value}[{self.code}]: {self.message}"


@dataclass
class Diagnostics:
    """Collects the diagnostics of one run."""

    items: list[Diagnostic] = field(default_factory=list)

    def report(self, message: Message, location: Location, **fields: Any) -> Diagnostic:
        diagnostic = Diagnostic(message.code, message.severity, location, message.format(**fields))
        self.items.append(diagnostic)
        return diagnostic

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.location, d.severity.value, d.message))


class CompileError(Exception):
    """Raised to abandon reading one file after its problems were recorded."""


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" suffix naming the closest candidate, or ""."""
    pool = {candidate.casefold(): candidate for candidate in candidates}
    close = difflib.get_close_matches(name.casefold(), list(pool), n=1, cutoff=0.6)
    return f" (did you mean {pool[close[0]]!r}?)" if close else ""


def render(diagnostic: Diagnostic, root: Path) -> str:
    """The headline, then the offending source line with a caret under the column."""
    lines = [diagnostic.headline()]
    if diagnostic.location.line <= 0:
        return lines[0]
    try:
        source = (root / diagnostic.location.path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError, ValueError):
        return lines[0]
    index = diagnostic.location.line - 1
    if 0 <= index < len(source):
        text = source[index].expandtabs(1)
        lines.append(f"    {text}")
        lines.append("    " + " " * max(diagnostic.location.column - 1, 0) + "^")
    return "\n".join(lines)
