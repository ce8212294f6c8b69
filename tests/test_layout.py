"""Long lines laid out as black lays them out, before black runs (generator/backends/python/
layout.py): black then finds each block in its final form on its first pass, and skips the
second. A line laid out otherwise than black would still comes out of black as black wants
it; these tests see that the layout is black's, for each shape of line it splits."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.backends.python.layout import laid_out, record_type_laid_out
from generator.backends.python.render import format_python
from generator.cache import ContentCache

S12 = " " * 12


def lines(*texts: str) -> str:
    return "\n".join(texts) + "\n"


# (the line as the templates write it, black's layout of it), inside a def or at the top.
SPLIT = [
    pytest.param(
        S12 + 'value = checked_string(TEMPLATE, "PrimaryAddressCity", value, "address1_city", '
        "max_length=80)",
        lines(
            S12 + "value = checked_string(",
            S12 + '    TEMPLATE, "PrimaryAddressCity", value, "address1_city", max_length=80',
            S12 + ")",
        ),
        id="a-call-whose-arguments-fit-a-line",
    ),
    pytest.param(
        S12 + 'value = checked_number(TEMPLATE, "InvoiceAddressLongitude", value, '
        '"address2_longitude", minimum=-180, maximum=180)',
        lines(
            S12 + "value = checked_number(",
            S12 + "    TEMPLATE,",
            S12 + '    "InvoiceAddressLongitude",',
            S12 + "    value,",
            S12 + '    "address2_longitude",',
            S12 + "    minimum=-180,",
            S12 + "    maximum=180,",
            S12 + ")",
        ),
        id="a-call-whose-arguments-do-not",
    ),
    pytest.param(
        S12 + 'payload["msdyn_vendor@odata.bind"] = f"/msdyn_vendors(msdyn_vendoraccountnumber='
        "'{value}',_msdyn_company_value={company})\"",
        lines(
            S12 + 'payload["msdyn_vendor@odata.bind"] = (',
            S12 + "    f\"/msdyn_vendors(msdyn_vendoraccountnumber='{value}',"
            '_msdyn_company_value={company})"',
            S12 + ")",
        ),
        id="a-string-assigned-even-when-it-still-does-not-fit",
    ),
    pytest.param(
        S12 + 'payload["msdyn_clearingperiodpaymenttermname@odata.bind"] = '
        '_bind_msdyn_paymentterms_by_msdyn_name(value, "ClearingPeriodPaymentTermName", record, '
        "companies)",
        lines(
            S12 + 'payload["msdyn_clearingperiodpaymenttermname@odata.bind"] = (',
            S12 + "    _bind_msdyn_paymentterms_by_msdyn_name(",
            S12 + '        value, "ClearingPeriodPaymentTermName", record, companies',
            S12 + "    )",
            S12 + ")",
        ),
        id="a-call-whose-first-line-would-be-too-long",
    ),
    pytest.param(
        S12 + 'payload["msdyn_clearingperiodpaymenttermname@odata.bind"] = '
        'f_bind_msdyn_paymentterms_by_msdyn_name(value, "ClearingPeriodPaymentTermName", '
        "record, companies)",
        lines(
            S12 + 'payload["msdyn_clearingperiodpaymenttermname@odata.bind"] = (',
            S12 + "    f_bind_msdyn_paymentterms_by_msdyn_name(",
            S12 + '        value, "ClearingPeriodPaymentTermName", record, companies',
            S12 + "    )",
            S12 + ")",
        ),
        id="a-call-of-a-name-that-starts-like-a-string-prefix",
    ),
    pytest.param(
        "def dataverse_to_finance(record: DataverseMsdynCustomerpaymentmethods) -> "
        "FinanceCustomerPaymentMethods:",
        lines(
            "def dataverse_to_finance(",
            "    record: DataverseMsdynCustomerpaymentmethods,",
            ") -> FinanceCustomerPaymentMethods:",
        ),
        id="a-def-with-one-parameter-gets-a-trailing-comma",
    ),
    pytest.param(
        "def finance_to_dataverse(record: FinanceCustomersV3, companies: dict[str, str] | None "
        "= None) -> DataverseAccountsPayload:",
        lines(
            "def finance_to_dataverse(",
            "    record: FinanceCustomersV3, companies: dict[str, str] | None = None",
            ") -> DataverseAccountsPayload:",
        ),
        id="a-def-with-parameters-that-fit-a-line",
    ),
    pytest.param(
        "from ._runtime import MappingError, checked_integer, checked_number, checked_string, "
        "ensure_record, fold",
        lines(
            "from ._runtime import (",
            "    MappingError,",
            "    checked_integer,",
            "    checked_number,",
            "    checked_string,",
            "    ensure_record,",
            "    fold,",
            ")",
        ),
        id="an-import",
    ),
    pytest.param(
        "        if (value.__class__ is not float and value.__class__ is not int) or not "
        "-180 <= value <= 180:",
        lines(
            "        if (",
            "            value.__class__ is not float and value.__class__ is not int",
            "        ) or not -180 <= value <= 180:",
        ),
        id="a-condition-that-starts-with-a-bracket",
    ),
    pytest.param(
        "    if isinstance(value, str) and (key := value.casefold()) in "
        "_SALES_TAX_ALLOCATION_METHOD_TO_DATAVERSE:",
        lines(
            "    if (",
            "        isinstance(value, str)",
            "        and (key := value.casefold()) in _SALES_TAX_ALLOCATION_METHOD_TO_DATAVERSE",
            "    ):",
        ),
        id="a-condition-split-at-its-operator",
    ),
    pytest.param(
        '    return odata_eq(record.get("msdyn_contactforvendor"), True) and '
        'odata_eq(record.get("msdyn_sellable"), False) and '
        'odata_ne(record.get("msdyn_contactpersonid"), "")',
        lines(
            "    return (",
            '        odata_eq(record.get("msdyn_contactforvendor"), True)',
            '        and odata_eq(record.get("msdyn_sellable"), False)',
            '        and odata_ne(record.get("msdyn_contactpersonid"), "")',
            "    )",
        ),
        id="a-return-of-several-operands",
    ),
    pytest.param(
        '    return odata_eq(record.get("msdyn_sellable"), True) and '
        'odata_ne(record.get("msdyn_contactpersonid"), "")',
        lines(
            '    return odata_eq(record.get("msdyn_sellable"), True) and odata_ne(',
            '        record.get("msdyn_contactpersonid"), ""',
            "    )",
        ),
        id="a-return-of-two-ending-in-a-call",
    ),
    pytest.param(
        '        + key_literal(TEMPLATE, record.get("Type"), "Type", False, '
        '"Microsoft.Dynamics.DataEntities.DirNameAffixType")',
        lines(
            "        + key_literal(",
            "            TEMPLATE,",
            '            record.get("Type"),',
            '            "Type",',
            "            False,",
            '            "Microsoft.Dynamics.DataEntities.DirNameAffixType",',
            "        )",
        ),
        id="an-operand-of-a-split-expression",
    ),
]

# Lines left as they are: short, or of a shape black lays out by rules not copied here.
KEPT = [
    pytest.param("x = 1", id="short"),
    pytest.param("x = " + "a + " * 30 + "b", id="an-expression-without-brackets"),
    pytest.param('x = "' + "a" * 120 + '"', id="a-string-no-shorter-in-parentheses"),
    pytest.param("x = f(" + "a, " * 40 + ")", id="a-magic-trailing-comma"),
    pytest.param("# " + "comment " * 20, id="a-comment"),
    pytest.param('    """' + "docstring " * 12, id="an-unfinished-string"),
]


def context(line: str) -> tuple[str, str]:
    """What makes the line parse: enough defs for its indentation (an operand line, in a
    parenthesized expression), and a body when it opens a block."""
    depth = (len(line) - len(line.lstrip(" "))) // 4
    opening = "".join(f"{'    ' * level}def f{level}():\n" for level in range(depth - 1))
    inner = "    " * (depth - 1)
    if line.lstrip().startswith("+ "):
        operands = f"{inner}    first\n{inner}    + second\n"
        return f"{opening}{inner}return (\n{operands}", f"{inner})\n"
    if depth:
        opening += f"{inner}def f{depth}():\n"
    body = f"{' ' * (depth * 4 + 4)}pass\n" if line.endswith(":") else ""
    return opening, body


@pytest.mark.parametrize(("line", "layout"), SPLIT)
def test_a_long_line_is_split_as_black_splits_it(line: str, layout: str) -> None:
    opening, closing = context(line)
    assert laid_out(line + "\n") == layout
    assert format_python(f"{opening}{line}\n{closing}", "line") == opening + layout + closing


@pytest.mark.parametrize("line", KEPT)
def test_other_lines_are_left_to_black(line: str) -> None:
    assert laid_out(line + "\n") == line + "\n"


# (a record type as datamodel-code-generator writes it, black's layout of it).
RECORD_TYPES = [
    pytest.param(
        lines(
            "class FinanceCustomerGroups(TypedDict):",
            '    """',
            "    A CustomerGroups record.",
            '    """',
            "    dataAreaId: NotRequired[str | None]",
        ),
        lines(
            "class FinanceCustomerGroups(TypedDict):",
            '    """',
            "    A CustomerGroups record.",
            '    """',
            "",
            "    dataAreaId: NotRequired[str | None]",
        ),
        id="a-class-docstring-is-followed-by-a-blank-line",
    ),
    pytest.param(
        lines(
            "Payload = TypedDict('Payload', {",
            "    'name': NotRequired[str | None],",
            "    'parentaccountid@odata.bind': NotRequired[str | None],})",
        ),
        lines(
            "Payload = TypedDict(",
            '    "Payload",',
            "    {",
            '        "name": NotRequired[str | None],',
            '        "parentaccountid@odata.bind": NotRequired[str | None],',
            "    },",
            ")",
        ),
        id="a-typed-dict-called-with-a-dict",
    ),
]


@pytest.mark.parametrize(("written", "layout"), RECORD_TYPES)
def test_a_record_type_is_laid_out_as_black_lays_it_out(written: str, layout: str) -> None:
    assert record_type_laid_out(written) == layout
    assert format_python(written, "models.py") == layout


def test_black_changed_nothing_it_formatted_in_a_cold_compile_of_specs(
    shipped_cache: Path,
) -> None:
    """Every block the from-nothing compilation gave black came back unchanged: each entry
    black's results are kept in is filed under its own text."""
    cache = ContentCache(shipped_cache, read_only=True)
    formatted = [
        entry.read_bytes().partition(b"\n")[2].decode()
        for entry in sorted((shipped_cache / "black").iterdir())
    ]
    assert len(formatted) > 150
    assert [text[:80] for text in formatted if cache.get("black", text) != text] == []
