"""A bulk run's target: a project root and a module name in, its plan and field kinds out.

Only the one spec is compiled, and no file is rendered: a bulk run needs the plan and the
entity schemas that type its input, nothing the Python backend writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator import messages
from generator.bind.resolve import resolve
from generator.cache import ContentCache
from generator.diagnostics import Diagnostics, Location, suggestion
from generator.plan.model import Direction, ModulePlan
from generator.plan.planner import plan_module
from generator.source.entity_schema import EntitySchema, Kind
from generator.source.project import Layout, WorkingTree, load_project


@dataclass(frozen=True)
class Target:
    plan: ModulePlan
    finance: EntitySchema | None
    dataverse: EntitySchema | None

    def kinds(self, direction: Direction) -> dict[str, Kind]:
        """Field name -> kind, for the records ``direction`` reads (ANY without a schema)."""
        schema = self.finance if direction is Direction.TO_DATAVERSE else self.dataverse
        if schema is None:
            return {}
        return {column.name: column.kind for column in schema.columns}


def load_target(
    root: Path, module: str, diagnostics: Diagnostics, cache: ContentCache | None = None
) -> Target | None:
    """With a cache, the specs and schemas parsed before are not parsed again."""
    layout = Layout(root)
    project = load_project(WorkingTree(layout.root), layout, diagnostics, cache)
    spec = next((spec for spec in project.specs if spec.module == module), None)
    if spec is None:
        if not diagnostics.errors:
            diagnostics.report(
                messages.BULK_UNKNOWN_MODULE,
                Location(layout.maps.as_posix()),
                module=module,
                hint=suggestion(module, [spec.module for spec in project.specs]),
            )
        return None
    table_map = resolve(spec, project.finance_schemas, project.dataverse_schemas, diagnostics)
    if table_map is None or diagnostics.errors:
        diagnostics.report(messages.BULK_SPECS_FAILED, Location(spec.path))
        return None
    plan = plan_module(table_map)
    return Target(
        plan,
        project.finance_schemas.get(plan.finance_entity),
        project.dataverse_schemas.get(plan.dataverse_table),
    )
