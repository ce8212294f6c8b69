"""Behaviour of generated mappers, compiled from small inline specs and imported under a new name."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from projects import build_package, spec

ROWS = """\
- [CustomerAccount, "=", accountnumber]
- [CREDITLIMIT, ">", creditlimit]
- [Employees, "=", numberofemployees]
- [CurrencyCode, "=", transactioncurrencyid.isocurrencycode]
- [OnHold, "><", msdyn_onhold, {values: [["no", false], ["yes", true]]}]
- [Gender, "><", gendercode, {values: [["unknown", null], ["male", 1], ["female", 2]]}]
- [Name, "<", name, {default: Unnamed}]
- [none, ">>", customertypecode, 3]
- [PartyType, "<<", none, Organization]
"""

HEADER = """\
template: Customers to accounts
description: Test map.
finance:
  entity: Customers
  filter: ((PartyType == "Organization") || Gender == Gender::Female) && !(Employees = 0)
dataverse:
  table: accounts
  filter: customertypecode eq 3 and (numberofemployees gt 10 or not (name eq null))
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return build_package(tmp_path_factory.mktemp("project"), spec(ROWS, header=HEADER))


@pytest.fixture(scope="module")
def maps(package: ModuleType) -> Any:
    return package.TEMPLATES["customers_to_accounts"]


def test_the_package_exports_templates_and_mapping_error(package: ModuleType) -> None:
    assert list(package.TEMPLATES) == ["customers_to_accounts"]
    assert issubclass(package.MappingError, ValueError)


def test_constants(maps: Any) -> None:
    assert maps.TEMPLATE == "Customers to accounts"
    assert maps.FINANCE_ENTITY == "Customers"
    assert maps.DATAVERSE_TABLE == "accounts"
    assert maps.SOURCE_FILTER == (
        '((PartyType == "Organization") || Gender == Gender::Female) && !(Employees = 0)'
    )
    assert maps.REVERSE_SOURCE_FILTER == (
        "customertypecode eq 3 and (numberofemployees gt 10 or not (name eq null))"
    )
    assert maps.DATAVERSE_QUERY == (
        "$select=accountnumber,numberofemployees,msdyn_onhold,gendercode,name,customertypecode"
        "&$expand=transactioncurrencyid($select=isocurrencycode)"
        "&$filter=customertypecode eq 3 and (numberofemployees gt 10 or not (name eq null))"
    )


def test_finance_to_dataverse_full_record(maps: Any) -> None:
    record = {
        "CustomerAccount": "US-001",
        "CreditLimit": 1500.5,
        "Employees": 12,
        "CurrencyCode": "USD",
        "OnHold": "YES",
        "Gender": "Male",
        "Name": "ignored: maps only from Dataverse",
        "Unmapped": "ignored",
    }
    assert maps.finance_to_dataverse(record) == {
        "accountnumber": "US-001",
        "creditlimit": 1500.5,
        "numberofemployees": 12,
        "transactioncurrencyid@odata.bind": "/transactioncurrencies(isocurrencycode='USD')",
        "msdyn_onhold": True,
        "gendercode": 1,
        "customertypecode": 3,
    }


def test_partial_update_keeps_absent_keys_absent_and_nulls_null(maps: Any) -> None:
    payload = maps.finance_to_dataverse({"CustomerAccount": None, "Gender": None})
    assert payload == {"accountnumber": None, "gendercode": None, "customertypecode": 3}


def test_null_pair_maps_both_ways(maps: Any) -> None:
    assert maps.finance_to_dataverse({"Gender": "unknown"})["gendercode"] is None
    assert maps.dataverse_to_finance({"gendercode": None}) == {
        "Gender": "Unknown",
        "PartyType": "Organization",
    }


def test_dataverse_to_finance_reads_expanded_lookups_and_writes_member_names(maps: Any) -> None:
    record = {
        "accountnumber": "US-001",
        "numberofemployees": 3,
        "transactioncurrencyid": {"isocurrencycode": "EUR"},
        "msdyn_onhold": False,
        "gendercode": 2,
        "name": None,
        "creditlimit": 99.0,
    }
    assert maps.dataverse_to_finance(record) == {
        "CustomerAccount": "US-001",
        "Employees": 3,
        "CurrencyCode": "EUR",
        "OnHold": "No",
        "Gender": "Female",
        "Name": "Unnamed",
        "PartyType": "Organization",
    }


def test_an_empty_lookup_is_no_reference_both_ways(maps: Any) -> None:
    # F&O writes "" for an empty field; dual-write treats it, like null, as no reference.
    for empty in (None, ""):
        payload = maps.finance_to_dataverse({"CurrencyCode": empty})
        assert payload["transactioncurrencyid@odata.bind"] is None
    assert maps.dataverse_to_finance({"transactioncurrencyid": None})["CurrencyCode"] == ""


@pytest.mark.parametrize(
    ("key", "bound"),
    [
        ("O'Brien", "/transactioncurrencies(isocurrencycode='O''Brien')"),
        ("a/b?c#d%e&f g", "/transactioncurrencies(isocurrencycode='a%2Fb%3Fc%23d%25e%26f%20g')"),
        ("Zürich", "/transactioncurrencies(isocurrencycode='Z%C3%BCrich')"),
    ],
)
def test_lookup_keys_are_quoted_and_percent_encoded(maps: Any, key: str, bound: str) -> None:
    payload = maps.finance_to_dataverse({"CurrencyCode": key})
    assert payload["transactioncurrencyid@odata.bind"] == bound


@pytest.mark.parametrize(
    ("direction", "record", "field", "value", "message"),
    [
        (
            "finance_to_dataverse",
            {"Gender": "NonSpecific"},
            "Gender",
            "NonSpecific",
            "Customers to accounts: field 'Gender': value 'NonSpecific' is not in the value map",
        ),
        (
            "finance_to_dataverse",
            {"OnHold": 1},
            "OnHold",
            1,
            "Customers to accounts: field 'OnHold': value 1 is not in the value map",
        ),
        (
            "dataverse_to_finance",
            {"msdyn_onhold": 1},
            "msdyn_onhold",
            1,
            "Customers to accounts: field 'msdyn_onhold': value 1 is not in the value map",
        ),
        (
            "dataverse_to_finance",
            {"gendercode": True},
            "gendercode",
            True,
            "Customers to accounts: field 'gendercode': value True is not in the value map",
        ),
        (
            "finance_to_dataverse",
            {"CurrencyCode": 840},
            "CurrencyCode",
            840,
            "Customers to accounts: field 'CurrencyCode': value 840 is not a string, so it "
            "can't key a lookup",
        ),
        (
            "dataverse_to_finance",
            {"transactioncurrencyid": "USD"},
            "transactioncurrencyid",
            "USD",
            "Customers to accounts: field 'transactioncurrencyid': value 'USD' is not an "
            "expanded lookup with a string column 'isocurrencycode'",
        ),
        (
            "finance_to_dataverse",
            ["not", "a", "record"],
            "<record>",
            ["not", "a", "record"],
            "Customers to accounts: field '<record>': value ['not', 'a', 'record'] is not a "
            "record (a JSON object)",
        ),
    ],
)
def test_bad_records_raise_mapping_error(
    package: ModuleType,
    maps: Any,
    direction: str,
    record: Any,
    field: str,
    value: Any,
    message: str,
) -> None:
    with pytest.raises(package.MappingError) as raised:
        getattr(maps, direction)(record)
    assert (raised.value.template, raised.value.field, raised.value.value) == (
        "Customers to accounts",
        field,
        value,
    )
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("record", "matches"),
    [
        ({"PartyType": "organization", "Employees": 5}, True),
        ({"PartyType": "Person", "Gender": "female", "Employees": 5}, True),
        ({"PartyType": "Person", "Gender": "Male", "Employees": 5}, False),
        ({"PartyType": "Organization", "Employees": 0}, False),
        ({}, False),
    ],
)
def test_source_filter(maps: Any, record: dict[str, Any], matches: bool) -> None:
    assert maps.matches_source_filter(record) is matches


@pytest.mark.parametrize(
    ("record", "matches"),
    [
        ({"customertypecode": 3, "numberofemployees": 11}, True),
        ({"customertypecode": 3, "numberofemployees": 10, "name": "A"}, True),
        ({"customertypecode": 3, "numberofemployees": 10, "name": None}, False),
        ({"customertypecode": 3}, False),
        ({"customertypecode": 2, "numberofemployees": 11}, False),
        ({"customertypecode": True, "numberofemployees": 11}, False),
    ],
)
def test_reverse_source_filter(maps: Any, record: dict[str, Any], matches: bool) -> None:
    assert maps.matches_reverse_source_filter(record) is matches


def test_enum_integer_in_source_filter_compares_by_enum_value(tmp_path: Path) -> None:
    header = HEADER.replace(
        '((PartyType == "Organization") || Gender == Gender::Female) && !(Employees = 0)',
        "(Gender = 2)",
    )
    package = build_package(tmp_path, spec(ROWS, header=header))
    module = package.TEMPLATES["customers_to_accounts"]
    assert module.matches_source_filter({"Gender": "Female"}) is True
    assert module.matches_source_filter({"Gender": "Male"}) is False


def test_unmapped_keep_passes_unlisted_values_through(tmp_path: Path) -> None:
    rows = '- [Name, "><", name, {values: [["1/1/1900", null]], unmapped: keep}]\n'
    module = build_package(tmp_path, spec(rows)).TEMPLATES["customers_to_accounts"]
    assert module.finance_to_dataverse({"Name": "1/1/1900"}) == {"name": None}
    assert module.finance_to_dataverse({"Name": "Contoso"}) == {"name": "Contoso"}
    assert module.dataverse_to_finance({"name": None}) == {"Name": "1/1/1900"}
    assert module.dataverse_to_finance({"name": "Contoso"}) == {"Name": "Contoso"}


def test_the_input_record_is_never_mutated(maps: Any) -> None:
    record = {"CustomerAccount": "A", "Gender": "male", "CurrencyCode": "USD"}
    maps.finance_to_dataverse(record)
    assert record == {"CustomerAccount": "A", "Gender": "male", "CurrencyCode": "USD"}
