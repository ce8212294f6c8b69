"""The fastest hand-written Customers V3 <-> accounts mapper: the baseline the generated one must beat.

Written straight-line, as a performance-minded engineer writes one by hand: one
``if "X" in record:`` block per field, the valid case tested inline (``value.__class__ is
str``, ``len``, chained range comparisons), value maps read from dicts keyed by F&O's own
spellings as well as folded ones (so ``"Yes"`` costs no ``casefold()``), lookup binds built
by one f-string after a ``str.strip`` plainness test, and the company's cdm_companyid found
once per record, when a lookup first needs it. Its output is identical to
``customers_v3_to_accounts``, errors included (tests/test_handwritten_baseline.py and the
benchmark check it): invalid values go to the package's own checkers, which word the
MappingError; only the valid path, which is what is measured, is written here.

Shapes measured and rejected (bench_mappers.py's module docstring has the numbers):
``record.get(name, MISSING)`` instead of ``in`` + subscript, ``type(value) is str`` instead
of ``value.__class__ is str``, the runtime's regex for plainness, ``+``-joined binds.
"""

from __future__ import annotations

from typing import Any

from dualwrite_maps._runtime import (
    MappingError,
    checked_integer,
    checked_number,
    checked_string,
    company_binder,
    company_id,
    company_lookup_binder,
    company_reader,
    ensure_record,
    expanded_key_reader,
    lookup_binder,
)
from dualwrite_maps.customers_v3_to_accounts import TEMPLATE

# A lookup key made of these alone needs no quoting or percent-encoding.
_PLAIN = "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz~"

_NOYES_TO_DATAVERSE = {"No": False, "Yes": True, "no": False, "yes": True}
_NOYES_TO_FINANCE = {False: "No", True: "Yes"}
_INVOICE_ADDRESS_TO_DATAVERSE = {
    "InvoiceAccount": 806380000,
    "OrderAccount": 806380001,
    "invoiceaccount": 806380000,
    "orderaccount": 806380001,
}
_INVOICE_ADDRESS_TO_FINANCE = {806380000: "InvoiceAccount", 806380001: "OrderAccount"}
_ON_HOLD_STATUS_TO_DATAVERSE = {
    "No": 806380000,
    "Invoice": 806380001,
    "All": 806380002,
    "Payment": 806380003,
    "Requisition": 806380004,
    "Never": 806380005,
    "no": 806380000,
    "invoice": 806380001,
    "all": 806380002,
    "payment": 806380003,
    "requisition": 806380004,
    "never": 806380005,
}
_ON_HOLD_STATUS_TO_FINANCE = {
    806380000: "No",
    806380001: "Invoice",
    806380002: "All",
    806380003: "Payment",
    806380004: "Requisition",
    806380005: "Never",
}

# The error paths: the package's binders and readers say why a value is refused.
_bind_company = company_binder(TEMPLATE, "cdm_companies", "cdm_companycode")
_read_company = company_reader(TEMPLATE, "msdyn_company", "cdm_companycode")
_bind_currency = lookup_binder(TEMPLATE, "transactioncurrencies", "isocurrencycode", max_length=5)
_BINDS = {
    field: company_lookup_binder(TEMPLATE, entity_set, key, "msdyn_company", max_length)
    for field, entity_set, key, max_length in (
        ("CustomerGroupId", "msdyn_customergroups", "msdyn_groupid", None),
        ("InvoiceAccount", "accounts", "accountnumber", 20),
        ("PaymentDay", "msdyn_paymentdays", "msdyn_name", None),
        ("PaymentMethod", "msdyn_customerpaymentmethods", "msdyn_name", None),
        ("PaymentSchedule", "msdyn_paymentschedules", "msdyn_name", None),
        ("PaymentTerms", "msdyn_paymentterms", "msdyn_name", None),
        ("VendorAccount", "msdyn_vendors", "msdyn_vendoraccountnumber", None),
        ("ContactPersonId", "contacts", "msdyn_contactpersonid", None),
    )
}
_READS = {
    navigation: expanded_key_reader(TEMPLATE, navigation, key)
    for navigation, key in (
        ("transactioncurrencyid", "isocurrencycode"),
        ("msdyn_customergroupid", "msdyn_groupid"),
        ("msdyn_billingaccount", "accountnumber"),
        ("msdyn_paymentday", "msdyn_name"),
        ("msdyn_customerpaymentmethod", "msdyn_name"),
        ("msdyn_paymentschedule", "msdyn_name"),
        ("msdyn_paymentterm", "msdyn_name"),
        ("msdyn_vendor", "msdyn_vendoraccountnumber"),
        ("primarycontactid", "msdyn_contactpersonid"),
    )
}


def _bind(field: str, value: object, record: dict[str, Any], companies: object) -> str | None:
    return _BINDS[field](value, field, record, companies)


def _map(table: dict[Any, Any], field: str, value: object) -> Any:
    """A value map's slow path: null, another case of an F&O spelling, or an error."""
    if value is None:
        return None
    if isinstance(value, str) and (key := value.casefold()) in table:
        return table[key]
    raise MappingError(TEMPLATE, field, value)


def _unmapped(field: str, value: object) -> None:
    """A value map's slow path to finance: null, or a value the map has no entry for."""
    if value is not None:
        raise MappingError(TEMPLATE, field, value)


def finance_to_dataverse(
    record: dict[str, Any], companies: dict[str, str] | None = None
) -> dict[str, Any]:
    if record.__class__ is not dict:
        ensure_record(record, TEMPLATE)
    payload: dict[str, Any] = {}
    company: str | None = None
    if "dataAreaId" in record:
        value = record["dataAreaId"]
        if value.__class__ is str and len(value) <= 4 and value.isalnum() and value.isascii():
            payload["msdyn_company@odata.bind"] = (
                f"/cdm_companies(cdm_companycode='{value.upper()}')"
            )
        else:
            payload["msdyn_company@odata.bind"] = _bind_company(value)
    if "CustomerAccount" in record:
        value = record["CustomerAccount"]
        if value.__class__ is not str or len(value) > 20:
            value = checked_string(TEMPLATE, "CustomerAccount", value, "accountnumber", 20)
        payload["accountnumber"] = value
    if "InvoiceAddressCity" in record:
        value = record["InvoiceAddressCity"]
        if value.__class__ is not str or len(value) > 80:
            value = checked_string(TEMPLATE, "InvoiceAddressCity", value, "address2_city", 80)
        payload["address2_city"] = value
    if "InvoiceAddressCounty" in record:
        value = record["InvoiceAddressCounty"]
        if value.__class__ is not str or len(value) > 50:
            value = checked_string(TEMPLATE, "InvoiceAddressCounty", value, "address2_county", 50)
        payload["address2_county"] = value
    if "InvoiceAddressLatitude" in record:
        value = record["InvoiceAddressLatitude"]
        if (value.__class__ is not float and value.__class__ is not int) or not (
            -90 <= value <= 90
        ):
            value = checked_number(
                TEMPLATE, "InvoiceAddressLatitude", value, "address2_latitude", -90, 90
            )
        payload["address2_latitude"] = value
    if "InvoiceAddressLongitude" in record:
        value = record["InvoiceAddressLongitude"]
        if (value.__class__ is not float and value.__class__ is not int) or not (
            -180 <= value <= 180
        ):
            value = checked_number(
                TEMPLATE, "InvoiceAddressLongitude", value, "address2_longitude", -180, 180
            )
        payload["address2_longitude"] = value
    if "InvoiceAddressState" in record:
        value = record["InvoiceAddressState"]
        if value.__class__ is not str or len(value) > 50:
            value = checked_string(
                TEMPLATE, "InvoiceAddressState", value, "address2_stateorprovince", 50
            )
        payload["address2_stateorprovince"] = value
    if "InvoiceAddressStreet" in record:
        value = record["InvoiceAddressStreet"]
        if value.__class__ is not str or len(value) > 250:
            value = checked_string(TEMPLATE, "InvoiceAddressStreet", value, "address2_line1", 250)
        payload["address2_line1"] = value
    if "InvoiceAddressZipCode" in record:
        value = record["InvoiceAddressZipCode"]
        if value.__class__ is not str or len(value) > 20:
            value = checked_string(
                TEMPLATE, "InvoiceAddressZipCode", value, "address2_postalcode", 20
            )
        payload["address2_postalcode"] = value
    if "CreditLimit" in record:
        value = record["CreditLimit"]
        if (value.__class__ is not float and value.__class__ is not int) or not (
            0 <= value <= 100000000000000
        ):
            value = checked_number(
                TEMPLATE, "CreditLimit", value, "creditlimit", 0, 100000000000000
            )
        payload["creditlimit"] = value
    if "DeliveryAddressCity" in record:
        value = record["DeliveryAddressCity"]
        if value.__class__ is not str or len(value) > 80:
            value = checked_string(TEMPLATE, "DeliveryAddressCity", value, "address1_city", 80)
        payload["address1_city"] = value
    if "DeliveryAddressCounty" in record:
        value = record["DeliveryAddressCounty"]
        if value.__class__ is not str or len(value) > 50:
            value = checked_string(TEMPLATE, "DeliveryAddressCounty", value, "address1_county", 50)
        payload["address1_county"] = value
    if "DeliveryAddressLatitude" in record:
        value = record["DeliveryAddressLatitude"]
        if (value.__class__ is not float and value.__class__ is not int) or not (
            -90 <= value <= 90
        ):
            value = checked_number(
                TEMPLATE, "DeliveryAddressLatitude", value, "address1_latitude", -90, 90
            )
        payload["address1_latitude"] = value
    if "DeliveryAddressLongitude" in record:
        value = record["DeliveryAddressLongitude"]
        if (value.__class__ is not float and value.__class__ is not int) or not (
            -180 <= value <= 180
        ):
            value = checked_number(
                TEMPLATE, "DeliveryAddressLongitude", value, "address1_longitude", -180, 180
            )
        payload["address1_longitude"] = value
    if "DeliveryAddressZipCode" in record:
        value = record["DeliveryAddressZipCode"]
        if value.__class__ is not str or len(value) > 20:
            value = checked_string(
                TEMPLATE, "DeliveryAddressZipCode", value, "address1_postalcode", 20
            )
        payload["address1_postalcode"] = value
    if "PrimaryContactEmail" in record:
        value = record["PrimaryContactEmail"]
        if value.__class__ is not str or len(value) > 100:
            value = checked_string(TEMPLATE, "PrimaryContactEmail", value, "emailaddress1", 100)
        payload["emailaddress1"] = value
    if "PrimaryContactPhone" in record:
        value = record["PrimaryContactPhone"]
        if value.__class__ is not str or len(value) > 50:
            value = checked_string(TEMPLATE, "PrimaryContactPhone", value, "telephone1", 50)
        payload["telephone1"] = value
    if "PrimaryContactTwitter" in record:
        value = record["PrimaryContactTwitter"]
        if value.__class__ is not str or len(value) > 128:
            value = checked_string(
                TEMPLATE, "PrimaryContactTwitter", value, "primarytwitterid", 128
            )
        payload["primarytwitterid"] = value
    if "PrimaryContactURL" in record:
        value = record["PrimaryContactURL"]
        if value.__class__ is not str or len(value) > 200:
            value = checked_string(TEMPLATE, "PrimaryContactURL", value, "websiteurl", 200)
        payload["websiteurl"] = value
    if "SalesCurrencyCode" in record:
        value = record["SalesCurrencyCode"]
        if value.__class__ is str and value and len(value) <= 5 and not value.strip(_PLAIN):
            payload["transactioncurrencyid@odata.bind"] = (
                f"/transactioncurrencies(isocurrencycode='{value}')"
            )
        else:
            payload["transactioncurrencyid@odata.bind"] = _bind_currency(value, "SalesCurrencyCode")
    if "SalesMemo" in record:
        value = record["SalesMemo"]
        if value.__class__ is not str or len(value) > 2000:
            value = checked_string(TEMPLATE, "SalesMemo", value, "description", 2000)
        payload["description"] = value
    if "CreditLimitIsMandatory" in record:
        value = record["CreditLimitIsMandatory"]
        if value.__class__ is str and value in _NOYES_TO_DATAVERSE:
            payload["msdyn_creditlimitismandatory"] = _NOYES_TO_DATAVERSE[value]
        else:
            payload["msdyn_creditlimitismandatory"] = _map(
                _NOYES_TO_DATAVERSE, "CreditLimitIsMandatory", value
            )
    if "CreditRating" in record:
        value = record["CreditRating"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "CreditRating", value, "msdyn_creditrating")
        payload["msdyn_creditrating"] = value
    if "CustomerGroupId" in record:
        value = record["CustomerGroupId"]
        if value.__class__ is str and value and not value.strip(_PLAIN):
            if company is None:
                company = company_id(TEMPLATE, record, companies, "CustomerGroupId")
            payload["msdyn_customergroupid@odata.bind"] = (
                f"/msdyn_customergroups(msdyn_groupid='{value}',_msdyn_company_value={company})"
            )
        else:
            payload["msdyn_customergroupid@odata.bind"] = _bind(
                "CustomerGroupId", value, record, companies
            )
    if "IdentificationNumber" in record:
        value = record["IdentificationNumber"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "IdentificationNumber", value, "msdyn_identificationnumber"
            )
        payload["msdyn_identificationnumber"] = value
    if "InvoiceAccount" in record:
        value = record["InvoiceAccount"]
        if value.__class__ is str and value and len(value) <= 20 and not value.strip(_PLAIN):
            if company is None:
                company = company_id(TEMPLATE, record, companies, "InvoiceAccount")
            payload["msdyn_billingaccount@odata.bind"] = (
                f"/accounts(accountnumber='{value}',_msdyn_company_value={company})"
            )
        else:
            payload["msdyn_billingaccount@odata.bind"] = _bind(
                "InvoiceAccount", value, record, companies
            )
    if "InvoiceAddress" in record:
        value = record["InvoiceAddress"]
        if value.__class__ is str and value in _INVOICE_ADDRESS_TO_DATAVERSE:
            payload["msdyn_invoiceaddress"] = _INVOICE_ADDRESS_TO_DATAVERSE[value]
        else:
            payload["msdyn_invoiceaddress"] = _map(
                _INVOICE_ADDRESS_TO_DATAVERSE, "InvoiceAddress", value
            )
    if "IsOneTimeCustomer" in record:
        value = record["IsOneTimeCustomer"]
        if value.__class__ is str and value in _NOYES_TO_DATAVERSE:
            payload["msdyn_onetimecustomer"] = _NOYES_TO_DATAVERSE[value]
        else:
            payload["msdyn_onetimecustomer"] = _map(_NOYES_TO_DATAVERSE, "IsOneTimeCustomer", value)
    if "OnHoldStatus" in record:
        value = record["OnHoldStatus"]
        if value.__class__ is str and value in _ON_HOLD_STATUS_TO_DATAVERSE:
            payload["msdyn_onholdstatus"] = _ON_HOLD_STATUS_TO_DATAVERSE[value]
        else:
            payload["msdyn_onholdstatus"] = _map(
                _ON_HOLD_STATUS_TO_DATAVERSE, "OnHoldStatus", value
            )
    if "PartyCountry" in record:
        value = record["PartyCountry"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "PartyCountry", value, "msdyn_partycountry")
        payload["msdyn_partycountry"] = value
    if "PartyState" in record:
        value = record["PartyState"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "PartyState", value, "msdyn_partystateprovince")
        payload["msdyn_partystateprovince"] = value
    if "PaymentDay" in record:
        value = record["PaymentDay"]
        if value.__class__ is str and value and not value.strip(_PLAIN):
            if company is None:
                company = company_id(TEMPLATE, record, companies, "PaymentDay")
            payload["msdyn_paymentday@odata.bind"] = (
                f"/msdyn_paymentdays(msdyn_name='{value}',_msdyn_company_value={company})"
            )
        else:
            payload["msdyn_paymentday@odata.bind"] = _bind("PaymentDay", value, record, companies)
    if "PaymentMethod" in record:
        value = record["PaymentMethod"]
        if value.__class__ is str and value and not value.strip(_PLAIN):
            if company is None:
                company = company_id(TEMPLATE, record, companies, "PaymentMethod")
            payload["msdyn_customerpaymentmethod@odata.bind"] = (
                f"/msdyn_customerpaymentmethods(msdyn_name='{value}'"
                f",_msdyn_company_value={company})"
            )
        else:
            payload["msdyn_customerpaymentmethod@odata.bind"] = _bind(
                "PaymentMethod", value, record, companies
            )
    if "PaymentSchedule" in record:
        value = record["PaymentSchedule"]
        if value.__class__ is str and value and not value.strip(_PLAIN):
            if company is None:
                company = company_id(TEMPLATE, record, companies, "PaymentSchedule")
            payload["msdyn_paymentschedule@odata.bind"] = (
                f"/msdyn_paymentschedules(msdyn_name='{value}',_msdyn_company_value={company})"
            )
        else:
            payload["msdyn_paymentschedule@odata.bind"] = _bind(
                "PaymentSchedule", value, record, companies
            )
    if "PaymentTerms" in record:
        value = record["PaymentTerms"]
        if value.__class__ is str and value and not value.strip(_PLAIN):
            if company is None:
                company = company_id(TEMPLATE, record, companies, "PaymentTerms")
            payload["msdyn_paymentterm@odata.bind"] = (
                f"/msdyn_paymentterms(msdyn_name='{value}',_msdyn_company_value={company})"
            )
        else:
            payload["msdyn_paymentterm@odata.bind"] = _bind(
                "PaymentTerms", value, record, companies
            )
    if "PaymentTermsBaseDays" in record:
        value = record["PaymentTermsBaseDays"]
        if value.__class__ is not int or not (-2147483648 <= value <= 2147483647):
            value = checked_integer(
                TEMPLATE,
                "PaymentTermsBaseDays",
                value,
                "msdyn_paymenttermsbasedays",
                -2147483648,
                2147483647,
            )
        payload["msdyn_paymenttermsbasedays"] = value
    if "PrimaryContactFacebook" in record:
        value = record["PrimaryContactFacebook"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "PrimaryContactFacebook", value, "msdyn_primaryfacebookid"
            )
        payload["msdyn_primaryfacebookid"] = value
    if "PrimaryContactFaxExtension" in record:
        value = record["PrimaryContactFaxExtension"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "PrimaryContactFaxExtension", value, "msdyn_faxextension"
            )
        payload["msdyn_faxextension"] = value
    if "PrimaryContactLinkedIn" in record:
        value = record["PrimaryContactLinkedIn"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "PrimaryContactLinkedIn", value, "msdyn_primarylinkedinid"
            )
        payload["msdyn_primarylinkedinid"] = value
    if "TaxExemptNumber" in record:
        value = record["TaxExemptNumber"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "TaxExemptNumber", value, "msdyn_taxexemptnumber")
        payload["msdyn_taxexemptnumber"] = value
    if "VendorAccount" in record:
        value = record["VendorAccount"]
        if value.__class__ is str and value and not value.strip(_PLAIN):
            if company is None:
                company = company_id(TEMPLATE, record, companies, "VendorAccount")
            payload["msdyn_vendor@odata.bind"] = (
                f"/msdyn_vendors(msdyn_vendoraccountnumber='{value}'"
                f",_msdyn_company_value={company})"
            )
        else:
            payload["msdyn_vendor@odata.bind"] = _bind("VendorAccount", value, record, companies)
    if "PrimaryContactEmailDescription" in record:
        value = record["PrimaryContactEmailDescription"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "PrimaryContactEmailDescription", value, "msdyn_emailaddress1description"
            )
        payload["msdyn_emailaddress1description"] = value
    if "PrimaryContactFacebookDescription" in record:
        value = record["PrimaryContactFacebookDescription"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE,
                "PrimaryContactFacebookDescription",
                value,
                "msdyn_primaryfacebookdescription",
            )
        payload["msdyn_primaryfacebookdescription"] = value
    if "PrimaryContactFaxDescription" in record:
        value = record["PrimaryContactFaxDescription"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "PrimaryContactFaxDescription", value, "msdyn_faxdescription"
            )
        payload["msdyn_faxdescription"] = value
    if "PrimaryContactLinkedInDescription" in record:
        value = record["PrimaryContactLinkedInDescription"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE,
                "PrimaryContactLinkedInDescription",
                value,
                "msdyn_primarylinkedindescrption",
            )
        payload["msdyn_primarylinkedindescrption"] = value
    if "PrimaryContactPhoneDescription" in record:
        value = record["PrimaryContactPhoneDescription"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "PrimaryContactPhoneDescription", value, "msdyn_telephone1description"
            )
        payload["msdyn_telephone1description"] = value
    if "PrimaryContactPhoneExtension" in record:
        value = record["PrimaryContactPhoneExtension"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "PrimaryContactPhoneExtension", value, "msdyn_telephone1extension"
            )
        payload["msdyn_telephone1extension"] = value
    if "PrimaryContactTwitterDescription" in record:
        value = record["PrimaryContactTwitterDescription"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE,
                "PrimaryContactTwitterDescription",
                value,
                "msdyn_primarytwitteriddescription",
            )
        payload["msdyn_primarytwitteriddescription"] = value
    if "PrimaryContactURLDescription" in record:
        value = record["PrimaryContactURLDescription"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "PrimaryContactURLDescription", value, "msdyn_websiteurldescription"
            )
        payload["msdyn_websiteurldescription"] = value
    if "DeliveryAddressStreet" in record:
        value = record["DeliveryAddressStreet"]
        if value.__class__ is not str or len(value) > 250:
            value = checked_string(TEMPLATE, "DeliveryAddressStreet", value, "address1_line1", 250)
        payload["address1_line1"] = value
    if "DeliveryAddressState" in record:
        value = record["DeliveryAddressState"]
        if value.__class__ is not str or len(value) > 50:
            value = checked_string(
                TEMPLATE, "DeliveryAddressState", value, "address1_stateorprovince", 50
            )
        payload["address1_stateorprovince"] = value
    payload["address1_addresstypecode"] = 2
    payload["customertypecode"] = 3
    if "PartyNumber" in record:
        value = record["PartyNumber"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "PartyNumber", value, "msdyn_partynumber")
        payload["msdyn_partynumber"] = value
    if "ContactPersonId" in record:
        value = record["ContactPersonId"]
        if value.__class__ is str and value and not value.strip(_PLAIN):
            if company is None:
                company = company_id(TEMPLATE, record, companies, "ContactPersonId")
            payload["primarycontactid@odata.bind"] = (
                f"/contacts(msdyn_contactpersonid='{value}',_msdyn_company_value={company})"
            )
        else:
            payload["primarycontactid@odata.bind"] = _bind(
                "ContactPersonId", value, record, companies
            )
    return payload


def dataverse_to_finance(record: dict[str, Any]) -> dict[str, Any]:
    if record.__class__ is not dict:
        ensure_record(record, TEMPLATE)
    payload: dict[str, Any] = {}
    if "msdyn_company" in record:
        value = record["msdyn_company"]
        code = value.get("cdm_companycode") if value.__class__ is dict else None
        if code.__class__ is str and len(code) <= 4 and code.isalnum() and code.isascii():
            payload["dataAreaId"] = code.lower()
        else:
            payload["dataAreaId"] = _read_company(value)
    if "accountnumber" in record:
        value = record["accountnumber"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "accountnumber", value, "CustomerAccount")
        payload["CustomerAccount"] = value
    if "address2_city" in record:
        value = record["address2_city"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "address2_city", value, "InvoiceAddressCity")
        payload["InvoiceAddressCity"] = value
    if "address2_county" in record:
        value = record["address2_county"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "address2_county", value, "InvoiceAddressCounty")
        payload["InvoiceAddressCounty"] = value
    if "address2_stateorprovince" in record:
        value = record["address2_stateorprovince"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "address2_stateorprovince", value, "InvoiceAddressState"
            )
        payload["InvoiceAddressState"] = value
    if "address2_line1" in record:
        value = record["address2_line1"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "address2_line1", value, "InvoiceAddressStreet")
        payload["InvoiceAddressStreet"] = value
    if "address2_postalcode" in record:
        value = record["address2_postalcode"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "address2_postalcode", value, "InvoiceAddressZipCode")
        payload["InvoiceAddressZipCode"] = value
    if "creditlimit" in record:
        value = record["creditlimit"]
        if (value.__class__ is not float and value.__class__ is not int) or not (
            -1.7976931348623157e308 <= value <= 1.7976931348623157e308
        ):
            value = checked_number(TEMPLATE, "creditlimit", value, "CreditLimit")
        payload["CreditLimit"] = value
    if "address1_city" in record:
        value = record["address1_city"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "address1_city", value, "DeliveryAddressCity")
        payload["DeliveryAddressCity"] = value
    if "address1_county" in record:
        value = record["address1_county"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "address1_county", value, "DeliveryAddressCounty")
        payload["DeliveryAddressCounty"] = value
    if "address1_postalcode" in record:
        value = record["address1_postalcode"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "address1_postalcode", value, "DeliveryAddressZipCode")
        payload["DeliveryAddressZipCode"] = value
    if "emailaddress1" in record:
        value = record["emailaddress1"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "emailaddress1", value, "PrimaryContactEmail")
        payload["PrimaryContactEmail"] = value
    if "telephone1" in record:
        value = record["telephone1"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "telephone1", value, "PrimaryContactPhone")
        payload["PrimaryContactPhone"] = value
    if "primarytwitterid" in record:
        value = record["primarytwitterid"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "primarytwitterid", value, "PrimaryContactTwitter")
        payload["PrimaryContactTwitter"] = value
    if "websiteurl" in record:
        value = record["websiteurl"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "websiteurl", value, "PrimaryContactURL")
        payload["PrimaryContactURL"] = value
    if "transactioncurrencyid" in record:
        value = record["transactioncurrencyid"]
        key = value.get("isocurrencycode") if value.__class__ is dict else None
        if key.__class__ is str:
            payload["SalesCurrencyCode"] = key
        else:
            payload["SalesCurrencyCode"] = _READS["transactioncurrencyid"](value)
    if "description" in record:
        value = record["description"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "description", value, "SalesMemo")
        payload["SalesMemo"] = value
    if "msdyn_creditlimitismandatory" in record:
        value = record["msdyn_creditlimitismandatory"]
        if value.__class__ is bool:
            payload["CreditLimitIsMandatory"] = _NOYES_TO_FINANCE[value]
        else:
            payload["CreditLimitIsMandatory"] = _unmapped("msdyn_creditlimitismandatory", value)
    if "msdyn_creditrating" in record:
        value = record["msdyn_creditrating"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "msdyn_creditrating", value, "CreditRating")
        payload["CreditRating"] = value
    if "msdyn_customergroupid" in record:
        value = record["msdyn_customergroupid"]
        key = value.get("msdyn_groupid") if value.__class__ is dict else None
        if key.__class__ is str:
            payload["CustomerGroupId"] = key
        else:
            payload["CustomerGroupId"] = _READS["msdyn_customergroupid"](value)
    if "msdyn_identificationnumber" in record:
        value = record["msdyn_identificationnumber"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "msdyn_identificationnumber", value, "IdentificationNumber"
            )
        payload["IdentificationNumber"] = value
    if "msdyn_billingaccount" in record:
        value = record["msdyn_billingaccount"]
        key = value.get("accountnumber") if value.__class__ is dict else None
        if key.__class__ is str:
            payload["InvoiceAccount"] = key
        else:
            payload["InvoiceAccount"] = _READS["msdyn_billingaccount"](value)
    if "msdyn_invoiceaddress" in record:
        value = record["msdyn_invoiceaddress"]
        if value.__class__ is int and value in _INVOICE_ADDRESS_TO_FINANCE:
            payload["InvoiceAddress"] = _INVOICE_ADDRESS_TO_FINANCE[value]
        else:
            payload["InvoiceAddress"] = _unmapped("msdyn_invoiceaddress", value)
    if "msdyn_onetimecustomer" in record:
        value = record["msdyn_onetimecustomer"]
        if value.__class__ is bool:
            payload["IsOneTimeCustomer"] = _NOYES_TO_FINANCE[value]
        else:
            payload["IsOneTimeCustomer"] = _unmapped("msdyn_onetimecustomer", value)
    if "msdyn_onholdstatus" in record:
        value = record["msdyn_onholdstatus"]
        if value.__class__ is int and value in _ON_HOLD_STATUS_TO_FINANCE:
            payload["OnHoldStatus"] = _ON_HOLD_STATUS_TO_FINANCE[value]
        else:
            payload["OnHoldStatus"] = _unmapped("msdyn_onholdstatus", value)
    if "msdyn_partycountry" in record:
        value = record["msdyn_partycountry"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "msdyn_partycountry", value, "PartyCountry")
        payload["PartyCountry"] = value
    if "msdyn_partystateprovince" in record:
        value = record["msdyn_partystateprovince"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "msdyn_partystateprovince", value, "PartyState")
        payload["PartyState"] = value
    if "msdyn_paymentday" in record:
        value = record["msdyn_paymentday"]
        key = value.get("msdyn_name") if value.__class__ is dict else None
        if key.__class__ is str:
            payload["PaymentDay"] = key
        else:
            payload["PaymentDay"] = _READS["msdyn_paymentday"](value)
    if "msdyn_customerpaymentmethod" in record:
        value = record["msdyn_customerpaymentmethod"]
        key = value.get("msdyn_name") if value.__class__ is dict else None
        if key.__class__ is str:
            payload["PaymentMethod"] = key
        else:
            payload["PaymentMethod"] = _READS["msdyn_customerpaymentmethod"](value)
    if "msdyn_paymentschedule" in record:
        value = record["msdyn_paymentschedule"]
        key = value.get("msdyn_name") if value.__class__ is dict else None
        if key.__class__ is str:
            payload["PaymentSchedule"] = key
        else:
            payload["PaymentSchedule"] = _READS["msdyn_paymentschedule"](value)
    if "msdyn_paymentterm" in record:
        value = record["msdyn_paymentterm"]
        key = value.get("msdyn_name") if value.__class__ is dict else None
        if key.__class__ is str:
            payload["PaymentTerms"] = key
        else:
            payload["PaymentTerms"] = _READS["msdyn_paymentterm"](value)
    if "msdyn_paymenttermsbasedays" in record:
        value = record["msdyn_paymenttermsbasedays"]
        if value.__class__ is not int or not (-2147483648 <= value <= 2147483647):
            value = checked_integer(
                TEMPLATE,
                "msdyn_paymenttermsbasedays",
                value,
                "PaymentTermsBaseDays",
                -2147483648,
                2147483647,
            )
        payload["PaymentTermsBaseDays"] = value
    if "msdyn_primaryfacebookid" in record:
        value = record["msdyn_primaryfacebookid"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "msdyn_primaryfacebookid", value, "PrimaryContactFacebook"
            )
        payload["PrimaryContactFacebook"] = value
    if "msdyn_faxextension" in record:
        value = record["msdyn_faxextension"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "msdyn_faxextension", value, "PrimaryContactFaxExtension"
            )
        payload["PrimaryContactFaxExtension"] = value
    if "msdyn_primarylinkedinid" in record:
        value = record["msdyn_primarylinkedinid"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "msdyn_primarylinkedinid", value, "PrimaryContactLinkedIn"
            )
        payload["PrimaryContactLinkedIn"] = value
    if "msdyn_taxexemptnumber" in record:
        value = record["msdyn_taxexemptnumber"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "msdyn_taxexemptnumber", value, "TaxExemptNumber")
        payload["TaxExemptNumber"] = value
    if "msdyn_vendor" in record:
        value = record["msdyn_vendor"]
        key = value.get("msdyn_vendoraccountnumber") if value.__class__ is dict else None
        if key.__class__ is str:
            payload["VendorAccount"] = key
        else:
            payload["VendorAccount"] = _READS["msdyn_vendor"](value)
    if "msdyn_emailaddress1description" in record:
        value = record["msdyn_emailaddress1description"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "msdyn_emailaddress1description", value, "PrimaryContactEmailDescription"
            )
        payload["PrimaryContactEmailDescription"] = value
    if "msdyn_primaryfacebookdescription" in record:
        value = record["msdyn_primaryfacebookdescription"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE,
                "msdyn_primaryfacebookdescription",
                value,
                "PrimaryContactFacebookDescription",
            )
        payload["PrimaryContactFacebookDescription"] = value
    if "msdyn_faxdescription" in record:
        value = record["msdyn_faxdescription"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "msdyn_faxdescription", value, "PrimaryContactFaxDescription"
            )
        payload["PrimaryContactFaxDescription"] = value
    if "msdyn_primarylinkedindescrption" in record:
        value = record["msdyn_primarylinkedindescrption"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE,
                "msdyn_primarylinkedindescrption",
                value,
                "PrimaryContactLinkedInDescription",
            )
        payload["PrimaryContactLinkedInDescription"] = value
    if "msdyn_telephone1description" in record:
        value = record["msdyn_telephone1description"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "msdyn_telephone1description", value, "PrimaryContactPhoneDescription"
            )
        payload["PrimaryContactPhoneDescription"] = value
    if "msdyn_telephone1extension" in record:
        value = record["msdyn_telephone1extension"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "msdyn_telephone1extension", value, "PrimaryContactPhoneExtension"
            )
        payload["PrimaryContactPhoneExtension"] = value
    if "msdyn_primarytwitteriddescription" in record:
        value = record["msdyn_primarytwitteriddescription"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE,
                "msdyn_primarytwitteriddescription",
                value,
                "PrimaryContactTwitterDescription",
            )
        payload["PrimaryContactTwitterDescription"] = value
    if "msdyn_websiteurldescription" in record:
        value = record["msdyn_websiteurldescription"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "msdyn_websiteurldescription", value, "PrimaryContactURLDescription"
            )
        payload["PrimaryContactURLDescription"] = value
    payload["LanguageId"] = "en-us"
    if "address1_line1" in record:
        value = record["address1_line1"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "address1_line1", value, "DeliveryAddressStreet")
        payload["DeliveryAddressStreet"] = value
    if "address1_stateorprovince" in record:
        value = record["address1_stateorprovince"]
        if value.__class__ is not str:
            value = checked_string(
                TEMPLATE, "address1_stateorprovince", value, "DeliveryAddressState"
            )
        payload["DeliveryAddressState"] = value
    payload["PartyType"] = "Organization"
    if "msdyn_partynumber" in record:
        value = record["msdyn_partynumber"]
        if value.__class__ is not str:
            value = checked_string(TEMPLATE, "msdyn_partynumber", value, "PartyNumber")
        payload["PartyNumber"] = value
    if "primarycontactid" in record:
        value = record["primarycontactid"]
        key = value.get("msdyn_contactpersonid") if value.__class__ is dict else None
        if key.__class__ is str:
            payload["ContactPersonId"] = key
        else:
            payload["ContactPersonId"] = _READS["primarycontactid"](value)
    return payload
