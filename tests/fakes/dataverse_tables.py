"""The Dataverse tables the fake holds, read from the entity schemas (specs/entities/dataverse:
`x-entity-set`, `x-key`, `x-alternate-keys`, `x-company`, each lookup's `x-lookup: {target,
navigation-property}`), and their rows: created and updated by key, with the service's checks
and error codes. Every write goes through `Store.put`, which keeps the alternate-key indexes
and, inside a transaction (a change set, an UpsertMultiple), the undo log."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

from tests.fakes.odata import GUID, KeyValue, key_identity


class ServiceError(Exception):
    """An answer other than success: status, the service's hex code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Lookup:
    column: str
    target: str  # entity set
    navigation: str


@dataclass(frozen=True)
class Table:
    logical_name: str
    entity_set: str
    primary_key: str
    alternate_keys: tuple[tuple[str, ...], ...]
    columns: dict[str, dict[str, object]]  # plain columns: their JSON Schema
    lookups: dict[str, Lookup]  # by column
    navigations: dict[str, Lookup]  # by navigation property
    company: str | None
    # `x-partial: true`: the schema lists only some columns, so an unlisted one is the
    # environment's, taken as sent (a lookup still has to be listed to be bound).
    partial: bool = False

    @property
    def type_name(self) -> str:
        return f"Microsoft.Dynamics.CRM.{self.logical_name}"

    def key_property(self, column: str) -> str:
        """How a key column is named in an address: a lookup as `_<column>_value`."""
        return f"_{column}_value" if column in self.lookups else column

    def navigation(self, name: str) -> Lookup | None:
        return self.navigations.get(name)


def load_tables(folder: Path) -> dict[str, Table]:
    return dict(_load_tables(folder.resolve()))


@functools.cache
def _load_tables(folder: Path) -> tuple[tuple[str, Table], ...]:
    """Read once per process: a test starts many fakes over the same schemas."""
    tables: dict[str, Table] = {}
    for path in sorted(folder.glob("*.yaml")):
        schema = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        properties: dict[str, dict[str, object]] = schema.get("properties", {})
        lookups = {
            name: Lookup(name, lookup["target"], lookup["navigation-property"])
            for name, spec in properties.items()
            if isinstance(lookup := spec.get("x-lookup"), dict)
        }
        table = Table(
            logical_name=schema["title"],
            entity_set=schema["x-entity-set"],
            primary_key=schema["x-key"][0],
            alternate_keys=tuple(tuple(key) for key in schema.get("x-alternate-keys", [])),
            columns={name: spec for name, spec in properties.items() if name not in lookups},
            lookups=lookups,
            navigations={lookup.navigation: lookup for lookup in lookups.values()},
            company=schema.get("x-company"),
            partial=schema.get("x-partial") is True,
        )
        tables[table.entity_set] = table
    return tuple(tables.items())


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


Row = dict[str, object]
Key = tuple[tuple[str, KeyValue], ...]


class Store:
    """Rows by table, in creation order; alternate-key indexes; the undo log of a transaction.
    Callers hold `FakeDataverse`'s lock: one request's writes are never interleaved."""

    def __init__(self, tables: dict[str, Table]) -> None:
        self.tables = tables
        self.rows: dict[str, dict[str, Row]] = {name: {} for name in tables}
        self._indexes: dict[str, dict[tuple[object, ...], str]] = {name: {} for name in tables}
        self._undo: list[tuple[str, str, Row | None]] | None = None
        self._created = 0
        self.version = 1000

    def table(self, entity_set: str) -> Table:
        table = self.tables.get(entity_set)
        if table is None:
            raise ServiceError(
                404, "0x8006088a", f"Resource not found for the segment '{entity_set}'."
            )
        return table

    # Transactions: change sets and UpsertMultiple are all or nothing.
    def begin(self) -> None:
        self._undo = []

    def commit(self) -> None:
        self._undo = None

    def rollback(self) -> None:
        undo, self._undo = self._undo or [], None
        for entity_set, guid, before in reversed(undo):
            self._replace(entity_set, guid, before)

    def new_guid(self, entity_set: str) -> str:
        """Deterministic for a given order of creations (a failing test shows the same ids):
        a prefix of the table's name hash, then the creation number."""
        self._created += 1
        prefix = _guid_prefix(entity_set)
        return f"{prefix[:8]}-{prefix[8:12]}-4{prefix[13:16]}-8{prefix[17:20]}-{self._created:012x}"

    def find(self, table: Table, key: Key) -> str | None:
        """The GUID of the row at `key` (a primary key or a whole alternate key), or None."""
        names = {name for name, _ in key}
        if names in ({""}, {table.primary_key}):
            guid = key[0][1]
            if not isinstance(guid, str) or not GUID.fullmatch(guid):
                raise _invalid_key(table)
            return guid if guid in self.rows[table.entity_set] else None
        for index, columns in enumerate(table.alternate_keys):
            if names == {table.key_property(column) for column in columns}:
                values = dict(key)
                identity = (index, *(key_identity(values[table.key_property(c)]) for c in columns))
                return self._indexes[table.entity_set].get(identity)
        raise _invalid_key(table)

    def require(self, table: Table, key: Key) -> str:
        guid = self.find(table, key)
        if guid is None:
            raise missing(table, key)
        return guid

    def put(self, table: Table, guid: str, row: Row) -> None:
        """Create or replace a row, refusing a second row with the same alternate key."""
        for identity in self._identities(table, row):
            holder = self._indexes[table.entity_set].get(identity)
            if holder is not None and holder != guid:
                raise ServiceError(
                    412, "0x80040237", "A record with matching key values already exists."
                )
        before = self.rows[table.entity_set].get(guid)
        if self._undo is not None:
            self._undo.append((table.entity_set, guid, None if before is None else dict(before)))
        self.version += 1
        self._replace(table.entity_set, guid, {**row, "@version": self.version})

    def _replace(self, entity_set: str, guid: str, row: Row | None) -> None:
        table, rows, index = (
            self.tables[entity_set],
            self.rows[entity_set],
            self._indexes[entity_set],
        )
        before = rows.get(guid)
        if before is not None:
            for identity in self._identities(table, before):
                index.pop(identity, None)
        if row is None:
            del rows[guid]
            return
        rows[guid] = row
        for identity in self._identities(table, row):
            index[identity] = guid

    @staticmethod
    def _identities(table: Table, row: Row) -> list[tuple[object, ...]]:
        identities = []
        for index, columns in enumerate(table.alternate_keys):
            values = [row.get(table.key_property(column)) for column in columns]
            if all(value is not None for value in values):
                identities.append((index, *(key_identity(value) for value in values)))
        return identities


@functools.cache
def _guid_prefix(entity_set: str) -> str:
    return hashlib.sha256(entity_set.encode()).hexdigest()


def missing(table: Table, key: Key) -> ServiceError:
    """The service's answer for a row that is not there, by GUID or by alternate key."""
    if len(key) == 1 and key[0][0] in ("", table.primary_key):
        return ServiceError(
            404, "0x80040217", f"{table.logical_name} With Id = {key[0][1]} Does Not Exist"
        )
    return ServiceError(
        404,
        "0x80060891",
        f"A record with the specified key values does not exist in {table.logical_name} entity",
    )


def check_value(table: Table, column: str, value: object) -> object:
    """A column value as the service would store it, or its validation error."""
    spec = table.columns[column]
    kind = spec.get("type")
    if value is None:
        return None
    expected = _PYTHON_TYPES.get(str(kind), (object,))
    if (isinstance(value, bool) and kind != "boolean") or not isinstance(value, expected):
        edm = spec.get("x-odata-type") or _EDM.get(str(kind), "Edm.String")
        raise ServiceError(
            400, "0x0", f"Cannot convert the literal '{value}' to the expected type '{edm}'."
        )
    limit = spec.get("maxLength")
    if isinstance(value, str) and isinstance(limit, int) and len(value) > limit:
        raise ServiceError(
            400,
            "0x80044331",
            f"A validation error occurred.  The length of the '{column}' attribute of the"
            f" '{table.logical_name}' entity exceeded the maximum allowed length of '{limit}'.",
        )
    return float(value) if isinstance(value, Decimal) else value


_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}
_EDM = {
    "string": "Edm.String",
    "integer": "Edm.Int32",
    "number": "Edm.Decimal",
    "boolean": "Edm.Boolean",
}


def _invalid_key(table: Table) -> ServiceError:
    # use-alternate-key-reference-record.md, "Exceptions when using alternate keys".
    return ServiceError(
        400,
        "0x0",
        f"The key in the request URI is not valid for resource '{table.type_name}'. Ensure that"
        " the names and number of key properties match the declared or alternate key properties"
        f" for the resource '{table.type_name}'.",
    )
