"""Compiler diagnostics: located errors and warnings, rendered like a compiler's.

Every problem the compiler finds is collected rather than raised, so one run reports
all of them as ``path:line:column: error: message`` with the source line and a caret.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


@dataclass(frozen=True, order=True)
class Location:
    """A 1-based line and column in a file, named by its path as the user gave it."""

    path: str
    line: int
    column: int

    def shifted(self, columns: int) -> Location:
        return Location(self.path, self.line, self.column + columns)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


class Severity(Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    severity: Severity
    location: Location
    message: str

    def headline(self) -> str:
        return f"{self.location}: {self.severity.value}: {self.message}"


@dataclass
class Diagnostics:
    """Collects the diagnostics of one compiler run."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, location: Location, message: str) -> None:
        self.items.append(Diagnostic(Severity.ERROR, location, message))

    def warning(self, location: Location, message: str) -> None:
        self.items.append(Diagnostic(Severity.WARNING, location, message))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity is Severity.WARNING]

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=lambda d: (d.location, d.severity.value, d.message))


class CompileError(Exception):
    """Raised to abandon compiling one file after its problems were recorded."""


def suggestion(name: str, candidates: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" suffix naming the closest candidate, or ""."""
    pool = {candidate.casefold(): candidate for candidate in candidates}
    close = difflib.get_close_matches(name.casefold(), list(pool), n=1, cutoff=0.6)
    return f" (did you mean {pool[close[0]]!r}?)" if close else ""


def render(diagnostic: Diagnostic, root: Path) -> str:
    """The headline, then the offending source line with a caret under the column."""
    lines = [diagnostic.headline()]
    try:
        source = (root / diagnostic.location.path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return lines[0]
    index = diagnostic.location.line - 1
    if 0 <= index < len(source):
        text = source[index].expandtabs(1)
        lines.append(f"    {text}")
        lines.append("    " + " " * max(diagnostic.location.column - 1, 0) + "^")
    return "\n".join(lines)
