"""Writing the generated package: all or nothing, one atomic rename per file.

The compiler hands over every file's full text only after everything compiled and
formatted, so a failed run never gets here and leaves the package untouched. Each
file is written to a temporary sibling and renamed over the old one, so an
interrupted run never leaves a half-written module; files the specs no longer
produce are removed.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Changes:
    written: list[str]
    removed: list[str]

    @property
    def any(self) -> bool:
        return bool(self.written or self.removed)


def _existing(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    return {path.name: path for path in folder.iterdir() if path.is_file()}


def pending_changes(folder: Path, files: dict[str, str]) -> Changes:
    existing = _existing(folder)
    written = [
        name
        for name, text in files.items()
        if name not in existing or existing[name].read_bytes() != text.encode("utf-8")
    ]
    removed = sorted(name for name in existing if name not in files)
    return Changes(written, removed)


def unified_diff(folder: Path, files: dict[str, str], label: str) -> str:
    """What regenerating would change, as a unified diff of the package."""
    existing = _existing(folder)
    chunks: list[str] = []
    for name in sorted(set(existing) | set(files)):
        old = existing[name].read_text(encoding="utf-8") if name in existing else ""
        new = files.get(name, "")
        if old != new:
            chunks.extend(
                difflib.unified_diff(
                    old.splitlines(keepends=True),
                    new.splitlines(keepends=True),
                    f"a/{label}/{name}",
                    f"b/{label}/{name}",
                )
            )
    return "".join(chunks)


def _write_atomically(path: Path, text: str) -> None:
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(text.encode("utf-8"))
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_package(folder: Path, files: dict[str, str]) -> Changes:
    changes = pending_changes(folder, files)
    folder.mkdir(parents=True, exist_ok=True)
    for name in changes.written:
        _write_atomically(folder / name, files[name])
    existing = _existing(folder)
    for name in changes.removed:
        existing[name].unlink()
    return changes
