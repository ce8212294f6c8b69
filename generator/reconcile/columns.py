"""What a reconcile compares: a module plan and its schemas in, the compared columns and keys out.

A direction's written columns are compared with the other side's stored ones: the payload's
``msdyn_onholdstatus`` with the Dataverse row's, the mapped ``OnHoldStatus`` with the F&O
row's. The company is not compared (the rows are paired by it), and neither is anything the
other side's export can't hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import assert_never

from generator.backends.sql.inputs import ReadField, read_fields
from generator.plan.model import (
    Assignment,
    BindCompany,
    BindLookup,
    Constant,
    Convert,
    Copy,
    Direction,
    DirectionPlan,
    LookupAddress,
    ModulePlan,
    ReadCompany,
    ReadLookup,
)
from generator.source.entity_schema import EntitySchema, Kind

BIND = "@odata.bind"


@dataclass(frozen=True)
class Compared:
    """Entry ``index`` of ``direction``'s payload, compared with the other side's ``stored``."""

    direction: Direction
    index: int
    column: str  # as the payload names it: msdyn_onholdstatus, or OnHoldStatus to F&O
    kind: Kind  # how the values compare: the stored column's kind
    scale: int | None  # numbers compare rounded to it (x-scale), when the schemas give one
    stored: ReadField  # what the other side's reader reads for it
    lookup: LookupAddress | None  # a bind: the stored expanded lookup is addressed the same way
    fold: bool = False  # an F&O enum: its members match without regard to case, as F&O's do


@dataclass(frozen=True)
class KeyPart:
    """One integration-key field: read from F&O as it is, from Dataverse as mapped to F&O."""

    field: str  # the F&O field
    kind: Kind
    finance: ReadField
    mapped_index: int  # the to-finance entry that writes it


@dataclass(frozen=True)
class Comparison:
    plan: ModulePlan
    compared: tuple[Compared, ...]
    keys: tuple[KeyPart, ...]

    def fields(self, reading: Direction) -> list[ReadField]:
        """What the reader of ``reading``'s input reads: its query's fields and the stored
        columns the other direction's payload is compared with."""
        found = {field.name: field for field in read_fields(self.plan, reading)}
        stored = [column.stored for column in self.compared if column.direction is not reading]
        extra = [part.finance for part in self.keys] if reading is Direction.TO_DATAVERSE else []
        for field in [*stored, *extra]:
            found.setdefault(field.name, field)
        return list(found.values())


def comparison(
    plan: ModulePlan, finance: EntitySchema | None, dataverse: EntitySchema | None
) -> Comparison | None:
    """None for a map without a key: its rows can't be paired."""
    if plan.key is None:
        return None
    compared = [
        *_compared(plan.to_dataverse, dataverse),
        *_compared(plan.to_finance, finance),
    ]
    writers = {
        assignment.target: index for index, assignment in enumerate(plan.to_finance.assignments)
    }
    keys = tuple(
        KeyPart(
            part.finance_field,
            _kind(finance, part.finance_field),
            ReadField(part.finance_field),
            writers[part.finance_field],
        )
        for part in plan.key.parts
    )
    return Comparison(plan, tuple(compared), keys)


def _compared(direction: DirectionPlan, stored: EntitySchema | None) -> list[Compared]:
    found: list[Compared] = []
    for index, assignment in enumerate(direction.assignments):
        read = _stored(assignment)
        if read is None:
            continue
        field, lookup = read
        kind = Kind.STRING if lookup is not None else _kind(stored, field.name)
        column = stored.column(field.name) if stored is not None and lookup is None else None
        scale = column.constraints.scale if column is not None else None
        fold = column is not None and column.is_enum
        found.append(
            Compared(
                direction.direction, index, assignment.target, kind, scale, field, lookup, fold
            )
        )
    return found


def _stored(assignment: Assignment) -> tuple[ReadField, LookupAddress | None] | None:
    """What the other side stores for the assignment's target; None where nothing is compared."""
    match assignment:
        case Copy() | Convert() | Constant() | ReadLookup():
            return ReadField(assignment.target), None
        case BindLookup():
            navigation = assignment.target.removesuffix(BIND)
            return ReadField(navigation, assignment.lookup.key), assignment.lookup
        case BindCompany() | ReadCompany():
            return None  # the rows are paired by their company
        case _:
            assert_never(assignment)


def _kind(schema: EntitySchema | None, name: str) -> Kind:
    column = schema.column(name) if schema is not None else None
    return column.kind if column is not None else Kind.ANY
