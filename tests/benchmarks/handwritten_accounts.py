"""A hand-written Customers V3 -> accounts mapper: the baseline the generated one is measured against.

Written the way an integration team writes one without a compiler: a column table read
in a loop, with the same column checks, value maps, binds and company handling, so its output is
identical to ``customers_v3_to_accounts.finance_to_dataverse`` (the benchmark asserts it).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

TEMPLATE = "Customers V3 to accounts"
_PLAIN = re.compile(r"[A-Za-z0-9._~-]+")
_COMPANY = re.compile(r"[A-Za-z0-9]{1,4}")

# (F&O field, Dataverse column, kind, limit): "s" string (limit = maxLength), "n" number
# (limit = (low, high)), "i" integer, "m" value map (limit = the table), "l" lookup bind
# (limit = (entity set, key, company-specific)), "c" constant (limit = the value).
COLUMNS: tuple[tuple[str, str, str, Any], ...] = (
    ("CustomerAccount", "accountnumber", "s", 20),
    ("InvoiceAddressCity", "address2_city", "s", 80),
    ("InvoiceAddressCounty", "address2_county", "s", 50),
    ("InvoiceAddressLatitude", "address2_latitude", "n", (-90, 90)),
    ("InvoiceAddressLongitude", "address2_longitude", "n", (-180, 180)),
    ("InvoiceAddressState", "address2_stateorprovince", "s", 50),
    ("InvoiceAddressStreet", "address2_line1", "s", 250),
    ("InvoiceAddressZipCode", "address2_postalcode", "s", 20),
    ("CreditLimit", "creditlimit", "n", (0, 100000000000000)),
    ("DeliveryAddressCity", "address1_city", "s", 80),
    ("DeliveryAddressCounty", "address1_county", "s", 50),
    ("DeliveryAddressLatitude", "address1_latitude", "n", (-90, 90)),
    ("DeliveryAddressLongitude", "address1_longitude", "n", (-180, 180)),
    ("DeliveryAddressZipCode", "address1_postalcode", "s", 20),
    ("PrimaryContactEmail", "emailaddress1", "s", 100),
    ("PrimaryContactPhone", "telephone1", "s", 50),
    ("PrimaryContactTwitter", "primarytwitterid", "s", 128),
    ("PrimaryContactURL", "websiteurl", "s", 200),
    (
        "SalesCurrencyCode",
        "transactioncurrencyid@odata.bind",
        "l",
        ("transactioncurrencies", "isocurrencycode", False),
    ),
    ("SalesMemo", "description", "s", 2000),
    ("CreditLimitIsMandatory", "msdyn_creditlimitismandatory", "m", {"no": False, "yes": True}),
    ("CreditRating", "msdyn_creditrating", "s", None),
    (
        "CustomerGroupId",
        "msdyn_customergroupid@odata.bind",
        "l",
        ("msdyn_customergroups", "msdyn_groupid", True),
    ),
    ("IdentificationNumber", "msdyn_identificationnumber", "s", None),
    ("InvoiceAccount", "msdyn_billingaccount@odata.bind", "l", ("accounts", "accountnumber", True)),
    (
        "InvoiceAddress",
        "msdyn_invoiceaddress",
        "m",
        {"invoiceaccount": 806380000, "orderaccount": 806380001},
    ),
    ("IsOneTimeCustomer", "msdyn_onetimecustomer", "m", {"no": False, "yes": True}),
    (
        "OnHoldStatus",
        "msdyn_onholdstatus",
        "m",
        {
            "no": 806380000,
            "invoice": 806380001,
            "all": 806380002,
            "payment": 806380003,
            "requisition": 806380004,
            "never": 806380005,
        },
    ),
    ("PartyCountry", "msdyn_partycountry", "s", None),
    ("PartyState", "msdyn_partystateprovince", "s", None),
    ("PaymentDay", "msdyn_paymentday@odata.bind", "l", ("msdyn_paymentdays", "msdyn_name", True)),
    (
        "PaymentMethod",
        "msdyn_customerpaymentmethod@odata.bind",
        "l",
        ("msdyn_customerpaymentmethods", "msdyn_name", True),
    ),
    (
        "PaymentSchedule",
        "msdyn_paymentschedule@odata.bind",
        "l",
        ("msdyn_paymentschedules", "msdyn_name", True),
    ),
    (
        "PaymentTerms",
        "msdyn_paymentterm@odata.bind",
        "l",
        ("msdyn_paymentterms", "msdyn_name", True),
    ),
    ("PaymentTermsBaseDays", "msdyn_paymenttermsbasedays", "i", None),
    ("PrimaryContactFacebook", "msdyn_primaryfacebookid", "s", None),
    ("PrimaryContactFaxExtension", "msdyn_faxextension", "s", None),
    ("PrimaryContactLinkedIn", "msdyn_primarylinkedinid", "s", None),
    ("TaxExemptNumber", "msdyn_taxexemptnumber", "s", None),
    (
        "VendorAccount",
        "msdyn_vendor@odata.bind",
        "l",
        ("msdyn_vendors", "msdyn_vendoraccountnumber", True),
    ),
    ("PrimaryContactEmailDescription", "msdyn_emailaddress1description", "s", None),
    ("PrimaryContactFacebookDescription", "msdyn_primaryfacebookdescription", "s", None),
    ("PrimaryContactFaxDescription", "msdyn_faxdescription", "s", None),
    ("PrimaryContactLinkedInDescription", "msdyn_primarylinkedindescrption", "s", None),
    ("PrimaryContactPhoneDescription", "msdyn_telephone1description", "s", None),
    ("PrimaryContactPhoneExtension", "msdyn_telephone1extension", "s", None),
    ("PrimaryContactTwitterDescription", "msdyn_primarytwitteriddescription", "s", None),
    ("PrimaryContactURLDescription", "msdyn_websiteurldescription", "s", None),
    ("DeliveryAddressStreet", "address1_line1", "s", 250),
    ("DeliveryAddressState", "address1_stateorprovince", "s", 50),
    ("", "address1_addresstypecode", "c", 2),
    ("", "customertypecode", "c", 3),
    ("PartyNumber", "msdyn_partynumber", "s", None),
    (
        "ContactPersonId",
        "primarycontactid@odata.bind",
        "l",
        ("contacts", "msdyn_contactpersonid", True),
    ),
)


class Invalid(ValueError):
    pass


def _literal(value: str) -> str:
    return (
        "'"
        + (value if _PLAIN.fullmatch(value) else quote(value.replace("'", "''"), safe="'"))
        + "'"
    )


def finance_to_dataverse(
    record: dict[str, Any], companies: dict[str, str] | None = None
) -> dict[str, Any]:
    if type(record) is not dict:
        raise Invalid(TEMPLATE, "<record>", record)
    payload: dict[str, Any] = {}
    company_id = None
    if "dataAreaId" in record:
        code = record["dataAreaId"]
        if not (isinstance(code, str) and _COMPANY.fullmatch(code)):
            raise Invalid(TEMPLATE, "dataAreaId", code)
        payload["msdyn_company@odata.bind"] = (
            "/cdm_companies(cdm_companycode='" + code.upper() + "')"
        )
    for source, target, kind, limit in COLUMNS:
        if kind == "c":
            payload[target] = limit
            continue
        if source not in record:
            continue
        value = record[source]
        if value is None:
            payload[target] = None
        elif kind == "s":
            if value.__class__ is not str or (limit is not None and len(value) > limit):
                raise Invalid(TEMPLATE, source, value)
            payload[target] = value
        elif kind == "n":
            if (value.__class__ is not float and value.__class__ is not int) or not limit[
                0
            ] <= value <= limit[1]:
                raise Invalid(TEMPLATE, source, value)
            payload[target] = value
        elif kind == "i":
            if value.__class__ is not int or not -2147483648 <= value <= 2147483647:
                raise Invalid(TEMPLATE, source, value)
            payload[target] = value
        elif kind == "m":
            if value.__class__ is not str or (key := value.casefold()) not in limit:
                raise Invalid(TEMPLATE, source, value)
            payload[target] = limit[key]
        elif value == "":
            payload[target] = None
        else:
            entity_set, key_column, company_specific = limit
            if value.__class__ is not str:
                raise Invalid(TEMPLATE, source, value)
            address = f"/{entity_set}({key_column}={_literal(value)}"
            if company_specific:
                if company_id is None:
                    code = record.get("dataAreaId")
                    company_id = (companies or {}).get(
                        code.upper() if isinstance(code, str) else ""
                    )
                    if company_id is None:
                        raise Invalid(TEMPLATE, source, value)
                address += f",_msdyn_company_value={company_id}"
            payload[target] = address + ")"
    return payload
