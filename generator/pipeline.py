"""The compiler pipeline: spec files -> validated models -> plans -> generated files.

``compile_project`` reads everything, reports every problem it finds, and returns
the full text of every output file only when there was no error, so a caller can
write all of it or none of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.backends.python.record_types import render_models
from generator.backends.python.render import render_init, render_module, render_runtime
from generator.bind.resolve import TableMap, resolve
from generator.diagnostics import Diagnostics, Location, suggestion
from generator.plan.planner import ModulePlan, plan_module
from generator.reference.pages import render_docs
from generator.source.entity_schema import EntitySchema, load_schema
from generator.source.spec import MapSpec, ValueMapSpec, read_spec, read_value_maps
from generator.source.spec_language_schema import render_spec_schema

PACKAGE = "dualwrite_maps"
SPEC_SCHEMA = "spec.schema.json"


@dataclass(frozen=True)
class Layout:
    """Where a project keeps its inputs, relative to its root."""

    root: Path
    specs: Path = Path("specs")

    @property
    def maps(self) -> Path:
        return self.specs / "maps"

    @property
    def value_maps(self) -> Path:
        return self.specs / "value_maps.yaml"

    @property
    def finance_entities(self) -> Path:
        return self.specs / "entities" / "finance"

    @property
    def dataverse_tables(self) -> Path:
        return self.specs / "entities" / "dataverse"

    def display(self, path: Path) -> str:
        """A path as diagnostics and headers show it: relative, with forward slashes."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


@dataclass
class Compilation:
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    maps: list[TableMap] = field(default_factory=list)
    plans: list[ModulePlan] = field(default_factory=list)
    # File name inside the generated package -> its full text; empty if anything failed.
    files: dict[str, str] = field(default_factory=dict)
    # File name inside docs/maps -> its text; empty if anything failed.
    docs: dict[str, str] = field(default_factory=dict)
    spec_schema: str = ""


def _yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        path for path in folder.rglob("*") if path.suffix in (".yaml", ".yml") and path.is_file()
    )


def _load_schemas(
    layout: Layout, folder: Path, diagnostics: Diagnostics
) -> dict[str, EntitySchema]:
    schemas: dict[str, EntitySchema] = {}
    for path in _yaml_files(layout.root / folder):
        display = layout.display(path)
        schema = load_schema(path, display, diagnostics)
        if schema is None:
            continue
        if schema.entity_set != path.stem:
            diagnostics.error(
                Location(display, 1, 1),
                f"x-entity-set {schema.entity_set!r} must match the file name {path.stem!r}",
            )
            continue
        schemas[schema.entity_set] = schema
    return schemas


def _read_specs(layout: Layout, diagnostics: Diagnostics) -> list[MapSpec]:
    specs: list[MapSpec] = []
    by_module: dict[str, MapSpec] = {}
    folder = layout.root / layout.maps
    paths = _yaml_files(folder)
    if not paths:
        diagnostics.error(Location(layout.maps.as_posix(), 1, 1), "no specs (*.yaml) found")
    for path in paths:
        spec = read_spec(path, layout.display(path), diagnostics)
        if spec is None:
            continue
        earlier = by_module.get(spec.module)
        if earlier is not None:
            diagnostics.error(
                Location(spec.path, 1, 1),
                f"produces module {spec.module!r}, as {earlier.path} does: rename one of them",
            )
            continue
        by_module[spec.module] = spec
        specs.append(spec)
    return specs


def _check_schema_exists(
    name: str,
    location: Location,
    schemas: dict[str, EntitySchema],
    folder: Path,
    what: str,
    diagnostics: Diagnostics,
) -> None:
    if name in schemas:
        return
    diagnostics.warning(
        location,
        f"no schema for {what} {name!r} ({folder.as_posix()}/{name}.yaml)"
        f"{suggestion(name, schemas)}: its fields are typed as JSON values and keyed as written",
    )


def _report_unmapped_columns(maps: list[TableMap], diagnostics: Diagnostics) -> None:
    """MapStruct's unmapped-target report: schema columns that no spec maps or filters on."""
    used: dict[str, set[str]] = {}
    users: dict[str, list[str]] = {}
    schemas: dict[str, EntitySchema] = {}
    for table_map in maps:
        for schema, names in (
            (table_map.finance_schema, _finance_columns(table_map)),
            (table_map.dataverse_schema, _dataverse_columns(table_map)),
        ):
            if schema is None:
                continue
            schemas[schema.path] = schema
            used.setdefault(schema.path, set()).update(names)
            users.setdefault(schema.path, []).append(table_map.spec.module)
    for path, schema in sorted(schemas.items()):
        for column in schema.columns:
            if column.name in used[path] or column.name in schema.key or column.location is None:
                continue
            diagnostics.warning(
                column.location,
                f"column {column.name!r} of {schema.entity_set} is not mapped by any spec "
                f"that uses it ({', '.join(users[path])})",
            )


def _finance_columns(table_map: TableMap) -> set[str]:
    names = {row.finance.name for row in table_map.rows if row.finance is not None}
    if table_map.source_filter is not None:
        names.update(table_map.source_filter.columns)
    return names


def _dataverse_columns(table_map: TableMap) -> set[str]:
    names = {row.dataverse.column.name for row in table_map.rows if row.dataverse is not None}
    if table_map.reverse_filter is not None:
        names.update(table_map.reverse_filter.columns)
    return names


def compile_project(layout: Layout) -> Compilation:
    result = Compilation()
    diagnostics = result.diagnostics
    finance_schemas = _load_schemas(layout, layout.finance_entities, diagnostics)
    dataverse_schemas = _load_schemas(layout, layout.dataverse_tables, diagnostics)
    value_maps: dict[str, ValueMapSpec] = {}
    if (layout.root / layout.value_maps).is_file():
        value_maps = read_value_maps(
            layout.root / layout.value_maps, layout.value_maps.as_posix(), diagnostics
        )
    for spec in _read_specs(layout, diagnostics):
        _check_schema_exists(
            spec.finance.name.text,
            spec.finance.name.location,
            finance_schemas,
            layout.finance_entities,
            "finance entity",
            diagnostics,
        )
        _check_schema_exists(
            spec.dataverse.name.text,
            spec.dataverse.name.location,
            dataverse_schemas,
            layout.dataverse_tables,
            "dataverse table",
            diagnostics,
        )
        table_map = resolve(spec, finance_schemas, dataverse_schemas, value_maps, diagnostics)
        if table_map is None:
            continue
        result.maps.append(table_map)
        plan = plan_module(table_map, diagnostics)
        if plan is not None:
            result.plans.append(plan)
    if diagnostics.errors:
        return result
    # Only meaningful once every spec resolved: a failed spec would leave its columns "unmapped".
    _report_unmapped_columns(result.maps, diagnostics)
    files = {f"{plan.module}.py": render_module(plan) for plan in result.plans}
    files["__init__.py"] = render_init(
        sorted(plan.module for plan in result.plans), layout.maps.as_posix()
    )
    files["_runtime.py"] = render_runtime()
    files["models.py"] = render_models(
        sorted(finance_schemas.values(), key=lambda schema: schema.entity_set),
        sorted(dataverse_schemas.values(), key=lambda schema: schema.entity_set),
    )
    files["py.typed"] = ""
    result.files = dict(sorted(files.items()))
    result.docs = render_docs(result.maps, value_maps)
    result.spec_schema = render_spec_schema()
    return result
