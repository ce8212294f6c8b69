"""Per-direction plans: what each generated function does, decided before rendering.

A plan is the last stage before text. Every choice is made here (which key is read,
what expression computes the value, which helper converts it, what the tables hold),
so the Jinja templates only lay the decisions out as Python.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from generator.backends.python import runtime
from generator.bind.resolve import Row, TableMap
from generator.diagnostics import Diagnostics
from generator.source.entity_schema import Column, EntitySchema, Kind
from generator.source.located_yaml import ScalarValue


def py_literal(value: ScalarValue) -> str:
    """A Python literal that evaluates to ``value``; repr() escapes every string safely."""
    if isinstance(value, float) and not math.isfinite(value):
        return f'float("{value}")'
    return repr(value)


def pascal_case(name: str) -> str:
    parts = re.split(r"[^0-9A-Za-z]+", name)
    return "".join(part[:1].upper() + part[1:] for part in parts if part)


def snake_case(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    snake = re.sub(r"[^0-9a-zA-Z]+", "_", spaced).strip("_").lower()
    return snake or "field"


def finance_type_name(schema: EntitySchema) -> str:
    return f"Finance{pascal_case(schema.entity_set)}"


def dataverse_type_name(schema: EntitySchema) -> str:
    return f"Dataverse{pascal_case(schema.entity_set)}"


def dataverse_payload_type_name(schema: EntitySchema) -> str:
    return f"{dataverse_type_name(schema)}Payload"


@dataclass(frozen=True)
class ValueTable:
    name: str
    annotation: str
    entries: tuple[tuple[str, str], ...]  # rendered (key, value) literals


@dataclass(frozen=True)
class Converter:
    """A private function converting one field's value in one direction."""

    name: str
    field: str
    parameter_type: str
    return_type: str
    null_result: str
    table: str | None
    key_test: str
    key: str
    keep_unmapped: bool


@dataclass(frozen=True)
class Assignment:
    target: str
    source: str | None  # None: a constant, written every time the direction runs
    expression: str


@dataclass(frozen=True)
class Direction:
    function: str
    docstring: str
    input_type: str
    output_type: str
    assignments: tuple[Assignment, ...]


@dataclass
class ModulePlan:
    module: str
    spec_path: str
    sha256: str
    template: str
    description: str
    finance_entity: str
    dataverse_table: str
    source_filter: str | None
    reverse_filter: str | None
    dataverse_query: list[str]
    source_predicate: str
    reverse_predicate: str
    finance_type: str
    dataverse_record_type: str
    to_dataverse: Direction
    to_finance: Direction
    tables: list[ValueTable] = field(default_factory=list)
    converters: list[Converter] = field(default_factory=list)
    model_imports: list[str] = field(default_factory=list)
    runtime_imports: list[str] = field(default_factory=list)
    typing_imports: list[str] = field(default_factory=list)

    @property
    def docstring(self) -> str:
        return f"{self.template}.\n\n{self.description}" if self.description else self.template


_KEY_TESTS = {
    Kind.STRING: "isinstance(value, str)",
    Kind.INTEGER: "type(value) is int",
    Kind.NUMBER: "type(value) in (int, float)",
    Kind.BOOLEAN: "isinstance(value, bool)",
    Kind.ANY: "isinstance(value, (str, int, float, bool))",
}


def _optional(column: Column) -> str:
    return "Any" if column.kind is Kind.ANY else f"{column.kind.python_type} | None"


class _Planner:
    def __init__(self, table_map: TableMap, diagnostics: Diagnostics) -> None:
        self.map = table_map
        self.diagnostics = diagnostics
        self.runtime_names: set[str] = {"ensure_record"}
        self.typing_names: set[str] = {"Final"}
        self.converters: list[Converter] = []
        self.tables: list[ValueTable] = []
        self.used_names: set[str] = set()
        self.failed = False

    def unique(self, base: str) -> str:
        name = base
        number = 2
        while name in self.used_names:
            name = f"{base}_{number}"
            number += 1
        self.used_names.add(name)
        return name

    def note_type(self, annotation: str) -> str:
        if "Any" in annotation:
            self.typing_names.add("Any")
        return annotation

    # --- conversions -------------------------------------------------------------------

    def converter(
        self,
        row: Row,
        source: Column,
        target: Column,
        to_dataverse: bool,
    ) -> str:
        """Name of a generated function for a row with a value map or a default."""
        suffix = "to_dataverse" if to_dataverse else "to_finance"
        name = self.unique(f"_{snake_case(source.name)}_{suffix}")
        default = row.default_to_dataverse if to_dataverse else row.default_to_finance
        value_map = row.value_map
        null_result: ScalarValue = None
        table = None
        key = "value"
        fold_keys = to_dataverse and source.kind in (Kind.STRING, Kind.ANY)
        if value_map is not None:
            source_index, target_index = (0, 1) if to_dataverse else (1, 0)
            entries: list[tuple[str, str]] = []
            value_types: set[str] = set()
            for pair in value_map.pairs:
                source_value, target_value = pair[source_index], pair[target_index]
                if source_value is None:
                    null_result = target_value
                    continue
                if fold_keys and isinstance(source_value, str):
                    source_value = source_value.casefold()
                entries.append((py_literal(source_value), py_literal(target_value)))
                value_types.add("None" if target_value is None else type(target_value).__name__)
            table = "_" + self.unique(name.lstrip("_").upper())
            key_type = "Any" if source.kind is Kind.ANY else source.kind.python_type
            value_type = "Any" if target.kind is Kind.ANY else target.kind.python_type
            if "None" in value_types and value_type != "Any":
                value_type = f"{value_type} | None"
            annotation = self.note_type(f"Final[dict[{key_type}, {value_type}]]")
            self.tables.append(ValueTable(table, annotation, tuple(entries)))
            self.runtime_names.add("MappingError")
            if fold_keys:
                key = "value.casefold()" if source.kind is Kind.STRING else "fold(value)"
                if source.kind is Kind.ANY:
                    self.runtime_names.add("fold")
        if default is not None:
            null_result = default.value
        self.converters.append(
            Converter(
                name=name,
                field=source.name,
                parameter_type=self.note_type(_optional(source)),
                return_type=self.note_type(_optional(target)),
                null_result=py_literal(null_result),
                table=table,
                key_test=_KEY_TESTS[source.kind],
                key=key,
                keep_unmapped=value_map.keep_unmapped if value_map else False,
            )
        )
        return name

    def to_dataverse(self, row: Row) -> Assignment | None:
        if not row.map_type.to_dataverse or row.dataverse is None:
            return None
        target_column = row.dataverse.column
        lookup = target_column.lookup
        target = f"{lookup.navigation_property}@odata.bind" if lookup else target_column.name
        if row.finance is None:
            assert row.default_to_dataverse is not None
            value = row.default_to_dataverse.value
            if lookup and row.dataverse.lookup_key:
                value = runtime.odata_bind(
                    lookup.target, row.dataverse.lookup_key, value, self.map.spec.template, target
                )
            return Assignment(target, None, py_literal(value))
        source = row.finance.name
        read = f"record[{source!r}]"
        if lookup and row.dataverse.lookup_key:
            self.runtime_names.add("odata_bind")
            expression = (
                f"odata_bind({lookup.target!r}, {row.dataverse.lookup_key!r}, {read}, "
                f"TEMPLATE, {source!r})"
            )
            return Assignment(target, source, expression)
        if row.value_map is not None or row.default_to_dataverse is not None:
            function = self.converter(row, row.finance, target_column, to_dataverse=True)
            return Assignment(target, source, f"{function}({read})")
        return Assignment(target, source, read)

    def to_finance(self, row: Row) -> Assignment | None:
        if not row.map_type.to_finance or row.finance is None:
            return None
        target = row.finance.name
        if row.dataverse is None:
            assert row.default_to_finance is not None
            return Assignment(target, None, py_literal(row.default_to_finance.value))
        column = row.dataverse.column
        if column.lookup and row.dataverse.lookup_key:
            self.runtime_names.add("expanded_key")
            navigation = column.lookup.navigation_property
            expression = (
                f"expanded_key(record[{navigation!r}], {row.dataverse.lookup_key!r}, "
                f"TEMPLATE, {navigation!r})"
            )
            return Assignment(target, navigation, expression)
        read = f"record[{column.name!r}]"
        if row.value_map is not None or row.default_to_finance is not None:
            function = self.converter(row, column, row.finance, to_dataverse=False)
            return Assignment(target, column.name, f"{function}({read})")
        return Assignment(target, column.name, read)

    def direction(self, to_dataverse: bool) -> tuple[Assignment, ...]:
        assignments: list[Assignment] = []
        writers: dict[str, Row] = {}
        label = "finance to Dataverse" if to_dataverse else "Dataverse to finance"
        for row in self.map.rows:
            assignment = self.to_dataverse(row) if to_dataverse else self.to_finance(row)
            if assignment is None:
                continue
            earlier = writers.get(assignment.target)
            if earlier is not None:
                self.failed = True
                self.diagnostics.error(
                    row.spec.location,
                    f"{assignment.target!r} is written twice in the {label} direction: "
                    f"row {row.spec.index + 1} repeats row {earlier.spec.index + 1} "
                    f"(line {earlier.spec.location.line})",
                )
                continue
            writers[assignment.target] = row
            assignments.append(assignment)
        return tuple(assignments)

    # --- module ------------------------------------------------------------------------

    def dataverse_query(self) -> list[str]:
        """The query options, one per element: $select, $expand and $filter, as present."""
        select: list[str] = []
        expand: dict[str, list[str]] = {}
        for row in self.map.rows:
            if not row.map_type.to_finance or row.dataverse is None or row.finance is None:
                continue
            column = row.dataverse.column
            if column.lookup and row.dataverse.lookup_key:
                keys = expand.setdefault(column.lookup.navigation_property, [])
                if row.dataverse.lookup_key not in keys:
                    keys.append(row.dataverse.lookup_key)
            elif column.name not in select:
                select.append(column.name)
        reverse = self.map.reverse_filter
        if reverse is not None:
            select.extend(name for name in reverse.columns if name not in select)
        options = []
        if select:
            options.append(f"$select={','.join(select)}")
        if expand:
            options.append(
                "$expand="
                + ",".join(f"{nav}($select={','.join(keys)})" for nav, keys in expand.items())
            )
        if reverse is not None:
            options.append(f"$filter={reverse.text}")
        # Joined with "&", one option per line, so a review diff shows which option changed.
        return [("&" if index else "") + option for index, option in enumerate(options)]

    def plan(self) -> ModulePlan | None:
        spec = self.map.spec
        finance_schema, dataverse_schema = self.map.finance_schema, self.map.dataverse_schema
        model_imports = []
        if finance_schema is not None:
            finance_type = finance_type_name(finance_schema)
            model_imports.append(finance_type)
        else:
            finance_type = self.note_type("dict[str, Any]")
        if dataverse_schema is not None:
            record_type = dataverse_type_name(dataverse_schema)
            payload_type = dataverse_payload_type_name(dataverse_schema)
            model_imports += [record_type, payload_type]
        else:
            record_type = payload_type = self.note_type("dict[str, Any]")
        to_dataverse = self.direction(to_dataverse=True)
        to_finance = self.direction(to_dataverse=False)
        if self.failed:
            return None
        source, reverse = self.map.source_filter, self.map.reverse_filter
        for predicate in (source, reverse):
            if predicate is not None:
                self.runtime_names.update(predicate.helpers)
        return ModulePlan(
            module=spec.module,
            spec_path=spec.path,
            sha256=spec.sha256,
            template=spec.template,
            description=spec.description,
            finance_entity=spec.finance.name.text,
            dataverse_table=spec.dataverse.name.text,
            source_filter=source.text if source else None,
            reverse_filter=reverse.text if reverse else None,
            dataverse_query=self.dataverse_query(),
            source_predicate=source.expression if source else "True",
            reverse_predicate=reverse.expression if reverse else "True",
            finance_type=finance_type,
            dataverse_record_type=record_type,
            to_dataverse=Direction(
                "finance_to_dataverse",
                f"Map a {spec.finance.name.text} record to a Web API payload for "
                f"{spec.dataverse.name.text}.",
                finance_type,
                payload_type,
                to_dataverse,
            ),
            to_finance=Direction(
                "dataverse_to_finance",
                f"Map a record of {spec.dataverse.name.text}, read with DATAVERSE_QUERY, to a "
                f"{spec.finance.name.text} OData payload.",
                record_type,
                finance_type,
                to_finance,
            ),
            tables=self.tables,
            converters=self.converters,
            model_imports=sorted(set(model_imports)),
            runtime_imports=sorted(self.runtime_names),
            typing_imports=sorted(self.typing_names),
        )


def plan_module(table_map: TableMap, diagnostics: Diagnostics) -> ModulePlan | None:
    return _Planner(table_map, diagnostics).plan()
