"""The content cache: a text and everything that determines what it becomes, in; that result, out.

Keys are sha256 digests of the input text together with the tool versions and the
compiler's own source, so a cached result is only ever reused for byte-identical work.
Every entry carries the digest of its value, and an entry that does not match it
(truncated, half-written) is a miss. That digest guards against damage, not against whoever
can write the folder (a CI cache restored from another branch, a shared runner), so reading
an entry never runs code: objects (a parsed spec, a plan) are stored as JSON and read back
as the one type asked for (``generator.cache_codec``), and one that is not of it is a miss.
A well-formed entry can still hold a wrong value: ``generate --check`` therefore reads no
folder at all, only what it computed itself (``ContentCache(None)``).
Entries are written to a private temporary file and renamed, so concurrent runs can
share the folder; a cache that cannot be written (read-only, full) only costs speed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from generator.cache_codec import Malformed, Shape, paired
from generator.diagnostics import Diagnostic, Diagnostics, Severity

T = TypeVar("T")

# The content cache's folder when set; .tablemap/cache otherwise.
CACHE_VARIABLE = "TABLEMAP_CACHE_DIR"

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


def digest(*parts: str | bytes) -> str:
    """One key for several inputs; each is length-prefixed, so no two sequences collide."""
    hashed = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        hashed.update(b"%d:" % len(data) + data)
    return hashed.hexdigest()


class ContentCache:
    def __init__(self, folder: Path | None, *, read_only: bool = False) -> None:
        """Entries in ``folder``; with None, in this object only: the run reuses what it
        computed itself (black's output for two identical blocks) and trusts nothing else."""
        self.folder = folder
        self.read_only = read_only
        self._memory: dict[tuple[str, str], bytes] = {}

    def _path(self, kind: str, key: str) -> Path:
        assert self.folder is not None
        digest = hashlib.sha256(f"{fingerprint()}\0{kind}\0{key}".encode()).hexdigest()
        return self.folder / kind / digest

    def get(self, kind: str, key: str) -> str | None:
        value = self.get_bytes(kind, key)
        try:
            return None if value is None else value.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def put(self, kind: str, key: str, value: str) -> None:
        try:
            encoded = value.encode("utf-8")
        except UnicodeEncodeError:
            return
        self.put_bytes(kind, key, encoded)

    def get_value(self, kind: str, key: str, shape: Shape[T]) -> T | None:
        """The value ``put_value`` stored, decoded as ``shape``; one of another shape is a miss
        like a damaged one. (A shape whose values can be None itself would be ambiguous.)"""
        value = self.get_bytes(kind, key)
        if value is None:
            return None
        try:
            return shape.decode(value)
        except Malformed:
            return None

    def put_value(self, kind: str, key: str, shape: Shape[T], value: T) -> None:
        if not self.read_only:
            self.put_bytes(kind, key, shape.encode(value))

    def discard(self, kind: str, key: str) -> None:
        """Forget an entry no run will ask for again (a run reading it just then misses)."""
        if self.read_only:
            return
        if self.folder is None:
            self._memory.pop((kind, key), None)
            return
        with contextlib.suppress(OSError):
            self._path(kind, key).unlink(missing_ok=True)

    def get_bytes(self, kind: str, key: str) -> bytes | None:
        if self.folder is None:
            return self._memory.get((kind, key))
        try:
            stored = self._path(kind, key).read_bytes()
        except OSError:
            return None
        check, newline, value = stored.partition(b"\n")
        if not newline or hashlib.sha256(value).hexdigest().encode() != check:
            return None
        return value

    def put_bytes(self, kind: str, key: str, value: bytes) -> None:
        if self.read_only:
            return
        if self.folder is None:
            self._memory[kind, key] = value
            return
        path = self._path(kind, key)
        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(hashlib.sha256(value).hexdigest().encode() + b"\n" + value)
            os.replace(temporary, path)
        except OSError:
            # A cache that can't be written only costs speed, never a run.
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)


def stored_or_computed(
    cache: ContentCache | None, kind: str, key: str, compute: Callable[[], T], shape: Shape[T]
) -> T:
    """The value stored under ``key`` when it is of ``shape``, else ``compute``'s, stored.

    ``key`` must name every input ``compute`` reads."""
    return each_stored_or_computed(cache, kind, [key], lambda _: [compute()], shape)[key]


def each_stored_or_computed(
    cache: ContentCache | None,
    kind: str,
    keys: Sequence[str],
    compute: Callable[[list[str]], list[T]],
    shape: Shape[T],
) -> dict[str, T]:
    """``stored_or_computed`` for many keys: ``compute`` is given every key that missed, at
    once (so it can work on them in parallel), and returns their values in the same order."""
    found: dict[str, T] = {}
    for key in keys:
        stored = cache.get_value(kind, key, shape) if cache else None
        if stored is not None:
            found[key] = stored
    missing = [key for key in dict.fromkeys(keys) if key not in found]
    if missing:
        for key, value in zip(missing, compute(missing), strict=True):
            found[key] = value
            if cache:
                cache.put_value(kind, key, shape, value)
    return found


def memoized(
    cache: ContentCache | None,
    kind: str,
    key: str,
    compute: Callable[[Diagnostics], T],
    diagnostics: Diagnostics,
    shape: Shape[T],
) -> T:
    """``compute``'s value and the problems it reported, from the cache when ``key`` was seen.

    ``key`` must name every input ``compute`` reads: the problems are replayed into
    ``diagnostics`` as if it had run, so a cached warning is still printed on every run.
    ``shape`` is what ``compute`` returns; a stored None without the error that explains it
    is a miss too: no stage drops its input silently.
    """
    with_problems = _with_problems(shape)
    stored = cache.get_value(kind, key, with_problems) if cache else None
    value: T
    items: list[Diagnostic]
    if stored is not None and (
        stored[0] is not None or any(item.severity is Severity.ERROR for item in stored[1])
    ):
        value, items = stored
    else:
        own = Diagnostics()
        value, items = compute(own), own.items
        if cache:
            cache.put_value(kind, key, with_problems, (value, items))
    diagnostics.items.extend(items)
    return value


@lru_cache(maxsize=16)  # one per shape: spec, schema, value maps, bound
def _with_problems(shape: Shape[T]) -> Shape[tuple[T, list[Diagnostic]]]:
    return Shape(paired(shape, list[Diagnostic]))
