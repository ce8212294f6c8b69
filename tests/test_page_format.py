"""The reference-page format: every reader gives back what its writer wrote."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.diagnostics import Diagnostics
from generator.reference.importer import import_reference
from generator.reference.page_format import (
    ENTITY_LABEL,
    KEEP_SENTENCE,
    REVERSE_FILTER_LABEL,
    SOURCE_FILTER_LABEL,
    TABLE_LABEL,
    code_span,
    company_cell,
    escape,
    field_cell,
    is_keep_sentence,
    key_cell,
    label_line,
    map_table_header,
    map_type_cell,
    read_code_span,
    read_company_cell,
    read_field_cell,
    read_key_cell,
    read_label_line,
    read_map_table_header,
    read_map_type,
    read_value_cell,
    table_cells,
    table_line,
    unescape,
    value_cell,
)
from generator.reference.pages import render_docs
from generator.source.located_yaml import Scalar, ScalarValue
from generator.source.spec import NONE_FIELD, MapSpec, MapType, Pair, ValueMapSpec, parse_spec

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
ONE_LINE = st.text().map(lambda text: " ".join(text.splitlines()))


def typed(value: ScalarValue | object) -> tuple[str, str]:
    """A value with its type, compared by repr: True and 1 differ, and nan equals nan."""
    return type(value).__name__, repr(value)


@given(st.text())
def test_escape(text: str) -> None:
    assert unescape(escape(text)) == text


@given(SCALARS)
def test_value_cell(value: ScalarValue) -> None:
    assert typed(read_value_cell(value_cell(value))) == typed(value)


@given(st.lists(SCALARS, min_size=1, max_size=4))
def test_value_cells_in_a_table_line(values: list[ScalarValue]) -> None:
    line = table_line([value_cell(value) for value in values])
    assert "\n" not in line and line.isprintable()
    read = [read_value_cell(cell) for cell in table_cells(line)]
    # An empty last cell is not a cell: only a string can be one, and it is written quoted.
    assert [typed(value) for value in read] == [typed(value) for value in values]


@given(ONE_LINE)
def test_code_span(text: str) -> None:
    assert read_code_span(code_span(text)) == text


def test_code_span_puts_line_breaks_on_one_line() -> None:
    assert code_span("a eq 1\nor b eq 2") == "`a eq 1 or b eq 2`"


@given(ONE_LINE.map(str.strip).filter(bool))
def test_field_cell(name: str) -> None:
    assert read_field_cell(field_cell(name)) == name


@given(st.lists(ONE_LINE.map(str.strip).filter(bool), min_size=1, max_size=4))
def test_key_cell(names: list[str]) -> None:
    assert read_key_cell(key_cell(names)) == tuple(names)


def test_company_cell() -> None:
    assert [read_company_cell(company_cell(striped)) for striped in (True, False)] == [
        "striped",
        "global",
    ]


def test_field_cell_of_none() -> None:
    assert (field_cell(None), read_field_cell(field_cell(None))) == (NONE_FIELD, NONE_FIELD)


def test_map_type_cell() -> None:
    cells = {member.value: map_type_cell(member.value) for member in MapType}
    assert cells == {
        "=": "=",
        ">": "\\>",
        "<": "\\<",
        "><": "\\>\\<",
        ">>": "\\>\\>",
        "<<": "\\<\\<",
    }
    assert {symbol: read_map_type(cell) for symbol, cell in cells.items()} == {
        symbol: symbol for symbol in cells
    }


@given(ONE_LINE.map(str.strip))
def test_label_lines(value: str) -> None:
    for label in (ENTITY_LABEL, TABLE_LABEL):
        assert read_label_line(label_line(label, escape(value))) == (label, escape(value))
    for label in (SOURCE_FILTER_LABEL, REVERSE_FILTER_LABEL):
        written = read_label_line(label_line(label, code_span(value)))
        assert written is not None and written[0] == label
        assert read_code_span(written[1]) == value


def test_map_table_header_and_keep_sentence() -> None:
    header = read_map_table_header(map_table_header())
    assert header is not None
    assert (header.map_type, header.default, header.ignored) == (1, 3, ())
    assert is_keep_sentence(KEEP_SENTENCE)


SPEC = b"""\
template: Values
company: global
key: [A]
finance: {entity: Things}
dataverse: {table: things}
fields:
  - [A, "=", a, 0]
  - [B, "><", b, {values: [[0, 0]]}]
"""


def _spec(default: ScalarValue, pairs: list[tuple[ScalarValue, ScalarValue]]) -> MapSpec:
    spec = parse_spec(SPEC, "values.yaml", "values", Diagnostics())
    assert spec is not None
    first, second = spec.rows
    assert second.values is not None

    def scalar(value: ScalarValue) -> Scalar:
        return Scalar(value, first.location, quoted=isinstance(value, str))

    values = ValueMapSpec(None, tuple(Pair(scalar(a), scalar(b)) for a, b in pairs), first.location)
    return replace(
        spec, rows=(replace(first, default=scalar(default)), replace(second, values=values))
    )


@settings(max_examples=50, deadline=None)
@given(SCALARS, st.lists(st.tuples(SCALARS, SCALARS), min_size=1, max_size=3))
# Lines that Markdown would read as a fence, a table separator or a comment.
@example("~~~x", [("---", "a <!-- b"), (":--", "\u2028")])
def test_a_page_reads_back_into_its_values(
    default: ScalarValue, pairs: list[tuple[ScalarValue, ScalarValue]]
) -> None:
    (imported,) = import_reference(render_docs([_spec(default, pairs)])["values.md"])
    diagnostics = Diagnostics()
    spec = parse_spec(imported.text.encode(), "values.yaml", "values", diagnostics)
    assert spec is not None, [item.headline() for item in diagnostics.items]
    first, second = spec.rows
    assert first.default is not None and second.values is not None
    assert typed(first.default.value) == typed(default)
    assert [
        (typed(pair.finance.value), typed(pair.dataverse.value)) for pair in second.values.pairs
    ] == [(typed(a), typed(b)) for a, b in pairs]
