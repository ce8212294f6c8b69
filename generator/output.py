"""Writing the generated outputs: all or nothing, one atomic rename per file.

The compiler hands over every file's full text only after everything compiled and
formatted, so a failed run never gets here and leaves the outputs untouched. Each
file is written to a temporary sibling and renamed over the old one, so an
interrupted run never leaves a half-written module. In a folder the compiler owns,
files the specs no longer produce are removed.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Output:
    """Files for one folder, relative to the project root."""

    folder: Path
    files: dict[str, str]
    # An owned folder holds nothing but generated files, so strays in it are stale.
    owned: bool = True


@dataclass(frozen=True)
class Changes:
    written: list[str]
    removed: list[str]

    @property
    def any(self) -> bool:
        return bool(self.written or self.removed)


def _existing(root: Path, output: Output) -> dict[str, Path]:
    folder = root / output.folder
    if not folder.is_dir():
        return {}
    return {
        path.name: path
        for path in folder.iterdir()
        if path.is_file() and (output.owned or path.name in output.files)
    }


def pending_changes(root: Path, output: Output) -> Changes:
    existing = _existing(root, output)
    written = [
        name
        for name, text in output.files.items()
        if name not in existing or existing[name].read_bytes() != text.encode("utf-8")
    ]
    removed = sorted(name for name in existing if name not in output.files)
    return Changes(written, removed)


def unified_diff(root: Path, output: Output) -> str:
    """What regenerating would change in the folder, as a unified diff."""
    existing = _existing(root, output)
    label = output.folder.as_posix()
    chunks: list[str] = []
    for name in sorted(set(existing) | set(output.files)):
        old = existing[name].read_text(encoding="utf-8") if name in existing else ""
        new = output.files.get(name, "")
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


def write_output(root: Path, output: Output) -> Changes:
    changes = pending_changes(root, output)
    folder = root / output.folder
    folder.mkdir(parents=True, exist_ok=True)
    for name in changes.written:
        _write_atomically(folder / name, output.files[name])
    existing = _existing(root, output)
    for name in changes.removed:
        existing[name].unlink()
    return changes
