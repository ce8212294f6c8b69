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
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Protocol

from generator import messages
from generator.cache import ContentCache, digest, memoized
from generator.cache_codec import Shape
from generator.diagnostics import Diagnostics, Location, suggestion
from generator.source.entity_schema import EntitySchema, parse_schema
from generator.source.git_plumbing import GitFailed, list_files, read_blobs
from generator.source.spec import MapSpec, NamedValueMaps, RowSpec, parse_spec, parse_value_maps

YAML_SUFFIXES = (".yaml", ".yml")

# What each file parses to, as the cache stores it.
_SCHEMA: Shape[EntitySchema | None] = Shape(EntitySchema | None)
_VALUE_MAPS: Shape[NamedValueMaps] = Shape(NamedValueMaps)
_SPEC: Shape[MapSpec | None] = Shape(MapSpec | None)


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
    # Module -> a digest of everything its spec's binding can read: its own file, value
    # maps, every schema (a lookup reads another table's). Caches of later stages key by it.
    inputs: dict[str, str]


def load_spec_set(snapshot: Snapshot, layout: Layout, diagnostics: Diagnostics) -> SpecSet:
    """The specs, named value maps expanded; no specs is a valid set (revisions may have none)."""
    return SpecSet(_read_spec_set(snapshot, layout, diagnostics, None).specs)


def load_project(
    snapshot: Snapshot,
    layout: Layout,
    diagnostics: Diagnostics,
    cache: ContentCache | None = None,
) -> Project:
    """Everything a compilation reads: the spec set and both schema folders.

    With a cache, each file is parsed only when its bytes are new: an edit to one spec
    parses one file."""
    finance = _read_schemas(snapshot, layout.finance_entities, diagnostics, cache)
    dataverse = _read_schemas(snapshot, layout.dataverse_tables, diagnostics, cache)
    read = _read_spec_set(snapshot, layout, diagnostics, cache)
    specs = read.specs
    shared = digest(read.value_maps_key, *finance.keys, "\0", *dataverse.keys)
    inputs = {module: digest(key, shared) for module, key in read.keys.items()}
    if not read.files:
        diagnostics.report(messages.PROJECT_NO_SPECS, Location(layout.maps.as_posix()))
    for spec in specs:
        for name, folder_read, folder, what in (
            (spec.finance.name, finance, layout.finance_entities, "finance entity"),
            (spec.dataverse.name, dataverse, layout.dataverse_tables, "dataverse table"),
        ):
            # A file that is there but failed has its own error; "no schema" would mislead.
            if name.text not in folder_read.schemas and name.text not in folder_read.failed:
                diagnostics.report(
                    messages.PROJECT_NO_SCHEMA,
                    name.location,
                    what=what,
                    name=name.text,
                    path=f"{folder.as_posix()}/{name.text}.yaml",
                    hint=suggestion(name.text, folder_read.schemas),
                )
    return Project(specs, finance.schemas, dataverse.schemas, inputs)


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


def _source_key(kind: str, source: SourceFile, *more: str) -> str:
    """A digest of everything parsing ``source`` reads."""
    return digest(kind, source.path, source.display, source.data or b"", source.problem, *more)


@dataclass(frozen=True)
class _ReadSchemas:
    schemas: dict[str, EntitySchema]  # by entity set
    keys: list[str]  # one per file: what the set was made of
    failed: set[str]  # the names of files that are there but gave no schema (each reported)


def _read_schemas(
    snapshot: Snapshot, folder: Path, diagnostics: Diagnostics, cache: ContentCache | None
) -> _ReadSchemas:
    read = _ReadSchemas({}, [], set())
    for source in _listed(snapshot, folder, diagnostics):
        key = _source_key("schema", source)
        read.keys.append(key)
        stem = PurePosixPath(source.path).stem
        schema = _schema(source, key, stem, diagnostics, cache)
        if schema is None:
            read.failed.add(stem)
        else:
            read.schemas[schema.entity_set] = schema
    return read


def _schema(
    source: SourceFile,
    key: str,
    stem: str,
    diagnostics: Diagnostics,
    cache: ContentCache | None,
) -> EntitySchema | None:
    """The file's schema; None, with the problem reported, if it cannot be read or parsed or
    names another entity set than its file name."""
    data = _data(source, diagnostics)
    if data is None:
        return None
    parse = partial(parse_schema, data, source.display)
    schema = memoized(cache, "schema", key, parse, diagnostics, _SCHEMA)
    if schema is not None and schema.entity_set != stem:
        diagnostics.report(
            messages.PROJECT_ENTITY_SET,
            Location(source.display),
            entity_set=schema.entity_set,
            stem=stem,
        )
        return None
    return schema


def _read_value_maps(
    snapshot: Snapshot, layout: Layout, diagnostics: Diagnostics, cache: ContentCache | None
) -> tuple[NamedValueMaps, str]:
    """The named value maps, and a key naming what they were made of."""
    try:
        source = snapshot.file(layout.value_maps)
    except SnapshotError as error:
        diagnostics.report(
            messages.PROJECT_UNREADABLE, Location(error.where), problem=error.problem
        )
        return NamedValueMaps({}, complete=False), digest("unreadable")
    if source is None:
        return NamedValueMaps({}, complete=True), digest("absent")
    key = _source_key("value maps", source)
    data = _data(source, diagnostics)
    if data is None:
        return NamedValueMaps({}, complete=False), key
    parse = partial(parse_value_maps, data, source.display)
    named = memoized(cache, "value maps", key, parse, diagnostics, _VALUE_MAPS)
    return named, key


@dataclass(frozen=True)
class _ReadSpecs:
    specs: tuple[MapSpec, ...]
    files: int  # how many spec files there were
    value_maps_key: str
    keys: dict[str, str]  # module -> the key of its spec file


def _read_spec_set(
    snapshot: Snapshot, layout: Layout, diagnostics: Diagnostics, cache: ContentCache | None
) -> _ReadSpecs:
    """The specs, expanded."""
    named, value_maps_key = _read_value_maps(snapshot, layout, diagnostics, cache)
    sources = _listed(snapshot, layout.maps, diagnostics)
    by_module: dict[str, MapSpec] = {}
    keys: dict[str, str] = {}
    for source in sources:
        data = _data(source, diagnostics)
        module = PurePosixPath(source.path).stem
        key = _source_key("spec", source, module)
        spec = (
            None
            if data is None
            else memoized(
                cache,
                "spec",
                key,
                partial(parse_spec, data, source.display, module),
                diagnostics,
                _SPEC,
            )
        )
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
        keys[spec.module] = key
    return _ReadSpecs(tuple(by_module.values()), len(sources), value_maps_key, keys)


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
