"""The `multipart/mixed` bodies of OData `$batch` (OData v4.0 part 1 §11.7; Dataverse's
execute-batch-operations-using-web-api.md): parts of `Content-Type: application/http` holding one
HTTP message, and change sets, a nested `multipart/mixed` of such parts. One parser and one
writer serve requests and responses alike, so a test can read Microsoft's documented bodies
with the code the fakes answer with."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

CRLF = b"\r\n"


class MultipartError(ValueError):
    """A body that is not the multipart/mixed a `$batch` must be."""


@dataclass
class HttpMessage:
    """`start_line` is a request line (`PATCH /api/data/v9.2/accounts(...) HTTP/1.1`) or a
    status line (`HTTP/1.1 204 No Content`)."""

    start_line: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return find_header(self.headers, name)


@dataclass
class Part:
    """One body part: an HTTP message, or (a change set) the parts of a nested multipart."""

    headers: list[tuple[str, str]]
    message: HttpMessage | None = None
    changeset: Multipart | None = None

    def header(self, name: str) -> str | None:
        return find_header(self.headers, name)


@dataclass
class Multipart:
    boundary: str
    parts: list[Part]


def find_header(headers: list[tuple[str, str]], name: str) -> str | None:
    wanted = name.lower()
    return next((value for key, value in headers if key.lower() == wanted), None)


def boundary_of(content_type: str | None) -> str | None:
    """The boundary parameter of a `multipart/mixed` Content-Type, quoted or not."""
    if content_type is None:
        return None
    kind, _, parameters = content_type.partition(";")
    if kind.strip().lower() != "multipart/mixed":
        return None
    match = re.search(r'boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))', parameters, re.IGNORECASE)
    return None if match is None else (match.group(1) or match.group(2))


def parse_multipart(body: bytes, boundary: str, *, nested: bool = False) -> Multipart:
    """The parts between `--boundary` lines up to the closing `--boundary--`. Lines may end in
    CRLF, as clients send them, or LF, as the documentation renders them."""
    delimiter = re.compile(
        rb"(?:\r?\n|\A)--" + re.escape(boundary.encode()) + rb"(--)?[ \t]*(?:\r?\n|\Z)"
    )
    matches = list(delimiter.finditer(body))
    closing = next((index for index, match in enumerate(matches) if match.group(1)), None)
    if not matches or closing is None:
        raise MultipartError(f"The multipart body has no closing delimiter '--{boundary}--'.")
    parts: list[Part] = []
    for start, end in itertools.pairwise(matches[: closing + 1]):
        parts.append(_parse_part(body[start.end() : end.start()], nested))
    return Multipart(boundary, parts)


def parse_http_message(data: bytes) -> HttpMessage:
    head, body = _split_head(data)
    lines = head.split("\n")
    if not lines[0].strip():
        raise MultipartError("An application/http part holds no request or status line.")
    return HttpMessage(lines[0].strip(), _parse_headers(lines[1:]), body)


def write_multipart(multipart: Multipart, *, final_newline: bool = True) -> bytes:
    """The exact layout Dataverse answers with: each part's headers, a blank line, its content
    and the line break that opens the next delimiter; a change set's closing delimiter directly
    followed by the outer delimiter; a line break after the batch's closing delimiter."""
    out = bytearray()
    boundary = multipart.boundary.encode()
    for part in multipart.parts:
        out += b"--" + boundary + CRLF
        out += _write_headers(part.headers) + CRLF
        if part.changeset is not None:
            out += write_multipart(part.changeset, final_newline=False)
        elif part.message is not None:
            out += write_http_message(part.message)
        out += CRLF
    out += b"--" + boundary + b"--"
    if final_newline:
        out += CRLF
    return bytes(out)


def write_http_message(message: HttpMessage) -> bytes:
    out = message.start_line.encode() + CRLF + _write_headers(message.headers) + CRLF
    return out + message.body


def _parse_part(data: bytes, nested: bool) -> Part:
    head, content = _split_head(data)
    headers = _parse_headers(head.split("\n")) if head.strip() else []
    content_type = find_header(headers, "Content-Type") or ""
    inner_boundary = boundary_of(content_type)
    if inner_boundary is not None:
        if nested:
            raise MultipartError("A change set cannot contain another change set or batch.")
        return Part(headers, changeset=parse_multipart(content, inner_boundary, nested=True))
    if content_type.split(";")[0].strip().lower() != "application/http":
        raise MultipartError(
            f"A batch part must have Content-Type application/http or multipart/mixed, not"
            f" '{content_type}'."
        )
    return Part(headers, message=parse_http_message(content))


def _split_head(data: bytes) -> tuple[str, bytes]:
    """The header block (decoded, LF line ends) and what follows its blank line."""
    if data.startswith(b"\n") or data.startswith(b"\r\n"):
        return "", data[1:] if data.startswith(b"\n") else data[2:]
    match = re.search(rb"\r?\n\r?\n", data)
    if match is None:
        return data.decode("utf-8").replace("\r\n", "\n"), b""
    head = data[: match.start()].decode("utf-8").replace("\r\n", "\n")
    return head, data[match.end() :]


def _parse_headers(lines: list[str]) -> list[tuple[str, str]]:
    headers: list[tuple[str, str]] = []
    for line in lines:
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or name != name.strip():
            raise MultipartError(f"Malformed header line '{line}' in a batch part.")
        headers.append((name, value.strip()))
    return headers


def _write_headers(headers: list[tuple[str, str]]) -> bytes:
    return b"".join(f"{name}: {value}".encode() + CRLF for name, value in headers)
