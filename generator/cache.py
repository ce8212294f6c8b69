"""The content cache: a text and everything that determines what it becomes, in; that result, out.

Keys are sha256 digests of the input text together with the tool versions and the
compiler's own source, so a cached result is only ever reused for byte-identical work.
The cache is never trusted for correctness: every entry carries the digest of its
value, and an entry that does not match it (truncated, edited, half-written) is a miss.
Objects (a parsed spec, a plan) are stored pickled: the folder belongs to the project, as
trusted as the specs beside it, and the fingerprint in every key means an entry is only
read back by the compiler source that wrote it.
Entries are written to a private temporary file and renamed, so concurrent runs can
share the folder; a cache that cannot be written (read-only, full) only costs speed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TypeGuard, TypeVar

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
    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self.folder = folder
        # `generate --check` promises to write nothing, the cache included.
        self.read_only = read_only

    def _path(self, kind: str, key: str) -> Path:
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

    def get_object(self, kind: str, key: str) -> object | None:
        """A value ``put_object`` stored; one that no longer unpickles is a miss like any other."""
        value = self.get_bytes(kind, key)
        if value is None:
            return None
        try:
            loaded: object = pickle.loads(value)
        except Exception:
            return None
        return loaded

    def put_object(self, kind: str, key: str, value: object) -> None:
        if not self.read_only:
            self.put_bytes(kind, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))

    def discard(self, kind: str, key: str) -> None:
        """Forget an entry no run will ask for again (a run reading it just then misses)."""
        if not self.read_only:
            with contextlib.suppress(OSError):
                self._path(kind, key).unlink(missing_ok=True)

    def get_bytes(self, kind: str, key: str) -> bytes | None:
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
    cache: ContentCache | None,
    kind: str,
    key: str,
    compute: Callable[[], T],
    valid: Callable[[object], TypeGuard[T]],
) -> T:
    """The object stored under ``key`` when ``valid`` accepts it, else ``compute``'s, stored.

    ``key`` must name every input ``compute`` reads; ``valid`` checks a stored object's shape,
    so an entry of the wrong shape is a miss like a damaged one."""
    return each_stored_or_computed(cache, kind, [key], lambda _: [compute()], valid)[key]


def each_stored_or_computed(
    cache: ContentCache | None,
    kind: str,
    keys: Sequence[str],
    compute: Callable[[list[str]], list[T]],
    valid: Callable[[object], TypeGuard[T]],
) -> dict[str, T]:
    """``stored_or_computed`` for many keys: ``compute`` is given every key that missed, at
    once (so it can work on them in parallel), and returns their values in the same order."""
    found: dict[str, T] = {}
    for key in keys:
        stored = cache.get_object(kind, key) if cache else None
        if valid(stored):
            found[key] = stored
    missing = [key for key in dict.fromkeys(keys) if key not in found]
    if missing:
        for key, value in zip(missing, compute(missing), strict=True):
            found[key] = value
            if cache:
                cache.put_object(kind, key, value)
    return found


def memoized(
    cache: ContentCache | None,
    kind: str,
    key: str,
    compute: Callable[[Diagnostics], T],
    diagnostics: Diagnostics,
    returns: tuple[type, ...],
) -> T:
    """``compute``'s value and the problems it reported, from the cache when ``key`` was seen.

    ``key`` must name every input ``compute`` reads: the problems are replayed into
    ``diagnostics`` as if it had run, so a cached warning is still printed on every run.
    A stored value that is not one of the types ``compute`` ``returns`` is a miss, and so is
    a None without the error that explains it: no stage drops its input silently.
    """

    def run() -> tuple[T, list[Diagnostic]]:
        own = Diagnostics()
        return compute(own), own.items

    def valid(stored: object) -> TypeGuard[tuple[T, list[Diagnostic]]]:
        if not (isinstance(stored, tuple) and len(stored) == 2 and isinstance(stored[1], list)):
            return False
        value, items = stored
        return (
            isinstance(value, returns)
            and all(isinstance(item, Diagnostic) for item in items)
            and (value is not None or any(item.severity is Severity.ERROR for item in items))
        )

    value, items = stored_or_computed(cache, kind, key, run, valid)
    diagnostics.items.extend(items)
    return value
