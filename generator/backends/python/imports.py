"""Imports as data: a module plan in, the names the generated module imports out.

Each plan element states what it needs; nothing is found by searching rendered text.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.backends.python import names, predicates
from generator.plan.model import Constant, Converter, Copy, ModulePlan
from generator.source.entity_schema import Kind


@dataclass(frozen=True)
class Imports:
    typing: tuple[str, ...]
    runtime: tuple[str, ...]
    models: tuple[str, ...]


def _converter_needs(converter: Converter) -> set[str]:
    needs = {"MappingError"} if converter.raises else set()
    if converter.source is Kind.ANY and converter.table is not None:
        needs |= {"fold", "typed_key"} if converter.fold else {"typed_key"}
    return needs


def collect(plan: ModulePlan) -> Imports:
    runtime = {"ensure_record"}
    if plan.key is not None:
        runtime.add("key_literal")
    if plan.company is not None:
        runtime |= {"company_binder", "company_reader", "company_id", "finance_company_literal"}
    typing = {"Final"}
    models = set()
    for converter in plan.converters:
        runtime |= _converter_needs(converter)
        if Kind.ANY in (converter.source, converter.target):
            typing.add("Any")
    if plan.key is not None and any(part.dataverse_lookup for part in plan.key.parts):
        runtime.add("reference_id")
    for direction in plan.directions:
        for assignment in direction.assignments:
            check = getattr(assignment, "check", None)
            if check is not None:
                runtime.add(names.check_function(check))
            if check is not None or not isinstance(assignment, Constant | Copy):
                typing.add("Any")  # the mapper's ``value: Any``
    for address in plan.lookups:
        runtime |= {
            "PLAIN_KEY",
            "company_lookup_binder" if address.company_column else "lookup_binder",
        }
    if plan.needs_companies:
        runtime.add("company_id")
    if plan.expanded_keys:
        runtime.add("expanded_key_reader")
    for bound in (plan.source_filter, plan.reverse_filter):
        if bound is not None:
            runtime |= predicates.helpers(bound.predicate)
    if plan.finance_typed:
        models.add(names.finance_record(plan))
    else:
        typing.add("Any")
    if plan.dataverse_typed:
        models |= {names.dataverse_record(plan), names.dataverse_payload(plan)}
    else:
        typing.add("Any")
    # Sorted as isort (and ruff) sorts: constants, classes, then functions.
    in_order = sorted(runtime, key=lambda name: (not name.isupper(), not name[:1].isupper(), name))
    return Imports(tuple(sorted(typing)), tuple(in_order), tuple(sorted(models)))
