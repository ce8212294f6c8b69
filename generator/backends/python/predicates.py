"""Python predicates: a filter's predicate tree in, one Python boolean expression over ``record`` out."""

from __future__ import annotations

from generator.backends.python.names import py_literal
from generator.bind.filters import AllOf, AnyOf, Negation, ODataComparison, Predicate, RangeEquals


def _range(predicate: RangeEquals, operator: str) -> str:
    value = predicate.value
    if isinstance(value, str):
        # F&O query ranges compare strings without regard to case.
        return f"fold(record.get({py_literal(predicate.column)})) {operator} {py_literal(value.casefold())}"
    return f"record.get({py_literal(predicate.column)}) {operator} {py_literal(value)}"


def expression(predicate: Predicate) -> str:
    if isinstance(predicate, RangeEquals):
        return _range(predicate, "==")
    if isinstance(predicate, ODataComparison):
        return (
            f"odata_{predicate.operator}(record.get({py_literal(predicate.column)}), "
            f"{py_literal(predicate.value)})"
        )
    if isinstance(predicate, Negation) and isinstance(predicate.operand, RangeEquals):
        # F&O's != reads as != (ruff's SIM201), not as `not ... ==`.
        return _range(predicate.operand, "!=")
    if isinstance(predicate, Negation):
        return f"not {_operand(predicate.operand, 'not')}"
    if not predicate.operands:
        return "False" if isinstance(predicate, AnyOf) else "True"
    word = "and" if isinstance(predicate, AllOf) else "or"
    return f" {word} ".join(_operand(operand, word) for operand in predicate.operands)


def _operand(predicate: Predicate, parent: str) -> str:
    text = expression(predicate)
    grouped = isinstance(predicate, AllOf | AnyOf) and len(predicate.operands) > 1
    needs_parentheses = grouped and (
        parent == "not" or ("and" if isinstance(predicate, AllOf) else "or") != parent
    )
    return f"({text})" if needs_parentheses else text


def helpers(predicate: Predicate) -> set[str]:
    """The run-time helpers ``expression(predicate)`` calls."""
    if isinstance(predicate, RangeEquals):
        return {"fold"} if isinstance(predicate.value, str) else set()
    if isinstance(predicate, ODataComparison):
        return {f"odata_{predicate.operator}"}
    if isinstance(predicate, Negation):
        return helpers(predicate.operand)
    found: set[str] = set()
    for operand in predicate.operands:
        found |= helpers(operand)
    return found
