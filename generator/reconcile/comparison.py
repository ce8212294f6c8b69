"""The pairing query: a comparison and a dialect in, SQL over both sides' outcomes out.

Each side's outcomes come from its direction's generated query (``render_values``), with the
stored columns the other side's payload is compared with passed through. The pairing query
joins the two by key and company and returns one row per key: its outcome and, for each
compared column that differs, both values as JSON text.

Values compare as the services store them: a payload's JSON text is decoded into the stored
column's type; strings exactly, except that null and "" are one (Dataverse stores "" as null,
F&O null as ""), F&O enum members without regard to case; numbers rounded to the column's x-scale where the schemas give one; a bind
against the stored expanded lookup addressed the same way, with the record's company.
"""

from __future__ import annotations

from typing import assert_never

from generator.backends.sql.dialects import Dialect
from generator.backends.sql.render import render_values, value_column
from generator.plan.model import Direction
from generator.reconcile.columns import Compared, Comparison
from generator.source.entity_schema import Kind

OUTCOMES = ("same", "different", "only_in_finance", "only_in_dataverse", "rejected", "filtered")
KEY_REJECT = "is a key field: it must be present and not empty"


def stored(index: int) -> str:
    return f"_tm_a{index}"


def differs(index: int) -> str:
    return f"_tm_d{index}"


def finance_text(index: int) -> str:
    return f"_tm_f{index}"


def dataverse_text(index: int) -> str:
    return f"_tm_x{index}"


def side_query(comparison: Comparison, direction: Direction, dialect: Dialect) -> str:
    """The direction's generated query, passing what the pairing reads from its source."""
    plan = comparison.plan
    d = dialect
    passed: list[str] = []
    for index, column in enumerate(comparison.compared):
        if column.direction is direction:
            continue  # the other side stores it
        field = column.stored
        present = f"NOT {d.absent(field.name)}"
        value = d.identifier(field.name)
        if field.nested_key is not None:
            present += f" AND NOT {d.absent(f'{field.name}/{field.nested_key}')}"
            value = (
                f"CASE WHEN {value} IS NOT NULL THEN {d.field(field.name, field.nested_key)} END"
            )
        passed += [f"{value} AS {stored(index)}", f"{present} AS _tm_p{index}"]
    company = "''"
    if plan.company is not None:
        scope = plan.company
        company = (
            f"upper({d.identifier(scope.finance_field)})"
            if direction is Direction.TO_DATAVERSE
            else f"upper(CASE WHEN {d.identifier(scope.navigation)} IS NOT NULL "
            f"THEN {d.field(scope.navigation, scope.code_column)} END)"
        )
    passed.append(f"{company} AS _tm_company")
    if direction is Direction.TO_DATAVERSE:
        passed += [
            f"{d.identifier(part.field)} AS _tm_k{number}"
            for number, part in enumerate(comparison.keys)
        ]
    chosen = plan.to_dataverse if direction is Direction.TO_DATAVERSE else plan.to_finance
    return render_values(plan, chosen, dialect, passed)


def decoded(text: str, kind: Kind, dialect: Dialect) -> str:
    """The value of a JSON text, in the SQL type of ``kind`` (NULL for null).

    A rejected row's text may not be of the kind (an unmapped enum member where an option
    set goes): its comparison is never used, but the engine may compute it, so casts try.
    """
    value = f"CASE WHEN {text} <> 'null' THEN {text} END"
    match kind:
        case Kind.STRING | Kind.ANY | Kind.LOOKUP:
            function = "get_json_object" if dialect.name == "spark" else "json_extract_string"
            # Most strings have no escapes: their text is the value in quotes, parsed for free.
            plain = f"substr({text}, 2, length({text}) - 2)"
            return (
                f"CASE WHEN {text} = 'null' THEN NULL "
                f"WHEN substr({text}, 1, 1) = '\"' AND instr({text}, {dialect.string(chr(92))}) = 0 "
                f"THEN {plain} ELSE {function}({value}, '$') END"
            )
        case Kind.INTEGER:
            return f"TRY_CAST({value} AS BIGINT)"
        case Kind.NUMBER:
            return f"TRY_CAST({value} AS DOUBLE)"
        case Kind.BOOLEAN:
            return f"CASE {text} WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END"
        case _:
            assert_never(kind)


def _same(expected: str, actual: str, column: Compared) -> str:
    match column.kind:
        case Kind.STRING | Kind.ANY | Kind.LOOKUP if column.fold:
            return f"lower(coalesce({expected}, '')) = lower(coalesce({actual}, ''))"
        case Kind.STRING | Kind.ANY | Kind.LOOKUP:
            return f"coalesce({expected}, '') = coalesce({actual}, '')"
        case Kind.NUMBER if column.scale is not None:
            scale = column.scale
            return f"NOT (round({expected}, {scale}) IS DISTINCT FROM round({actual}, {scale}))"
        case Kind.INTEGER | Kind.NUMBER | Kind.BOOLEAN:
            return f"NOT ({expected} IS DISTINCT FROM {actual})"
        case _:
            assert_never(column.kind)


def _normalized(expression: str, kind: Kind) -> str:
    # Keys match without regard to case, as both services' collations match them.
    return f"lower({expression})" if kind in (Kind.STRING, Kind.ANY) else expression


def _stored_value(index: int, column: Compared, dialect: Dialect) -> str:
    """The stored value, as the payload would write it (a lookup as its bind's address)."""
    side = "d" if column.direction is Direction.TO_DATAVERSE else "f"
    value = f"{side}.{stored(index)}"
    address = column.lookup
    if address is None:
        return value
    d = dialect
    parts = [d.string(f"/{address.entity_set}({address.key}='"), d.key_text(value), d.string("'")]
    if address.company_column is not None:
        parts += [d.string(f",_{address.company_column}_value="), "f._tm_company_id"]
    parts.append(d.string(")"))
    return (
        f"CASE WHEN {value} IS NULL OR {value} = '' THEN NULL ELSE concat({', '.join(parts)}) END"
    )


def pairing_query(comparison: Comparison, dialect: Dialect, finance: str, dataverse: str) -> str:
    """One row per key of either side: ``finance`` and ``dataverse`` are the outcome relations."""
    d = dialect
    row = d.identifier("row")
    keys = comparison.keys
    joined = [f"_tm_j{n}" for n in range(len(keys))]
    partition = ", ".join(["_tm_company", *joined])
    finance_keys = [
        f"{_normalized(f'_tm_k{n}', part.kind)} AS _tm_j{n}" for n, part in enumerate(keys)
    ]
    dataverse_keys = [
        f"{_normalized(decoded(value_column(part.mapped_index), part.kind, d), part.kind)} "
        f"AS _tm_j{n}"
        for n, part in enumerate(keys)
    ]
    empty = [
        f"k._tm_j{n} IS NULL"
        + (f" OR k._tm_j{n} = ''" if part.kind in (Kind.STRING, Kind.ANY) else "")
        for n, part in enumerate(keys)
    ]
    # Which key field is missing, for the reject: the first.
    missing = " ".join(
        f"WHEN {condition} THEN {d.string(part.field)}"
        for condition, part in zip(empty, keys, strict=True)
    )
    company_missing = "k._tm_company IS NULL OR k._tm_company = ''"
    if comparison.plan.company is None:
        company_missing = "FALSE"

    def numbered(side: str, relation: str, key_columns: list[str]) -> list[str]:
        """CTEs ``<side>_keyed``, ``<side>_first`` and ``<side>``: each row with its keys and
        ``_tm_n``, 1 on the first row of its key, 2 on any other. The first rows come from a
        narrow aggregate: a window would carry every wide row through its sort."""
        keyed, first = f"{side}_keyed", f"{side}_first"
        matched = " AND ".join(f"k.{name} = r.{name}" for name in ["_tm_company", *joined])
        return [
            f"{keyed} AS (SELECT *, {', '.join(key_columns)} FROM {relation}),",
            f"{first} AS (SELECT {partition}, min({row}) AS _tm_first FROM {keyed} "
            f"GROUP BY {partition}),",
            f"{side} AS (SELECT k.*, r._tm_first, "
            f"CASE WHEN k.{row} = r._tm_first THEN 1 ELSE 2 END AS _tm_n, "
            f"CASE {missing} ELSE NULL END AS _tm_missing, "
            f"({company_missing}) AS _tm_no_company "
            f"FROM {keyed} AS k LEFT JOIN {first} AS r ON {matched}),",
        ]

    on = " AND ".join(
        [
            "f._tm_n = 1",
            "d._tm_n = 1",
            "f._tm_missing IS NULL",
            "d._tm_missing IS NULL",
            "NOT f._tm_no_company",
            "NOT d._tm_no_company",
            "f._tm_company = d._tm_company",
            *(f"f.{name} = d.{name}" for name in joined),
        ]
    )
    both = (
        f"f.{row} IS NOT NULL AND d.{row} IS NOT NULL "
        "AND f.status <> 'rejected' AND d.status <> 'rejected'"
    )
    columns: list[str] = []
    texts: list[str] = []
    flags: list[str] = []
    for index, column in enumerate(comparison.compared):
        to_dataverse = column.direction is Direction.TO_DATAVERSE
        writer, holder = ("f", "d") if to_dataverse else ("d", "f")
        payload_text = f"{writer}.{value_column(column.index)}"
        actual = _stored_value(index, column, d)
        condition = (
            f"coalesce({both} AND {writer}.status = 'written' AND {payload_text} IS NOT NULL "
            f"AND {holder}._tm_p{index} "
            f"AND NOT ({_same(decoded(payload_text, column.kind, d), actual, column)}), FALSE)"
        )
        columns += [
            f"{payload_text} AS _tm_e{index}",
            f"{actual} AS _tm_s{index}",
            f"{condition} AS {differs(index)}",
        ]
        # Both values as JSON text, computed only where they differ (a few rows).
        stored_text = d.json_text(f"_tm_s{index}")
        finance_value, dataverse_value = (
            (f"_tm_e{index}", stored_text) if to_dataverse else (stored_text, f"_tm_e{index}")
        )
        texts += [
            differs(index),
            f"CASE WHEN {differs(index)} THEN {finance_value} END AS {finance_text(index)}",
            f"CASE WHEN {differs(index)} THEN {dataverse_value} END AS {dataverse_text(index)}",
        ]
        flags.append(differs(index))
    to_dataverse_flags = [
        differs(index)
        for index, column in enumerate(comparison.compared)
        if column.direction is Direction.TO_DATAVERSE
    ]
    key_texts = [
        f"CASE WHEN f.{row} IS NOT NULL THEN {d.json_text(f'f._tm_k{n}')} "
        f"ELSE d.{value_column(part.mapped_index)} END AS _tm_key{n}"
        for n, part in enumerate(keys)
    ]
    sides = []
    for side in ("f", "d"):
        sides += [
            f"{side}.{row} AS {side}_row",
            f"{side}.status AS {side}_status",
            f"{side}.reject_field AS {side}_reject_field",
            f"{side}.reject_value AS {side}_reject_value",
            f"{side}.reject_reason AS {side}_reject_reason",
            f"CASE WHEN {side}._tm_n > 1 THEN {side}._tm_first END AS {side}_repeats",
            f"{side}._tm_missing AS {side}_missing",
            f"{side}._tm_no_company AS {side}_no_company",
        ]
    pair = "\n".join(
        [
            "SELECT",
            "    "
            + ",\n    ".join(
                [
                    "nullif(coalesce(f._tm_company, d._tm_company), '') AS company",
                    *key_texts,
                    *sides,
                    *columns,
                ]
            ),
            "FROM f",
            "FULL OUTER JOIN d",
            f"ON {on}",
        ]
    )
    any_differs = " OR ".join(flags) if flags else "FALSE"
    any_to_dataverse = " OR ".join(to_dataverse_flags) if to_dataverse_flags else "FALSE"
    # The pair's own columns are renamed above: decide the outcome over them.
    outcome = (
        "CASE "
        "WHEN f_repeats IS NOT NULL OR f_missing IS NOT NULL OR coalesce(f_no_company, FALSE) "
        "OR d_repeats IS NOT NULL OR d_missing IS NOT NULL OR coalesce(d_no_company, FALSE) "
        "OR f_status = 'rejected' OR d_status = 'rejected' THEN 'rejected' "
        f"WHEN f_row IS NOT NULL AND d_row IS NOT NULL THEN CASE WHEN {any_differs} "
        "THEN 'different' ELSE 'same' END "
        "WHEN f_row IS NOT NULL THEN CASE WHEN f_status = 'written' THEN 'only_in_finance' "
        "ELSE 'filtered' END "
        "ELSE CASE WHEN d_status = 'written' THEN 'only_in_dataverse' ELSE 'filtered' END END"
    )
    repair = f"outcome = 'only_in_finance' OR outcome = 'different' AND ({any_to_dataverse})"
    names = [
        "company",
        *(f"_tm_key{n}" for n in range(len(keys))),
        *(item.rsplit(" AS ", 1)[1] for item in sides),
        *texts,
        "outcome",
    ]
    return "\n".join(
        [
            "WITH",
            *numbered("f", finance, finance_keys),
            *numbered("d", dataverse, dataverse_keys),
            "paired AS (",
            pair,
            "),",
            "classified AS (",
            f"SELECT *, {outcome} AS outcome FROM paired",
            ")",
            f"SELECT {', '.join(names)}, ({repair}) AS repair",
            "FROM classified",
            "",
        ]
    )
