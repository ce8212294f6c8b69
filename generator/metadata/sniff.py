"""What a downloaded file is, by its first bytes: $metadata (plain or gzip-compressed) or not.

A download that went wrong leaves something else under the name: a sign-in page (HTML with
a doctype), a JSON error body, a gzip file (``curl --compressed`` and some browsers save the
compressed bytes), a zip archive, or binary bytes. Each is named for what it is, before the
XML parser would report a forbidden DTD or bad XML. A gzip-compressed document is read as
it is, decompressed while it streams.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.metadata.model import MetadataError

_GZIP = b"\x1f\x8b"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_UTF16 = (b"\xff\xfe", b"\xfe\xff")
_HEAD = 4096
# Larger JSON is no error body: only this much is parsed for its message.
_JSON_LIMIT = 1 << 20
_HTML = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
    re.IGNORECASE | re.DOTALL,
)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
# Characters XML 1.0 forbids: a file that has one in its first bytes is not text.
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _gzip(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(2) == _GZIP


@contextmanager
def open_document(path: Path) -> Iterator[io.BufferedIOBase]:
    """The document's bytes, decompressed on the fly when the file is gzip-compressed; a
    damaged gzip stream (cut short, corrupted) raises MetadataError."""
    if not _gzip(path):
        with path.open("rb") as stream:
            yield stream
        return
    try:
        with gzip.open(path, "rb") as stream:
            yield stream
    except (EOFError, zlib.error, gzip.BadGzipFile) as problem:
        raise MetadataError("bad_gzip", problem=problem) from problem


def check_document(path: Path) -> None:
    """Raise MetadataError when the file's first bytes show it is no XML document."""
    with path.open("rb") as stream:
        raw = stream.read(_HEAD)
    if raw.startswith(_ZIP):
        raise MetadataError("zip", members=_members(path))
    with open_document(path) as stream:
        head = stream.read(_HEAD)
    if not head.strip():
        raise MetadataError("empty")
    if head.startswith(_UTF16):
        return
    if head.startswith(_GZIP) or head.startswith(_ZIP) or _CONTROL.search(head):
        start = " ".join(f"{byte:02x}" for byte in head[:8])
        raise MetadataError("binary", start=start)
    if _HTML.match(head):
        raise MetadataError("html", title=_title(head))
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        error = _json_error(path)
        if error is not None:
            raise MetadataError("json_error", error=error)
        raise MetadataError("json")


def _members(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return "files it does not list: the archive is damaged"
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return shown or "nothing"


def _title(head: bytes) -> str:
    found = _TITLE.search(head)
    if found is None:
        return ""
    title = " ".join(found.group(1).decode("utf-8", "replace").split())[:80]
    return f" titled {title!r}" if title else ""


def _json_error(path: Path) -> str | None:
    """``code: message`` of an OData JSON error body ({"error": {"code", "message"}})."""
    with open_document(path) as stream:
        text = stream.read(_JSON_LIMIT + 1)
    if len(text) > _JSON_LIMIT:
        return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None
    error = document.get("error") if isinstance(document, dict) else None
    if not isinstance(error, dict):
        return None
    parts = [str(error.get(key) or "") for key in ("code", "message")]
    said = ": ".join(" ".join(part.split()) for part in parts if part.strip())
    return repr(said[:300]) if said else None
