"""`$batch` as both services run it (Dataverse execute-batch-operations-using-web-api.md, the
F&O OData endpoint likewise): parts in order; a change set all or nothing, its failure one
error response for the whole set; without `Prefer: odata.continue-on-error` the batch stops at
the first error and answers with that error's status; with it every part is answered and the
batch is 200. `Content-ID` makes `$<id>` stand for the URL of the entity a part wrote."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from tests.fakes.multipart import (
    HttpMessage,
    Multipart,
    MultipartError,
    Part,
    boundary_of,
    parse_multipart,
    write_multipart,
)
from tests.fakes.service import RequestRecord, Response, error_response

_PHRASES = {status.value: status.phrase for status in HTTPStatus}
MAX_REQUESTS = 1000  # "Batch requests can contain up to 1000 individual requests"


@dataclass(frozen=True)
class InnerRequest:
    method: str
    target: str  # `$<id>` references already replaced by the URL they stand for
    headers: dict[str, str]  # lower-case names
    body: bytes
    references: dict[str, str]  # `$<id>` -> entity URL, for references inside the body


Execute = Callable[[InnerRequest], Response]


@dataclass
class Transaction:
    begin: Callable[[], None]
    commit: Callable[[], None]
    rollback: Callable[[], None]


@dataclass(frozen=True)
class BatchStyle:
    """Where the two services differ. Dataverse answers a failed change set with one
    application/http part and a batch stopped at an error with that error's status; F&O's
    OData answers a failed change set with a change set holding the error under the first
    part's Content-ID, and a batch with 200 whatever its parts met."""

    failed_changeset_in_set: bool = False
    stopped_batch_status_ok: bool = False


DATAVERSE = BatchStyle()


def run_batch(
    headers: dict[str, str],
    body: bytes,
    execute: Execute,
    transaction: Transaction,
    style: BatchStyle = DATAVERSE,
    error: Callable[[int, str, str], Response] = error_response,
) -> tuple[Response, tuple[RequestRecord, ...]]:
    boundary = boundary_of(headers.get("content-type"))
    if boundary is None:
        return (
            error(
                400,
                "0x0",
                "The batch request must have a Content-Type multipart/mixed with a boundary.",
            ),
            (),
        )
    try:
        batch = parse_multipart(body, boundary)
        requests = [_request_of(part.message) for part in _messages(batch)]
    except MultipartError as problem:
        return error(400, "0x0", str(problem)), ()
    if len(requests) > MAX_REQUESTS:
        return (
            error(
                400,
                "0x0",
                f"The number of requests in a batch exceeded the limit of {MAX_REQUESTS}.",
            ),
            (),
        )
    continue_on_error = "odata.continue-on-error" in headers.get("prefer", "").lower()
    runner = _Runner(execute, transaction, style, error)
    answered: list[Part] = []
    failure: int | None = None
    for part in batch.parts:
        answer = runner.run_part(part)
        answered.append(answer.part)
        if answer.status >= 400 and failure is None:
            failure = answer.status
            if not continue_on_error:
                break
    runner.skip_rest(batch)
    response_boundary = f"batchresponse_{uuid.uuid4()}"
    status = 200
    if failure is not None and not continue_on_error and not style.stopped_batch_status_ok:
        status = failure
    content_type = f"multipart/mixed; boundary={response_boundary}"
    written = write_multipart(Multipart(response_boundary, answered))
    return Response(status, [("Content-Type", content_type)], written), tuple(runner.records)


@dataclass
class _Answer:
    part: Part
    status: int


class _Runner:
    def __init__(
        self,
        execute: Execute,
        transaction: Transaction,
        style: BatchStyle,
        error: Callable[[int, str, str], Response],
    ) -> None:
        self.execute = execute
        self.transaction = transaction
        self.style = style
        self.error = error
        self.references: dict[str, str] = {}
        self.records: list[RequestRecord] = []
        self._seen: set[int] = set()

    def run_part(self, part: Part) -> _Answer:
        if part.message is not None:
            response, request = self._run(part, part.message)
            self.records.append(_record(request, response.status))
            return _Answer(_response_part(part, response), response.status)
        assert part.changeset is not None
        return self._run_changeset(part.changeset)

    def _run_changeset(self, changeset: Multipart) -> _Answer:
        self.transaction.begin()
        done: list[tuple[InnerRequest, Response, Part]] = []
        for inner in changeset.parts:
            message = inner.message
            assert message is not None  # the parser allows only application/http in a set
            if _request_of(message).method == "GET":
                self._seen.add(id(message))
                response = self.error(400, "0x0", "GET requests are not allowed in a change set.")
            else:
                response, request = self._run(inner, message)
            if response.status >= 400:
                self.transaction.rollback()
                # A failed change set answers once, with the error, for every part of it.
                for every in changeset.parts:
                    self._seen.add(id(every.message))
                    self.records.append(_record(_request_of(every.message), response.status))
                if not self.style.failed_changeset_in_set:
                    answer = _response_part(inner, response, content_id=False)
                    return _Answer(answer, response.status)
                answer = _response_part(changeset.parts[0], response)
                return _Answer(_changeset_part([answer]), response.status)
            done.append((request, response, _response_part(inner, response)))
        self.transaction.commit()
        self.records.extend(_record(request, response.status) for request, response, _ in done)
        return _Answer(_changeset_part([part for _, _, part in done]), 200)

    def _run(self, part: Part, message: HttpMessage) -> tuple[Response, InnerRequest]:
        self._seen.add(id(message))
        request = _request_of(message)
        target = request.target
        if target.startswith("$"):
            name, _, rest = target.partition("/")
            if name not in self.references:
                response = self.error(
                    400,
                    "0x0",
                    f"Content-ID Reference: '{name}' does not exist in the batch context.",
                )
                return response, request
            target = self.references[name] + ("/" + rest if rest else "")
        request = InnerRequest(
            request.method, target, request.headers, request.body, dict(self.references)
        )
        response = self.execute(request)
        content_id = part.header("Content-ID")
        entity = next(
            (value for name, value in response.headers if name.lower() == "odata-entityid"), None
        )
        if content_id is not None and entity is not None and response.status < 400:
            self.references[f"${content_id}"] = entity
        return response, request

    def skip_rest(self, batch: Multipart) -> None:
        """Parts after the batch stopped: logged as not run (status None)."""
        for message in _messages(batch):
            if id(message.message) not in self._seen and message.message is not None:
                self.records.append(_record(_request_of(message.message), None))


def _messages(batch: Multipart) -> list[Part]:
    parts: list[Part] = []
    for part in batch.parts:
        parts.extend(part.changeset.parts if part.changeset is not None else [part])
    return parts


def _request_of(message: HttpMessage | None) -> InnerRequest:
    if message is None:
        raise MultipartError("A batch part holds no HTTP request.")
    method, _, rest = message.start_line.partition(" ")
    target, _, version = rest.rpartition(" ")
    if not version.startswith("HTTP/") or not target or method != method.upper():
        raise MultipartError(f"Malformed request line '{message.start_line}' in a batch part.")
    headers = {name.lower(): value for name, value in message.headers}
    return InnerRequest(method, target.strip(), headers, message.body, {})


def _record(request: InnerRequest, status: int | None) -> RequestRecord:
    headers = tuple(request.headers.items())
    return RequestRecord(request.method, request.target, status, request.body, headers=headers)


def _changeset_part(parts: list[Part]) -> Part:
    boundary = f"changesetresponse_{uuid.uuid4()}"
    headers = [("Content-Type", f"multipart/mixed; boundary={boundary}")]
    return Part(headers, changeset=Multipart(boundary, parts))


def _response_part(part: Part, response: Response, *, content_id: bool = True) -> Part:
    headers = [("Content-Type", "application/http"), ("Content-Transfer-Encoding", "binary")]
    if content_id and (value := part.header("Content-ID")) is not None:
        headers.append(("Content-ID", value))
    reason = _PHRASES[response.status]
    # The service's order: OData-Version after a Content-Type, first when there is none.
    if any(name.lower() == "content-type" for name, _ in response.headers):
        inner_headers = [*response.headers, ("OData-Version", "4.0")]
    else:
        inner_headers = [("OData-Version", "4.0"), *response.headers]
    message = HttpMessage(f"HTTP/1.1 {response.status} {reason}", inner_headers, response.body)
    return Part(headers, message=message)
