"""The compiler pipeline: spec files -> validated models -> plans -> generated files.

``compile_project`` reads everything, reports every problem it finds, and returns
the full text of every output file only when there was no error, so a caller can
write all of it or none of it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from generator.backends.python.record_types import render_models
from generator.backends.python.render import render_init, render_modules, render_runtime
from generator.backends.sql.dialects import DIALECTS
from generator.backends.sql.render import render_sql
from generator.bind.model import TableMap
from generator.bind.resolve import resolve
from generator.bind.unmapped import report_unmapped_columns
from generator.cache import ContentCache
from generator.diagnostics import Diagnostic, Diagnostics, Location, Severity
from generator.plan.model import ModulePlan
from generator.plan.planner import plan_module
from generator.reference.pages import render_docs
from generator.source.project import Layout, WorkingTree, load_project
from generator.source.spec_language_schema import render_spec_schema

PACKAGE = "dualwrite_maps"
SQL = "sql"
SPEC_SCHEMA = "spec.schema.json"


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
    templates: int = 0
    # File name inside generated/sql -> its text: each map's queries for DuckDB and Spark.
    sql: dict[str, str] = field(default_factory=dict)


def compile_cached(layout: Layout, cache: ContentCache) -> Compilation:
    """``compile_project``, or its result from the cache when no input changed.

    The key is every byte under the specs folder (and the compiler's fingerprint), so a
    no-op run reads files and hashes them, and nothing else. Diagnostics are cached too:
    a warning is still printed on every run.
    """
    digest = hashlib.sha256(layout.specs.as_posix().encode() + b"\0")
    for path in sorted((layout.root / layout.specs).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(layout.root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    key = digest.hexdigest()
    stored = cache.get("run", key)
    if stored is not None:
        return _from_json(stored)
    result = compile_project(layout, cache)
    cache.put("run", key, _to_json(result))
    return result


def _to_json(result: Compilation) -> str:
    diagnostics = [
        [d.code, d.severity.value, d.location.path, d.location.line, d.location.column, d.message]
        for d in result.diagnostics.items
    ]
    return json.dumps(
        {
            "diagnostics": diagnostics,
            "files": result.files,
            "docs": result.docs,
            "spec_schema": result.spec_schema,
            "sql": result.sql,
            "templates": result.templates,
        }
    )


def _from_json(text: str) -> Compilation:
    stored = json.loads(text)
    diagnostics = Diagnostics(
        [
            Diagnostic(code, Severity(severity), Location(path, line, column), message)
            for code, severity, path, line, column, message in stored["diagnostics"]
        ]
    )
    return Compilation(
        diagnostics,
        files=stored["files"],
        docs=stored["docs"],
        spec_schema=stored["spec_schema"],
        sql=stored["sql"],
        templates=stored["templates"],
    )


def compile_project(layout: Layout, cache: ContentCache | None = None) -> Compilation:
    result = Compilation()
    diagnostics = result.diagnostics
    project = load_project(WorkingTree(layout.root), layout, diagnostics)
    finance_schemas, dataverse_schemas = project.finance_schemas, project.dataverse_schemas
    for spec in project.specs:
        table_map = resolve(spec, finance_schemas, dataverse_schemas, diagnostics)
        if table_map is None:
            continue
        result.maps.append(table_map)
        result.plans.append(plan_module(table_map))
    result.templates = len(result.plans)
    if diagnostics.errors:
        return result
    # Only meaningful once every spec resolved: a failed spec would leave its columns "unmapped".
    report_unmapped_columns(result.maps, diagnostics)
    modules = render_modules(result.plans, cache)
    files = {f"{module}.py": text for module, text in modules.items()}
    files["__init__.py"] = render_init(
        sorted(plan.module for plan in result.plans), layout.maps.as_posix(), cache
    )
    files["_runtime.py"] = render_runtime(cache)
    files["models.py"] = render_models(
        sorted(finance_schemas.values(), key=lambda schema: schema.entity_set),
        sorted(dataverse_schemas.values(), key=lambda schema: schema.entity_set),
        cache,
    )
    files["py.typed"] = ""
    result.files = dict(sorted(files.items()))
    result.sql = dict(
        sorted(
            (name, text)
            for plan in result.plans
            for dialect in DIALECTS
            for name, text in render_sql(plan, dialect).items()
        )
    )
    result.docs = render_docs(project.specs)
    result.spec_schema = render_spec_schema()
    return result
