"""What both fakes share: a real HTTP/1.1 server on 127.0.0.1 (keep-alive, Content-Length or
chunked request bodies), the bearer-token check, the request log, and the faults a seed
decides: 429 with Retry-After, 503, a dropped connection, the concurrency limit and latency.

A fault depends only on the seed and the request's identity (method, target, body) and how
many times that identity arrived before, never on timing or thread order: `Faults.fault_for`
tells a test in advance what a request's n-th attempt will meet. Only requests that reach the
seeded faults count as attempts: one refused for the concurrency limit or its token does not."""

from __future__ import annotations

import argparse
import hashlib
import json
import signal
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType
from typing import Literal, Self

Fault = Literal["throttle", "server-error", "drop"]

# api-limits.md, "Service protection API limit errors returned" (hex code, message).
REQUESTS_LIMIT = (
    "0x80072322",
    "Number of requests exceeded the limit of 6000 over time window of 300 seconds.",
)
EXECUTION_TIME_LIMIT = (
    "0x80072321",
    "Combined execution time of incoming requests exceeded limit of 1,200,000 milliseconds over"
    " time window of 300 seconds. Decrease number of concurrent requests or reduce the duration"
    " of requests and try again later.",
)


@dataclass(frozen=True)
class Faults:
    seed: int = 0
    throttle: float = 0.0  # share of requests answered 429 with Retry-After
    retry_after: float = 1.0  # seconds in the Retry-After header: a whole number (HTTP)
    server_errors: float = 0.0  # share answered 503
    drops: float = 0.0  # share whose connection is closed without an answer
    max_concurrent: int = 52  # in-flight requests beyond this are answered 429 (0x80072326)
    latency: float = 0.0  # seconds added to every request
    dop_hint: int | None = None  # x-ms-dop-hint header value on every response

    def __post_init__(self) -> None:
        shares = (self.throttle, self.server_errors, self.drops)
        if any(share < 0 for share in shares) or sum(shares) > 1:
            raise ValueError("throttle, server_errors and drops are shares: each >= 0, sum <= 1")
        if self.retry_after < 0 or self.retry_after != int(self.retry_after):
            raise ValueError("retry_after is whole seconds (Retry-After takes no fractions)")
        if self.max_concurrent < 1 or self.latency < 0:
            raise ValueError("max_concurrent is at least 1 and latency is not negative")

    def draw(self, method: str, target: str, body: bytes, attempt: int) -> float:
        """A number in [0, 1) fixed by the seed, the request and its attempt (1 = first)."""
        digest = hashlib.sha256(
            b"\0".join(
                (
                    str(self.seed).encode(),
                    method.encode(),
                    target.encode(),
                    hashlib.sha256(body).digest(),
                    str(attempt).encode(),
                )
            )
        ).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    def fault_for(self, method: str, target: str, body: bytes, attempt: int) -> Fault | None:
        draw = self.draw(method, target, body, attempt)
        if draw < self.throttle:
            return "throttle"
        if draw < self.throttle + self.server_errors:
            return "server-error"
        if draw < self.throttle + self.server_errors + self.drops:
            return "drop"
        return None


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it. `status` None: the connection was dropped (or, for a
    part of a `$batch`, the part was not run because the batch stopped at an earlier error).
    `fault` names what the server injected; `headers` what the client sent, the token left out; `parts` are a `$batch`'s inner requests in order
    (its own `body` then empty: each part holds its body)."""

    method: str
    path: str
    status: int | None
    body: bytes
    fault: Fault | Literal["concurrency", "unauthorized"] | None = None
    parts: tuple[RequestRecord, ...] = ()
    headers: tuple[tuple[str, str], ...] = ()  # lower-case names; never Authorization


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def error_response(status: int, code: str, message: str) -> Response:
    """`{"error": {"code", "message"}}` (compose-http-requests-handle-errors.md)."""
    body = json.dumps({"error": {"code": code, "message": message}}, separators=(",", ":"))
    headers = [
        ("REQ_ID", str(uuid.uuid4())),
        ("Content-Type", "application/json; odata.metadata=minimal"),
    ]
    return Response(status, headers, body.encode())


Handler = Callable[[str, str, dict[str, str], bytes], tuple[Response, tuple[RequestRecord, ...]]]


class FakeService:
    """The HTTP side of a fake; `handle(method, target, headers, body)` is the service's own."""

    def __init__(
        self,
        token: str,
        faults: Faults,
        handle: Handler,
        unauthorized: Response,
        port: int = 0,
        error: Callable[[int, str, str], Response] = error_response,
    ) -> None:
        self.faults = faults
        self.log: list[RequestRecord] = []
        self._token = token
        self._handle = handle
        self._unauthorized = unauthorized
        self._error = error
        self._lock = threading.Lock()
        self._attempts: dict[tuple[str, str, bytes], int] = {}
        self._in_flight = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_class(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def serve(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> Response | None:
        """The answer to one request, None to drop the connection."""
        with self._lock:
            self._in_flight += 1
            crowded = self._in_flight > self.faults.max_concurrent
        try:
            if crowded:
                # api-limits.md: exceeding the concurrent requests "will immediately return an error".
                limit = (
                    "0x80072326",
                    "Number of concurrent requests exceeded the limit of"
                    f" {self.faults.max_concurrent}.",
                )
                return self._record(
                    method, target, headers, body, "concurrency", self._throttled(limit)
                )
            if headers.get("authorization") != f"Bearer {self._token}":
                return self._record(
                    method, target, headers, body, "unauthorized", self._unauthorized
                )
            fault = self._fault(method, target, body)
            time.sleep(self.faults.latency)
            match fault:
                case "drop":
                    return self._record(method, target, headers, body, "drop", None)
                case "throttle":
                    draw = self.faults.draw("limit", target, body, 0)
                    limit = REQUESTS_LIMIT if draw < 0.5 else EXECUTION_TIME_LIMIT
                    return self._record(
                        method, target, headers, body, "throttle", self._throttled(limit)
                    )
                case "server-error":
                    unavailable = self._error(
                        503, "0x80040216", "The service is temporarily unavailable."
                    )
                    return self._record(method, target, headers, body, "server-error", unavailable)
                case None:
                    response, parts = self._handle(method, target, headers, body)
                    return self._record(method, target, headers, body, None, response, parts)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _fault(self, method: str, target: str, body: bytes) -> Fault | None:
        identity = (method, target, hashlib.sha256(body).digest())
        with self._lock:
            attempt = self._attempts.get(identity, 0) + 1
            self._attempts[identity] = attempt
        return self.faults.fault_for(method, target, body, attempt)

    def _throttled(self, limit: tuple[str, str]) -> Response:
        response = self._error(429, *limit)
        response.headers.append(("Retry-After", str(int(self.faults.retry_after))))
        return response

    def _record(
        self,
        method: str,
        target: str,
        headers: dict[str, str],
        body: bytes,
        fault: Fault | Literal["concurrency", "unauthorized"] | None,
        response: Response | None,
        parts: tuple[RequestRecord, ...] = (),
    ) -> Response | None:
        status = None if response is None else response.status
        if parts:
            body = b""  # each part holds its own: a large load is not kept twice
        with self._lock:
            kept = tuple(
                (name, value) for name, value in headers.items() if name != "authorization"
            )
            self.log.append(RequestRecord(method, target, status, body, fault, parts, kept))
        return response


def _handler_class(service: FakeService) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: one connection serves many requests
        # Headers and body leave in two writes: without TCP_NODELAY the body waits out the
        # client's delayed ACK (40 ms a response).
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._answer()

        do_POST = do_PATCH = do_PUT = do_DELETE = do_GET

        def _answer(self) -> None:
            body = self._read_body()
            if body is None:
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            response = service.serve(self.command, self.path, headers, body)
            if response is None:
                self.close_connection = True
                return
            self.send_response(response.status)
            names = {name.lower() for name, _ in response.headers}
            if "odata-version" not in names:
                self.send_header("OData-Version", "4.0")
            for name, value in response.headers:
                self.send_header(name, value)
            if service.faults.dop_hint is not None:
                self.send_header("x-ms-dop-hint", str(service.faults.dop_hint))
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)

        def _read_body(self) -> bytes | None:
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                return self._read_chunked()
            length = self.headers.get("Content-Length")
            if length is None:
                return b""
            if not length.isdigit():
                self.send_error(400, "Bad Content-Length")
                return None
            return self.rfile.read(int(length))

        def _read_chunked(self) -> bytes | None:
            chunks = bytearray()
            while True:
                size_line = self.rfile.readline().split(b";")[0].strip()
                try:
                    size = int(size_line, 16)
                except ValueError:
                    self.send_error(400, "Bad chunk size")
                    return None
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers: none of them matters here
                    return bytes(chunks)
                chunks += self.rfile.read(size)
                self.rfile.readline()

        def log_message(self, format: str, *args: object) -> None:
            pass  # the request log is `FakeService.log`; stderr stays quiet in tests

    return _Handler


def add_fault_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = Faults()
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--throttle", type=float, default=defaults.throttle, help="share answered 429"
    )
    parser.add_argument(
        "--retry-after", type=int, default=int(defaults.retry_after), help="seconds"
    )
    parser.add_argument(
        "--server-errors", type=float, default=defaults.server_errors, help="share answered 503"
    )
    parser.add_argument(
        "--drops", type=float, default=defaults.drops, help="share of connections dropped"
    )
    parser.add_argument("--max-concurrent", type=int, default=defaults.max_concurrent)
    parser.add_argument(
        "--latency", type=float, default=defaults.latency, help="seconds per request"
    )
    parser.add_argument(
        "--dop-hint", type=int, default=None, help="x-ms-dop-hint on every response"
    )


def faults_of(options: argparse.Namespace) -> Faults:
    return Faults(
        seed=options.seed,
        throttle=options.throttle,
        retry_after=options.retry_after,
        server_errors=options.server_errors,
        drops=options.drops,
        max_concurrent=options.max_concurrent,
        latency=options.latency,
        dop_hint=options.dop_hint,
    )


def serve_until_signal(fake: FakeService, name: str, api: str) -> int:
    """Print where the fake listens and how to reach it, serve until SIGINT or SIGTERM."""
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"{name} listening on {fake.url} (API {fake.url}{api})", flush=True)
    print(
        "Requests must carry the --token value: export TABLEMAP_ACCESS_TOKEN=<that value>;"
        " stop with Ctrl-C.",
        flush=True,
    )
    stopping.wait()
    fake.stop()
    print(f"{name} stopped: {len(fake.log)} requests answered.", flush=True)
    return 0
