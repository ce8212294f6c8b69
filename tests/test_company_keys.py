"""Company striping, keys and routing of the shipped integrated-customer-master templates."""

from __future__ import annotations

from typing import Any

import pytest
from dualwrite_maps import (
    MappingError,
    cds_contacts_v2_to_contacts,
    company_directory,
    customers_v3_to_accounts,
    customers_v3_to_contacts,
    dataverse_templates,
    finance_templates,
    name_affixes_to_msdyn_nameaffixes,
)

USMF = "8d5e2a3c-6b1f-4e0a-9c7d-2f4b6a8c0e11"
COMPANIES = {"USMF": USMF}
ACCOUNTS = customers_v3_to_accounts.TEMPLATE


def names(modules: list[Any]) -> list[str]:
    return [module.__name__.rsplit(".", 1)[1] for module in modules]


def test_customers_are_routed_by_party_type() -> None:
    assert names(finance_templates("CustomersV3", {"PartyType": "Organization"})) == [
        "customers_v3_to_accounts"
    ]
    assert names(finance_templates("CustomersV3", {"PartyType": "person"})) == [
        "customers_v3_to_contacts"
    ]
    assert names(finance_templates("CustomersV3", {"PartyType": "None"})) == []
    assert names(finance_templates("NoSuchEntity", {"PartyType": "Person"})) == []


def test_an_organization_never_produces_a_contact_payload() -> None:
    record = {"dataAreaId": "usmf", "CustomerAccount": "US-001", "PartyType": "Organization"}
    routed = finance_templates("CustomersV3", record)
    assert customers_v3_to_contacts not in routed
    assert customers_v3_to_accounts in routed


def test_a_sellable_contact_is_never_picked_up_by_contact_persons_reverse() -> None:
    sellable = {
        "msdyn_sellable": True,
        "msdyn_contactpersonid": "C-1",
        "msdyn_contactforvendor": True,
    }
    assert names(dataverse_templates("contacts", sellable)) == ["customers_v3_to_contacts"]
    vendor_contact = {**sellable, "msdyn_sellable": False}
    assert names(dataverse_templates("contacts", vendor_contact)) == ["cds_contacts_v2_to_contacts"]
    assert not cds_contacts_v2_to_contacts.matches_reverse_source_filter(sellable)


def test_customers_to_contacts_always_writes_sellable_true() -> None:
    for record in ({}, {"dataAreaId": "usmf"}, {"dataAreaId": "usmf", "CustomerAccount": "C-9"}):
        assert (
            customers_v3_to_contacts.finance_to_dataverse(record, COMPANIES)["msdyn_sellable"]
            is True
        )


def test_a_full_upsert_address_and_payload() -> None:
    record = {"dataAreaId": "usmf", "CustomerAccount": "US-001", "PaymentTerms": "Net30"}
    assert customers_v3_to_accounts.dataverse_key(record, COMPANIES) == (
        f"accounts(accountnumber='US-001',_msdyn_company_value={USMF})"
    )
    payload = customers_v3_to_accounts.finance_to_dataverse(record, COMPANIES)
    assert payload["msdyn_company@odata.bind"] == "/cdm_companies(cdm_companycode='USMF')"
    assert payload["msdyn_paymentterm@odata.bind"] == (
        f"/msdyn_paymentterms(msdyn_name='Net30',_msdyn_company_value={USMF})"
    )
    back = customers_v3_to_accounts.dataverse_to_finance(
        {"accountnumber": "US-001", "msdyn_company": {"cdm_companycode": "USMF"}}
    )
    assert customers_v3_to_accounts.finance_key(back) == (
        "CustomersV3(dataAreaId='usmf',CustomerAccount='US-001')"
    )


def test_a_global_map_needs_no_company() -> None:
    record = {"Affix": "Dr.", "Type": "personalPrefix"}
    assert name_affixes_to_msdyn_nameaffixes.dataverse_key(record) == (
        "msdyn_nameaffixes(msdyn_affixtype=806380000,msdyn_affix='Dr.')"
    )


def test_the_company_directory_reads_the_web_api_response() -> None:
    response = {"value": [{"cdm_companyid": USMF, "cdm_companycode": "USMF"}]}
    assert company_directory(response) == COMPANIES
    with pytest.raises(ValueError, match="cdm_companycode and cdm_companyid"):
        company_directory({"value": [{"cdm_companycode": "USMF"}]})


@pytest.mark.parametrize(
    ("record", "companies", "field", "value", "reason"),
    [
        (
            {"dataAreaId": None, "CustomerAccount": "1"},
            COMPANIES,
            "dataAreaId",
            None,
            "is not a company code",
        ),
        (
            {"dataAreaId": "", "CustomerAccount": "1"},
            COMPANIES,
            "dataAreaId",
            "",
            "is not a company code",
        ),
        (
            {"dataAreaId": 7, "CustomerAccount": "1"},
            COMPANIES,
            "dataAreaId",
            7,
            "is not a company code",
        ),
        (
            {"dataAreaId": "us/f", "CustomerAccount": "1"},
            COMPANIES,
            "dataAreaId",
            "us/f",
            "is not a company code",
        ),
        ({"dataAreaId": "usmf"}, COMPANIES, "CustomerAccount", None, "is a key field"),
        (
            {"dataAreaId": "usmf", "CustomerAccount": "1"},
            ["USMF"],
            "companies",
            ["USMF"],
            "is not a dict",
        ),
        (
            {"dataAreaId": "usmf", "CustomerAccount": "1"},
            {"usmf": "not-a-guid"},
            "companies",
            "not-a-guid",
            "is not a GUID",
        ),
    ],
)
def test_bad_company_and_key_input_is_a_mapping_error(
    record: dict[str, Any], companies: object, field: str, value: object, reason: str
) -> None:
    with pytest.raises(MappingError) as raised:
        customers_v3_to_accounts.dataverse_key(record, companies)  # type: ignore[arg-type]
    assert (raised.value.template, raised.value.field, raised.value.value) == (
        ACCOUNTS,
        field,
        value,
    )
    assert reason in str(raised.value)


@pytest.mark.parametrize("code", [None, "", 3, "us'f", "u/sf", "toolong"])
def test_a_bad_company_never_reaches_a_payload(code: object) -> None:
    with pytest.raises(MappingError) as raised:
        customers_v3_to_accounts.finance_to_dataverse({"dataAreaId": code}, COMPANIES)  # type: ignore[typeddict-item]
    assert (raised.value.field, raised.value.value) == ("dataAreaId", code)
