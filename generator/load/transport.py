"""The transport: one request in, its response out, within the service protection limits.

429 waits the Retry-After the service sends and tries again, and every sender waits with it
(the limits are per user, not per connection); 5xx and dropped connections are tried again
with exponential backoff, which is safe because every request the loader sends is an upsert by
key or a lookup. A 401 fetches a fresh token once, then stops the load. Errors carry our own
words, never an exception's text that could hold a request's headers.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field

import httpx

from generator.load.tokens import TokenSource

ATTEMPTS = 10  # tries for a 5xx or a dropped connection before the rows fail
BACKOFF = 0.1  # seconds before the first retry; doubled each time
BACKOFF_CAP = 30.0
LIMIT = 52  # the service's concurrent requests per user
TIMEOUT = 180.0  # the Web API stops a request after two minutes; allow for the transfer


class Unauthorized(Exception):
    """The service refused the token (401), even a fresh one."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Unreachable(Exception):
    """No connection could be made (refused, unknown host) before any answer came."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class GaveUp(Exception):
    """A request still failed with a 5xx or a dropped connection after every attempt."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass
class Counters:
    requests: int = 0
    retries: int = 0
    throttled: int = 0  # 429 answers
    throttle_seconds: float = 0.0  # time senders were told to wait by Retry-After
    server_errors: int = 0
    dropped: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)


class Transport:
    def __init__(self, base_url: str, tokens: TokenSource, max_parallel: int) -> None:
        self.base_url = base_url.rstrip("/")
        self.tokens = tokens
        self.max_parallel = max_parallel
        self.dop_hint: int | None = None
        self.counters = Counters()
        self._answered = False  # whether any request was answered: a refused first is fatal
        self._resume_at = 0.0
        self._pause = threading.Lock()
        self._client = httpx.Client(
            timeout=TIMEOUT,
            limits=httpx.Limits(max_connections=LIMIT, max_keepalive_connections=LIMIT),
            headers={"OData-MaxVersion": "4.0", "OData-Version": "4.0"},
        )

    @property
    def parallel(self) -> int:
        """Requests to keep in flight: the limit asked for, lowered to the service's hint.

        One until the first answer, which carries the hint (Microsoft: ramp up gradually).
        """
        if not self._answered:
            return 1
        hint = self.dop_hint
        return max(1, min(self.max_parallel, hint if hint else self.max_parallel, LIMIT))

    def retry_delay(self, failures: int) -> float:
        """Exponential backoff with jitter, so senders that failed together spread out."""
        return min(BACKOFF * 2.0 ** (failures - 1), BACKOFF_CAP) * random.uniform(0.5, 1.0)

    def send(
        self, method: str, path: str, content: bytes | None, headers: dict[str, str]
    ) -> httpx.Response:
        """The first answer that is not a 429, 5xx or dropped connection (after retries)."""
        failures = 0
        fresh_token = False
        while True:
            self._wait_for_pause()
            request_headers = {
                **headers,
                "Authorization": self.tokens.authorization(fresh=fresh_token),
            }
            self._count("requests")
            try:
                response = self._client.request(
                    method, self.base_url + path, content=content, headers=request_headers
                )
            except httpx.ConnectError as problem:
                if not self._answered:
                    raise Unreachable(_describe(problem)) from None
                failures = self._backoff(failures, "dropped", _describe(problem))
                continue
            except (httpx.TransportError, httpx.StreamError) as problem:
                failures = self._backoff(failures, "dropped", _describe(problem))
                continue
            self._answered = True
            self._note_hint(response)
            if response.status_code == 401:
                if fresh_token or self.tokens.fixed:
                    raise Unauthorized(_error_text(response))
                fresh_token = True
                continue
            if response.status_code == 429:
                self._throttled(response)
                continue
            if response.status_code >= 500:
                after = _retry_after(response)
                failures = self._backoff(
                    failures, "server_errors", f"HTTP {response.status_code}", after
                )
                continue
            return response

    def _wait_for_pause(self) -> None:
        while True:
            delay = self._resume_at - time.monotonic()
            if delay <= 0:
                return
            time.sleep(delay)

    def _throttled(self, response: httpx.Response) -> None:
        after = _retry_after(response)
        wait = after if after is not None else 1.0
        with self.counters.lock:
            self.counters.throttled += 1
            self.counters.retries += 1
            now = time.monotonic()
            resume = now + wait
            # Every sender waits until the latest time the service named.
            if resume > self._resume_at:
                self.counters.throttle_seconds += resume - max(self._resume_at, now)
                self._resume_at = resume

    def _backoff(self, failures: int, kind: str, detail: str, after: float | None = None) -> int:
        failures += 1
        self._count(kind)
        if failures >= ATTEMPTS:
            raise GaveUp(f"{detail}, {failures} times")
        self._count("retries")
        time.sleep(after if after is not None else self.retry_delay(failures))
        return failures

    def _note_hint(self, response: httpx.Response) -> None:
        hint = response.headers.get("x-ms-dop-hint")
        if hint and hint.isdigit() and int(hint) > 0:
            self.dop_hint = int(hint)

    def _count(self, name: str) -> None:
        with self.counters.lock:
            setattr(self.counters, name, getattr(self.counters, name) + 1)

    def close(self) -> None:
        self._client.close()


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _describe(problem: Exception) -> str:
    """The kind of network failure, in words that hold no request data."""
    cause: BaseException | None = problem
    while cause is not None:
        if isinstance(cause, OSError) and cause.strerror:
            return cause.strerror
        cause = cause.__cause__ or cause.__context__
    return type(problem).__name__


def _error_text(response: httpx.Response) -> str:
    from generator.load.batch import parse_error

    code, message = parse_error(response.content)
    return f"{code} {message}".strip()
