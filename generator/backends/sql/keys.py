"""Upsert addresses in SQL: a module plan's key in, each row's address and the checks it needs out.

The address is what the generated Python gives for the same record: ``dataverse_key(record,
companies)`` to Dataverse and ``finance_key(dataverse_to_finance(record))`` to F&O, in the
table's declared column order, formatted by the runtime's rules (quotes doubled and
percent-encoded strings, bare numbers and GUIDs). A row whose address can't be formed is
rejected as those functions raise. A lookup column in a Dataverse key can't hold the looked-up
row's GUID, which the bulk output can't know: it is written ``_<column>_value=@<navigation>``,
for the loader to resolve from the payload's ``<navigation>@odata.bind``.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.backends.python.runtime import COMPANY_FIELD, MappingError, _shown, key_literal
from generator.backends.sql import checks
from generator.backends.sql.assignments import DirectionSql, json_literal
from generator.backends.sql.company_lookups import COMPANY
from generator.backends.sql.parts import NOT_A_COMPANY, Check
from generator.plan.model import (
    Assignment,
    Convert,
    Converter,
    Copy,
    Direction,
    KeyPart,
    ModulePlan,
    ReadCompany,
    ReadLookup,
)
from generator.source.entity_schema import Kind
from generator.source.located_yaml import ScalarValue

NOT_A_KEY = "is a key field: it must be present and not empty"
NOT_BARE = "is not a number or a GUID, as this key needs"
NOT_QUOTED = "is not a string, as this key needs"
ENUMS = "Microsoft.Dynamics.DataEntities."


@dataclass(frozen=True)
class Address:
    expression: str  # SQL for the address text; only meaningful where no check holds
    checks: list[Check]


@dataclass(frozen=True)
class _Part:
    name: str
    literal: str  # SQL for the key value as the address writes it
    checks: list[Check]


def address(sql: DirectionSql, plan: ModulePlan, direction: Direction) -> Address | None:
    """The address of the rows ``direction`` writes; None for a map without a key."""
    if plan.key is None:
        return None
    if direction is Direction.TO_DATAVERSE:
        entity, parts = plan.dataverse_table, _dataverse_parts(sql, plan)
    else:
        entity, parts = plan.finance_entity, _finance_parts(sql, plan)
    d = sql.dialect
    pieces = []
    for index, part in enumerate(parts):
        head = f"{entity}(" if index == 0 else ","
        pieces.append(f"    {d.string(f'{head}{part.name}=')}, {part.literal}")
    pieces.append(f"    {d.string(')')}")
    body = ",\n".join(pieces)
    return Address(f"concat(\n{body}\n)", [check for part in parts for check in part.checks])


def _dataverse_parts(sql: DirectionSql, plan: ModulePlan) -> list[_Part]:
    """``dataverse_key``'s parts, from the F&O record."""
    assert plan.key is not None
    by_column = {part.dataverse_column: part for part in plan.key.parts}
    found = []
    for column in plan.key.dataverse_order:
        if plan.company is not None and column == plan.company.lookup_column:
            found.append(_Part(f"_{column}_value", *_company_id(sql)))
            continue
        part = by_column[column]
        field = part.finance_field
        source = sql.column(field)
        if part.dataverse_navigation is not None:
            # The bind carries the looked-up row's key: no key value, no row to resolve.
            missing = Check(
                field,
                _empty(source, Kind.STRING),
                sql.dialect.json_text(source),
                _text(sql, NOT_A_KEY),
            )
            found.append(
                _Part(
                    f"_{column}_value",
                    sql.dialect.string(f"@{part.dataverse_navigation}"),
                    [missing],
                )
            )
            continue
        if part.converter is not None:
            literal, found_checks = _converted(
                sql, plan, field, field, part.converter, part.dataverse_bare, ""
            )
            found.append(_Part(column, literal, found_checks))
            continue
        literal, found_checks = _literal(
            sql, field, source, part.finance_kind, part.dataverse_bare, ""
        )
        found.append(_Part(column, literal, found_checks))
    return found


def _company_id(sql: DirectionSql) -> tuple[str, list[Check]]:
    """``company_id(TEMPLATE, record, companies, "dataAreaId")``: the record's company's GUID."""
    d = sql.dialect
    sql.needs_directory = True
    code = sql.column(COMPANY_FIELD)
    code_json = d.json_text(code)
    return d.field(COMPANY, "id"), [
        Check(
            COMPANY_FIELD,
            d.absent(COMPANY_FIELD),
            "'null'",
            _text(sql, f"needs the record's company, but it has no {COMPANY_FIELD}"),
        ),
        Check(COMPANY_FIELD, f"NOT {sql.valid_company()}", code_json, _text(sql, NOT_A_COMPANY)),
        Check(
            COMPANY_FIELD,
            f"{COMPANY} IS NULL",
            code_json,
            _text(sql, f"is not in companies, so {COMPANY_FIELD!r} can't be addressed"),
        ),
        Check(
            "companies",
            f"{d.field(COMPANY, 'id')} IS NULL",
            d.field(COMPANY, "bad"),
            f"{d.string('is not a GUID (the cdm_companyid of ')} || {code} || ')'",
        ),
    ]


def _finance_parts(sql: DirectionSql, plan: ModulePlan) -> list[_Part]:
    """``finance_key``'s parts, from the payload ``dataverse_to_finance`` writes."""
    assert plan.key is not None
    writes = {assignment.target: assignment for assignment in plan.to_finance.assignments}
    found = []
    if plan.company is not None:
        found.append(_finance_company(sql, writes.get(COMPANY_FIELD)))
    for part in plan.key.parts:
        prefix = f"{ENUMS}{part.finance_enum}" if part.finance_enum else ""
        literal, found_checks = _written(sql, plan, part, writes.get(part.finance_field), prefix)
        found.append(_Part(part.finance_field, literal, found_checks))
    return found


def _finance_company(sql: DirectionSql, write: Assignment | None) -> _Part:
    """``finance_company_literal``: the payload's dataAreaId, lower-case and quoted."""
    d = sql.dialect
    missing = "TRUE"
    literal = "NULL"
    if isinstance(write, ReadCompany):
        # The payload has dataAreaId when the record has its company lookup; the mapper
        # rejects one that holds no company code.
        company = write.company
        missing = d.absent(company.navigation)
        code = d.field(company.navigation, company.code_column)
        quote = d.string("'")
        literal = f"concat({quote}, lower({code}), {quote})"
    return _Part(
        COMPANY_FIELD, literal, [Check(COMPANY_FIELD, missing, "'null'", _text(sql, NOT_A_KEY))]
    )


def _written(
    sql: DirectionSql, plan: ModulePlan, part: KeyPart, write: Assignment | None, prefix: str
) -> tuple[str, list[Check]]:
    """The key literal of the value ``write`` puts in the F&O payload (NULL when absent)."""
    field = part.finance_field
    d = sql.dialect
    # An absent key is a NULL column, as is a null: either leaves the payload's value None.
    if isinstance(write, Copy):
        value = checks.kept(sql.column(write.source), write.check)
        return _literal(sql, field, value, part.dataverse_kind, part.finance_bare, prefix)
    if isinstance(write, ReadLookup):
        reader = write.reader
        navigation = sql.column(reader.navigation)
        key = d.field(reader.navigation, reader.key)
        # No reference reads as "" (a bad expansion is the mapper's reject, before this).
        shown = (
            f"CASE WHEN {d.absent(reader.navigation)} THEN 'null' "
            f"WHEN {navigation} IS NULL THEN '\"\"' ELSE {d.json_text(key)} END"
        )
        missing = Check(
            field,
            f"({navigation} IS NULL OR {_empty(key, Kind.STRING)})",
            shown,
            _text(sql, NOT_A_KEY),
        )
        value = checks.kept(key, write.check)
        return _literal(sql, field, value, Kind.STRING, part.finance_bare, prefix, missing)
    if isinstance(write, Convert):
        literal, found = _converted(
            sql, plan, field, write.source, write.converter, part.finance_bare, prefix
        )
        absent = Check(field, d.absent(write.source), "'null'", _text(sql, NOT_A_KEY))
        return literal, [absent, *found]
    # Nothing writes the field to F&O: the payload never has it.
    return "NULL", [Check(field, "TRUE", "'null'", _text(sql, NOT_A_KEY))]


def _empty(value: str, kind: Kind) -> str:
    if kind in (Kind.STRING, Kind.ANY, Kind.LOOKUP):
        return f"({value} IS NULL OR {value} = '')"
    return f"{value} IS NULL"


def _literal(
    sql: DirectionSql,
    field: str,
    value: str,
    kind: Kind,
    bare: bool | None,
    prefix: str,
    missing: Check | None = None,
) -> tuple[str, list[Check]]:
    """``key_literal(TEMPLATE, value, field, bare, prefix)`` of a value of ``kind``; ``missing``
    stands for the value's own test for none (null, or an empty text)."""
    d = sql.dialect
    shown = d.json_text(value)
    found = [missing or Check(field, _empty(value, kind), shown, _text(sql, NOT_A_KEY))]
    textual = kind in (Kind.STRING, Kind.ANY, Kind.LOOKUP)
    if bare is None:
        # An untyped column decides by the value; the engines read its values as strings.
        bare = not textual
    if not bare:
        if not textual:
            return "NULL", [*found, Check(field, "TRUE", shown, _text(sql, NOT_QUOTED))]
        quoted = f"concat({d.string(prefix + chr(39))}, {d.key_text(value)}, {d.string(chr(39))})"
        return quoted, found
    if kind is Kind.INTEGER:
        return f"CAST({value} AS STRING)", found
    if kind is Kind.NUMBER:
        return d.float_text(value), [
            *found,
            Check(field, f"NOT {d.finite(value)}", shown, _text(sql, NOT_BARE)),
        ]
    if textual:
        guid = d.matches(value, checks.format_pattern("uuid"))
        return value, [*found, Check(field, f"NOT {guid}", shown, _text(sql, NOT_BARE))]
    return "NULL", [*found, Check(field, "TRUE", shown, _text(sql, NOT_BARE))]


def _converted(
    sql: DirectionSql,
    plan: ModulePlan,
    field: str,
    source: str,  # the field the map converts: the key field itself, or its Dataverse column
    converter: Converter,
    bare: bool | None,
    prefix: str,
) -> tuple[str, list[Check]]:
    """The key literal of a value map's result: each listed value's literal is the runtime's
    own, made at generate time. An unlisted value never gets here: the payload's conversion,
    by the same map, rejects it first."""
    d = sql.dialect
    found: list[Check] = []
    whens: list[str] = []

    def branch(condition: str, value: ScalarValue) -> None:
        try:
            literal = key_literal(plan.template, value, field, bare, prefix)
        except MappingError as error:
            found.append(
                Check(
                    field,
                    condition,
                    d.string(json_literal(value)),
                    _text(sql, _reason(error)),
                )
            )
            return
        whens.append(f"WHEN {condition} THEN {d.string(literal)}")

    column = sql.column(source)
    branch(f"{column} IS NULL", converter.null_result)
    table_key = sql.table_key(source, converter)
    for listed, value in converter.table or ():
        if listed is not None:
            branch(f"{table_key} = {sql.sql_literal(listed)}", value)
    return f"CASE {' '.join(whens)} END" if whens else "NULL", found


def _reason(error: MappingError) -> str:
    """The reason of a runtime error, after its '<template>: field ...: value ...' head."""
    head = f"{error.template}: field {error.field!r}: value {_shown(error.value)} "
    return str(error).removeprefix(head)


def _text(sql: DirectionSql, reason: str) -> str:
    return sql.dialect.string(reason)
