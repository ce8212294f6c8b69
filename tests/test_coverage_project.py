"""The feature-coverage golden project: every feature of the spec language, compiled and pinned.

tests/coverage_project/ holds a small project of its own (its README lists which row covers
which feature). Its compiled package and reference pages are committed under ``expected/``
and compared byte for byte, as openapi-python-client's golden record is; ``pytest
--update-golden`` rewrites them for review in the diff. The package is then imported under a
fresh name and a handful of exact mappings show that each feature does what the README says.
"""

from __future__ import annotations

import difflib
import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator.diagnostics import Severity
from generator.pipeline import Compilation, compile_project
from generator.source.project import Layout

PROJECT = Path(__file__).resolve().parent / "coverage_project"
EXPECTED = PROJECT / "expected"
# Vendored under its own name (as the README allows), so that `mypy generated
# tests/coverage_project/expected` does not see two packages named dualwrite_maps.
PACKAGE = "coverage_maps"
DOCS = "docs"
GUID = "0f8fad5b-d9cb-469f-a165-70867728950e"
CONSTANTS = {
    "msdyn_basecurrencyid@odata.bind": "/transactioncurrencies(isocurrencycode='USD')",
    "address1_addresstypecode": 2,
}


@pytest.fixture(scope="module")
def compilation() -> Compilation:
    return compile_project(Layout(PROJECT))


def produced(compilation: Compilation) -> dict[str, str]:
    """Every output file, keyed by its path under expected/."""
    files = {f"{PACKAGE}/{name}": text for name, text in compilation.files.items()}
    files.update({f"{DOCS}/{name}": text for name, text in compilation.docs.items()})
    return files


def on_disk() -> dict[str, str]:
    return {
        path.relative_to(EXPECTED).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(EXPECTED.rglob("*"))
        # Byte code is git-ignored, so it is no part of the golden record.
        if path.is_file() and "__pycache__" not in path.parts
    }


def rewrite_expected(files: dict[str, str]) -> None:
    for folder in (PACKAGE, DOCS):
        shutil.rmtree(EXPECTED / folder, ignore_errors=True)
    for relative, text in files.items():
        path = EXPECTED / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


def test_it_compiles_with_exactly_the_expected_warnings(compilation: Compilation) -> None:
    found = [
        (diagnostic.severity, diagnostic.code, str(diagnostic.location))
        for diagnostic in compilation.diagnostics.sorted()
    ]
    assert found == [
        # msdyn_legacycode is left unmapped on purpose.
        (Severity.WARNING, "TM328", "specs/entities/dataverse/accounts.yaml:74:3"),
        # [SEGMENT, ">>", msdyn_segment]: a transforming row without a value map.
        (Severity.WARNING, "TM320", "specs/maps/customers_to_accounts.yaml:37:15"),
        # The untyped map: neither its entity nor its table has a schema.
        (Severity.WARNING, "TM583", "specs/maps/legacy_parties_to_legacy_contacts.yaml:6:11"),
        (Severity.WARNING, "TM583", "specs/maps/legacy_parties_to_legacy_contacts.yaml:9:10"),
    ]


def test_outputs_are_the_expected_files_byte_for_byte(
    compilation: Compilation, request: pytest.FixtureRequest
) -> None:
    files = produced(compilation)
    assert files, [diagnostic.headline() for diagnostic in compilation.diagnostics.errors]
    if request.config.getoption("--update-golden"):
        rewrite_expected(files)
    expected = on_disk()
    assert sorted(expected) == sorted(files), "run pytest --update-golden and review the diff"
    diffs = [
        "".join(
            difflib.unified_diff(
                expected[name].splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"expected/{name}",
                f"compiled/{name}",
            )
        )
        for name, text in files.items()
        if expected[name] != text
    ]
    if diffs:
        pytest.fail(
            "run pytest --update-golden and review the diff:\n" + "".join(diffs), pytrace=False
        )


def test_the_expected_package_imports_with_the_standard_library_only(tmp_path: Path) -> None:
    shutil.copytree(EXPECTED / PACKAGE, tmp_path / "fresh_maps")
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import fresh_maps; "
        "print(json.dumps(sorted(fresh_maps.TEMPLATES)))"
    )
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(completed.stdout) == [
        "customers_to_accounts",
        "legacy_parties_to_legacy_contacts",
    ]


def test_the_expected_package_passes_mypy_strict() -> None:
    # Run from the repository root, so pyproject.toml's mypy settings apply as in `make typecheck`.
    completed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", str(EXPECTED)],
        capture_output=True,
        text=True,
        cwd=PROJECT.parent.parent,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


# --- behaviour of the expected package, imported under a fresh name -------------------------


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    vendor = tmp_path_factory.mktemp("vendor")
    shutil.copytree(EXPECTED / PACKAGE, vendor / "coverage_maps_under_test")
    sys.path.insert(0, str(vendor))
    try:
        return importlib.import_module("coverage_maps_under_test")
    finally:
        sys.path.remove(str(vendor))


@pytest.fixture(scope="module")
def accounts(package: ModuleType) -> Any:
    return package.TEMPLATES["customers_to_accounts"]


@pytest.fixture(scope="module")
def legacy(package: ModuleType) -> Any:
    return package.TEMPLATES["legacy_parties_to_legacy_contacts"]


def same(actual: object, expected: object) -> bool:
    """Equal as JSON text: pins key order and keeps True apart from 1, which == would not."""
    return json.dumps(actual) == json.dumps(expected)


def test_plain_rows_copy_in_their_directions(accounts: Any) -> None:
    record = {"CustomerAccount": "C-1", "Name": "Contoso", "Notes": "only <", "Segment": "Retail"}
    assert same(
        accounts.finance_to_dataverse(record),
        {"accountnumber": "C-1", "name": "Contoso", "msdyn_segment": "Retail", **CONSTANTS},
    )
    back = {"accountnumber": "C-1", "name": "Contoso", "description": "memo", "msdyn_segment": "x"}
    assert same(
        accounts.dataverse_to_finance(back),
        {"CustomerAccount": "C-1", "Name": "Contoso", "Notes": "memo", "LanguageId": "en-us"},
    )


def test_a_string_longer_than_its_column_is_a_mapping_error(
    accounts: Any, package: ModuleType
) -> None:
    # accountnumber has maxLength 20 in specs/entities/dataverse/accounts.yaml.
    with pytest.raises(package.MappingError) as raised:
        accounts.finance_to_dataverse({"CustomerAccount": "C" * 21})
    assert (raised.value.field, raised.value.value) == ("CustomerAccount", "C" * 21)
    assert same(
        accounts.finance_to_dataverse({"CustomerAccount": "C" * 20}),
        {"accountnumber": "C" * 20, **CONSTANTS},
    )


def test_defaults_of_two_field_rows_replace_null(accounts: Any) -> None:
    assert same(
        accounts.finance_to_dataverse({"Employees": None, "CreditLimit": None}),
        {"numberofemployees": 0, "creditlimit": 0, **CONSTANTS},
    )
    assert same(
        accounts.dataverse_to_finance({"numberofemployees": None}),
        {"Employees": 0, "LanguageId": "en-us"},
    )


def test_none_rows_write_constants_including_a_constant_lookup(accounts: Any) -> None:
    assert same(accounts.finance_to_dataverse({}), CONSTANTS)
    assert same(accounts.dataverse_to_finance({}), {"LanguageId": "en-us"})


def test_unmapped_keep_passes_unlisted_values_through(accounts: Any) -> None:
    assert same(
        accounts.finance_to_dataverse({"Region": "emea"}), {"msdyn_region": "Europe", **CONSTANTS}
    )
    assert same(
        accounts.finance_to_dataverse({"Region": "Nordics"}),
        {"msdyn_region": "Nordics", **CONSTANTS},
    )
    assert same(
        accounts.dataverse_to_finance({"msdyn_region": "Asia Pacific"}),
        {"Region": "APAC", "LanguageId": "en-us"},
    )


def test_the_sentinel_map_turns_1900_into_null_and_back(accounts: Any) -> None:
    assert same(
        accounts.finance_to_dataverse({"BirthDate": "1/1/1900"}), {"birthdate": None, **CONSTANTS}
    )
    assert same(
        accounts.finance_to_dataverse({"BirthDate": "3/4/1990"}),
        {"birthdate": "3/4/1990", **CONSTANTS},
    )
    assert same(
        accounts.dataverse_to_finance({"birthdate": None}),
        {"BirthDate": "1/1/1900", "LanguageId": "en-us"},
    )


def test_nulls_on_either_side_of_a_value_map(accounts: Any) -> None:
    assert same(
        accounts.finance_to_dataverse({"Gender": "unknown", "PartyType": None}),
        {"gendercode": None, "customertypecode": 2, **CONSTANTS},
    )
    assert same(
        accounts.dataverse_to_finance({"gendercode": None, "customertypecode": 2}),
        {"Gender": "Unknown", "PartyType": None, "LanguageId": "en-us"},
    )


def test_one_way_value_maps(accounts: Any, package: ModuleType) -> None:
    assert same(
        accounts.finance_to_dataverse({"Status": "CLOSED", "Rating": "High"}),
        {"statuscode": 3, **CONSTANTS},
    )
    assert same(
        accounts.dataverse_to_finance({"msdyn_ratingcode": 2, "statuscode": 3}),
        {"Rating": "Low", "LanguageId": "en-us"},
    )
    with pytest.raises(package.MappingError) as raised:
        accounts.dataverse_to_finance({"msdyn_ratingcode": 9})
    assert (raised.value.field, raised.value.value) == ("msdyn_ratingcode", 9)


@pytest.mark.parametrize(
    ("function", "record", "field"),
    [
        ("finance_to_dataverse", {"OnHold": "Maybe"}, "OnHold"),
        ("finance_to_dataverse", {"IsKeyAccount": "Maybe"}, "IsKeyAccount"),
        ("dataverse_to_finance", {"msdyn_onhold": 0}, "msdyn_onhold"),
        ("dataverse_to_finance", {"msdyn_iskeyaccount": 1}, "msdyn_iskeyaccount"),
    ],
)
def test_the_shared_converter_names_the_field_of_its_row(
    accounts: Any, package: ModuleType, function: str, record: dict[str, Any], field: str
) -> None:
    with pytest.raises(package.MappingError) as raised:
        getattr(accounts, function)(record)
    assert raised.value.template == "Coverage customers to accounts"
    assert raised.value.field == field
    assert str(raised.value) == (
        f"Coverage customers to accounts: field {field!r}: value {record[field]!r} "
        "is not in the value map"
    )


def test_the_shared_value_map_maps_both_rows(accounts: Any) -> None:
    assert same(
        accounts.finance_to_dataverse({"OnHold": "YES", "IsKeyAccount": "no"}),
        {"msdyn_onhold": True, "msdyn_iskeyaccount": False, **CONSTANTS},
    )


def test_lookups_bind_and_read_several_targets(accounts: Any) -> None:
    record = {
        "dataAreaId": "usmf",
        "SalesCurrencyCode": "E'/?",
        "PriceCurrencyCode": "USD",
        "ParentAccount": "P 1",
    }
    assert same(
        accounts.finance_to_dataverse(record, companies={"USMF": GUID}),
        {
            "msdyn_company@odata.bind": "/cdm_companies(cdm_companycode='USMF')",
            "transactioncurrencyid@odata.bind": "/transactioncurrencies(isocurrencycode='E''%2F%3F')",
            "msdyn_pricecurrencyid@odata.bind": "/transactioncurrencies(isocurrencycode='USD')",
            "parentaccountid@odata.bind": f"/accounts(accountnumber='P%201',_msdyn_company_value={GUID})",
            **CONSTANTS,
        },
    )
    expanded = {
        "msdyn_company": {"cdm_companycode": "USMF"},
        "transactioncurrencyid": {"isocurrencycode": "EUR"},
        "parentaccountid": {"accountnumber": "P-1"},
    }
    assert same(
        accounts.dataverse_to_finance(expanded),
        {
            "dataAreaId": "usmf",
            "SalesCurrencyCode": "EUR",
            "ParentAccount": "P-1",
            "LanguageId": "en-us",
        },
    )


def test_integration_keys_address_both_sides(accounts: Any, legacy: Any) -> None:
    record = {"dataAreaId": "USMF", "CustomerAccount": "C'1"}
    assert accounts.finance_key(record) == "Customers(dataAreaId='usmf',CustomerAccount='C''1')"
    assert accounts.dataverse_key(record, companies={"usmf": GUID}) == (
        f"accounts(accountnumber='C''1',_msdyn_company_value={GUID})"
    )
    assert legacy.finance_key({"PartyNumber": "P 1", "Kind": "person"}) == (
        "LegacyParties(PartyNumber='P%201',Kind='person')"
    )


def test_a_value_mapped_key_field_of_the_untyped_map_addresses_dataverse(legacy: Any) -> None:
    assert legacy.dataverse_key({"PartyNumber": "P 1", "Kind": "Person"}) == (
        "msdyn_legacycontacts(msdyn_partynumber='P%201',msdyn_kind=1)"
    )


def test_the_untyped_map_takes_and_returns_plain_dicts(legacy: Any) -> None:
    for function in (legacy.finance_to_dataverse, legacy.dataverse_to_finance):
        assert function.__annotations__["record"] == "dict[str, Any]"
        assert function.__annotations__["return"] == "dict[str, Any]"
    assert same(
        legacy.finance_to_dataverse({"PartyNumber": 7, "Kind": "PERSON", "Nickname": ["any"]}),
        {
            "msdyn_partynumber": 7,
            "msdyn_kind": 1,
            "msdyn_nickname": ["any"],
            "msdyn_source": "legacy",
        },
    )
    assert same(
        legacy.dataverse_to_finance({"msdyn_partynumber": "P-1", "msdyn_kind": 2}),
        {"PartyNumber": "P-1", "Kind": "Organization"},
    )


def test_the_untyped_value_map_never_matches_a_boolean_with_a_number(
    legacy: Any, package: ModuleType
) -> None:
    with pytest.raises(package.MappingError):
        legacy.dataverse_to_finance({"msdyn_kind": True})


BASE_FINANCE = {"PartyType": "Organization", "OnHold": "No", "Status": "Active"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, True),  # == true, ! of a false ==, != true, && of trues
        ({"PartyType": "PERSON"}, True),  # == false but = true (folded): || true
        ({"PartyType": "Other"}, False),  # == and = false: || false
        # NoYes::Yes matches (folded): ! false; and (a || b) && !c, not a || (b && !c).
        ({"OnHold": "yes"}, False),
        ({"Status": "closed"}, False),  # != 2 is != Closed: false
        ({"Status": "Suspended"}, True),  # != 2 true for another member
    ],
)
def test_every_source_filter_operator_is_true_and_false(
    accounts: Any, change: dict[str, str], expected: bool
) -> None:
    assert accounts.matches_source_filter({**BASE_FINANCE, **change}) is expected


BASE_DATAVERSE = {
    "customertypecode": 3,
    "name": "Contoso",
    "creditlimit": 500,
    "numberofemployees": 10,
    "msdyn_onhold": False,
    "msdyn_iskeyaccount": False,
    "statuscode": 1,
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, True),  # every comparison true: and true
        ({"customertypecode": 1}, True),  # first eq false, second true: or true
        ({"customertypecode": 2}, False),  # both eq false: or false
        ({"customertypecode": 3, "creditlimit": -1}, False),  # (a or b) and c, not a or (b and c)
        ({"name": "O'Brien"}, False),  # the quoted string matches: not false
        ({"creditlimit": 0}, True),  # ge true at the bound
        ({"creditlimit": -0.5}, False),  # ge false
        ({"creditlimit": 1000000.25}, True),  # lt true
        ({"creditlimit": 1000000.5}, False),  # lt false at the bound
        ({"creditlimit": "500"}, False),  # a string is not comparable with a number
        ({"numberofemployees": 1}, True),  # gt true
        ({"numberofemployees": 0}, False),  # gt false
        ({"numberofemployees": 5000}, True),  # le true at the bound
        ({"numberofemployees": 5001}, False),  # le false
        ({"msdyn_onhold": True}, False),  # ne true false
        ({"msdyn_onhold": 1}, True),  # 1 is not true: ne true true
        ({"msdyn_iskeyaccount": True}, False),  # eq false false
        ({"msdyn_iskeyaccount": 0}, False),  # 0 is not false
        ({"statuscode": None}, False),  # ne null false
    ],
)
def test_every_reversed_filter_operator_is_true_and_false(
    accounts: Any, change: dict[str, object], expected: bool
) -> None:
    assert accounts.matches_reverse_source_filter({**BASE_DATAVERSE, **change}) is expected


@pytest.mark.parametrize(
    ("function", "record", "expected"),
    [
        ("matches_source_filter", {"Kind": "PERSON"}, True),
        ("matches_source_filter", {"Kind": "Organization"}, False),
        ("matches_reverse_source_filter", {"msdyn_kind": 1}, True),
        ("matches_reverse_source_filter", {"msdyn_kind": True}, False),
    ],
)
def test_the_untyped_map_filters(
    legacy: Any, function: str, record: dict[str, object], expected: bool
) -> None:
    assert getattr(legacy, function)(record) is expected
