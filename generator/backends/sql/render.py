"""The SQL backend's renderer: a module plan and a dialect in, one query per direction out.

Each query reads the relation ``source`` (one row per input record) and returns one row per
input row with its outcome, so no row is dropped and none aborts the run. The text depends on
nothing but the plan, so every run writes the same bytes.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from generator.backends.sql import company_lookups, keys, predicates
from generator.backends.sql.assignments import VALID_COMPANY, DirectionSql, fold_column
from generator.backends.sql.dialects import DIALECTS, Dialect
from generator.backends.sql.folding import fold_expression
from generator.backends.sql.parts import Check, Entry
from generator.bind.filters import BoundFilter
from generator.plan.model import Direction, DirectionPlan, ModulePlan

REGENERATE = "python -m generator generate"
# _outcome values besides the 1-based index of the failed check.
FILTERED = 0
WRITTEN = -1
LINE_END = "}\n"  # after the payload's own }, in a JSON Lines line
ADDRESS = "_address"


def file_name(module: str, direction: Direction, dialect: str) -> str:
    return f"{module}.{direction.value}.{dialect}.sql"


def render_sql(plan: ModulePlan, dialect: str) -> dict[str, str]:
    """File name -> query text, for both directions of ``plan`` in ``dialect``."""
    chosen = DIALECTS[dialect]
    return {
        file_name(plan.module, direction.direction, dialect): render_direction(
            plan, direction, chosen
        )
        for direction in plan.directions
    }


def render_direction(
    plan: ModulePlan, direction: DirectionPlan, dialect: Dialect, line: bool = False
) -> str:
    """The direction's query; with ``line``, each payload is a whole JSON Lines line instead,
    ``{"row": <row>, "address": <address>, "payload": <payload>}`` and a line break (a bulk
    run writes it as it is)."""
    return _query(plan, direction, dialect, line, passed=None)


def render_values(
    plan: ModulePlan, direction: DirectionPlan, dialect: Dialect, passed: list[str]
) -> str:
    """The direction's query for a comparison: each row's outcome as ``render_direction``
    gives it, but instead of the payload ``_tm_v<n>``, the JSON text entry ``n`` of the payload
    writes (NULL where the record lacks its source key, whatever the row's outcome), then
    ``_tm_company_id``, the record's ``cdm_companyid`` where the direction binds
    company-specific lookups, and the items of ``passed``, SQL over the source's columns
    (``"OnHoldStatus" AS _tm_a0``)."""
    return _query(plan, direction, dialect, False, passed)


def value_column(index: int) -> str:
    return f"_tm_v{index}"


def _query(
    plan: ModulePlan,
    direction: DirectionPlan,
    dialect: Dialect,
    line: bool,
    passed: list[str] | None,
) -> str:
    sql = DirectionSql(dialect, plan.company.finance_field if plan.company else None)
    built = [sql.assignment(assignment) for assignment in direction.assignments]
    entries = [entry for entry, _ in built]
    checks = [check for _, found in built for check in found]
    # The mapper raises before the key function is called: the address's checks come last.
    # A comparison (passed) compares values, not addresses.
    address = keys.address(sql, plan, direction.direction) if passed is None else None
    if address is not None:
        checks += address.checks
    to_dataverse = direction.direction is Direction.TO_DATAVERSE
    bound = plan.source_filter if to_dataverse else plan.reverse_filter
    keep = predicates.condition(bound.predicate, sql) if bound else None
    decided = ["*", _outcome(keep, checks) + " AS _outcome"]
    if address is not None:
        decided.append(f"{address.expression} AS {ADDRESS}")
    folds = [
        f"{fold_expression(dialect, sql.column(column), sorted(folded))} "
        f"AS {sql.column(fold_column(column))}"
        for column, folded in sorted(sql.folds.items())
    ]
    outputs = [
        f"_row AS {dialect.identifier('row')}",
        f"CASE _outcome WHEN {FILTERED} THEN 'filtered' WHEN {WRITTEN} THEN 'written' "
        "ELSE 'rejected' END AS status",
        _by_check(checks, lambda c: dialect.string(c.field), "reject_field"),
        _by_check(checks, lambda c: c.value, "reject_value"),
        _by_check(checks, lambda c: c.reason, "reject_reason"),
    ]
    if passed is None:
        addressed = address is not None
        written = f"CASE WHEN _outcome = {WRITTEN} THEN"
        outputs[2:2] = [
            (
                f"{written} {ADDRESS} END AS address"
                if addressed
                else "CAST(NULL AS STRING) AS address"
            ),
            f"{written} {_payload(entries, dialect, line, addressed)} END AS payload",
            f"{written} {_without_nulls(entries, dialect, line, addressed)} END "
            "AS payload_ignoring_nulls",
        ]
    else:
        outputs += [
            f"{_present_value(entry)} AS {value_column(index)}"
            for index, entry in enumerate(entries)
        ]
        company_id = dialect.field(company_lookups.COMPANY, "id") if sql.needs_directory else None
        outputs.append(f"{company_id or 'CAST(NULL AS STRING)'} AS _tm_company_id")
        outputs += passed
    return "\n".join(
        [
            _header(plan, direction.direction, dialect, bound),
            "WITH prepared AS (",
            _indent(_prepared(sql, folds)),
            "),",
            "decided AS (",
            _indent(_select(decided) + "\nFROM prepared"),
            ")",
            _select(outputs),
            "FROM decided",
            "",
        ]
    )


def _present_value(entry: Entry) -> str:
    if entry.present is None:
        return entry.value
    return f"CASE WHEN {entry.present} THEN {entry.value} END"


def bulk_query(
    plan: ModulePlan, direction: DirectionPlan, dialect: Dialect, line: bool, ignore_nulls: bool
) -> str:
    """The direction's query as a bulk run reads it, with the payload it chose as ``payload``
    (the engines compute only the columns a query returns)."""
    query = render_direction(plan, direction, dialect, line)
    payload = "payload_ignoring_nulls" if ignore_nulls else "payload"
    row = dialect.identifier("row")
    rejects = "reject_field, reject_value, reject_reason"
    columns = f"{row}, status, address, {payload} AS payload, {rejects}"
    return f"SELECT {columns}\nFROM (\n{query}) AS outcomes\n"


def _prepared(sql: DirectionSql, folds: list[str]) -> str:
    if sql.checks_company and sql.company_field is not None:
        code = sql.company_code(sql.column(sql.company_field))
        folds = [*folds, f"{code} AS {VALID_COMPANY}"]
    if sql.needs_directory and sql.company_field is not None:
        folds = [*folds, company_lookups.company_column(sql, sql.company_field)]
    return _select(["*", sql.dialect.any_absent(), *folds]) + "\nFROM source"


def _header(
    plan: ModulePlan, direction: Direction, dialect: Dialect, bound: BoundFilter | None
) -> str:
    source, target = (
        (plan.finance_entity, plan.dataverse_table)
        if direction is Direction.TO_DATAVERSE
        else (plan.dataverse_table, plan.finance_entity)
    )
    what = f"{plan.template}: {source} records to {target} payloads, for {dialect.title}. " + (
        f"Filter: {bound.text}." if bound else "No filter."
    )
    contract = (
        "Reads the relation `source`: _row (the 0-based input row), _absent (an array of "
        "the keys absent from the record; 'navigation/key' for a key absent from an expanded "
        "lookup) and one column per field read, typed by the entity schema. Returns one row "
        "per input row: row, status ('written', 'rejected' or 'filtered'), address (where to "
        "upsert the payload), payload and payload_ignoring_nulls (JSON text; the second "
        "without the entries whose source value is null or empty), and for a rejected row "
        "reject_field, reject_value (JSON text) and reject_reason; the message is "
        "'<template>: field <field>: value <value> <reason>'."
    )
    lines = [
        f"-- Generated by tablemap from {plan.spec_path}",
        f"-- (sha256 {plan.sha256}).",
        f"-- Do not edit: change the spec and run `{REGENERATE}`.",
        "--",
    ]
    for paragraph in (what, contract):
        lines.extend("-- " + line for line in textwrap.wrap(_printable(paragraph), 96))
    return "\n".join(lines)


def _printable(text: str) -> str:
    # A spec's template name reaches a comment: nothing may end the comment's line.
    return "".join(c if c.isprintable() else " " for c in text)


def _select(items: list[str]) -> str:
    return "SELECT\n" + ",\n".join(_indent(item) for item in items)


def _indent(text: str) -> str:
    return textwrap.indent(text, "    ")


def _outcome(keep: str | None, checks: list[Check]) -> str:
    whens = [f"WHEN NOT ({keep}) THEN {FILTERED}"] if keep else []
    whens += [f"WHEN {check.condition} THEN {index}" for index, check in enumerate(checks, 1)]
    if not whens:
        return str(WRITTEN)
    body = "\n".join(_indent(when) for when in whens)
    return f"CASE\n{body}\n    ELSE {WRITTEN}\nEND"


def _payload(entries: list[Entry], dialect: Dialect, line: bool, addressed: bool) -> str:
    if not entries and not line:
        return "'{}'"
    whole = _object(entries, dialect, line, addressed)
    if all(entry.present is None for entry in entries):
        return whole
    sparse = _sparse_object(entries, dialect, line, addressed, lambda entry: entry.present)
    # Most records lack no key: they skip the presence test, one per entry and row.
    return f"CASE WHEN _any_absent THEN {sparse}\nELSE {whole} END"


def _without_nulls(entries: list[Entry], dialect: Dialect, line: bool, addressed: bool) -> str:
    """The payload without the entries whose source holds no value (``--ignore-nulls``)."""

    def written(entry: Entry) -> str | None:
        return entry.present if entry.valued is None else entry.valued

    if all(written(entry) is None for entry in entries):
        return _payload(entries, dialect, line, addressed)
    return _sparse_object(entries, dialect, line, addressed, written)


def _line_head(dialect: Dialect, addressed: bool) -> tuple[list[str], list[str]]:
    """The texts and values of a JSON Lines line up to its payload: row, address."""
    if addressed:
        return ['{"row":', ',"address":', ',"payload":'], ["_row", dialect.json_text(ADDRESS)]
    return ['{"row":', ',"address":null,"payload":'], ["_row"]


def _object(entries: list[Entry], dialect: Dialect, line: bool, addressed: bool) -> str:
    """The JSON object with every entry, or its line, built by one concat (each || would copy
    the growing text)."""
    texts, values = _line_head(dialect, addressed) if line else ([""], [])
    texts[-1] += "{"
    for index, entry in enumerate(entries):
        texts[-1] += ("," if index else "") + entry.key
        texts.append("")
        values.append(entry.value)
    texts[-1] += "}" + (LINE_END if line else "")
    items = [
        f"{dialect.string(text)}, {value}" for text, value in zip(texts[:-1], values, strict=True)
    ]
    body = ",\n".join(_indent(item) for item in [*items, dialect.string(texts[-1])])
    return f"concat(\n{body}\n)"


def _sparse_object(
    entries: list[Entry],
    dialect: Dialect,
    line: bool,
    addressed: bool,
    condition: Callable[[Entry], str | None],
) -> str:
    """The JSON object of the entries whose ``condition`` holds, or its line."""
    items = []
    for entry in entries:
        pair = f"{dialect.string(entry.key)} || {entry.value}"
        written = condition(entry)
        items.append(pair if written is None else f"CASE WHEN {written} THEN {pair} END")
    body = ",\n".join(_indent(item) for item in items)
    sparse = f"'{{' || concat_ws(\n    ',',\n{body}\n) || '}}'"
    if not line:
        return sparse
    texts, values = _line_head(dialect, addressed)
    parts = [f"{dialect.string(t)}, {v}" for t, v in zip(texts[:-1], values, strict=True)]
    parts.append(f"{dialect.string(texts[-1])}, {sparse}")
    return f"concat({', '.join(parts)}, {dialect.string(LINE_END)})"


def _by_check(checks: list[Check], value: Callable[[Check], str], name: str) -> str:
    if not checks:
        return f"CAST(NULL AS STRING) AS {name}"
    whens = " ".join(f"WHEN {index} THEN {value(check)}" for index, check in enumerate(checks, 1))
    # The guard spares the rows not rejected, nearly all, from trying every WHEN in turn.
    return f"CASE WHEN _outcome > 0 THEN CASE _outcome {whens} END END AS {name}"
