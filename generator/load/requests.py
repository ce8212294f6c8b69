"""Sending rows: a chunk of upserts in, each row's outcome out (run on a worker thread).

A table that supports ``UpsertMultiple`` gets one request per chunk; a standard table rolls
the whole request back when any row fails, so a refused chunk is sent again through
``$batch``, which answers row by row. A table that keeps refusing ``UpsertMultiple`` (it
does not support the message) gets ``$batch`` from then on. Parts answered 429 or 5xx inside
a batch are sent again, after the wait the service asked for.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from generator.load.addresses import entity_id
from generator.load.batch import (
    BadBatchResponse,
    PartRequest,
    decode_batch,
    encode_batch,
    parse_error,
)
from generator.load.transport import ATTEMPTS, GaveUp, Transport

API = "/api/data/v9.2/"
FINANCE_API = "/data/"
# "The 'UpsertMultiple' method does not support entities of type ...": the table lacks it.
UNSUPPORTED = "0x80040800"
STRIKES = 2  # refused UpsertMultiple requests, none accepted, before a table stops using it


@dataclass(frozen=True)
class Item:
    row: int
    address: str  # resolved: no @<navigation> part left
    body: dict[str, Any]


@dataclass(frozen=True)
class Failure:
    row: int
    address: str
    status: int | None
    code: str
    message: str

    def record(self) -> dict[str, object]:
        return {
            "row": self.row,
            "address": self.address,
            "status": self.status,
            "code": self.code,
            "message": self.message,
        }


@dataclass
class Outcome:
    done: list[tuple[Item, str | None]] = field(default_factory=list)  # with the row's GUID
    failed: list[Failure] = field(default_factory=list)


@dataclass
class Sender:
    transport: Transport
    headers: dict[str, str]  # the optional MSCRM headers, on every write
    # Finance and operations: no upsert and no UpsertMultiple; a PATCH answered 404 is a POST.
    finance: bool = False
    upsert_multiple: dict[str, bool] = field(default_factory=dict)  # table -> still tried
    strikes: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def api(self) -> str:
        return FINANCE_API if self.finance else API

    def upsert(self, table: str, logical_name: str, items: list[Item]) -> Outcome:
        if self.finance:
            return self._create_or_update(table, items)
        with self.lock:
            multiple = self.upsert_multiple.get(table, True)
        if multiple:
            outcome = self._upsert_multiple(table, logical_name, items)
            if outcome is not None:
                return outcome
        return self.batch("PATCH", items, ())

    def _upsert_multiple(self, table: str, logical_name: str, items: list[Item]) -> Outcome | None:
        targets = [
            {
                **item.body,
                "@odata.type": f"Microsoft.Dynamics.CRM.{logical_name}",
                "@odata.id": item.address,
            }
            for item in items
        ]
        content = json.dumps({"Targets": targets}, ensure_ascii=False).encode()
        response = self.transport.send(
            "POST",
            f"{API}{table}/Microsoft.Dynamics.CRM.UpsertMultiple",
            content,
            {**self.headers, "Content-Type": "application/json", "Accept": "application/json"},
        )
        if response.status_code >= 300:
            with self.lock:
                strikes = self.strikes.get(table, 0) + 1
                self.strikes[table] = strikes
                if (
                    response.status_code == 404
                    or parse_error(response.content)[0] == UNSUPPORTED
                    or (strikes >= STRIKES and table not in self.upsert_multiple)
                ):
                    self.upsert_multiple[table] = False
            return None
        with self.lock:
            self.upsert_multiple[table] = True
        try:
            ids = json.loads(response.content).get("Ids", [])
        except (ValueError, AttributeError):
            ids = []
        guids = (
            [str(guid).lower() for guid in ids] if len(ids) == len(items) else [None] * len(items)
        )
        return Outcome(done=list(zip(items, guids, strict=True)))

    def _create_or_update(self, entity_set: str, items: list[Item]) -> Outcome:
        """F&O OData has no upsert: update at the key, and create the rows that are not there.

        Updating first keeps every answer unambiguous: 404 says the row is missing, where a
        create's duplicate-key error is a generic 500.
        """
        outcome = self.batch("PATCH", items, ())
        missing = {failure.row for failure in outcome.failed if failure.status == 404}
        if not missing:
            return outcome
        outcome.failed = [failure for failure in outcome.failed if failure.row not in missing]
        by_row = {item.row: item for item in items if item.row in missing}
        creates = [Item(item.row, entity_set, item.body) for item in by_row.values()]
        created = self.batch("POST", creates, ())
        outcome.done += [(by_row[item.row], guid) for item, guid in created.done]
        outcome.failed += [
            Failure(f.row, by_row[f.row].address, f.status, f.code, f.message)
            for f in created.failed
        ]
        return outcome

    def bind(self, items: list[Item]) -> Outcome:
        """The second pass: only the deferred binds (fields), at rows that exist by now."""
        # If-Match: * makes a Dataverse PATCH an update only; F&O's PATCH never creates.
        return self.batch("PATCH", items, () if self.finance else (("If-Match", "*"),))

    def batch(self, method: str, items: list[Item], extra: tuple[tuple[str, str], ...]) -> Outcome:
        """Send ``items`` as one ``$batch``; parts answered 429 or 5xx go again on their own."""
        outcome = Outcome()
        pending = items
        attempts = 0
        while pending:
            parts = [
                PartRequest(
                    method, self.api + item.address, item.body, extra + tuple(self.headers.items())
                )
                for item in pending
            ]
            content_type, content = encode_batch(parts)
            response = self.transport.send(
                "POST",
                f"{self.api}$batch",
                content,
                {
                    "Content-Type": content_type,
                    "Accept": "application/json",
                    "Prefer": "odata.continue-on-error",
                },
            )
            if response.status_code >= 300:
                # The batch itself was refused (malformed, too large): every row failed alike.
                code, message = parse_error(response.content)
                outcome.failed += [
                    Failure(item.row, item.address, response.status_code, code, message)
                    for item in pending
                ]
                return outcome
            try:
                answers = decode_batch(response.headers.get("content-type", ""), response.content)
            except BadBatchResponse as problem:
                answers = []
                detail = str(problem)
            else:
                detail = f"{len(answers)} answers for {len(pending)} requests"
            if len(answers) != len(pending):
                attempts += 1
                if attempts >= ATTEMPTS:
                    raise GaveUp(f"the $batch response could not be read: {detail}")
                continue
            again: list[Item] = []
            wait = 0.0
            for item, answer in zip(pending, answers, strict=True):
                if answer.status < 300:
                    outcome.done.append((item, entity_id(answer.headers.get("odata-entityid", ""))))
                elif answer.status == 429 or answer.status >= 500:
                    again.append(item)
                    after = answer.headers.get("retry-after", "")
                    wait = max(wait, float(after) if after.replace(".", "", 1).isdigit() else 0.0)
                else:
                    code, message = answer.error()
                    outcome.failed.append(
                        Failure(item.row, item.address, answer.status, code, message)
                    )
            if again:
                attempts += 1
                if attempts >= ATTEMPTS:
                    raise GaveUp(f"{len(again)} parts answered 429 or 5xx, {attempts} times")
                with self.transport.counters.lock:
                    self.transport.counters.retries += 1
                time.sleep(max(wait, self.transport.retry_delay(attempts)))
            pending = again
        return outcome

    def lookup(self, address: str, primary_key: str) -> str | None:
        """The GUID of the row at ``address`` (``GET ...?$select=<id>``), None when none is."""
        response = self.transport.send(
            "GET", f"{API}{address}?$select={primary_key}", None, {"Accept": "application/json"}
        )
        if response.status_code == 404:
            return None
        if response.status_code >= 300:
            code, message = parse_error(response.content)
            raise LookupFailed(response.status_code, code, message)
        try:
            value = json.loads(response.content)[primary_key]
        except (ValueError, KeyError, TypeError):
            raise LookupFailed(response.status_code, "", "the answer holds no id") from None
        return str(value).lower()


class LookupFailed(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
