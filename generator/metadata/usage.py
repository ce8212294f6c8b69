"""Spec usage: the project's specs in, the entities and tables they name and the columns they use out.

A column is used when a row maps it (``nav`` of a Dataverse ``nav.key`` lookup field), the
spec's integration key names it or a filter compares it. The import keeps these columns and reports, at the spec's line, the
ones the metadata no longer has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.bind.filter_syntax import (
    Comparison,
    Expression,
    Field,
    FilterSyntaxError,
    Junction,
    Not,
    parse_reverse_filter,
    parse_source_filter,
)
from generator.diagnostics import Diagnostics, Location
from generator.metadata.merge import Use
from generator.metadata.model import Dialect
from generator.source.located_yaml import Scalar
from generator.source.project import Layout, WorkingTree, load_spec_set
from generator.source.spec import NONE_FIELD


@dataclass
class SpecUsage:
    # The entities (finance) and tables (dataverse) the specs name, where first named.
    names: dict[Dialect, dict[str, Location]] = field(
        default_factory=lambda: {dialect: {} for dialect in Dialect}
    )
    uses: dict[tuple[Dialect, str], list[Use]] = field(default_factory=dict)

    def add(self, dialect: Dialect, entity: str, location: Location, uses: list[Use]) -> None:
        self.names[dialect].setdefault(entity, location)
        self.uses.setdefault((dialect, entity), []).extend(uses)


def _fields(expression: Expression) -> list[Field]:
    if isinstance(expression, Comparison):
        return [side for side in (expression.left, expression.right) if isinstance(side, Field)]
    if isinstance(expression, Not):
        return _fields(expression.operand)
    assert isinstance(expression, Junction)
    return [found for operand in expression.operands for found in _fields(operand)]


def _filter_uses(scalar: Scalar | None, finance: bool) -> list[Use]:
    if scalar is None or not isinstance(scalar.value, str):
        return []
    parse = parse_source_filter if finance else parse_reverse_filter
    try:
        expression = parse(scalar.value)
    except FilterSyntaxError:
        # The compiler reports it; a filter it can't read protects no column.
        return []
    start = scalar.location.shifted(1 if scalar.quoted else 0)
    return [Use(item.name, start.shifted(item.offset)) for item in _fields(expression)]


def spec_usage(root: Path, specs: Path, diagnostics: Diagnostics) -> SpecUsage:
    """What the specs under ``specs`` use; problems reading them go to ``diagnostics``."""
    usage = SpecUsage()
    for spec in load_spec_set(WorkingTree(root), Layout(root, specs), diagnostics).specs:
        finance: list[Use] = []
        dataverse: list[Use] = []
        for row in spec.rows:
            if row.finance is not None and row.finance.text != NONE_FIELD:
                finance.append(Use(row.finance.text, row.finance.location))
            if row.dataverse is not None and row.dataverse.text != NONE_FIELD:
                column = row.dataverse.text.partition(".")[0]
                dataverse.append(Use(column, row.dataverse.location))
        # The integration key names finance fields too.
        finance.extend(Use(name.text, name.location) for name in spec.key)
        finance.extend(_filter_uses(spec.finance.filter, finance=True))
        dataverse.extend(_filter_uses(spec.dataverse.filter, finance=False))
        usage.add(Dialect.FINANCE, spec.finance.name.text, spec.finance.name.location, finance)
        usage.add(
            Dialect.DATAVERSE, spec.dataverse.name.text, spec.dataverse.name.location, dataverse
        )
    return usage
