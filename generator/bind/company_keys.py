"""Company scope and integration keys: a spec's declarations and its schemas in, checked scope and key out.

Dual-write's rules (DIPV1002, 1003, 1004, 1014, 1015): a map is company-specific on both
sides or on neither; every key field is mapped, both ways on a bidirectional map, with
no default and no value map; the mapped Dataverse columns, with the company, form an
alternate key the table declares.
"""

from __future__ import annotations

from generator import messages
from generator.bind.model import BoundCompany, BoundKey, KeyField, Row
from generator.diagnostics import Diagnostics, Location, Message, suggestion
from generator.source.entity_schema import EntitySchema
from generator.source.spec import MapSpec, MapType

COMPANY_FIELD = "dataAreaId"


class CompanyKeyChecker:
    def __init__(
        self,
        spec: MapSpec,
        finance: EntitySchema | None,
        dataverse: EntitySchema | None,
        schemas_by_entity_set: dict[str, EntitySchema],
        diagnostics: Diagnostics,
    ) -> None:
        self.spec = spec
        self.finance = finance
        self.dataverse = dataverse
        self.schemas = schemas_by_entity_set
        self.diagnostics = diagnostics
        self.failed = False

    def error(self, location: Location, message: Message, **fields: object) -> None:
        self.failed = True
        self.diagnostics.report(message, location, **fields)

    def company(self) -> BoundCompany | None:
        declared = self.spec.company
        finance_striped = self.finance is not None and any(
            name.casefold() == COMPANY_FIELD.casefold() for name in self.finance.key
        )
        dataverse_striped = self.dataverse is not None and self.dataverse.company is not None
        if declared is None:
            self.error(
                self.spec.location,
                messages.COMPANY_MISSING,
                scope="striped" if finance_striped or dataverse_striped else "global",
            )
            return None
        if (
            self.finance is not None
            and self.dataverse is not None
            and finance_striped != dataverse_striped
        ):
            self.error(
                declared.location,
                messages.COMPANY_ONE_SIDED,
                entity=self.finance.entity_set,
                finance="is" if finance_striped else "is not",
                table=self.dataverse.entity_set,
                dataverse="is" if dataverse_striped else "is not",
            )
            return None
        evidence = (
            (finance_striped, self.finance.path)
            if self.finance is not None
            else (dataverse_striped, self.dataverse.path) if self.dataverse is not None else None
        )
        if evidence is not None and evidence[0] != declared.striped:
            self.error(
                declared.location,
                messages.COMPANY_DECLARED_WRONG,
                declared="striped" if declared.striped else "global",
                actual="striped" if evidence[0] else "global",
                path=evidence[1],
            )
            return None
        if not declared.striped:
            return None
        if self.dataverse is None or self.dataverse.company is None:
            self.error(declared.location, messages.COMPANY_NEEDS_SCHEMA)
            return None
        lookup = self.dataverse.column(self.dataverse.company)
        assert lookup is not None and lookup.lookup is not None
        code = self.single_key(lookup.lookup.target, declared.location)
        if code is None:
            return None
        return BoundCompany(COMPANY_FIELD, lookup, code)

    def single_key(self, entity_set: str, location: Location) -> str | None:
        """The one-column alternate key a company is bound by (cdm_companycode)."""
        target = self.schemas.get(entity_set)
        keys = [key[0] for key in target.alternate_keys if len(key) == 1] if target else []
        if not keys:
            self.error(location, messages.COMPANY_TARGET_KEY, target=entity_set)
            return None
        return keys[0]

    def target_company(self, target: EntitySchema, key: str, location: Location) -> str | None:
        """For a lookup bound by ``key``: the target's company column, if its key needs one.

        Returns "" when the target is global. A target key with a column the record
        cannot supply is an error here, not a surprise from the Web API.
        """
        for columns in target.alternate_keys:
            if key not in columns:
                continue
            others = [column for column in columns if column != key]
            if not others:
                return ""
            if others == [target.company] and target.company is not None:
                if self.spec.company is None or not self.spec.company.striped:
                    self.error(
                        location, messages.LOOKUP_COMPANY_FROM_GLOBAL, target=target.entity_set
                    )
                    return None
                return target.company
        declared = "; ".join(", ".join(columns) for columns in target.alternate_keys) or "none"
        self.error(
            location,
            messages.LOOKUP_NOT_ALTERNATE_KEY,
            key=key,
            target=target.entity_set,
            keys=declared,
        )
        return None

    def key(self, rows: list[Row], company: BoundCompany | None) -> BoundKey | None:
        if not self.spec.key:
            return None
        bidirectional = any(r.map_type.to_dataverse for r in rows) and any(
            r.map_type.to_finance for r in rows
        )
        fields: list[KeyField] = []
        for name in self.spec.key:
            row = next(
                (
                    r
                    for r in rows
                    if r.finance is not None and r.finance.name.casefold() == name.text.casefold()
                ),
                None,
            )
            if row is None or row.finance is None or row.dataverse is None:
                mapped = [r.finance.name for r in rows if r.finance is not None]
                self.error(
                    name.location,
                    messages.KEY_NOT_MAPPED,
                    name=name.text,
                    hint=suggestion(name.text, mapped),
                )
                continue
            if bidirectional and not (row.map_type.to_dataverse and row.map_type.to_finance):
                self.error(
                    row.spec.map_type_location,
                    messages.KEY_ONE_WAY,
                    name=row.finance.name,
                    symbol=row.map_type.value,
                )
            elif row.spec.default is not None or (
                # Only an exact one-to-one map keeps key values stable both ways.
                row.value_map is not None
                and (row.map_type is not MapType.BOTH_TRANSFORMED or row.value_map.keep_unmapped)
            ):
                self.error(row.spec.location, messages.KEY_TRANSFORMED, name=row.finance.name)
            else:
                fields.append(KeyField(row.finance, row.dataverse.column, row))
        if self.failed:
            return None
        columns = {field.dataverse.name for field in fields}
        if company is not None:
            columns.add(company.lookup.name)
        if self.dataverse is None:
            return BoundKey(tuple(fields), tuple(field.dataverse.name for field in fields))
        for declared in self.dataverse.alternate_keys:
            if set(declared) == columns and len(declared) == len(columns):
                return BoundKey(tuple(fields), declared)
        self.error(
            self.spec.key_location,
            messages.KEY_NOT_ALTERNATE_KEY,
            columns=", ".join(sorted(columns)),
            table=self.dataverse.entity_set,
            keys="; ".join(", ".join(key) for key in self.dataverse.alternate_keys) or "none",
        )
        return None
