"""The loader: a project's files (working tree or git revision) in, its checked spec set out.

Specs, ``value_maps.yaml`` and both schema folders are read here and nowhere else, and
their problems are reported here once: unreadable files, two specs that produce one
module, a schema whose ``x-entity-set`` is not its file name, a spec whose entity or table
has no schema. Named value maps are expanded here too: a row that names one gets it as
its ``values`` (``values_reference`` keeps where the name was written), so later stages
read ``row.values`` only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Protocol

from generator import messages
from generator.diagnostics import Diagnostics, Location, suggestion
from generator.source.entity_schema import EntitySchema, parse_schema
from generator.source.git_plumbing import GitFailed, list_files, read_blobs
from generator.source.spec import MapSpec, NamedValueMaps, RowSpec, parse_spec, parse_value_maps

YAML_SUFFIXES = (".yaml", ".yml")


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


@dataclass(frozen=True)
class SourceFile:
    """One input file: its path relative to the root, its name in diagnostics, its bytes."""

    path: str
    display: str
    data: bytes | None
    # Why ``data`` is None.
    problem: str = ""


class SnapshotError(Exception):
    """A folder could not be listed: ``where`` names it as diagnostics do."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(problem)
        self.where = where
        self.problem = problem


class Snapshot(Protocol):
    """The files of a project at one point: the working tree, or a git revision."""

    def yaml_files(self, folder: Path) -> list[SourceFile]:
        """The YAML files at any depth under ``folder``, by path; none if it is absent."""
        ...

    def file(self, path: Path) -> SourceFile | None:
        """The file at ``path``, or None if there is none."""
        ...


@dataclass(frozen=True)
class WorkingTree:
    root: Path

    def _source(self, path: Path) -> SourceFile:
        try:
            relative = path.relative_to(self.root).as_posix()
        except ValueError:
            relative = path.as_posix()
        try:
            return SourceFile(relative, relative, path.read_bytes())
        except OSError as error:
            return SourceFile(relative, relative, None, error.strerror or str(error))

    def yaml_files(self, folder: Path) -> list[SourceFile]:
        absolute = self.root / folder
        try:
            paths = sorted(
                path
                for path in absolute.rglob("*")
                if path.suffix in YAML_SUFFIXES and path.is_file()
            )
        except OSError as error:
            raise SnapshotError(folder.as_posix(), error.strerror or str(error)) from error
        return [self._source(path) for path in paths]

    def file(self, path: Path) -> SourceFile | None:
        absolute = self.root / path
        return self._source(absolute) if absolute.is_file() else None


@dataclass(frozen=True)
class Revision:
    """A commit's tree, read with git plumbing; files are named ``<revision>:<path>``."""

    root: Path
    name: str
    commit: str

    def _files(self, path: str, wanted: Callable[[str], bool]) -> list[SourceFile]:
        try:
            listed = [
                (name, blob)
                for name, blob in list_files(self.root, self.commit, path)
                if wanted(name)
            ]
            contents = read_blobs(self.root, [blob for _, blob in listed])
        except GitFailed as error:
            raise SnapshotError(f"{self.name}:{path}", str(error)) from error
        return [
            SourceFile(name, f"{self.name}:{name}", data)
            for (name, _), data in zip(listed, contents, strict=True)
        ]

    def yaml_files(self, folder: Path) -> list[SourceFile]:
        prefix = folder.as_posix().rstrip("/") + "/"
        return self._files(
            folder.as_posix(),
            lambda name: name.startswith(prefix) and name.endswith(YAML_SUFFIXES),
        )

    def file(self, path: Path) -> SourceFile | None:
        found = self._files(path.as_posix(), lambda name: name == path.as_posix())
        return found[0] if found else None


@dataclass(frozen=True)
class SpecSet:
    """The specs of a project, one per module in path order, named value maps expanded."""

    specs: tuple[MapSpec, ...]


@dataclass(frozen=True)
class Project(SpecSet):
    """A spec set with the entity schemas its specs are compiled against."""

    finance_schemas: dict[str, EntitySchema]
    dataverse_schemas: dict[str, EntitySchema]


def load_spec_set(snapshot: Snapshot, layout: Layout, diagnostics: Diagnostics) -> SpecSet:
    """The specs, named value maps expanded; no specs is a valid set (revisions may have none)."""
    specs, _ = _read_spec_set(snapshot, layout, diagnostics)
    return SpecSet(specs)


def load_project(snapshot: Snapshot, layout: Layout, diagnostics: Diagnostics) -> Project:
    """Everything a compilation reads: the spec set and both schema folders."""
    finance = _read_schemas(snapshot, layout.finance_entities, diagnostics)
    dataverse = _read_schemas(snapshot, layout.dataverse_tables, diagnostics)
    specs, files = _read_spec_set(snapshot, layout, diagnostics)
    if not files:
        diagnostics.report(messages.PROJECT_NO_SPECS, Location(layout.maps.as_posix()))
    for spec in specs:
        for name, schemas, folder, what in (
            (spec.finance.name, finance, layout.finance_entities, "finance entity"),
            (spec.dataverse.name, dataverse, layout.dataverse_tables, "dataverse table"),
        ):
            if name.text not in schemas:
                diagnostics.report(
                    messages.PROJECT_NO_SCHEMA,
                    name.location,
                    what=what,
                    name=name.text,
                    path=f"{folder.as_posix()}/{name.text}.yaml",
                    hint=suggestion(name.text, schemas),
                )
    return Project(specs, finance, dataverse)


def _listed(snapshot: Snapshot, folder: Path, diagnostics: Diagnostics) -> list[SourceFile]:
    try:
        return snapshot.yaml_files(folder)
    except SnapshotError as error:
        diagnostics.report(
            messages.PROJECT_UNREADABLE, Location(error.where), problem=error.problem
        )
        return []


def _data(source: SourceFile, diagnostics: Diagnostics) -> bytes | None:
    if source.data is None:
        diagnostics.report(
            messages.PROJECT_UNREADABLE, Location(source.display), problem=source.problem
        )
    return source.data


def _read_schemas(
    snapshot: Snapshot, folder: Path, diagnostics: Diagnostics
) -> dict[str, EntitySchema]:
    schemas: dict[str, EntitySchema] = {}
    for source in _listed(snapshot, folder, diagnostics):
        data = _data(source, diagnostics)
        schema = None if data is None else parse_schema(data, source.display, diagnostics)
        if schema is None:
            continue
        stem = PurePosixPath(source.path).stem
        if schema.entity_set != stem:
            diagnostics.report(
                messages.PROJECT_ENTITY_SET,
                Location(source.display),
                entity_set=schema.entity_set,
                stem=stem,
            )
            continue
        schemas[schema.entity_set] = schema
    return schemas


def _read_value_maps(
    snapshot: Snapshot, layout: Layout, diagnostics: Diagnostics
) -> NamedValueMaps:
    try:
        source = snapshot.file(layout.value_maps)
    except SnapshotError as error:
        diagnostics.report(
            messages.PROJECT_UNREADABLE, Location(error.where), problem=error.problem
        )
        return NamedValueMaps({}, complete=False)
    if source is None:
        return NamedValueMaps({}, complete=True)
    data = _data(source, diagnostics)
    if data is None:
        return NamedValueMaps({}, complete=False)
    return parse_value_maps(data, source.display, diagnostics)


def _read_spec_set(
    snapshot: Snapshot, layout: Layout, diagnostics: Diagnostics
) -> tuple[tuple[MapSpec, ...], int]:
    """The specs, expanded, and how many spec files there were."""
    named = _read_value_maps(snapshot, layout, diagnostics)
    sources = _listed(snapshot, layout.maps, diagnostics)
    by_module: dict[str, MapSpec] = {}
    for source in sources:
        data = _data(source, diagnostics)
        module = PurePosixPath(source.path).stem
        spec = None if data is None else parse_spec(data, source.display, module, diagnostics)
        if spec is None:
            continue
        earlier = by_module.get(spec.module)
        if earlier is not None:
            diagnostics.report(
                messages.PROJECT_DUPLICATE_MODULE,
                Location(spec.path),
                module=spec.module,
                other=earlier.path,
            )
            continue
        by_module[spec.module] = _expanded(spec, named, diagnostics)
    return tuple(by_module.values()), len(sources)


def _expanded(spec: MapSpec, named: NamedValueMaps, diagnostics: Diagnostics) -> MapSpec:
    """``spec`` with each value-map name replaced by the value map it names."""
    rows: list[RowSpec] = []
    for row in spec.rows:
        reference = row.values_reference
        values = None if reference is None else named.maps.get(reference.text)
        if reference is not None and values is None and named.complete:
            diagnostics.report(
                messages.VALUE_MAP_UNKNOWN,
                reference.location,
                name=reference.text,
                hint=suggestion(reference.text, named.maps),
            )
        rows.append(row if values is None else replace(row, values=values))
    return replace(spec, rows=tuple(rows))
