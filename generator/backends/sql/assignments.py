"""SQL for one direction's assignments: plan assignments in, payload entries and reject checks out.

Each assignment becomes a payload entry (written when its source key is present, as JSON
text) and, when the Python mapper could raise ``MappingError`` on it, a check with the same
field, value and reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from generator.backends.sql.dialects import URL_UNSAFE, Dialect
from generator.backends.sql.folding import fold_expression
from generator.plan.model import (
    Assignment,
    BindCompany,
    BindLookup,
    Constant,
    Convert,
    Converter,
    Copy,
    ReadCompany,
    ReadLookup,
)
from generator.source.entity_schema import Kind
from generator.source.located_yaml import ScalarValue

NOT_IN_MAP = "is not in the value map"
NOT_A_COMPANY = "is not a company code (1 to 4 letters or digits)"


class UnsupportedAssignment(Exception):
    """A plan kind the SQL backend does not render yet (named, so nothing is dropped silently)."""


@dataclass(frozen=True)
class Entry:
    """``"target": value`` in the payload, when ``present`` holds (always, if None)."""

    key: str  # the JSON text of the key and the colon: '"accountnumber":'
    present: str | None
    value: str  # SQL for the value's JSON text


@dataclass(frozen=True)
class Check:
    """The row is rejected when ``condition`` holds, naming ``field`` and the JSON ``value``."""

    field: str
    condition: str
    value: str
    reason: str


def json_literal(value: ScalarValue) -> str:
    """The JSON text of a literal as Python's json.dumps writes it (the payload's spelling)."""
    return json.dumps(value, ensure_ascii=False)


def fold_column(source: str) -> str:
    return f"_fold_{source}"


class DirectionSql:
    """Builds the entries and checks of one direction for one dialect."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        # Source column -> the folded keys it is compared with; computed once per row.
        self.folds: dict[str, set[str]] = {}

    def column(self, name: str) -> str:
        return self.dialect.identifier(name)

    def present(self, name: str) -> str:
        return f"NOT {self.dialect.absent(name)}"

    def entry(self, target: str, present: str | None, value: str) -> Entry:
        return Entry(json.dumps(target) + ":", present, value)

    def assignment(self, assignment: Assignment) -> tuple[Entry, Check | None]:
        if isinstance(assignment, Constant):
            literal = json_literal(assignment.value)
            return self.entry(assignment.target, None, self.dialect.string(literal)), None
        if isinstance(assignment, Copy):
            value = self.dialect.json_text(self.column(assignment.source))
            return self.entry(assignment.target, self.present(assignment.source), value), None
        if isinstance(assignment, Convert):
            return self.convert(assignment)
        if isinstance(assignment, BindLookup):
            return self.bind(assignment)
        if isinstance(assignment, ReadLookup):
            return self.read(assignment)
        if isinstance(assignment, BindCompany):
            return self.bind_company(assignment)
        if isinstance(assignment, ReadCompany):
            return self.read_company(assignment)
        raise UnsupportedAssignment(type(assignment).__name__)

    def convert(self, assignment: Convert) -> tuple[Entry, Check | None]:
        converter = assignment.converter
        source = self.column(assignment.source)
        d = self.dialect
        whens = [f"WHEN {source} IS NULL THEN {d.string(json_literal(converter.null_result))}"]
        check = None
        if converter.table is not None:
            key = self.table_key(assignment.source, converter)
            pairs = [(k, v) for k, v in converter.table if k is not None]
            for table_key, value in pairs:
                whens.append(
                    f"WHEN {key} = {self.sql_literal(table_key)} "
                    f"THEN {d.string(json_literal(value))}"
                )
            if converter.raises:
                listed = ", ".join(self.sql_literal(table_key) for table_key, _ in pairs)
                matched = f"coalesce({key} IN ({listed}), FALSE)" if pairs else "FALSE"
                check = Check(
                    assignment.source,
                    f"{self.present(assignment.source)} AND {source} IS NOT NULL "
                    f"AND NOT {matched}",
                    d.json_text(source),
                    NOT_IN_MAP,
                )
        fallback = d.json_text(source)
        body = " ".join(whens)
        value = f"CASE {body} ELSE {fallback} END"
        return self.entry(assignment.target, self.present(assignment.source), value), check

    def table_key(self, source: str, converter: Converter) -> str:
        if converter.fold and converter.source is Kind.STRING:
            keys = {key for key, _ in converter.table or () if isinstance(key, str)}
            self.folds.setdefault(source, set()).update(keys)
            return self.column(fold_column(source))
        return self.column(source)

    def sql_literal(self, value: ScalarValue) -> str:
        if isinstance(value, str):
            return self.dialect.string(value)
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if value is None:
            return "NULL"
        return repr(value)

    def bind(self, assignment: BindLookup) -> tuple[Entry, Check | None]:
        d = self.dialect
        source = self.column(assignment.source)
        address = assignment.lookup
        if address.company_column is not None:
            raise UnsupportedAssignment("a company-specific lookup (BindLookup with a company)")
        prefix = d.string(f"/{address.entity_set}({address.key}='")
        doubled = f"replace({source}, {d.string(chr(39))}, {d.string(chr(39) * 2)})"
        # Most keys need no encoding: skip the per-character pass for them.
        encoded = (
            f"CASE WHEN {d.matches(doubled, URL_UNSAFE)} "
            f"THEN {d.percent_encode(doubled)} ELSE {doubled} END"
        )
        value = (
            f"CASE WHEN {source} IS NULL OR {source} = '' THEN 'null' "
            f"ELSE '\"' || {prefix} || {encoded} || {d.string(chr(39) + ')')} || '\"' END"
        )
        return self.entry(assignment.target, self.present(assignment.source), value), None

    def read(self, assignment: ReadLookup) -> tuple[Entry, Check | None]:
        d = self.dialect
        reader = assignment.reader
        navigation = self.column(reader.navigation)
        nested = f"{reader.navigation}/{reader.key}"
        value = d.json_text(d.field(reader.navigation, reader.key))
        check = Check(
            reader.navigation,
            f"{self.present(reader.navigation)} AND {navigation} IS NOT NULL "
            f"AND {d.absent(nested)}",
            "'{}'",
            f"is not an expanded lookup with a string column {reader.key!r}",
        )
        return self.entry(assignment.target, self.present(reader.navigation), value), check

    def company_code(self, expression: str) -> str:
        """Whether ``expression`` is a dataAreaId: 1 to 4 ASCII letters or digits."""
        d = self.dialect
        return (
            f"coalesce(length({expression}) BETWEEN 1 AND 4 "
            f"AND NOT {d.matches(expression, '[^A-Za-z0-9]')}, FALSE)"
        )

    def bind_company(self, assignment: BindCompany) -> tuple[Entry, Check | None]:
        d = self.dialect
        source = self.column(assignment.source)
        company = assignment.company
        prefix = d.string(f'"/{company.entity_set}({company.code_column}=' + "'")
        value = f"{prefix} || upper({source}) || {d.string(chr(39) + ')' + chr(34))}"
        check = Check(
            assignment.source,
            f"{self.present(assignment.source)} AND NOT {self.company_code(source)}",
            d.json_text(source),
            NOT_A_COMPANY,
        )
        return self.entry(assignment.target, self.present(assignment.source), value), check

    def read_company(self, assignment: ReadCompany) -> tuple[Entry, Check | None]:
        d = self.dialect
        company = assignment.company
        navigation = self.column(company.navigation)
        code = d.field(company.navigation, company.code_column)
        nested = f"{company.navigation}/{company.code_column}"
        # The rejected value is the expanded object as read: null, {} or {"<code column>": ...}.
        shown = (
            f"CASE WHEN {navigation} IS NULL THEN 'null' WHEN {d.absent(nested)} THEN '{{}}' "
            f"ELSE '{{' || {d.string(json.dumps(company.code_column) + ':')} || "
            f"{d.json_text(code)} || '}}' END"
        )
        check = Check(
            company.navigation,
            f"{self.present(company.navigation)} AND ({navigation} IS NULL "
            f"OR {d.absent(nested)} OR NOT {self.company_code(code)})",
            shown,
            f"is not an expanded company with a code in {company.code_column!r}",
        )
        value = d.json_text(f"lower({code})")
        return self.entry(assignment.target, self.present(company.navigation), value), check
