"""JSON Lines parsed by DuckDB: a file in, the ``source`` relation staged as Parquet out.

Python's json module costs more than the whole query, so DuckDB parses the lines. Each line is
parsed once for its keys (the names to resolve, see columns.py) and once for the values read:
``json_extract`` of a key the line lacks is SQL NULL and of a JSON null is JSON ``null``, so
an absent key stays absent and a null stays null, exactly as the Python mappers see them. Each
value's JSON type is checked against its field's kind as records.py checks it, with the same
reject reasons. What DuckDB would read otherwise than Python's json module (a duplicate key,
whose last value Python keeps; a line that is not an object; two spellings of a field; a file
DuckDB refuses: a lone surrogate, NaN, a byte-order mark) goes to the Python reader instead,
which also words every error as before.
"""

from __future__ import annotations

import duckdb

from generator.bulk.cells import EXPECTED, mismatch
from generator.bulk.columns import BadColumns
from generator.bulk.parquet_source import declared as _declared
from generator.bulk.records import Field, InputReject, Reading
from generator.source.entity_schema import Kind

BEYOND = "is beyond the 64-bit integers the engines hold"


class NotForTheEngine(Exception):
    """This input is read by the Python reader (see the module's docstring)."""


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _path(key: str) -> str:
    if any(c in key for c in '"\\') or not key.isprintable():
        raise NotForTheEngine(key)  # a JSON path can't quote it
    return _literal(f'$."{key}"')


def _keys(connection: duckdb.DuckDBPyConnection, scan: str) -> list[str]:
    """Every key of every line; NotForTheEngine for a line that is not an object or holds a
    key twice."""
    # Lines mostly share their keys, so their distinct lists are few; NULL is a line that is
    # not an object (its text does not start with a brace).
    rows = connection.execute(
        "SELECT DISTINCT CASE WHEN starts_with(ltrim(json), '{') THEN json_keys(json) END "
        f"FROM {scan}"
    ).fetchall()
    keys: set[str] = set()
    for (listed,) in rows:
        if listed is None or len(set(listed)) != len(listed):
            raise NotForTheEngine("not one object a line with each key once")
        keys.update(listed)
    return sorted(keys)


def _spellings(reading: Reading, keys: list[str]) -> dict[str, list[str]]:
    """Field -> the keys that hold it, the exact one first; at most one other."""
    columns = reading.columns
    try:
        columns.header(keys)
    except BadColumns:
        raise NotForTheEngine("two spellings of a field") from None
    spellings: dict[str, list[str]] = {}
    for key in keys:
        field = columns.field(key)
        if field is not None:
            spellings.setdefault(field, []).append(key)
    for field, found in spellings.items():
        found.sort(key=lambda key: key != field)
        if len([key for key in found if key != field]) > 1:
            raise NotForTheEngine("two spellings of a field")
    return spellings


def _value(item: Field, element: str, kind: str) -> tuple[str, str]:
    """The typed value of a field's JSON element (of JSON type ``kind``), and the reason it
    rejects its row (SQL)."""
    if item.nested_key is not None:
        inner = f"json_extract({element}, {_path(item.nested_key)})"
        inner_kind = f"json_type({inner})"
        value = (
            f"CASE WHEN {kind} = 'OBJECT' THEN struct_pack({_ident(item.nested_key)} := "
            f"CASE WHEN {inner_kind} = 'VARCHAR' THEN json_extract_string({inner}, '$') END) END"
        )
        reason = (
            f"CASE WHEN {kind} NOT IN ('OBJECT', 'NULL') THEN {_literal(mismatch(Kind.LOOKUP).reason)} "
            f"WHEN {kind} = 'OBJECT' AND {inner_kind} NOT IN ('VARCHAR', 'NULL') THEN "
            f"{_literal(f'holds {item.nested_key!r} that is not {EXPECTED[Kind.STRING]}')} END"
        )
        return value, reason
    wrong = _literal(mismatch(item.kind).reason)
    if item.kind in (Kind.STRING, Kind.ANY):
        value = f"CASE WHEN {kind} = 'VARCHAR' THEN json_extract_string({element}, '$') END"
        return value, f"CASE WHEN {kind} NOT IN ('VARCHAR', 'NULL') THEN {wrong} END"
    if item.kind is Kind.INTEGER:
        integral = f"regexp_full_match(CAST({element} AS VARCHAR), '-?[0-9]+')"
        value = f"CASE WHEN {kind} IN ('BIGINT', 'UBIGINT') THEN TRY_CAST({element} AS BIGINT) END"
        reason = (
            f"CASE WHEN {kind} IN ('BIGINT', 'UBIGINT') AND TRY_CAST({element} AS BIGINT) IS NULL "
            f"THEN {_literal(BEYOND)} WHEN {kind} = 'DOUBLE' AND {integral} THEN "
            f"{_literal(BEYOND)} WHEN {kind} NOT IN ('BIGINT', 'UBIGINT', 'NULL') THEN {wrong} END"
        )
        return value, reason
    if item.kind is Kind.NUMBER:
        numeric = "('BIGINT', 'UBIGINT', 'DOUBLE')"
        value = f"CASE WHEN {kind} IN {numeric} THEN CAST({element} AS DOUBLE) END"
        return (
            value,
            f"CASE WHEN {kind} NOT IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'NULL') THEN {wrong} END",
        )
    value = f"CASE WHEN {kind} = 'BOOLEAN' THEN CAST({element} AS BOOLEAN) END"
    return value, f"CASE WHEN {kind} NOT IN ('BOOLEAN', 'NULL') THEN {wrong} END"


def stage_json_lines(
    connection: duckdb.DuckDBPyConnection, reading: Reading, staged: str
) -> list[InputReject]:
    """Stage the input as Parquet at ``staged`` (``_absent``, the fields, and the first bad
    field of each row); returns the rows' rejects. NotForTheEngine leaves nothing staged."""
    path = reading.path.as_posix()
    scan = f"read_json_objects({_literal(path)}, format = 'newline_delimited')"
    try:
        keys = _keys(connection, scan)
        spellings = _spellings(reading, keys)
        paths = [key for field in reading.fields for key in spellings.get(field.name, [])]
        extracted = (
            f"json_extract(json, [{', '.join(_path(key) for key in paths)}])" if paths else "[]"
        )
        # Each layer computes once what the next reads many times: the field's JSON element,
        # its JSON type, then its value and its reject reason.
        elements, kinds, values, final, absent, bad = [], [], [], [], [], []
        for number, item in enumerate(reading.fields):
            held = spellings.get(item.name, [])
            name = _ident(item.name)
            final.append(name)
            if not held:
                absent.append(_literal(item.name))
                values.append(f"CAST(NULL AS {_declared(item)}) AS {name}")
                continue
            element, kind, reason = f"_e{number}", f"_t{number}", f"_r{number}"
            whole = ", ".join(f"v[{paths.index(key) + 1}]" for key in held)
            elements.append(f"coalesce({whole}) AS {element}")
            kinds.append(f"json_type({element}) AS {kind}")
            value, why = _value(item, element, kind)
            values += [f"CAST({value} AS {_declared(item)}) AS {name}", f"{why} AS {reason}"]
            absent.append(f"CASE WHEN {element} IS NULL THEN {_literal(item.name)} END")
            if item.nested_key is not None:
                inner = f"json_extract({element}, {_path(item.nested_key)})"
                absent.append(
                    f"CASE WHEN {kind} = 'OBJECT' AND {inner} IS NULL THEN "
                    f"{_literal(f'{item.name}/{item.nested_key}')} END"
                )
            values.append(f"CAST({element} AS VARCHAR) AS _text{number}")
            bad.append((item.name, reason, f"_text{number}"))
        absent_list = (
            f"list_filter([{', '.join(absent)}], lambda name: name IS NOT NULL)" if absent else "[]"
        )
        values.append(f"CAST({absent_list} AS VARCHAR[]) AS _absent")
        if bad:
            final += [
                "CASE "
                + " ".join(f"WHEN {r} IS NOT NULL THEN {_literal(n)}" for n, r, _ in bad)
                + " END AS _bad_field",
                "CASE "
                + " ".join(f"WHEN {r} IS NOT NULL THEN {t}" for _, r, t in bad)
                + " END AS _bad_value",
                "CASE "
                + " ".join(f"WHEN {r} IS NOT NULL THEN {r}" for _, r, _ in bad)
                + " END AS _bad_reason",
            ]
        else:
            final += [
                f"CAST(NULL AS VARCHAR) AS {name}"
                for name in ("_bad_field", "_bad_value", "_bad_reason")
            ]
        layers = f"(SELECT {extracted} AS v FROM {scan})"
        for items in (elements, ["*", *kinds], values):
            if items:
                layers = f"(SELECT {', '.join(items)} FROM {layers})"
        connection.execute(
            f"COPY (SELECT _absent, {', '.join(final)} FROM {layers}) TO '{staged}' (FORMAT parquet)"
        )
    except (duckdb.InvalidInputException, duckdb.ConversionException) as problem:
        # What DuckDB refuses to read; any other error is a bug here, and keeps its traceback.
        raise NotForTheEngine(f"DuckDB can't read it as Python does: {problem}") from None
    rows = connection.execute(
        f"SELECT file_row_number, _bad_field, _bad_value, _bad_reason FROM read_parquet("
        f"'{staged}', file_row_number = true) WHERE _bad_field IS NOT NULL"
    ).fetchall()
    return [
        InputReject(int(row), str(field), str(value), str(reason))
        for row, field, value, reason in rows
    ]
