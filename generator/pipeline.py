"""The compiler pipeline: spec files -> validated models -> plans -> generated files.

``compile_project`` reads everything, reports every problem it finds, and returns
the full text of every output file only when there was no error, so a caller can
write all of it or none of it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from functools import partial

from generator.backends.python.record_types import render_models
from generator.backends.python.render import render_init, render_modules, render_runtime
from generator.backends.sql.dialects import DIALECTS
from generator.backends.sql.render import render_sql
from generator.bind.model import TableMap
from generator.bind.resolve import resolve
from generator.bind.unmapped import ColumnUse, column_use, report_unmapped_columns
from generator.cache import ContentCache, digest, memoized, stored_or_computed
from generator.cache_codec import Shape
from generator.diagnostics import Diagnostics
from generator.plan.model import ModulePlan
from generator.plan.planner import plan_module
from generator.reference.pages import render_docs
from generator.source.project import Layout, Project, WorkingTree, load_project
from generator.source.spec import MapSpec
from generator.source.spec_language_schema import render_spec_schema

PACKAGE = "dualwrite_maps"
SQL = "sql"
SPEC_SCHEMA = "spec.schema.json"


@dataclass
class Compilation:
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    # The specs bound in this run: all of them without a cache, with one only those it lacked.
    maps: list[TableMap] = field(default_factory=list)
    plans: list[ModulePlan] = field(default_factory=list)
    # File name inside the generated package -> its full text; empty if anything failed.
    files: dict[str, str] = field(default_factory=dict)
    # File name inside docs/maps -> its text; empty if anything failed.
    docs: dict[str, str] = field(default_factory=dict)
    spec_schema: str = ""
    templates: int = 0
    # File name inside generated/sql -> its text: each map's queries for DuckDB and Spark.
    sql: dict[str, str] = field(default_factory=dict)


def compile_cached(layout: Layout, cache: ContentCache, *, jobs: int = 1) -> Compilation:
    """``compile_project``, or its result from the cache when no input changed.

    The key is every byte under the specs folder (and the compiler's fingerprint), so a
    no-op run reads files and hashes them, and nothing else. Diagnostics are cached too:
    a warning is still printed on every run. Only the last run's entry is kept: a no-op
    follows the run before it, and entries as large as all the outputs should not pile up.
    """
    key = specs_digest(layout)
    stored = cache.get_value("run", key, _RUN)
    if stored is not None:
        return stored
    result = compile_project(layout, cache, jobs=jobs)
    # The bound maps and plans are for callers in this process; the outputs are what repeats.
    cache.put_value("run", key, _RUN, replace(result, maps=[], plans=[]))
    slot = layout.specs.as_posix()
    last = cache.get("last run", slot)
    cache.put("last run", slot, key)
    if last is not None and last != key:
        cache.discard("run", last)
    return result


def specs_digest(layout: Layout) -> str:
    """A digest of the specs folder, every file by path and bytes: all a compilation reads."""
    hashed = hashlib.sha256(layout.specs.as_posix().encode() + b"\0")
    for path in sorted((layout.root / layout.specs).rglob("*")):
        if path.is_file():
            hashed.update(path.relative_to(layout.root).as_posix().encode() + b"\0")
            hashed.update(path.read_bytes() + b"\0")
    return hashed.hexdigest()


def compile_project(
    layout: Layout, cache: ContentCache | None = None, *, jobs: int = 1
) -> Compilation:
    """Every output of the project at ``layout``, or the problems that stop it.

    With a cache, each stage reuses what it did for the same input before: a file is
    parsed, a spec bound and planned, a plan rendered only when what it reads is new.
    black and datamodel-code-generator run in up to ``jobs`` worker processes.
    """
    result = Compilation()
    diagnostics = result.diagnostics
    project = load_project(WorkingTree(layout.root), layout, diagnostics, cache)
    finance_schemas, dataverse_schemas = project.finance_schemas, project.dataverse_schemas
    bound: list[_Bound] = []
    for spec in project.specs:
        bind = partial(_bind, spec, project, result.maps)
        key = project.inputs[spec.module]
        found = memoized(cache, "bound", key, bind, diagnostics, _BOUND)
        if found is not None:
            bound.append(found)
    result.plans = [item.plan for item in bound]
    result.templates = len(result.plans)
    if diagnostics.errors:
        return result
    # Only meaningful once every spec resolved: a failed spec would leave its columns "unmapped".
    report_unmapped_columns(
        [item.columns for item in bound],
        [*finance_schemas.values(), *dataverse_schemas.values()],
        diagnostics,
    )
    modules = render_modules(result.plans, cache, [item.key for item in bound], jobs=jobs)
    files = {f"{module}.py": text for module, text in modules.items()}
    files["__init__.py"] = render_init(
        sorted(plan.module for plan in result.plans), layout.maps.as_posix(), cache
    )
    files["_runtime.py"] = render_runtime()
    files["models.py"] = render_models(
        sorted(finance_schemas.values(), key=lambda schema: schema.entity_set),
        sorted(dataverse_schemas.values(), key=lambda schema: schema.entity_set),
        cache,
        jobs=jobs,
    )
    files["py.typed"] = ""
    result.files = dict(sorted(files.items()))
    result.sql = dict(sorted(item for each in bound for item in _render_sql(each, cache).items()))
    result.docs = render_docs(project.specs, cache, project.inputs)
    result.spec_schema = render_spec_schema()
    return result


@dataclass(frozen=True)
class _Bound:
    """What later stages need of a bound spec: cached whole, keyed by what binding read."""

    plan: ModulePlan
    columns: ColumnUse
    # The key of the plan's rendered outputs: a digest of all of it.
    key: str


def _bind(
    spec: MapSpec, project: Project, maps: list[TableMap], diagnostics: Diagnostics
) -> _Bound | None:
    table_map = resolve(spec, project.finance_schemas, project.dataverse_schemas, diagnostics)
    if table_map is None:
        return None
    maps.append(table_map)
    plan = plan_module(table_map)
    return _Bound(plan, column_use(table_map), digest(repr(plan)))


def _render_sql(bound: _Bound, cache: ContentCache | None) -> dict[str, str]:
    """File name -> query text for every dialect; the SQL backend reads nothing but the plan."""

    def render() -> dict[str, str]:
        return {
            name: text
            for dialect in DIALECTS
            for name, text in render_sql(bound.plan, dialect).items()
        }

    return stored_or_computed(cache, "sql", bound.key, render, _TEXT_BY_NAME)


# What each stage's result is, as the cache stores it.
_RUN: Shape[Compilation] = Shape(Compilation)
_BOUND: Shape[_Bound | None] = Shape(_Bound | None)
_TEXT_BY_NAME: Shape[dict[str, str]] = Shape(dict[str, str])
