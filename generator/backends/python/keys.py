"""Python key addresses: a module plan's key in, the expression pieces of finance_key and dataverse_key out."""

from __future__ import annotations

from generator.backends.python.names import converter_function, py_literal
from generator.plan.model import ModulePlan


def _pieces(head: str, parts: list[tuple[str, str]]) -> list[str]:
    """``head(name=value,...)`` as ``+``-joined pieces, one name or value per line."""
    pieces = [py_literal(f"{head}(")]
    for index, (name, value) in enumerate(parts):
        pieces.append(f"+ {py_literal(('' if index == 0 else ',') + name + '=')}")
        pieces.append(f"+ {value}")
    pieces.append(f"+ {py_literal(')')}")
    return pieces


def finance_key(plan: ModulePlan) -> list[str]:
    assert plan.key is not None
    parts: list[tuple[str, str]] = []
    if plan.company is not None:
        parts.append((plan.company.finance_field, "finance_company_literal(TEMPLATE, record)"))
    for part in plan.key.parts:
        field = py_literal(part.finance_field)
        prefix = (
            f", {py_literal(f'Microsoft.Dynamics.DataEntities.{part.finance_enum}')}"
            if part.finance_enum
            else ""
        )
        call = f"key_literal(TEMPLATE, record.get({field}), {field}, {part.finance_bare}{prefix})"
        parts.append((part.finance_field, call))
    return _pieces(plan.finance_entity, parts)


def dataverse_key(plan: ModulePlan) -> list[str]:
    assert plan.key is not None
    by_column = {part.dataverse_column: part for part in plan.key.parts}
    parts: list[tuple[str, str]] = []
    for column in plan.key.dataverse_order:
        if plan.company is not None and column == plan.company.lookup_column:
            field = py_literal(plan.company.finance_field)
            parts.append((f"_{column}_value", f"company_id(TEMPLATE, record, companies, {field})"))
            continue
        part = by_column[column]
        if part.dataverse_lookup:
            reference = py_literal(column)
            parts.append((f"_{column}_value", f"reference_id(TEMPLATE, references, {reference})"))
            continue
        field = py_literal(part.finance_field)
        value = f"record.get({field})"
        if part.converter is not None:
            value = f"{converter_function(part.converter)}({value}, {field})"
        parts.append((column, f"key_literal(TEMPLATE, {value}, {field}, {part.dataverse_bare})"))
    return _pieces(plan.dataverse_table, parts)


def examples(plan: ModulePlan) -> dict[str, str]:
    """What the two addresses look like, for the functions' docstrings."""
    assert plan.key is not None
    by_column = {part.dataverse_column: part for part in plan.key.parts}
    finance = [f"{plan.company.finance_field}='usmf'"] if plan.company else []
    finance += [f"{part.finance_field}=…" for part in plan.key.parts]
    dataverse = []
    for column in plan.key.dataverse_order:
        company = plan.company is not None and column == plan.company.lookup_column
        if company or by_column[column].dataverse_lookup:
            dataverse.append(f"_{column}_value=<guid>")
        else:
            dataverse.append(f"{column}=…")
    return {
        "finance": f"{plan.finance_entity}({','.join(finance)})",
        "dataverse": f"{plan.dataverse_table}({','.join(dataverse)})",
    }
