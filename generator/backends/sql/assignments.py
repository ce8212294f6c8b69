"""SQL for one direction's assignments: plan assignments in, payload entries and reject checks out.

Each assignment becomes a payload entry (written when its source key is present, as JSON
text) and the checks that reject the row wherever the Python mapper raises ``MappingError``,
in the order the mapper would raise, with the same field, value and reason.
"""

from __future__ import annotations

import json

from generator.backends.sql import checks
from generator.backends.sql.company_lookups import bind_company_lookup
from generator.backends.sql.dialects import Dialect
from generator.backends.sql.parts import (
    NOT_A_COMPANY,
    NOT_IN_MAP,
    Built,
    Check,
    Entry,
    UnsupportedAssignment,
)
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
    ValueCheck,
)
from generator.source.entity_schema import Kind
from generator.source.located_yaml import ScalarValue

VALID_COMPANY = "_valid_company"


def json_literal(value: ScalarValue) -> str:
    """The JSON text of a literal as Python's json.dumps writes it (the payload's spelling)."""
    return json.dumps(value, ensure_ascii=False)


def fold_column(source: str) -> str:
    return f"_fold_{source}"


class DirectionSql:
    """Builds the entries and checks of one direction for one dialect."""

    def __init__(self, dialect: Dialect, company_field: str | None = None) -> None:
        self.dialect = dialect
        # F&O's company field on a striped map: company-specific lookups are keyed by it.
        self.company_field = company_field
        self.needs_directory = False
        # Whether the record's own company code is checked: once per row, as _valid_company.
        self.checks_company = False
        # Source column -> the folded keys it is compared with; computed once per row.
        self.folds: dict[str, set[str]] = {}

    def column(self, name: str) -> str:
        return self.dialect.identifier(name)

    def present(self, name: str) -> str:
        return f"NOT {self.dialect.absent(name)}"

    def entry(
        self, target: str, present: str | None, value: str, valued: str | None = None
    ) -> Entry:
        return Entry(json.dumps(target) + ":", present, value, valued)

    def valued(self, name: str, kind: Kind) -> str:
        """Whether the source field holds a value: not null (so not absent either), and for
        text not empty."""
        column = self.column(name)
        if kind in (Kind.STRING, Kind.ANY, Kind.LOOKUP):
            return f"{column} IS NOT NULL AND {column} <> ''"
        return f"{column} IS NOT NULL"

    def assignment(self, assignment: Assignment) -> Built:
        if isinstance(assignment, Constant):
            literal = json_literal(assignment.value)
            return self.entry(assignment.target, None, self.dialect.string(literal)), []
        if isinstance(assignment, Copy):
            return self.copy(assignment)
        if isinstance(assignment, Convert):
            return self.convert(assignment)
        if isinstance(assignment, BindLookup):
            return self.bind(assignment)
        if isinstance(assignment, ReadLookup):
            return self.read(assignment)
        if isinstance(assignment, BindCompany):
            return self.bind_company(assignment)
        return self.read_company(assignment)

    def value_checks(
        self, field: str, value: str, check: ValueCheck | None, source: Kind, guard: str
    ) -> list[Check]:
        """Rejects for a non-null ``value`` that fails ``check``, only where ``guard`` holds."""
        if check is None:
            return []
        shown = self.dialect.json_text(value)
        return [
            Check(
                field,
                f"{guard} AND {value} IS NOT NULL AND ({failure.condition})",
                shown,
                failure.reason,
            )
            for failure in checks.failures(self.dialect, value, check, source)
        ]

    def copy(self, assignment: Copy) -> Built:
        source = self.column(assignment.source)
        present = self.present(assignment.source)
        check = assignment.check
        # Input columns carry the schema's type, which is the kind the column takes.
        kind = check.kind if check is not None else Kind.ANY
        value = self.dialect.json_text(checks.kept(source, check))
        found = self.value_checks(assignment.source, source, check, kind, present)
        valued = self.valued(assignment.source, kind)
        return self.entry(assignment.target, present, value, valued), found

    def convert(self, assignment: Convert) -> Built:
        converter = assignment.converter
        source = self.column(assignment.source)
        present = self.present(assignment.source)
        d = self.dialect
        whens = [f"WHEN {source} IS NULL THEN {d.string(json_literal(converter.null_result))}"]
        found: list[Check] = []
        unmatched = f"{source} IS NOT NULL"
        if converter.table is not None:
            key = self.table_key(assignment.source, converter)
            pairs = [(k, v) for k, v in converter.table if k is not None]
            for table_key, value in pairs:
                whens.append(
                    f"WHEN {key} = {self.sql_literal(table_key)} "
                    f"THEN {d.string(json_literal(value))}"
                )
            listed = ", ".join(self.sql_literal(table_key) for table_key, _ in pairs)
            matched = f"coalesce({key} IN ({listed}), FALSE)" if pairs else "FALSE"
            unmatched = f"{unmatched} AND NOT {matched}"
            if converter.raises:
                found.append(
                    Check(
                        assignment.source,
                        f"{present} AND {unmatched}",
                        d.json_text(source),
                        d.string(NOT_IN_MAP),
                    )
                )
        # Only a value passed through unchanged is checked: the table's were, at generate time.
        found += self.value_checks(
            assignment.source,
            source,
            assignment.check,
            converter.source,
            f"{present} AND {unmatched}",
        )
        fallback = d.json_text(checks.kept(source, assignment.check))
        value = f"CASE {' '.join(whens)} ELSE {fallback} END"
        textual = converter.source in (Kind.STRING, Kind.ANY)
        if converter.null_result is None:
            valued: str | None = self.valued(assignment.source, converter.source)
        else:
            # The spec's value for null is written; only an empty text is left out.
            valued = f"{present} AND coalesce({source} <> '', TRUE)" if textual else None
        return self.entry(assignment.target, present, value, valued), found

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

    def bind(self, assignment: BindLookup) -> Built:
        d = self.dialect
        source = self.column(assignment.source)
        address = assignment.lookup
        if address.company_column is not None:
            if self.company_field is None:
                raise UnsupportedAssignment("a company-specific lookup on a global map")
            self.needs_directory = True
            return bind_company_lookup(self, assignment, self.company_field)
        prefix = d.string(f'"/{address.entity_set}({address.key}=' + "'")
        # One concat per value: a chain of || would copy the growing text at each step.
        value = (
            f"CASE WHEN {source} IS NULL OR {source} = '' THEN 'null' "
            f"ELSE concat({prefix}, {d.key_text(source)}, {d.string(chr(39) + ')' + chr(34))}) END"
        )
        present = self.present(assignment.source)
        valued = self.valued(assignment.source, Kind.STRING)
        entry = self.entry(assignment.target, present, value, valued)
        return entry, self.key_length(assignment)

    def key_length(self, assignment: BindLookup) -> list[Check]:
        """Rejects a key longer than the target's key column: it can address no row."""
        address = assignment.lookup
        if address.max_length is None:
            return []
        d = self.dialect
        source = self.column(assignment.source)
        reason = (
            f"is too long to key {address.entity_set}: {address.key!r} takes at most "
            f"{address.max_length} characters, got "
        )
        return [
            Check(
                assignment.source,
                f"{self.present(assignment.source)} AND length({source}) > {address.max_length}",
                d.json_text(source),
                f"{d.string(reason)} || CAST(length({source}) AS STRING)",
            )
        ]

    def read(self, assignment: ReadLookup) -> Built:
        d = self.dialect
        reader = assignment.reader
        navigation = self.column(reader.navigation)
        present = self.present(reader.navigation)
        nested = f"{reader.navigation}/{reader.key}"
        # No reference reads as "": F&O holds an empty lookup field so, as dual-write writes it.
        key = f"CASE WHEN {navigation} IS NULL THEN '' ELSE {d.field(reader.navigation, reader.key)} END"
        shape = Check(
            reader.navigation,
            f"{present} AND {navigation} IS NOT NULL AND {d.absent(nested)}",
            "'{}'",
            d.string(f"is not an expanded lookup with a string column {reader.key!r}"),
        )
        found = [
            shape,
            *self.value_checks(reader.navigation, key, assignment.check, Kind.STRING, present),
        ]
        value = d.json_text(checks.kept(key, assignment.check))
        read = d.field(reader.navigation, reader.key)
        valued = f"{navigation} IS NOT NULL AND coalesce({read} <> '', FALSE)"
        return self.entry(assignment.target, present, value, valued), found

    def company_code(self, expression: str) -> str:
        """Whether ``expression`` is a dataAreaId: 1 to 4 ASCII letters or digits."""
        d = self.dialect
        return (
            f"coalesce(length({expression}) BETWEEN 1 AND 4 "
            f"AND NOT {d.matches(expression, '[^A-Za-z0-9]')}, FALSE)"
        )

    def valid_company(self) -> str:
        """Whether the record's company field holds a company code (computed once per row)."""
        self.checks_company = True
        return VALID_COMPANY

    def bind_company(self, assignment: BindCompany) -> Built:
        d = self.dialect
        source = self.column(assignment.source)
        company = assignment.company
        prefix = d.string(f'"/{company.entity_set}({company.code_column}=' + "'")
        value = f"concat({prefix}, upper({source}), {d.string(chr(39) + ')' + chr(34))})"
        check = Check(
            assignment.source,
            f"{self.present(assignment.source)} AND NOT {self.valid_company()}",
            d.json_text(source),
            d.string(NOT_A_COMPANY),
        )
        return self.entry(assignment.target, self.present(assignment.source), value), [check]

    def read_company(self, assignment: ReadCompany) -> Built:
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
            d.string(f"is not an expanded company with a code in {company.code_column!r}"),
        )
        value = d.json_text(f"lower({code})")
        return self.entry(assignment.target, self.present(company.navigation), value), [check]
