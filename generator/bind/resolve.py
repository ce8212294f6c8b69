"""Binding: a spec's names and values checked against the entity schemas.

The result, a ``TableMap``, is the validated model every later stage trusts: each
field is a schema column with its wire name, each default and value-map value is
typed and canonical (F&O enum members in the schema's spelling), and every rule of
the spec language that needs a schema has been checked here.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.bind.filters import CompiledFilter, compile_filter
from generator.diagnostics import Diagnostics, Location, suggestion
from generator.source.entity_schema import Column, EntitySchema, Kind, untyped_column
from generator.source.located_yaml import Scalar, ScalarValue
from generator.source.spec import MapSpec, MapType, Name, RowSpec, ValueMapSpec, scalar_text


@dataclass(frozen=True)
class DataverseField:
    column: Column
    # For ``nav.key`` lookups: the key column of the target table.
    lookup_key: str | None = None


@dataclass(frozen=True)
class ValueMap:
    """(finance value, dataverse value) pairs, canonical and typed."""

    pairs: tuple[tuple[ScalarValue, ScalarValue], ...]
    keep_unmapped: bool


@dataclass(frozen=True)
class Default:
    value: ScalarValue


@dataclass(frozen=True)
class Row:
    spec: RowSpec
    finance: Column | None
    dataverse: DataverseField | None
    # The default as written into each destination (enum members canonicalised).
    default_to_dataverse: Default | None
    default_to_finance: Default | None
    value_map: ValueMap | None

    @property
    def map_type(self) -> MapType:
        return self.spec.map_type


@dataclass(frozen=True)
class TableMap:
    spec: MapSpec
    finance_schema: EntitySchema | None
    dataverse_schema: EntitySchema | None
    rows: tuple[Row, ...]
    source_filter: CompiledFilter | None
    reverse_filter: CompiledFilter | None


def _compatible(source: Column, target: Column) -> bool:
    """Whether copying a value of ``source`` into ``target`` keeps its type."""
    if Kind.ANY in (source.kind, target.kind):
        return True
    if source.kind is target.kind:
        return True
    return source.kind is Kind.INTEGER and target.kind is Kind.NUMBER


def _describe(column: Column) -> str:
    if column.is_enum:
        return f"enum {column.enum_type}"
    if column.options:
        return "option set"
    return column.kind.value


class _Resolver:
    def __init__(
        self,
        spec: MapSpec,
        finance_schema: EntitySchema | None,
        dataverse_schema: EntitySchema | None,
        schemas_by_entity_set: dict[str, EntitySchema],
        value_maps: dict[str, ValueMapSpec],
        diagnostics: Diagnostics,
    ) -> None:
        self.spec = spec
        self.finance_schema = finance_schema
        self.dataverse_schema = dataverse_schema
        self.schemas_by_entity_set = schemas_by_entity_set
        self.value_maps = value_maps
        self.diagnostics = diagnostics
        self.failed = False

    def error(self, location: Location, message: str) -> None:
        self.failed = True
        self.diagnostics.error(location, message)

    # --- names -------------------------------------------------------------------------

    def column(self, schema: EntitySchema | None, name: Name, what: str) -> Column | None:
        if schema is None:
            return untyped_column(name.text)
        matches = schema.find(name.text)
        if len(matches) == 1:
            return matches[0]
        if matches:
            spelled = ", ".join(column.name for column in matches)
            self.error(
                name.location, f"{what} {name.text!r} is ambiguous in {schema.path}: {spelled}"
            )
        else:
            self.error(
                name.location,
                f"unknown {what} {name.text!r}: {schema.entity_set} has no such column"
                f"{suggestion(name.text, schema.column_names())}",
            )
        return None

    def finance_field(self, name: Name) -> Column | None:
        return self.column(self.finance_schema, name, "finance field")

    def dataverse_field(self, name: Name) -> DataverseField | None:
        column_name, dot, key = name.text.partition(".")
        if not dot:
            column = self.column(self.dataverse_schema, name, "dataverse field")
            if column is not None and column.kind is Kind.LOOKUP:
                self.error(
                    name.location,
                    f"{column.name!r} is a lookup: name the target's key column, "
                    f"as in {column.name}.<key column>",
                )
                return None
            return DataverseField(column) if column else None
        if self.dataverse_schema is None:
            self.error(
                name.location,
                f"lookup {name.text!r} has no target: table {self.spec.dataverse.name.text} "
                "has no schema to declare one",
            )
            return None
        column = self.column(self.dataverse_schema, Name(column_name, name.location), "lookup")
        if column is None:
            return None
        if column.lookup is None:
            self.error(
                name.location,
                f"lookup {name.text!r} has no target: {column.name!r} has no x-lookup in "
                f"{self.dataverse_schema.path}",
            )
            return None
        if not key or "." in key:
            self.error(name.location, f"lookup {name.text!r} must be <column>.<key column>")
            return None
        target = self.schemas_by_entity_set.get(column.lookup.target)
        if target is not None:
            matches = target.find(key)
            if len(matches) != 1:
                self.error(
                    name.location.shifted(len(column_name) + 1),
                    f"lookup key {key!r} is not a column of {target.entity_set}"
                    f"{suggestion(key, target.column_names())}",
                )
                return None
            key = matches[0].name
        return DataverseField(column, key)

    # --- values ------------------------------------------------------------------------

    def value_for(self, column: Column, scalar: Scalar, role: str) -> tuple[bool, ScalarValue]:
        """Check that ``scalar`` fits ``column``; give its canonical value."""
        value = scalar.value
        if value is None or column.kind is Kind.ANY:
            return True, value
        problem: str | None = None
        if column.is_enum:
            member = None
            if isinstance(value, str):
                member = column.enum_member(value)
            elif type(value) is int:
                member = column.enum_member_by_value(value)
            if member is not None:
                return True, member
            members = [name for name, _ in column.enum_values]
            problem = (
                f"{scalar_text(value)} is not a member of enum {column.enum_type} of "
                f"{column.name!r}{suggestion(str(value), members)}; members: {', '.join(members)}"
            )
        elif column.kind in (Kind.STRING, Kind.LOOKUP):
            if isinstance(value, str):
                return True, value
        elif column.kind is Kind.BOOLEAN:
            if isinstance(value, bool):
                return True, value
        elif column.kind is Kind.INTEGER:
            if type(value) is int:
                if column.options and value not in dict(column.options):
                    options = ", ".join(
                        f"{number} ({label})" if label else str(number)
                        for number, label in column.options
                    )
                    problem = f"{value} is not an option of {column.name!r}; options: {options}"
                else:
                    return True, value
        elif column.kind is Kind.NUMBER and type(value) in (int, float):
            return True, value
        if problem is None:
            problem = (
                f"{scalar_text(value)} does not fit column {column.name!r} "
                f"({_describe(column)})"
            )
        self.error(scalar.location, f"{role} {problem}")
        return False, None

    def default(self, column: Column | None, scalar: Scalar | None) -> Default | None:
        if column is None or scalar is None:
            return None
        ok, value = self.value_for(column, scalar, "default")
        return Default(value) if ok else None

    def value_map(self, row: RowSpec, finance: Column, dataverse: Column) -> ValueMap | None:
        spec = row.values
        if row.values_reference is not None:
            spec = self.value_maps.get(row.values_reference.text)
            if spec is None:
                self.error(
                    row.values_reference.location,
                    f"unknown value map {row.values_reference.text!r}"
                    f"{suggestion(row.values_reference.text, self.value_maps)}",
                )
                return None
        if spec is None:
            return None
        pairs: list[tuple[ScalarValue, ScalarValue]] = []
        ok = True
        for pair in spec.pairs:
            finance_ok, finance_value = self.value_for(finance, pair.finance, "value-map value")
            dataverse_ok, dataverse_value = self.value_for(
                dataverse, pair.dataverse, "value-map value"
            )
            ok = ok and finance_ok and dataverse_ok
            pairs.append((finance_value, dataverse_value))
        if not ok:
            return None
        location = row.values_reference.location if row.values_reference else spec.location
        if not self.one_to_one(row.map_type, pairs, location):
            return None
        return ValueMap(tuple(pairs), row.keep_unmapped)

    def one_to_one(
        self, map_type: MapType, pairs: list[tuple[ScalarValue, ScalarValue]], location: Location
    ) -> bool:
        sides = []
        if map_type.to_dataverse:
            sides.append((0, "finance", "finance and operations"))
        if map_type.to_finance:
            sides.append((1, "dataverse", "Dataverse"))
        ok = True
        for index, _, label in sides:
            seen: dict[object, int] = {}
            for number, pair in enumerate(pairs):
                value = pair[index]
                key = (isinstance(value, bool), value)
                if key in seen:
                    direction = (
                        "is not one-to-one"
                        if map_type.to_dataverse and map_type.to_finance
                        else "is ambiguous"
                    )
                    self.error(
                        location,
                        f"value map {direction}: {label} value {scalar_text(value)} appears in "
                        f"pairs {seen[key] + 1} and {number + 1}",
                    )
                    ok = False
                else:
                    seen[key] = number
        return ok

    # --- rows --------------------------------------------------------------------------

    def row(self, row: RowSpec) -> Row | None:
        map_type = row.map_type
        if row.finance is None and row.dataverse is None:
            self.error(row.location, "a row can't have none on both sides")
            return None
        if row.finance is None and map_type is not MapType.TO_DATAVERSE_TRANSFORMED:
            self.error(
                row.map_type_location,
                f"a row with none as finance field must use map type >> "
                f"(the Dataverse field receives the default), not {map_type.value}",
            )
            return None
        if row.dataverse is None and map_type is not MapType.TO_FINANCE_TRANSFORMED:
            self.error(
                row.map_type_location,
                f"a row with none as dataverse field must use map type << "
                f"(the finance field receives the default), not {map_type.value}",
            )
            return None
        if (row.finance is None or row.dataverse is None) and row.default is None:
            self.error(
                row.location, "a row with none on one side needs a default for the other side"
            )
            return None
        if (row.values or row.values_reference) and not map_type.transformed:
            self.error(
                row.map_type_location,
                f"a value map needs a transforming map type (><, >>, <<), not {map_type.value}",
            )
            return None
        finance = self.finance_field(row.finance) if row.finance else None
        dataverse = self.dataverse_field(row.dataverse) if row.dataverse else None
        if (row.finance and finance is None) or (row.dataverse and dataverse is None):
            return None
        if dataverse and dataverse.lookup_key and (row.values or row.values_reference):
            self.error(row.map_type_location, "value maps on lookup columns are not supported")
            return None
        if dataverse and dataverse.lookup_key and finance and row.default is not None:
            self.error(
                row.default.location,
                "a default on a lookup row that names both fields is not supported; "
                "use a none row for a constant lookup",
            )
            return None
        value_map = None
        if finance and dataverse:
            value_map = self.value_map(row, finance, dataverse.column)
            if (row.values or row.values_reference) and value_map is None:
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
            self.diagnostics.warning(
                row.map_type_location,
                f"map type {map_type.value} transforms, but the row has no value map: "
                "it copies values unchanged",
            )
        return Row(row, finance, dataverse, default_to_dataverse, default_to_finance, value_map)

    def copyable(self, row: RowSpec, finance: Column, dataverse: DataverseField) -> bool:
        if dataverse.lookup_key is not None:
            if finance.kind in (Kind.STRING, Kind.ANY) and not finance.is_enum:
                return True
            self.error(
                row.location,
                f"lookup {dataverse.column.name}.{dataverse.lookup_key} is keyed by a string, "
                f"but {finance.name!r} is {_describe(finance)}",
            )
            return False
        directions = []
        if row.map_type.to_dataverse:
            directions.append((finance, dataverse.column))
        if row.map_type.to_finance:
            directions.append((dataverse.column, finance))
        for source, target in directions:
            mismatch = not _compatible(source, target) or (
                source.is_enum != target.is_enum and Kind.ANY not in (source.kind, target.kind)
            )
            if mismatch:
                self.error(
                    row.map_type_location,
                    f"{source.name!r} ({_describe(source)}) can't be copied to "
                    f"{target.name!r} ({_describe(target)}); "
                    + (
                        "add a value map"
                        if row.map_type.transformed
                        else "add a value map and use a transforming map type (><, >>, <<)"
                    ),
                )
                return False
        return True

    def filter(
        self, scalar: Scalar | None, schema: EntitySchema | None, finance: bool
    ) -> CompiledFilter | None:
        if scalar is None:
            return None
        compiled = compile_filter(scalar, schema, self.diagnostics, finance)
        if compiled is None:
            self.failed = True
        return compiled

    def resolve(self) -> TableMap | None:
        rows = []
        for row_spec in self.spec.rows:
            row = self.row(row_spec)
            if row is None:
                self.failed = True
            else:
                rows.append(row)
        source_filter = self.filter(self.spec.finance.filter, self.finance_schema, finance=True)
        reverse_filter = self.filter(
            self.spec.dataverse.filter, self.dataverse_schema, finance=False
        )
        if self.failed:
            return None
        return TableMap(
            self.spec,
            self.finance_schema,
            self.dataverse_schema,
            tuple(rows),
            source_filter,
            reverse_filter,
        )


def resolve(
    spec: MapSpec,
    finance_schemas: dict[str, EntitySchema],
    dataverse_schemas: dict[str, EntitySchema],
    value_maps: dict[str, ValueMapSpec],
    diagnostics: Diagnostics,
) -> TableMap | None:
    """Bind ``spec`` to its schemas; None if any problem was reported."""
    finance_schema = finance_schemas.get(spec.finance.name.text)
    dataverse_schema = dataverse_schemas.get(spec.dataverse.name.text)
    return _Resolver(
        spec,
        finance_schema,
        dataverse_schema,
        dataverse_schemas,
        value_maps,
        diagnostics,
    ).resolve()
