"""A wire-level fake of finance and operations OData (`<url>/data/`) for the loader's tests and
for a dry run:

    .venv/bin/python -m tests.fakes.finance --port 8081 --token dev-token [--seed N ...]

Entities from the finance schemas (specs/entities/finance: `x-entity-set`, `x-key`). OData has
no upsert here (odata.md): `POST /data/<set>` creates, a second create of the same key is the
service's 500 "Write failed ... The record already exists."; `PATCH /data/<set>(<key>)` updates,
404 when the row is not there; every key field must be given. `$batch` with change sets as the
service answers them, the bearer token, and the same seeded faults as the Dataverse fake."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from tests.fakes.batch import BatchStyle, InnerRequest, Transaction, run_batch
from tests.fakes.odata import (
    KeyValue,
    ODataSyntaxError,
    format_literal,
    key_identity,
    parse_address,
    parse_literal,
)
from tests.fakes.service import (
    FakeService,
    Faults,
    RequestRecord,
    Response,
    add_fault_arguments,
    faults_of,
    serve_until_signal,
)

__all__ = ["FakeFinance", "Faults", "RequestRecord"]

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "specs" / "entities" / "finance"
DATA_ROOT = "/data/"
NO_FAULTS = Faults()
# F&O's batch handler saves a change set at once: a failure comes back inside the set, under
# the first part's Content-ID, and the batch itself is 200 (a public trace of a duplicate
# CustomerGroups create, tests/fakes/samples/finance-changeset-error-response.txt).
FINANCE_BATCH = BatchStyle(failed_changeset_in_set=True, stopped_batch_status_ok=True)
_WRITE_FAILED = "Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException"
_JSON = ("Content-Type", "application/json; odata.metadata=minimal; charset=utf-8")


class FinanceError(Exception):
    def __init__(self, status: int, kind: str, message: str) -> None:
        super().__init__(message)
        self.status, self.kind, self.message = status, kind, message


def finance_error(status: int, kind: str, message: str) -> Response:
    """F&O's error body: the detail in `innererror` (its exception type in `type`), the top
    message generic for a failed write."""
    top = "An error has occurred." if status >= 500 and kind else message
    inner = {
        "message": message,
        "type": kind if not kind.startswith("0x") else "",
        "stacktrace": "",
    }
    body = {"error": {"code": "", "message": top, "innererror": inner}}
    return Response(status, [_JSON], json.dumps(body, separators=(",", ":")).encode())


@dataclass(frozen=True)
class Entity:
    entity_set: str
    name: str  # the schema's title, the entity's public name
    key: tuple[str, ...]
    columns: dict[str, dict[str, object]]
    partial: bool

    def address(self, row: dict[str, object]) -> str:
        parts = ",".join(f"{name}={format_literal(_literal(row[name]))}" for name in self.key)
        return f"{self.entity_set}({parts})"


def load_entities(folder: Path) -> dict[str, Entity]:
    entities: dict[str, Entity] = {}
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for path in sorted(folder.glob("*.yaml")):
        schema = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        entity = Entity(
            entity_set=schema["x-entity-set"],
            name=schema["title"],
            key=tuple(schema["x-key"]),
            columns=schema.get("properties", {}),
            partial=schema.get("x-partial") is True,
        )
        entities[entity.entity_set] = entity
    return entities


Row = dict[str, object]


class FakeFinance(FakeService):
    def __init__(
        self,
        schemas: Path,
        token: str,
        faults: Faults = NO_FAULTS,
        *,
        port: int = 0,
        default_company: str = "usmf",
    ) -> None:
        self._entities = load_entities(schemas)
        self._rows: dict[str, dict[tuple[object, ...], Row]] = {name: {} for name in self._entities}
        self._undo: list[tuple[str, tuple[object, ...], Row | None]] | None = None
        self._lock = threading.Lock()
        self._version = 1000
        self._default_company = default_company.lower()
        super().__init__(token, faults, self._handle, Response(401), port, finance_error)

    def add_rows(self, entity_set: str, rows: list[dict[str, object]]) -> None:
        with self._lock:
            entity = self._entity(entity_set)
            for row in rows:
                self._put(entity, self._checked(entity, row, creating=True))

    def rows(self, entity_set: str) -> list[dict[str, object]]:
        with self._lock:
            return [
                {name: value for name, value in row.items() if name != "@version"}
                for row in self._rows[self._entity(entity_set).entity_set].values()
            ]

    def _handle(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[Response, tuple[RequestRecord, ...]]:
        path = urlsplit(target).path
        with self._lock:
            if path == DATA_ROOT + "$batch" and method == "POST":
                transaction = Transaction(self._begin, self._commit, self._rollback)
                return run_batch(
                    headers, body, self._inner, transaction, FINANCE_BATCH, finance_error
                )
            return self._inner(InnerRequest(method, target, headers, body, {})), ()

    def _inner(self, request: InnerRequest) -> Response:
        target = request.target
        if DATA_ROOT in target:
            target = target.split(DATA_ROOT, 1)[1]
        elif target.startswith("/"):
            return _no_resource(self.url + target)
        path, _, query = target.partition("?")
        try:
            return self._route(request, path, query)
        except FinanceError as error:
            return finance_error(error.status, error.kind, error.message)

    def _route(self, request: InnerRequest, path: str, query: str) -> Response:
        try:
            address = parse_address(path)
        except ODataSyntaxError as error:
            raise FinanceError(400, "Microsoft.OData.ODataException", str(error)) from None
        entity = self._entity(address.entity_set)
        url = f"{self.url}{DATA_ROOT}{path}"
        match request.method, address.key:
            case "GET", None:
                return self._query(entity, query)
            case "GET", key if key is not None:
                found = self._identity(entity, self._address_key(entity, key))
                row = self._rows[entity.entity_set].get(found)
                if row is None:
                    return _no_resource(url)
                return _json(200, {"@odata.context": self._context(entity), **self._shown(row)})
            case "POST", None:
                return self._create(entity, _json_object(request.body))
            case "PATCH" | "PUT", key if key is not None:
                key_values = self._address_key(entity, key)
                return self._update(entity, key_values, _json_object(request.body), url)
        raise FinanceError(
            405, "", f"The requested resource does not support http method '{request.method}'."
        )

    def _create(self, entity: Entity, body: Row) -> Response:
        row = self._checked(entity, body, creating=True)
        identity = self._identity(entity, row)
        if identity in self._rows[entity.entity_set]:
            values = ", ".join(str(row[name]) for name in entity.key)
            raise FinanceError(
                500,
                _WRITE_FAILED,
                f"Write failed for table row of type '{entity.name}'. Infolog: Info: Cannot create a"
                f" record in {entity.name} ({entity.entity_set}). {values}.\nThe record already exists..",
            )
        stored = self._put(entity, row)
        response = _json(201, {"@odata.context": self._context(entity), **self._shown(stored)})
        response.headers.insert(0, ("Location", f"{self.url}{DATA_ROOT}{entity.address(stored)}"))
        return response

    def _update(self, entity: Entity, key: Mapping[str, object], body: Row, url: str) -> Response:
        identity = self._identity(entity, key)
        existing = self._rows[entity.entity_set].get(identity)
        if existing is None:
            return _no_resource(url)
        changes = self._checked(entity, body, creating=False)
        for name in entity.key:
            if name in changes and key_identity(changes[name]) != key_identity(existing[name]):
                raise FinanceError(
                    500,
                    _WRITE_FAILED,
                    f"Write failed for table row of type '{entity.name}'. Infolog:"
                    f" Error: The key field '{name}' cannot be changed.",
                )
        self._put(entity, {**existing, **changes})
        return Response(204)

    def _query(self, entity: Entity, query: str) -> Response:
        options = parse_qs(query)
        rows = list(self._rows[entity.entity_set].values())
        if "dataAreaId" in entity.key and options.get("cross-company", [""])[0] != "true":
            rows = [row for row in rows if row.get("dataAreaId") == self._default_company]
        for clause in filter(None, options.get("$filter", [""])[0].split(" and ")):
            name, operator, literal = clause.strip().partition(" eq ")
            if not operator or name not in entity.columns:
                raise FinanceError(
                    400,
                    "Microsoft.OData.ODataException",
                    f"The fake serves $filter with 'eq' on known properties only: '{clause}'.",
                )
            try:
                wanted = key_identity(parse_literal(literal.strip()))
            except ODataSyntaxError as error:
                raise FinanceError(400, "Microsoft.OData.ODataException", str(error)) from None
            rows = [row for row in rows if key_identity(row.get(name)) == wanted]
        return _json(
            200,
            {
                "@odata.context": self._context(entity, collection=True),
                "value": [self._shown(r) for r in rows],
            },
        )

    def _checked(self, entity: Entity, body: Row, *, creating: bool) -> Row:
        row: Row = {}
        for name, value in body.items():
            if name.startswith("@") or "@" in name:
                continue  # `@odata.type` and other annotations carry no field
            if name not in entity.columns and not entity.partial:
                raise FinanceError(
                    400,
                    "Microsoft.OData.ODataException",
                    f"The property '{name}' does not exist on type"
                    f" 'Microsoft.Dynamics.DataEntities.{entity.name}'. Make sure to only use"
                    " property names that are defined by the type.",
                )
            row[name] = value.lower() if name == "dataAreaId" and isinstance(value, str) else value
        if creating:
            for name in entity.key:
                if row.get(name) in (None, ""):
                    raise FinanceError(
                        500,
                        _WRITE_FAILED,
                        f"Write failed for table row of type '{entity.name}'. Infolog: Warning:"
                        f" Field '{name}' must be filled in.",
                    )
        return row

    def _identity(self, entity: Entity, values: Mapping[str, object]) -> tuple[object, ...]:
        """A row's place: its key fields compared as the service's SQL collation compares them."""
        return tuple(key_identity(values[name]) for name in entity.key)

    @staticmethod
    def _address_key(entity: Entity, key: tuple[tuple[str, KeyValue], ...]) -> dict[str, KeyValue]:
        """An address's key: every key field and no other ("all fields in the entity key must
        be provided", odata.md)."""
        names = [name for name, _ in key]
        if sorted(names) != sorted(entity.key):
            raise FinanceError(
                400,
                "Microsoft.OData.ODataException",
                f"The key in the request URI is not valid for resource '{entity.entity_set}': it"
                f" names {names}, the entity's key is {list(entity.key)}.",
            )
        return dict(key)

    def _entity(self, entity_set: str) -> Entity:
        entity = self._entities.get(entity_set)
        if entity is None:
            raise FinanceError(404, "", f"Resource not found for the segment '{entity_set}'.")
        return entity

    def _put(self, entity: Entity, row: Row) -> Row:
        identity = self._identity(entity, row)
        rows = self._rows[entity.entity_set]
        if self._undo is not None:
            before = rows.get(identity)
            self._undo.append(
                (entity.entity_set, identity, None if before is None else dict(before))
            )
        self._version += 1
        rows[identity] = stored = {**row, "@version": self._version}
        return stored

    def _begin(self) -> None:
        self._undo = []

    def _commit(self) -> None:
        self._undo = None

    def _rollback(self) -> None:
        undo, self._undo = self._undo or [], None
        for entity_set, identity, before in reversed(undo):
            if before is None:
                del self._rows[entity_set][identity]
            else:
                self._rows[entity_set][identity] = before

    def _context(self, entity: Entity, *, collection: bool = False) -> str:
        suffix = "" if collection else "/$entity"
        return f"{self.url}{DATA_ROOT}$metadata#{entity.entity_set}{suffix}"

    @staticmethod
    def _shown(row: Row) -> Row:
        return {
            "@odata.etag": f'W/"{row["@version"]}"',
            **{k: v for k, v in row.items() if k != "@version"},
        }


def _literal(value: object) -> KeyValue:
    if isinstance(value, float):
        return Decimal(str(value))
    if value is None or isinstance(value, str | int | bool | Decimal):
        return value
    return str(value)


def _no_resource(url: str) -> Response:
    # What the OData routing answers when no row has the key (ASP.NET Web API's wording).
    return finance_error(
        404, "", f"No HTTP resource was found that matches the request URI '{url}'."
    )


def _json_object(body: bytes) -> Row:
    try:
        value = json.loads(body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FinanceError(
            400, "Microsoft.OData.ODataException", f"The request body is not valid JSON: {error}."
        ) from None
    if not isinstance(value, dict):
        raise FinanceError(
            400, "Microsoft.OData.ODataException", "The request body must be a JSON object."
        )
    return value


def _json(status: int, body: object) -> Response:
    return Response(status, [_JSON], json.dumps(body).encode())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.finance",
        description="A fake finance and operations OData service on 127.0.0.1 for a dry run of `load`.",
    )
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--token", required=True, help="the bearer token requests must carry")
    parser.add_argument("--schemas", type=Path, default=SCHEMAS)
    add_fault_arguments(parser)
    options = parser.parse_args(argv)
    fake = FakeFinance(options.schemas, options.token, faults_of(options), port=options.port)
    return serve_until_signal(fake, "Fake finance and operations", DATA_ROOT)


if __name__ == "__main__":
    sys.exit(main())
