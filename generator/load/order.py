"""Load order: the folders' modules in, their tables in dependency order out.

The compiled project says what each to-Dataverse map binds (``BindLookup`` assignments name
their target entity set), and to F&O which fields name rows of another map's entity
(``ReadLookup`` of a lookup into that map's table), so a table is loaded after the tables its lookups point at,
whatever order the folders were given in. Lookups that point at the table itself, or at a
table a cycle puts later, are left to the second pass, once every row exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator import messages
from generator.bind.resolve import resolve
from generator.diagnostics import Diagnostics, Location, suggestion
from generator.load.folders import BulkFolder
from generator.plan.model import BindLookup, ModulePlan, ReadLookup
from generator.plan.planner import plan_module
from generator.source.project import Layout, WorkingTree, load_project


@dataclass(frozen=True)
class Step:
    """One folder to load, with what its map binds."""

    folder: BulkFolder
    table: str  # entity set
    logical_name: str  # for UpsertMultiple's @odata.type: accounts -> account ("" to F&O)
    # "<navigation>@odata.bind" -> target entity set; to F&O, a field -> the entity it names
    binds: dict[str, str]
    deferred: frozenset[str]  # binds set by the second pass


@dataclass(frozen=True)
class LoadPlan:
    steps: list[Step]  # in load order
    primary_keys: dict[str, str]  # every Dataverse schema's entity set -> its primary key
    # Tables that a key's lookup column points at (payment days, for their lines' keys).
    key_targets: frozenset[str]


def plan_steps(root: Path, folders: list[BulkFolder], diagnostics: Diagnostics) -> LoadPlan | None:
    """The folders in load order, or None with the problems reported."""
    layout = Layout(root)
    project = load_project(WorkingTree(layout.root), layout, diagnostics)
    specs = {spec.module: spec for spec in project.specs}
    unordered: list[Step] = []
    key_targets: set[str] = set()
    plans: list[tuple[BulkFolder, ModulePlan]] = []
    for folder in folders:
        spec = specs.get(folder.module)
        if spec is None:
            diagnostics.report(
                messages.LOAD_UNKNOWN_MODULE,
                Location(str(folder.path / "summary.json")),
                module=folder.module,
                hint=suggestion(folder.module, list(specs)),
            )
            continue
        table_map = resolve(spec, project.finance_schemas, project.dataverse_schemas, diagnostics)
        if table_map is None or diagnostics.errors:
            diagnostics.report(messages.BULK_SPECS_FAILED, Location(spec.path))
            return None
        plans.append((folder, plan_module(table_map)))
    # To F&O a lookup is a plain field that names a row of the entity another map of the run
    # writes: the one whose Dataverse table the lookup points at.
    entities = {plan.dataverse_table: plan.finance_entity for _, plan in plans}
    for folder, plan in plans:
        schema = project.dataverse_schemas.get(plan.dataverse_table)
        if folder.direction == "to_finance":
            targets = {
                column.lookup.navigation_property: column.lookup.target
                for column in (schema.columns if schema is not None else ())
                if column.lookup is not None
            }
            fields = {
                assignment.target: entities[targets[assignment.reader.navigation]]
                for assignment in plan.to_finance.assignments
                if isinstance(assignment, ReadLookup)
                and targets.get(assignment.reader.navigation) in entities
            }
            unordered.append(Step(folder, plan.finance_entity, "", fields, frozenset()))
            continue
        for part in plan.key.parts if plan.key is not None else ():
            column = schema.column(part.dataverse_column) if schema is not None else None
            if part.dataverse_lookup and column is not None and column.lookup is not None:
                key_targets.add(column.lookup.target)
        primary = schema.key[0] if schema is not None and schema.key else ""
        binds = {
            assignment.target: assignment.lookup.entity_set
            for assignment in plan.to_dataverse.assignments
            if isinstance(assignment, BindLookup)
        }
        logical = primary.removesuffix("id") if primary.endswith("id") else plan.dataverse_table
        unordered.append(Step(folder, plan.dataverse_table, logical, binds, frozenset()))
    if diagnostics.errors:
        return None
    primary_keys = {
        name: schema.key[0] for name, schema in project.dataverse_schemas.items() if schema.key
    }
    return LoadPlan(order_steps(unordered), primary_keys, frozenset(key_targets))


def order_steps(steps: list[Step]) -> list[Step]:
    """A table after the tables it binds to; ties (and cycles) broken by table, then module.

    A bind into the step's own table, or into a table not yet loaded when the step runs (a
    cycle), is deferred to the second pass.
    """
    tables = {step.table for step in steps}
    remaining = sorted(steps, key=lambda step: (step.table, step.folder.module))
    ordered: list[Step] = []
    loaded: set[str] = set()
    while remaining:

        def waiting_on(step: Step) -> int:
            return len({t for t in step.binds.values() if t in tables - loaded - {step.table}})

        # The first ready step; in a cycle, the one that waits on the fewest tables.
        chosen = min(remaining, key=waiting_on)
        remaining.remove(chosen)
        # Other folders of the same table load before anything that binds into it.
        siblings = [step for step in remaining if step.table == chosen.table]
        for step in [chosen, *siblings]:
            if step is not chosen:
                remaining.remove(step)
            deferred = frozenset(
                bind
                for bind, target in step.binds.items()
                if target in tables and (target == step.table or target not in loaded)
            )
            ordered.append(Step(step.folder, step.table, step.logical_name, step.binds, deferred))
        loaded.add(chosen.table)
    return ordered
