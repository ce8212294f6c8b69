"""The Web API operations the Dataverse fake serves, over its `Store`: upsert at a key
(update-delete-entities-using-web-api.md: `PATCH <set>(<key>)` creates or updates, 204 with
OData-EntityId; `If-Match: *` refuses the create, `If-None-Match: *` the update), create,
retrieve by key with `$select`, a simple `$filter` query, and UpsertMultiple (bulk-operations.md:
every target typed with `@odata.type`, the whole request rolled back on any error)."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import parse_qs

from tests.fakes.dataverse_tables import (
    Key,
    Row,
    ServiceError,
    Store,
    Table,
    check_value,
    missing,
)
from tests.fakes.odata import GUID, EntityAddress, ODataSyntaxError, parse_address, parse_literal
from tests.fakes.service import Response

API_ROOT = "/api/data/v9.2/"
_JSON = ("Content-Type", "application/json; odata.metadata=minimal; odata.streaming=true")


class WebApi:
    def __init__(self, store: Store, url: str, upsert_multiple: frozenset[str]) -> None:
        self.store = store
        self.url = url
        self.upsert_multiple_sets = upsert_multiple

    def entity_url(self, table: Table, guid: str) -> str:
        return f"{self.url}{API_ROOT}{table.entity_set}({guid})"

    def upsert(
        self,
        table: Table,
        key: Key,
        body: dict[str, object],
        headers: dict[str, str],
        references: dict[str, str],
    ) -> Response:
        guid = self.store.find(table, key)
        changes = self.changes(table, body, references)
        if guid is None:
            if headers.get("if-match") == "*":
                raise missing(table, key)
            guid = self._create(table, key, changes)
            status = 201
        else:
            if headers.get("if-none-match") == "*":
                raise ServiceError(
                    412, "0x80040237", "A record with matching key values already exists."
                )
            self.store.put(table, guid, {**self.store.rows[table.entity_set][guid], **changes})
            status = 200
        return self._written(table, guid, headers, status, location=False)

    def create(
        self,
        table: Table,
        body: dict[str, object],
        headers: dict[str, str],
        references: dict[str, str],
    ) -> Response:
        changes = self.changes(table, body, references)
        guid = self._create(table, (), changes)
        return self._written(table, guid, headers, 201, location=True)

    def retrieve(self, table: Table, key: Key, query: str) -> Response:
        guid = self.store.require(table, key)
        selected = self._select(table, query)
        row = self.store.rows[table.entity_set][guid]
        context = f"{self.url}{API_ROOT}$metadata#{table.entity_set}"
        context += f"({','.join(selected)})/$entity" if selected else "/$entity"
        return _json(200, {"@odata.context": context, **self._shown(row, selected)})

    def query(self, table: Table, query: str) -> Response:
        """`GET <set>?$select=...&$filter=a eq 'x' and b eq <guid>`: what a loader asks to find
        the GUIDs of reference rows (equality only, joined by `and`)."""
        selected = self._select(table, query)
        conditions = _filter(table, parse_qs(query).get("$filter", [""])[0])
        rows = [
            self._shown(row, selected)
            for row in self.store.rows[table.entity_set].values()
            if all(_same(row.get(name), value) for name, value in conditions)
        ]
        context = f"{self.url}{API_ROOT}$metadata#{table.entity_set}"
        context += f"({','.join(selected)})" if selected else ""
        return _json(200, {"@odata.context": context, "value": rows})

    def upsert_multiple(
        self, table: Table, body: dict[str, object], references: dict[str, str]
    ) -> Response:
        if table.entity_set not in self.upsert_multiple_sets:
            raise ServiceError(
                400,
                "0x80040800",
                f"The 'UpsertMultiple' method does not support entities of type"
                f" '{table.logical_name}'. MessageProcessorCache returned MessageProcessor.Empty. ",
            )
        targets = body.get("Targets")
        if not isinstance(targets, list) or not all(isinstance(t, dict) for t in targets):
            raise ServiceError(
                400, "0x0", "UpsertMultiple expects a parameter 'Targets', a list of entities."
            )
        self.store.begin()
        try:
            for target in targets:
                if target.get("@odata.type") != table.type_name:
                    raise ServiceError(
                        400,
                        "0x0",
                        f"Each item in Targets must have the @odata.type annotation"
                        f" '{table.type_name}', not {target.get('@odata.type')!r}.",
                    )
                fields = {k: v for k, v in target.items() if k not in ("@odata.type", "@odata.id")}
                key = self._target_key(table, target, references)
                self.upsert(table, key, fields, {}, references)
        except ServiceError:
            self.store.rollback()
            raise
        self.store.commit()
        return Response(204)

    def changes(self, table: Table, body: dict[str, object], references: dict[str, str]) -> Row:
        """The columns a request body sets, checked, its binds resolved to `_<column>_value`."""
        changes: Row = {}
        for name, value in body.items():
            if name.endswith("@odata.bind"):
                navigation = name.removesuffix("@odata.bind")
                lookup = table.navigation(navigation)
                if lookup is None:
                    raise ServiceError(
                        400,
                        "0x0",
                        f"An undeclared property '{navigation}' which only has property"
                        " annotations in the payload but no property value was found in the"
                        " payload. In OData, only declared navigation properties and declared"
                        " named streams can be represented as properties without values.",
                    )
                changes[f"_{lookup.column}_value"] = (
                    None if value is None else self.resolve(lookup.target, value, references)
                )
            elif name.startswith("@") or "@" in name:
                continue  # instance annotations (`@odata.type`, ...) carry no column
            elif name == table.primary_key:
                if not isinstance(value, str) or not GUID.fullmatch(value):
                    raise ServiceError(
                        400,
                        "0x0",
                        f"Cannot convert the literal '{value}' to the expected type 'Edm.Guid'.",
                    )
                changes[name] = value.lower()
            elif name in table.columns:
                changes[name] = check_value(table, name, value)
            elif table.partial and not name.startswith("_"):
                changes[name] = value
            else:
                raise ServiceError(
                    400,
                    "0x0",
                    f"The property '{name}' does not exist on type '{table.type_name}'. Make sure"
                    " to only use property names that are defined by the type or mark the type as"
                    " open type.",
                )
        return changes

    def resolve(self, target_set: str, reference: object, references: dict[str, str]) -> str:
        """The GUID of the row an `@odata.bind` value names: `/set(<guid>)`, `/set(<key>)`, an
        absolute URL, or `$<Content-ID>` inside a change set."""
        if not isinstance(reference, str):
            raise ServiceError(
                400, "0x0", f"An @odata.bind value must be a URL string, not {reference!r}."
            )
        text = reference
        if text.startswith("$"):
            if text not in references:
                raise ServiceError(
                    400,
                    "0x0",
                    f"Content-ID Reference: '{text}' does not exist in the batch context.",
                )
            text = references[text]
        address = self.address(text.split(API_ROOT, 1)[-1].lstrip("/"))
        table = self.store.table(address.entity_set)
        if address.entity_set != target_set or address.key is None:
            raise ServiceError(
                400,
                "0x0",
                f"The @odata.bind value '{reference}' does not name a row of '{target_set}'.",
            )
        return self.store.require(table, address.key)

    @staticmethod
    def address(text: str) -> EntityAddress:
        try:
            return parse_address(text)
        except ODataSyntaxError as error:
            raise ServiceError(400, "0x0", str(error)) from None

    def _create(self, table: Table, key: Key, changes: Row) -> str:
        names = {name for name, _ in key}
        if names in ({""}, {table.primary_key}):
            row: Row = {table.primary_key: key[0][1]}
        else:
            row = {table.primary_key: self.store.new_guid(table.entity_set)}
            for name, value in key:
                column = name[1:-6] if name.startswith("_") and name.endswith("_value") else name
                if column in table.lookups:
                    self.resolve(
                        table.lookups[column].target,
                        f"/{table.lookups[column].target}({value})",
                        {},
                    )
                row[name] = float(value) if isinstance(value, Decimal) else value
        row.update(changes)
        guid = str(row[table.primary_key])
        if guid in self.store.rows[table.entity_set]:
            raise ServiceError(
                412, "0x80040237", "A record with matching key values already exists."
            )
        self.store.put(table, guid, row)
        return guid

    def _written(
        self, table: Table, guid: str, headers: dict[str, str], status: int, *, location: bool
    ) -> Response:
        entity = self.entity_url(table, guid)
        answer = [("Location", entity)] if location else []
        answer.append(("OData-EntityId", entity))
        if "return=representation" not in headers.get("prefer", ""):
            return Response(204, answer)
        row = self.store.rows[table.entity_set][guid]
        body = {"@odata.context": f"{self.url}{API_ROOT}$metadata#{table.entity_set}/$entity"}
        response = _json(status, {**body, **self._shown(row, [])})
        response.headers[:0] = answer
        return response

    def _target_key(
        self, table: Table, target: dict[str, object], references: dict[str, str]
    ) -> Key:
        """An UpsertMultiple target's row: `@odata.id`, else its primary key, else an alternate
        key whose columns (lookups through their binds) the target holds."""
        odata_id = target.get("@odata.id")
        if isinstance(odata_id, str):
            address = self.address(odata_id.split(API_ROOT, 1)[-1].lstrip("/"))
            if address.entity_set != table.entity_set or address.key is None:
                raise ServiceError(
                    400, "0x0", f"@odata.id '{odata_id}' is not a row of '{table.entity_set}'."
                )
            return address.key
        if isinstance(target.get(table.primary_key), str):
            return ((table.primary_key, str(target[table.primary_key]).lower()),)
        changes = self.changes(table, target, references)
        for columns in table.alternate_keys:
            names = [table.key_property(column) for column in columns]
            if all(changes.get(name) is not None for name in names):
                return tuple((name, _key_value(changes[name])) for name in names)
        raise ServiceError(
            400, "0x0", f"A target of UpsertMultiple on '{table.entity_set}' names no key."
        )

    @staticmethod
    def _select(table: Table, query: str) -> list[str]:
        selected = [name for name in parse_qs(query).get("$select", [""])[0].split(",") if name]
        known = {table.primary_key, *table.columns, *(f"_{c}_value" for c in table.lookups)}
        for name in selected:
            if name not in known and not (table.partial and not name.startswith("_")):
                raise ServiceError(
                    400,
                    "0x0",
                    f"Could not find a property named '{name}' on type '{table.type_name}'.",
                )
        return selected

    @staticmethod
    def _shown(row: Row, selected: list[str]) -> Row:
        shown: Row = {"@odata.etag": f'W/"{row["@version"]}"'}
        names = selected or [name for name in row if name != "@version"]
        shown.update({name: row.get(name) for name in names})
        return shown


def _filter(table: Table, text: str) -> list[tuple[str, object]]:
    if not text.strip():
        return []
    conditions: list[tuple[str, object]] = []
    for clause in text.split(" and "):
        name, operator, literal = clause.strip().partition(" eq ")
        if not operator:
            raise ServiceError(
                400, "0x0", f"The fake serves $filter with 'eq' and 'and' only: '{text}'."
            )
        try:
            conditions.append((name.strip(), parse_literal(literal.strip())))
        except ODataSyntaxError as error:
            raise ServiceError(400, "0x0", str(error)) from None
    WebApi._select(table, "$select=" + ",".join(name for name, _ in conditions))
    return conditions


def _same(stored: object, wanted: object) -> bool:
    if isinstance(stored, str) and isinstance(wanted, str):
        return stored.casefold() == wanted.casefold()
    return stored == wanted


def _key_value(value: object) -> str | int | Decimal | bool | None:
    if isinstance(value, float):
        return Decimal(str(value))
    assert value is None or isinstance(value, str | int | Decimal | bool)
    return value


def _json(status: int, body: object) -> Response:
    return Response(status, [_JSON], json.dumps(body).encode())
