"""Binding and validation: a spec and the entity schemas in, a validated ``TableMap`` out.

This is the one place the rules of the spec language that need a schema are checked,
each reported at its location; planning trusts the result and never reports.
"""

from __future__ import annotations

import difflib

from generator import messages
from generator.bind.company_keys import CompanyKeyChecker
from generator.bind.filters import BoundFilter, bind_filter
from generator.bind.model import DataverseField, Default, Row, TableMap, ValueMap
from generator.bind.values import ValueChecker, compatible, describe
from generator.diagnostics import Diagnostics, Location, Message, suggestion
from generator.source.entity_schema import Column, EntitySchema, Kind, untyped_column
from generator.source.located_yaml import Scalar, ScalarValue
from generator.source.spec import MapSpec, MapType, Name, RowSpec, ValueMapSpec


class _Resolver:
    def __init__(
        self,
        spec: MapSpec,
        finance_schema: EntitySchema | None,
        dataverse_schema: EntitySchema | None,
        schemas_by_entity_set: dict[str, EntitySchema],
        diagnostics: Diagnostics,
    ) -> None:
        self.spec = spec
        self.finance_schema = finance_schema
        self.dataverse_schema = dataverse_schema
        self.schemas_by_entity_set = schemas_by_entity_set
        self.diagnostics = diagnostics
        self.values = ValueChecker(diagnostics)
        self.scope = CompanyKeyChecker(
            spec, finance_schema, dataverse_schema, schemas_by_entity_set, diagnostics
        )
        self.failed = False
        # Names a map uses that partial schemas do not list, by schema path.
        self.unlisted: dict[str, tuple[EntitySchema, list[Name]]] = {}

    def error(self, location: Location, message: Message, **fields: object) -> None:
        self.failed = True
        self.diagnostics.report(message, location, **fields)

    # --- names -------------------------------------------------------------------------

    def column(
        self, schema: EntitySchema | None, name: Name, what: str, *, typed: bool = False
    ) -> Column | None:
        """The column ``name`` stands for; ``typed`` when an untyped stand-in can't serve."""
        if schema is None:
            return untyped_column(name.text)
        matches = schema.find(name.text)
        if len(matches) == 1:
            return matches[0]
        if matches:
            self.error(
                name.location,
                messages.FIELD_AMBIGUOUS,
                what=what,
                name=name.text,
                path=schema.path,
                spellings=", ".join(column.name for column in matches),
            )
        elif schema.partial and not typed:
            self.unlisted.setdefault(schema.path, (schema, []))[1].append(name)
            return untyped_column(name.text)
        else:
            self.error(
                name.location,
                messages.FIELD_UNKNOWN,
                what=what,
                name=name.text,
                entity=schema.entity_set,
                hint=suggestion(name.text, schema.column_names()) + _completion(schema),
            )
        return None

    def reaches_past(self, schema: EntitySchema | None) -> bool:
        return schema is not None and schema.path in self.unlisted

    def report_unlisted(self) -> None:
        """One warning per partial schema a map reaches past, naming every column it lacks."""
        for schema, names in self.unlisted.values():
            columns = ", ".join(repr(name.text) + _near_miss(name.text, schema) for name in names)
            self.diagnostics.report(
                messages.SCHEMA_PARTIAL_UNLISTED,
                names[0].location,
                entity=schema.entity_set,
                path=schema.path,
                columns=columns,
                command=_import_command(schema),
            )

    def dataverse_field(self, name: Name) -> DataverseField | None:
        column_name, dot, key = name.text.partition(".")
        if not dot:
            column = self.column(self.dataverse_schema, name, "dataverse field")
            if column is not None and column.kind is Kind.LOOKUP:
                self.error(name.location, messages.LOOKUP_WITHOUT_KEY, name=column.name)
                return None
            return DataverseField(column) if column else None
        if self.dataverse_schema is None:
            self.error(
                name.location,
                messages.LOOKUP_NO_SCHEMA,
                name=name.text,
                table=self.spec.dataverse.name.text,
            )
            return None
        # An unlisted column of a partial schema declares no target: the lookup needs its schema.
        column = self.column(
            self.dataverse_schema, Name(column_name, name.location), "lookup", typed=True
        )
        if column is None:
            return None
        if column.lookup is None:
            self.error(
                name.location,
                messages.LOOKUP_NO_TARGET,
                name=name.text,
                column=column.name,
                path=self.dataverse_schema.path,
            )
            return None
        if not key or "." in key:
            self.error(name.location, messages.LOOKUP_SHAPE, name=name.text)
            return None
        target = self.schemas_by_entity_set.get(column.lookup.target)
        if target is None:
            # Without the target's schema nothing says the entity set or its key exist.
            self.error(
                name.location,
                messages.LOOKUP_TARGET_UNKNOWN,
                target=column.lookup.target,
                column=column.name,
                hint=suggestion(column.lookup.target, self.schemas_by_entity_set),
            )
            return None
        matches = target.find(key)
        if len(matches) != 1:
            self.error(
                name.location.shifted(len(column_name) + 1),
                messages.LOOKUP_KEY_UNKNOWN,
                key=key,
                target=target.entity_set,
                hint=suggestion(key, target.column_names()) + _completion(target),
            )
            return None
        target_company = self.scope.target_company(target, matches[0].name, name.location)
        if target_company is None:
            return None
        return DataverseField(
            column,
            matches[0].name,
            target_company or None,
            matches[0].constraints.max_length,
        )

    # --- values ------------------------------------------------------------------------

    def default(self, column: Column | None, scalar: Scalar | None) -> Default | None:
        if column is None or scalar is None:
            return None
        ok, value = self.values.value_for(column, scalar, "default")
        return Default(value) if ok else None

    def value_map(self, row: RowSpec, finance: Column, dataverse: Column) -> ValueMap | None:
        spec: ValueMapSpec | None = row.values
        if spec is None:
            return None
        pairs: list[tuple[ScalarValue, ScalarValue]] = []
        ok = True
        for pair in spec.pairs:
            finance_ok, finance_value = self.values.value_for(
                finance, pair.finance, "value-map value"
            )
            dataverse_ok, dataverse_value = self.values.value_for(
                dataverse, pair.dataverse, "value-map value"
            )
            ok = ok and finance_ok and dataverse_ok
            pairs.append((finance_value, dataverse_value))
        if not ok:
            return None
        location = row.values_reference.location if row.values_reference else spec.location
        if not self.values.one_to_one(row.map_type, pairs, location):
            return None
        if row.keep_unmapped and not self.keep_fits(row, finance, dataverse):
            return None
        return ValueMap(spec.name, tuple(pairs), row.keep_unmapped)

    def keep_fits(self, row: RowSpec, finance: Column, dataverse: Column) -> bool:
        """``unmapped: keep`` writes unlisted source values as they are: the types must agree."""
        return self.types_agree(row, finance, dataverse, messages.KEEP_WRONG_TYPE)

    def types_agree(
        self, row: RowSpec, finance: Column, dataverse: Column, message: Message, **fields: object
    ) -> bool:
        """Whether every direction the row writes carries its source's type to its target."""
        directions = []
        if row.map_type.to_dataverse:
            directions.append((finance, dataverse))
        if row.map_type.to_finance:
            directions.append((dataverse, finance))
        for source, target in directions:
            if not compatible(source, target):
                self.error(
                    row.map_type_location,
                    message,
                    source=source.name,
                    source_type=describe(source),
                    target=target.name,
                    target_type=describe(target),
                    **fields,
                )
                return False
        return True

    # --- rows --------------------------------------------------------------------------

    def row_shape(self, row: RowSpec) -> bool:
        map_type = row.map_type
        if row.values_reference is not None and row.values is None:
            # An unknown value-map name, already reported where the spec set was loaded.
            self.failed = True
            return False
        if row.finance is None and row.dataverse is None:
            self.error(row.location, messages.ROW_NONE_BOTH)
        elif row.finance is None and map_type is not MapType.TO_DATAVERSE_TRANSFORMED:
            self.error(row.map_type_location, messages.ROW_NONE_FINANCE, symbol=map_type.value)
        elif row.dataverse is None and map_type is not MapType.TO_FINANCE_TRANSFORMED:
            self.error(row.map_type_location, messages.ROW_NONE_DATAVERSE, symbol=map_type.value)
        elif (row.finance is None or row.dataverse is None) and row.default is None:
            self.error(row.location, messages.ROW_NONE_NO_DEFAULT)
        elif row.values is not None and not map_type.transformed:
            self.error(row.map_type_location, messages.ROW_VALUES_PLAIN, symbol=map_type.value)
        else:
            return True
        return False

    def lookup_value_map(self, row: RowSpec, dataverse: DataverseField) -> None:
        """A lookup binds the target's row by the finance value as it is: say what does work."""
        lookup = dataverse.column.lookup
        assert row.values is not None and row.dataverse is not None and lookup is not None
        reference = row.values_reference
        self.error(
            reference.location if reference else row.values.location,
            messages.LOOKUP_VALUE_MAP,
            name=row.dataverse.text,
            target=lookup.target,
            key=dataverse.lookup_key,
            plain=row.map_type.plain.value,
            column=dataverse.column.name,
        )

    def row(self, row: RowSpec) -> Row | None:
        if not self.row_shape(row):
            return None
        map_type = row.map_type
        finance = (
            self.column(self.finance_schema, row.finance, "finance field") if row.finance else None
        )
        dataverse = self.dataverse_field(row.dataverse) if row.dataverse else None
        if (row.finance and finance is None) or (row.dataverse and dataverse is None):
            return None
        if dataverse and dataverse.lookup_key and row.values is not None:
            self.lookup_value_map(row, dataverse)
            return None
        if dataverse and dataverse.lookup_key and finance and row.default is not None:
            self.error(row.default.location, messages.LOOKUP_DEFAULT)
            return None
        value_map = None
        if finance and dataverse:
            value_map = self.value_map(row, finance, dataverse.column)
            if row.values is not None and value_map is None:
                return None
            if value_map is None and not self.copyable(row, finance, dataverse):
                return None
        default_to_dataverse = (
            self.default(dataverse.column if dataverse else None, row.default)
            if map_type.to_dataverse
            else None
        )
        default_to_finance = self.default(finance, row.default) if map_type.to_finance else None
        if row.default is not None and default_to_dataverse is None and default_to_finance is None:
            return None
        if value_map is None and map_type.transformed and finance and dataverse:
            self.diagnostics.report(
                messages.TRANSFORM_WITHOUT_MAP, row.map_type_location, symbol=map_type.value
            )
        return Row(row, finance, dataverse, default_to_dataverse, default_to_finance, value_map)

    def copyable(self, row: RowSpec, finance: Column, dataverse: DataverseField) -> bool:
        if dataverse.lookup_key is not None:
            if finance.kind in (Kind.STRING, Kind.ANY) and not finance.is_enum:
                return True
            self.error(
                row.location,
                messages.LOOKUP_KEY_TYPE,
                lookup=f"{dataverse.column.name}.{dataverse.lookup_key}",
                name=finance.name,
                type=describe(finance),
            )
            return False
        return self.types_agree(
            row,
            finance,
            dataverse.column,
            messages.COPY_WRONG_TYPE,
            fix=(
                "add a value map"
                if row.map_type.transformed
                else "add a value map and use a transforming map type (><, >>, <<)"
            ),
        )

    def written_once(self, rows: list[Row]) -> None:
        """Two rows that write one field in one direction would overwrite each other."""
        for label, targets in (
            ("finance to Dataverse", _dataverse_target),
            ("Dataverse to finance", _finance_target),
        ):
            writers: dict[str, Row] = {}
            for row in rows:
                target = targets(row)
                if target is None:
                    continue
                earlier = writers.setdefault(target, row)
                if earlier is not row:
                    self.error(
                        row.spec.location,
                        messages.WRITTEN_TWICE,
                        target=target,
                        direction=label,
                        row=row.spec.index + 1,
                        earlier=earlier.spec.index + 1,
                        line=earlier.spec.location.line,
                    )

    def filter(
        self, scalar: Scalar | None, schema: EntitySchema | None, finance: bool
    ) -> BoundFilter | None:
        if scalar is None:
            return None
        bound = bind_filter(scalar, schema, self.diagnostics, finance)
        if bound is None:
            self.failed = True
        return bound

    def resolve(self) -> TableMap | None:
        rows = []
        for row_spec in self.spec.rows:
            row = self.row(row_spec)
            if row is None:
                self.failed = True
            else:
                rows.append(row)
        self.report_unlisted()
        self.written_once(rows)
        company = self.scope.company()
        if company is not None:
            self.company_not_mapped(rows, company.lookup)
        # A row that failed to bind would make its key field look unmapped: no cascades.
        key = self.scope.key(rows, company) if not self.failed else None
        source_filter = self.filter(self.spec.finance.filter, self.finance_schema, finance=True)
        reverse_filter = self.filter(
            self.spec.dataverse.filter, self.dataverse_schema, finance=False
        )
        if self.failed or self.values.failed or self.scope.failed:
            return None
        # A side that reaches past its partial schema is untyped, as one without a schema is:
        # the schema's record types can't name the columns it lacks.
        return TableMap(
            self.spec,
            None if self.reaches_past(self.finance_schema) else self.finance_schema,
            None if self.reaches_past(self.dataverse_schema) else self.dataverse_schema,
            tuple(rows),
            source_filter,
            reverse_filter,
            company,
            key,
        )

    def company_not_mapped(self, rows: list[Row], lookup: Column) -> None:
        """The compiler maps the company pair itself; a row that maps it too would clash."""
        assert lookup.lookup is not None
        bind = f"{lookup.lookup.navigation_property}@odata.bind"
        for row in rows:
            finance = row.finance.name if row.finance else None
            if _dataverse_target(row) == bind or (
                finance is not None and finance.casefold() == "dataareaid"
            ):
                self.error(row.spec.location, messages.COMPANY_ROW)


def _near_miss(name: str, schema: EntitySchema) -> str:
    """A suggestion only for a likely typo: a partial schema's columns are no list of choices."""
    listed = {column.name.casefold(): column.name for column in schema.columns}
    close = difflib.get_close_matches(name.casefold(), list(listed), n=1, cutoff=0.85)
    return f" (did you mean {listed[close[0]]!r}?)" if close else ""


def _import_command(schema: EntitySchema) -> str:
    return f"`python -m generator schema import METADATA.xml {schema.entity_set}`"


def _completion(schema: EntitySchema) -> str:
    """How to add a column the environment has but the schema lacks (the import writes it)."""
    return (
        f"; if your environment's {schema.entity_set} has it, add it to the schema: "
        f"{_import_command(schema)}"
    )


def _dataverse_target(row: Row) -> str | None:
    if not row.map_type.to_dataverse or row.dataverse is None:
        return None
    lookup = row.dataverse.column.lookup
    if lookup is not None:
        return f"{lookup.navigation_property}@odata.bind"
    return row.dataverse.column.name


def _finance_target(row: Row) -> str | None:
    if not row.map_type.to_finance or row.finance is None:
        return None
    return row.finance.name


def resolve(
    spec: MapSpec,
    finance_schemas: dict[str, EntitySchema],
    dataverse_schemas: dict[str, EntitySchema],
    diagnostics: Diagnostics,
) -> TableMap | None:
    """Bind ``spec`` to its schemas; None if any problem was reported."""
    return _Resolver(
        spec,
        finance_schemas.get(spec.finance.name.text),
        dataverse_schemas.get(spec.dataverse.name.text),
        dataverse_schemas,
        diagnostics,
    ).resolve()
