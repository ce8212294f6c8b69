"""The content cache: a text and everything that determines what it becomes, in; that result, out.

Keys are sha256 digests of the input text together with the tool versions and the
compiler's own source, so a cached result is only ever reused for byte-identical work.
The cache is never trusted for correctness: every entry carries the digest of its
value, and an entry that does not match it (truncated, edited, half-written) is a miss.
Entries are written to a private temporary file and renamed, so concurrent runs can
share the folder; a cache that cannot be written (read-only, full) only costs speed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from importlib import metadata
from pathlib import Path

_TOOLS = ("black", "datamodel-code-generator", "jinja2", "pyyaml")
_GENERATOR = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """The versions of everything that shapes an output: the tools and the compiler itself."""
    digest = hashlib.sha256()
    for tool in _TOOLS:
        digest.update(f"{tool}=={metadata.version(tool)}\n".encode())
    for path in sorted(_GENERATOR.rglob("*")):
        if path.suffix in (".py", ".jinja") and path.is_file():
            digest.update(path.relative_to(_GENERATOR).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


class ContentCache:
    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self.folder = folder
        # `generate --check` promises to write nothing, the cache included.
        self.read_only = read_only

    def _path(self, kind: str, key: str) -> Path:
        digest = hashlib.sha256(f"{fingerprint()}\0{kind}\0{key}".encode()).hexdigest()
        return self.folder / kind / digest

    def get(self, kind: str, key: str) -> str | None:
        try:
            stored = self._path(kind, key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        check, newline, value = stored.partition("\n")
        if not newline or hashlib.sha256(value.encode()).hexdigest() != check:
            return None
        return value

    def put(self, kind: str, key: str, value: str) -> None:
        if self.read_only:
            return
        path = self._path(kind, key)
        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                stream.write(hashlib.sha256(value.encode()).hexdigest() + "\n" + value)
            os.replace(temporary, path)
        except (OSError, UnicodeEncodeError):
            # A cache that can't be written only costs speed, never a run.
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
