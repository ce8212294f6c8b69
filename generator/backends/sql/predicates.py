"""SQL conditions: a filter's predicate tree in, one SQL boolean (never NULL) out.

F&O ranges compare strings case-insensitively (through the folded column); OData
comparisons with null or across types are false, so every comparison is coalesced to FALSE.
"""

from __future__ import annotations

from generator.backends.sql.assignments import DirectionSql, fold_column
from generator.bind.filters import AllOf, AnyOf, Negation, ODataComparison, Predicate, RangeEquals

_OPERATORS = {"eq": "=", "ne": "<>", "gt": ">", "ge": ">=", "lt": "<", "le": "<="}


def condition(predicate: Predicate, sql: DirectionSql) -> str:
    if isinstance(predicate, RangeEquals):
        value = predicate.value
        column = sql.column(predicate.column)
        if value is None:
            return f"{column} IS NULL"
        if isinstance(value, str):
            sql.folds.setdefault(predicate.column, set()).add(value.casefold())
            folded = sql.column(fold_column(predicate.column))
            return f"coalesce({folded} = {sql.sql_literal(value.casefold())}, FALSE)"
        return f"coalesce({column} = {sql.sql_literal(value)}, FALSE)"
    if isinstance(predicate, ODataComparison):
        column = sql.column(predicate.column)
        if predicate.value is None:
            # Only eq and ne compare with null; ordering with null is false.
            return {"eq": f"{column} IS NULL", "ne": f"{column} IS NOT NULL"}.get(
                predicate.operator, "FALSE"
            )
        test = f"coalesce({column} {_OPERATORS['eq']} {sql.sql_literal(predicate.value)}, FALSE)"
        if predicate.operator == "ne":
            return f"NOT {test}"
        operator = _OPERATORS[predicate.operator]
        return f"coalesce({column} {operator} {sql.sql_literal(predicate.value)}, FALSE)"
    if isinstance(predicate, Negation):
        return f"NOT ({condition(predicate.operand, sql)})"
    if not predicate.operands:
        return "FALSE" if isinstance(predicate, AnyOf) else "TRUE"
    word = " AND " if isinstance(predicate, AllOf) else " OR "
    return word.join(f"({condition(operand, sql)})" for operand in predicate.operands)
