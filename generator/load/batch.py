"""``$batch`` bodies: requests in, a multipart/mixed body out; a batch response in, parts out.

The shape is the Web API's (execute-batch-operations-using-web-api.md): each request is its
own part (no change set, so one row's failure rolls back no other), answered in order; with
``Prefer: odata.continue-on-error`` every part is answered. A change set in the response is
read as its parts, in order.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

PART_HEADER = b"Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"


@dataclass(frozen=True)
class PartRequest:
    method: str  # PATCH or POST
    path: str  # absolute path: /api/data/v9.2/accounts(...)
    body: dict[str, Any]
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PartResponse:
    status: int
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def error(self) -> tuple[str, str]:
        """The service's ``{"error": {"code", "message"}}``, or the body's text."""
        return parse_error(self.body)


class BadBatchResponse(ValueError):
    """A response that is not the multipart answer a ``$batch`` request gets."""


def encode_batch(parts: list[PartRequest]) -> tuple[str, bytes]:
    """The Content-Type header and the body of one ``$batch`` request.

    The boundary is a digest of the parts: it can't occur in them, and the same requests make
    the same bytes, so a retry is the same request (and a seeded fake's faults repeat).
    """
    requests: list[bytes] = []
    for part in parts:
        extra = "".join(f"{name}: {value}\r\n" for name, value in part.headers)
        body = json.dumps(part.body, ensure_ascii=False, separators=(",", ":")).encode()
        requests.append(
            f"{part.method} {part.path} HTTP/1.1\r\n"
            f"Content-Type: application/json; type=entry\r\n{extra}\r\n".encode() + body + b"\r\n"
        )
    digest = hashlib.sha256(b"".join(requests)).hexdigest()
    boundary = f"batch_{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
    delimiter = b"--" + boundary.encode() + b"\r\n" + PART_HEADER
    body = delimiter + delimiter.join(requests) + b"--" + boundary.encode() + b"--\r\n"
    return f'multipart/mixed; boundary="{boundary}"', body


def decode_batch(content_type: str, body: bytes) -> list[PartResponse]:
    """Every part's response, in order; parts of a change set in their place."""
    boundary = _boundary(content_type)
    responses: list[PartResponse] = []
    for part in _parts(body, boundary):
        headers_end = part.find(b"\r\n\r\n")
        if headers_end < 0:
            raise BadBatchResponse("a part has no blank line after its headers")
        headers = _headers(part[:headers_end])
        inner = part[headers_end + 4 :]
        part_type = headers.get("content-type", "")
        if part_type.startswith("multipart/mixed"):
            responses += decode_batch(part_type, inner)
        else:
            responses.append(_http_response(inner))
    return responses


def _boundary(content_type: str) -> bytes:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.strip().partition("=")
        if name.lower() == "boundary":
            return value.strip('"').encode()
    raise BadBatchResponse(f"the response is not multipart: Content-Type {content_type!r}")


def _parts(body: bytes, boundary: bytes) -> list[bytes]:
    delimiter = b"--" + boundary
    pieces = body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n").split(delimiter)
    if len(pieces) < 2 or not pieces[-1].startswith(b"--"):
        raise BadBatchResponse("the multipart body has no closing delimiter")
    # pieces[0] is the preamble, pieces[-1] the epilogue after "--".
    return [piece.removeprefix(b"\r\n").removesuffix(b"\r\n") for piece in pieces[1:-1]]


def _headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.decode("latin-1").split("\r\n"):
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return headers


def _http_response(message: bytes) -> PartResponse:
    status_end = message.find(b"\r\n")
    status_line = message[: status_end if status_end >= 0 else len(message)].decode("latin-1")
    fields = status_line.split(" ", 2)
    if len(fields) < 2 or not fields[0].startswith("HTTP/") or not fields[1].isdigit():
        raise BadBatchResponse(f"a part's status line is {status_line[:80]!r}")
    rest = message[status_end + 2 :] if status_end >= 0 else b""
    headers_end = rest.find(b"\r\n\r\n")
    if rest.startswith(b"\r\n"):
        head, body = b"", rest[2:]
    elif headers_end >= 0:
        head, body = rest[:headers_end], rest[headers_end + 4 :]
    else:
        head, body = rest, b""
    return PartResponse(int(fields[1]), _headers(head), body.strip())


def parse_error(body: bytes) -> tuple[str, str]:
    """(code, message) from an OData error body; the text itself when it is not one."""
    try:
        error = json.loads(body)["error"]
        code, message = str(error.get("code") or ""), str(error.get("message") or "")
        # F&O puts a failed write's detail in innererror, under a generic message.
        inner = error.get("innererror")
        if isinstance(inner, dict) and inner.get("message") and inner["message"] != message:
            code = code or str(inner.get("type") or "")
            message = f"{message} {inner['message']}".strip()
        return code, message
    except (ValueError, KeyError, TypeError, AttributeError):
        return "", body.decode("utf-8", "replace")[:500]
