"""Partial schemas (``x-partial: true``): columns the schema does not list compile untyped.

The shipped lookup targets list only the columns the shipped maps need; a user who adds one of
Microsoft's maps into such a table (Currencies to transactioncurrencies) uses columns the table
has and the schema lacks. Those compile as JSON values with one warning per map; a complete
schema still rejects them, and its error says how to complete it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import Compilation
from projects import CURRENCY_SCHEMA, build_package, compile_files, headlines

PARTIAL_CURRENCIES = """\
title: transactioncurrency
type: object
x-entity-set: transactioncurrencies
x-alternate-keys: [[isocurrencycode]]
x-partial: true
properties:
  isocurrencycode: {type: string, maxLength: 5}
"""
CURRENCIES_SPEC = "specs/maps/currencies_to_transactioncurrencies.yaml"
IMPORT = "`python -m generator schema import METADATA.xml transactioncurrencies`"


def currencies(rows: str) -> dict[str, str]:
    """Microsoft's Currencies to transactioncurrencies map, with the given rows."""
    return {
        CURRENCIES_SPEC: (
            "template: Currencies to transactioncurrencies\n"
            "company: global\n"
            "finance:\n  entity: Currencies\n"
            "dataverse:\n  table: transactioncurrencies\n"
            "fields:\n" + rows
        ),
        "specs/entities/finance/Currencies.yaml": (
            "title: Currency\ntype: object\nx-entity-set: Currencies\nx-key: [CurrencyCode]\n"
            "properties:\n  CurrencyCode: {type: string, maxLength: 3}\n"
            "  Name: {type: string}\n  Symbol: {type: string}\n"
        ),
    }


ROWS = (
    '  - [CURRENCYCODE, "=", isocurrencycode]\n'
    '  - [NAME, "=", currencyname]\n'
    '  - [SYMBOL, "=", currencysymbol]\n'
)


def test_unlisted_columns_of_a_partial_schema_compile_untyped_with_one_warning(
    tmp_path: Path,
) -> None:
    files = currencies(ROWS) | {
        "specs/entities/dataverse/transactioncurrencies.yaml": PARTIAL_CURRENCIES
    }
    assert headlines(compile_files(tmp_path, files)) == [
        f"{CURRENCIES_SPEC}:9:17: warning[TM219]: transactioncurrencies has columns its schema "
        "does not list (x-partial: true in specs/entities/dataverse/transactioncurrencies.yaml), "
        "and this map uses 'currencyname', 'currencysymbol': typed as JSON values and keyed as "
        f"written; complete the schema from your environment's $metadata: {IMPORT}"
    ]
    package = build_package(tmp_path / "built", files)
    module = package.currencies_to_transactioncurrencies
    record = {"CurrencyCode": "USD", "Name": "US dollar", "Symbol": "$"}
    assert module.finance_to_dataverse(record) == {
        "isocurrencycode": "USD",
        "currencyname": "US dollar",
        "currencysymbol": "$",
    }
    # The listed column keeps its checks; that side's record types are plain dicts, as a table
    # without a schema has, since the schema's TypedDicts can't name the columns it lacks.
    with pytest.raises(package.MappingError, match="at most 5 characters, got 6"):
        module.finance_to_dataverse({"CurrencyCode": "USDUSD"})
    assert module.finance_to_dataverse.__annotations__["return"] == "dict[str, Any]"
    assert module.dataverse_to_finance.__annotations__["record"] == "dict[str, Any]"
    assert module.dataverse_to_finance.__annotations__["return"] == "FinanceCurrencies"


def test_a_typo_in_a_partial_schema_is_named_in_the_warning(tmp_path: Path) -> None:
    files = currencies(ROWS.replace("isocurrencycode", "isocurrencycod"))
    files["specs/entities/dataverse/transactioncurrencies.yaml"] = PARTIAL_CURRENCIES
    assert headlines(compile_files(tmp_path, files)) == [
        f"{CURRENCIES_SPEC}:8:25: warning[TM219]: transactioncurrencies has columns its schema "
        "does not list (x-partial: true in specs/entities/dataverse/transactioncurrencies.yaml), "
        "and this map uses 'isocurrencycod' (did you mean 'isocurrencycode'?), 'currencyname', "
        "'currencysymbol': typed as JSON values and keyed as written; complete the schema from your environment's "
        f"$metadata: {IMPORT}"
    ]


def test_a_map_that_stays_within_a_partial_schema_is_typed_and_warns_nothing(
    tmp_path: Path,
) -> None:
    files = currencies(
        '  - [CURRENCYCODE, "=", isocurrencycode]\n'
        '  - [NAME, "<<", none, US dollar]\n  - [SYMBOL, "<<", none, $]\n'
    )
    files["specs/entities/dataverse/transactioncurrencies.yaml"] = PARTIAL_CURRENCIES
    assert headlines(compile_files(tmp_path, files)) == []
    module = build_package(tmp_path / "built", files).currencies_to_transactioncurrencies
    assert module.finance_to_dataverse.__annotations__["return"] == (
        "DataverseTransactioncurrenciesPayload"
    )


def test_an_unknown_column_of_a_complete_schema_is_an_error_that_says_how_to_complete_it(
    tmp_path: Path,
) -> None:
    assert headlines(compile_files(tmp_path, currencies(ROWS))) == [
        f"{CURRENCIES_SPEC}:9:17: error[TM301]: unknown dataverse field 'currencyname': "
        "transactioncurrencies has no such column (did you mean 'isocurrencycode'?); if your "
        "environment's transactioncurrencies "
        f"has it, add it to the schema: {IMPORT}",
        f"{CURRENCIES_SPEC}:10:19: error[TM301]: unknown dataverse field 'currencysymbol': "
        "transactioncurrencies has no such column (did you mean 'isocurrencycode'?); if your "
        "environment's transactioncurrencies "
        f"has it, add it to the schema: {IMPORT}",
    ]


def test_a_lookup_needs_its_column_listed_even_in_a_partial_schema(tmp_path: Path) -> None:
    # An unlisted column declares no x-lookup target, so the lookup can't be bound untyped.
    files = currencies(
        '  - [CURRENCYCODE, "=", isocurrencycode]\n'
        '  - [NAME, ">", basecurrencyid.isocurrencycode]\n'
    )
    files["specs/entities/dataverse/transactioncurrencies.yaml"] = PARTIAL_CURRENCIES
    assert headlines(compile_files(tmp_path, files)) == [
        f"{CURRENCIES_SPEC}:9:17: error[TM301]: unknown lookup 'basecurrencyid': "
        "transactioncurrencies has no such column (did you mean 'isocurrencycode'?); if your "
        "environment's transactioncurrencies "
        f"has it, add it to the schema: {IMPORT}"
    ]


def test_x_partial_must_be_a_boolean(tmp_path: Path) -> None:
    files = currencies('  - [CURRENCYCODE, "=", isocurrencycode]\n')
    files["specs/entities/dataverse/transactioncurrencies.yaml"] = CURRENCY_SCHEMA.replace(
        "properties:", "x-partial: yes\nproperties:"
    )
    assert headlines(compile_files(tmp_path, files)) == [
        "specs/entities/dataverse/transactioncurrencies.yaml:5:12: error[TM220]: 'x-partial' "
        "must be true or false"
    ]


def test_the_shipped_project_compiles_without_a_warning(shipped: Compilation) -> None:
    # What `generate --strict` requires of a fresh clone: any warning would fail it.
    assert [diagnostic.headline() for diagnostic in shipped.diagnostics.items] == []


def test_every_shipped_schema_says_it_is_partial() -> None:
    # Each was written from Microsoft's docs with the columns the shipped maps use.
    root = Path(__file__).resolve().parent.parent / "specs" / "entities"
    schemas = sorted(root.glob("*/*.yaml"))
    assert len(schemas) == 25
    assert [path.name for path in schemas if "\nx-partial: true\n" not in path.read_text()] == []
