"""A wire-level fake of the Dataverse Web API for the loader's tests and for a dry run.

    .venv/bin/python -m tests.fakes.dataverse --port 8080 --token dev-token [--seed N ...]

A real HTTP/1.1 server on 127.0.0.1 whose tables are read from the Dataverse entity schemas
(specs/entities/dataverse): alternate-key upserts with `_<lookup>_value` key parts, binds by
GUID or alternate key (a missing row refused with the service's code and message), `$batch`
with change sets and `Prefer: odata.continue-on-error`, UpsertMultiple where the table has it,
the bearer token, and the faults of `Faults`, decided by its seed."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

from tests.fakes.batch import InnerRequest, Transaction, run_batch
from tests.fakes.dataverse_api import API_ROOT, WebApi
from tests.fakes.dataverse_tables import ServiceError, Store, load_tables
from tests.fakes.service import (
    FakeService,
    Faults,
    RequestRecord,
    Response,
    add_fault_arguments,
    error_response,
    faults_of,
    serve_until_signal,
)

__all__ = ["FakeDataverse", "Faults", "RequestRecord"]

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "specs" / "entities" / "dataverse"
NO_FAULTS = Faults()
_UPSERT_MULTIPLE = "Microsoft.Dynamics.CRM.UpsertMultiple"


class FakeDataverse(FakeService):
    def __init__(
        self,
        schemas: Path,
        token: str,
        faults: Faults = NO_FAULTS,
        upsert_multiple: frozenset[str] = frozenset({"accounts", "contacts"}),
        *,
        port: int = 0,
    ) -> None:
        self._store = Store(load_tables(schemas))
        self._store_lock = threading.Lock()
        unknown = upsert_multiple - set(self._store.tables)
        if unknown:
            raise ValueError(f"upsert_multiple names tables the schemas lack: {sorted(unknown)}")
        # A request without a valid token: 401 with an empty body and the challenge naming
        # the environment as the resource, as the service answers.
        challenge = Response(401, [("WWW-Authenticate", "")])
        super().__init__(token, faults, self._handle, challenge, port)
        challenge.headers[0] = (
            "WWW-Authenticate",
            "Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize,"
            f" resource_id={self.url}/",
        )
        self._api = WebApi(self._store, self.url, upsert_multiple)

    def add_rows(self, table: str, rows: list[dict[str, object]]) -> None:
        """Seed reference rows (`cdm_companies`, `transactioncurrencies`, ...): columns as the
        table stores them, lookups as `_<column>_value`; a row without its primary key gets one."""
        with self._store_lock:
            schema = self._store.table(table)
            for row in rows:
                stored = dict(row)
                stored.setdefault(schema.primary_key, self._store.new_guid(table))
                self._store.put(schema, str(stored[schema.primary_key]), stored)

    def rows(self, table: str) -> list[dict[str, object]]:
        with self._store_lock:
            return [
                {name: value for name, value in row.items() if name != "@version"}
                for row in self._store.rows[self._store.table(table).entity_set].values()
            ]

    def _handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[Response, tuple[RequestRecord, ...]]:
        split = urlsplit(target)
        if not split.path.startswith(API_ROOT):
            segment = split.path.strip("/").split("/")[0]
            return (
                error_response(
                    404, "0x8006088a", f"Resource not found for the segment '{segment}'."
                ),
                (),
            )
        with self._store_lock:
            if split.path == API_ROOT + "$batch" and method == "POST":
                transaction = Transaction(
                    self._store.begin, self._store.commit, self._store.rollback
                )
                return run_batch(headers, body, self._inner, transaction)
            request = InnerRequest(method, target, headers, body, {})
            return self._inner(request), ()

    def _inner(self, request: InnerRequest) -> Response:
        """One request, alone or inside a `$batch`: its target may be absolute, rooted at the
        API, or relative to it."""
        target = request.target
        if API_ROOT in target:
            target = target.split(API_ROOT, 1)[1]
        elif target.startswith("/"):
            return error_response(
                404, "0x8006088a", f"Resource not found for the segment '{target}'."
            )
        path, _, query = target.partition("?")
        try:
            return self._route(request, path, query)
        except ServiceError as error:
            return error_response(error.status, error.code, error.message)

    def _route(self, request: InnerRequest, path: str, query: str) -> Response:
        segment, _, action = path.partition("/")
        address = self._api.address(segment)
        table = self._store.table(address.entity_set)
        method = request.method
        if action and (action != _UPSERT_MULTIPLE or method != "POST" or address.key is not None):
            raise ServiceError(404, "0x8006088a", f"Resource not found for the segment '{action}'.")
        if method == "GET":
            if address.key is None:
                return self._api.query(table, query)
            return self._api.retrieve(table, address.key, query)
        body = _json_object(request.body)
        if action:
            return self._api.upsert_multiple(table, body, request.references)
        if method == "PATCH" and address.key is not None:
            return self._api.upsert(table, address.key, body, request.headers, request.references)
        if method == "POST" and address.key is None:
            return self._api.create(table, body, request.headers, request.references)
        raise ServiceError(
            405, "0x0", f"The requested resource does not support http method '{method}'."
        )


def _json_object(body: bytes) -> dict[str, object]:
    try:
        value = json.loads(body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ServiceError(400, "0x0", f"The request body is not valid JSON: {error}.") from None
    if not isinstance(value, dict):
        raise ServiceError(400, "0x0", "The request body must be a JSON object.")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.dataverse",
        description="A fake Dataverse Web API on 127.0.0.1 for a dry run of `load`.",
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", required=True, help="the bearer token requests must carry")
    parser.add_argument("--schemas", type=Path, default=SCHEMAS)
    parser.add_argument(
        "--companies", default="USMF", help="cdm_companies to seed, comma-separated codes"
    )
    add_fault_arguments(parser)
    options = parser.parse_args(argv)
    fake = FakeDataverse(options.schemas, options.token, faults_of(options), port=options.port)
    fake.add_rows(
        "cdm_companies",
        [
            {"cdm_companycode": code.strip()}
            for code in options.companies.split(",")
            if code.strip()
        ],
    )
    return serve_until_signal(fake, "Fake Dataverse", API_ROOT)


if __name__ == "__main__":
    sys.exit(main())
