"""Company-specific lookups in SQL: a BindLookup into a striped table in, its entry and checks out.

The record's company completes the key: ``/<set>(<key>='<value>',_<column>_value=<guid>)``.
The GUID comes from the relation ``companies`` (tm_code, tm_id, tm_bad_value), which a run
builds from the company directory: one row per dataAreaId spelling the directory resolves,
with the GUID in ``tm_id``, or the directory's non-GUID entry as JSON text in
``tm_bad_value``. The directory is read once into a map and looked up per row, rather than
joined, so the rows keep their input order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.backends.sql.parts import NOT_A_COMPANY, Built, Check
from generator.plan.model import BindLookup
from generator.source.entity_schema import Kind

if TYPE_CHECKING:
    from generator.backends.sql.assignments import DirectionSql

COMPANY = "_company"  # the column holding the row's directory entry: {id, bad} or NULL


def company_column(sql: DirectionSql, company_field: str) -> str:
    d = sql.dialect
    code = d.identifier(company_field)
    if d.name == "spark":
        directory = (
            "(SELECT map_from_entries(collect_list(struct(tm_code, "
            "named_struct('id', tm_id, 'bad', tm_bad_value)))) FROM companies)"
        )
        return f"try_element_at({directory}, {code}) AS {COMPANY}"
    directory = (
        "(SELECT map_from_entries(list(struct_pack(k := tm_code, "
        "v := struct_pack(id := tm_id, bad := tm_bad_value)))) FROM companies)"
    )
    return f"map_extract_value({directory}, {code}) AS {COMPANY}"


def bind_company_lookup(sql: DirectionSql, assignment: BindLookup, company_field: str) -> Built:
    d = sql.dialect
    address = assignment.lookup
    field = assignment.source
    source = sql.column(field)
    code = sql.column(company_field)
    present = sql.present(field)
    value = (
        f"CASE WHEN {source} IS NULL OR {source} = '' THEN 'null' "
        f"ELSE concat({d.string(chr(34) + f'/{address.entity_set}({address.key}=' + chr(39))}, "
        f"{d.key_text(source)}, {d.string(chr(39) + f',_{address.company_column}_value=')}, "
        f"{d.field(COMPANY, 'id')}, {d.string(')' + chr(34))}) END"
    )
    guard = f"{present} AND {source} IS NOT NULL AND {source} <> ''"
    code_json = d.json_text(code)
    found = [
        *sql.key_length(assignment),
        Check(
            field,
            f"{guard} AND {d.absent(company_field)}",
            d.json_text(source),
            d.string(f"needs the record's company, but it has no {company_field}"),
        ),
        Check(
            company_field,
            f"{guard} AND NOT {sql.valid_company()}",
            code_json,
            d.string(NOT_A_COMPANY),
        ),
        Check(
            company_field,
            f"{guard} AND {COMPANY} IS NULL",
            code_json,
            d.string(f"is not in companies, so {field!r} can't be addressed"),
        ),
        Check(
            "companies",
            f"{guard} AND {d.field(COMPANY, 'id')} IS NULL",
            d.field(COMPANY, "bad"),
            f"{d.string('is not a GUID (the cdm_companyid of ')} || {code} || ')'",
        ),
    ]
    valued = sql.valued(field, Kind.STRING)
    return sql.entry(assignment.target, present, value, valued), found
