"""The merge: imported schema facts and the existing schema in, the schema to write and its changes out.

The metadata decides what it knows: each column's type, format, Edm type, precision,
scale and nullability, the key, the alternate keys, the company column and the enums.
Everything else a person added is kept: the header, titles, descriptions, comments,
constraints and option sets the metadata does not state (while the column keeps its
JSON type), and keywords the import does not know. Columns: those of the existing schema,
those the specs use, and the key columns; every column when no spec uses the entity and
there is no schema yet, or when asked for all. A column the specs use that the metadata
does not have is an error at each place a spec uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator import messages
from generator.diagnostics import Diagnostics, Location, suggestion
from generator.metadata.facts import ImportedColumn, ImportedEntity
from generator.metadata.writer import JSON_SCHEMA, Document, Slot

# Keywords the metadata states whenever they apply: absent from the import means "not so".
_DECIDED = (
    "$ref",
    "type",
    "format",
    "x-odata-type",
    "x-precision",
    "x-scale",
    "x-nullable",
    "x-lookup",
)
# Keywords the metadata may be silent about: a person's value stays while the type does.
_KEPT_IF_SILENT = ("maxLength", "minimum", "maximum", "enum", "x-enum-names")
_DEFINITION_FACTS = ("type", "enum", "x-enum-values")
# x-partial is among them: what the import writes was checked against the environment, and a
# column a spec adds later is an error whose message says to import again (README, schema import).
_TOP_FACTS = ("x-key", "x-alternate-keys", "x-company", "x-partial")
# The table company-specific tables point at: a lookup to it in an alternate key is x-company.
COMPANY_TABLE = "cdm_companies"


@dataclass(frozen=True)
class Use:
    """A column a spec maps or filters on, as written there."""

    column: str
    location: Location


@dataclass
class Changes:
    created: bool = False
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    retyped: list[tuple[str, str, str]] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.created or self.added or self.removed or self.retyped or self.changed)


def _signature(spec: dict[str, Any], with_odata_type: bool) -> str:
    if "$ref" in spec:
        return "enum " + str(spec["$ref"]).rpartition("/")[2]
    lookup = spec.get("x-lookup")
    if isinstance(lookup, dict):
        return f"lookup to {lookup.get('target')} ({lookup.get('navigation-property')})"
    text = str(spec.get("type", "any"))
    if with_odata_type and "x-odata-type" in spec:
        text += f" ({spec['x-odata-type']})"
    if "format" in spec:
        text += f", format {spec['format']}"
    return text


def _json_type(spec: dict[str, Any]) -> Any:
    return spec.get("$ref") or spec.get("type")


def merge_column(column: ImportedColumn, old: dict[str, Any] | None) -> dict[str, Any]:
    merged = dict(column.facts)
    if old is None:
        if column.description:
            merged["description"] = column.description
        return merged
    same_type = _json_type(old) == _json_type(merged)
    for key in _KEPT_IF_SILENT:
        if key in old and key not in merged and same_type:
            merged[key] = old[key]
    description = old.get("description") or column.description
    if description:
        merged["description"] = description
    for key, value in old.items():
        if key not in _DECIDED and key not in _KEPT_IF_SILENT and key not in merged:
            merged[key] = value
    return merged


def _changed_keys(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    return [key for key in dict.fromkeys([*old, *new]) if old.get(key) != new.get(key)]


@dataclass
class _Merger:
    imported: ImportedEntity
    existing: Document | None
    uses: list[Use]
    all_columns: bool
    document_name: str
    diagnostics: Diagnostics
    changes: Changes = field(default_factory=Changes)

    def metadata_name(self, name: str) -> str | None:
        if name in self.imported.columns:
            return name
        folded = name.casefold()
        found = [column for column in self.imported.columns if column.casefold() == folded]
        return found[0] if len(found) == 1 else None

    def used_columns(self) -> set[str]:
        used: set[str] = set()
        for use in self.uses:
            folded = use.column.casefold()
            found = {name for name in self.imported.columns if name.casefold() == folded}
            if not found:
                self.diagnostics.report(
                    messages.METADATA_COLUMN_GONE,
                    use.location,
                    column=use.column,
                    entity=self.imported.entity_set,
                    document=self.document_name,
                    hint=suggestion(use.column, self.imported.columns),
                )
            used |= found
        return used

    def selected(self, old_properties: dict[str, Any]) -> list[str]:
        """Column names to write: the existing ones in their order, then new ones."""
        used = self.used_columns()
        if self.all_columns or (self.existing is None and not self.uses):
            wanted = set(self.imported.columns)
        else:
            wanted = used | set(self.imported.key)
            wanted.update(part for key in self.imported.alternate_keys for part in key)
        names: list[str] = []
        for name in old_properties:
            found = self.metadata_name(str(name))
            if found is None or found in names:
                self.changes.removed.append(str(name))
            else:
                names.append(found)
        names.extend(name for name in self.imported.columns if name in wanted and name not in names)
        return names

    def properties(self, old_properties: dict[str, Any], names: list[str]) -> dict[str, Any]:
        old_by_name: dict[str | None, tuple[str, dict[str, Any]]] = {}
        for old_name, spec in old_properties.items():
            old_by_name.setdefault(self.metadata_name(str(old_name)), (str(old_name), spec))
        merged: dict[str, Any] = {}
        for name in names:
            column = self.imported.columns[name]
            if name not in old_by_name:
                merged[name] = merge_column(column, None)
                self.changes.added.append((name, column.label))
                continue
            old_name, old = old_by_name[name]
            merged[name] = merge_column(column, old)
            before, after = _signature(old, True), _signature(merged[name], "x-odata-type" in old)
            if before != after:
                self.changes.retyped.append((name, before, _signature(merged[name], True)))
                continue
            keys = _changed_keys(old, merged[name])
            if old_name != name:
                keys.insert(0, f"name (was {old_name})")
            if keys:
                self.changes.changed.append((name, keys))
        return merged

    def definitions(self, properties: dict[str, Any], old_defs: dict[str, Any]) -> dict[str, Any]:
        used = [
            str(spec["$ref"]).rpartition("/")[2] for spec in properties.values() if "$ref" in spec
        ]
        order = [name for name in old_defs if name in used]
        order.extend(name for name in dict.fromkeys(used) if name not in order)
        definitions: dict[str, Any] = {}
        for name in order:
            old = old_defs.get(name) or {}
            entry = dict(old) | dict(self.imported.enums[name])
            description = old.get("description") or self.imported.enum_descriptions.get(name)
            if description:
                entry["description"] = description
            definitions[name] = entry
            keys = [key for key in _DEFINITION_FACTS if old.get(key) != entry.get(key)]
            if old and keys:
                self.changes.changed.append((f"$defs {name}", keys))
        return definitions

    def company(self, properties: dict[str, Any], alternate_keys: list[list[str]], old: Any) -> Any:
        for key in alternate_keys:
            for part in key:
                lookup = properties.get(part, {}).get("x-lookup")
                if isinstance(lookup, dict) and lookup.get("target") == COMPANY_TABLE:
                    return part
        return old if old in properties else None

    def merge(self) -> Document:
        old = self.existing.data if self.existing else {}
        old_properties = old.get("properties") or {}
        names = self.selected(old_properties)
        properties = self.properties(old_properties, names)
        definitions = self.definitions(properties, old.get("$defs") or {})
        alternate = [list(key) for key in self.imported.alternate_keys] or old.get(
            "x-alternate-keys"
        )
        data: dict[str, Any] = {
            "$schema": old.get("$schema", JSON_SCHEMA),
            "title": old.get("title") or self.imported.title,
            "description": old.get("description") or self.imported.description,
            "type": "object",
            "x-entity-set": self.imported.entity_set,
            "x-key": list(self.imported.key) or old.get("x-key"),
            "x-alternate-keys": alternate,
            "x-company": self.company(properties, alternate or [], old.get("x-company")),
            "properties": properties,
            "$defs": definitions,
        }
        data = {key: value for key, value in data.items() if value not in (None, [], {})}
        data.update(
            (key, value)
            for key, value in old.items()
            if key not in data and key not in ("$defs", *_TOP_FACTS)
        )
        self.changes.created = self.existing is None
        if self.existing is not None:
            top = [key for key in _TOP_FACTS if old.get(key) != data.get(key)]
            if top:
                self.changes.changed.append(("schema", top))
        return Document(data, *self.comments(properties, definitions, old_properties))

    def comments(
        self,
        properties: dict[str, Any],
        definitions: dict[str, Any],
        old_properties: dict[str, Any],
    ) -> tuple[list[str], dict[Slot, list[str]]]:
        if self.existing is None:
            return [], {}
        renamed = {str(name): self.metadata_name(str(name)) for name in old_properties}
        kept: dict[Slot, list[str]] = {}
        for (section, name), texts in self.existing.comments.items():
            if section == "properties":
                new_name = renamed.get(name)
                if new_name in properties:
                    kept.setdefault((section, new_name), []).extend(texts)
            elif section != "$defs" or name in definitions:
                kept[(section, name)] = texts
        return self.existing.header, kept


def merge(
    imported: ImportedEntity,
    existing: Document | None,
    uses: list[Use],
    *,
    all_columns: bool,
    document_name: str,
    diagnostics: Diagnostics,
) -> tuple[Document, Changes]:
    """The schema to write for ``imported`` and what it changes; spec problems go to diagnostics."""
    merger = _Merger(imported, existing, uses, all_columns, document_name, diagnostics)
    document = merger.merge()
    return document, merger.changes
