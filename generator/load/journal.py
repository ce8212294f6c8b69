"""The journal: confirmed rows in, appended to ``FOLDER/load/journal.jsonl`` and read back out.

One line per confirmed request, written and fsynced before the loader counts its rows done:
``{"pass": 1, "rows": [[N, "<guid>" or null], ...]}`` for upserts, ``{"pass": 2, "rows": [N,
...]}`` for the second pass's binds. Appending whole lines means ``kill -9`` at any moment
leaves every confirmed line intact and at most a torn last line, which reading drops (and
truncates, so the next line starts clean). The first line names the environment: a journal
is never reused for another one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

NAME = "journal.jsonl"


class JournalMismatch(Exception):
    """The journal was written by a load into another environment."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


@dataclass
class JournalState:
    upserted: dict[int, str | None] = field(default_factory=dict)  # row -> its GUID, if known
    bound: set[int] = field(default_factory=set)


class Journal:
    def __init__(self, folder: Path, url: str) -> None:
        self.path = folder / NAME
        self.url = url
        self.state = JournalState()
        folder.mkdir(exist_ok=True)
        self._read()
        self._file = self.path.open("ab")
        if self._file.tell() == 0:
            self._append({"url": url})

    def _read(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        # Only whole lines count; whatever follows the last newline is a torn write.
        whole = data[: data.rfind(b"\n") + 1]
        for line in whole.splitlines():
            entry = json.loads(line)
            if "url" in entry:
                if entry["url"] != self.url:
                    raise JournalMismatch(entry["url"])
            elif entry["pass"] == 1:
                self.state.upserted.update((row, guid) for row, guid in entry["rows"])
            else:
                self.state.bound.update(entry["rows"])
        if len(whole) != len(data):
            with self.path.open("r+b") as torn:
                torn.truncate(len(whole))

    def upserted(self, rows: list[tuple[int, str | None]]) -> None:
        self._append({"pass": 1, "rows": rows})
        self.state.upserted.update(rows)

    def bound(self, rows: list[int]) -> None:
        self._append({"pass": 2, "rows": rows})
        self.state.bound.update(rows)

    def _append(self, entry: object) -> None:
        self._file.write(json.dumps(entry, separators=(",", ":")).encode() + b"\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()
