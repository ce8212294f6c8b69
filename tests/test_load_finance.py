"""The loader into finance and operations, against the wire-level F&O fake (tests/fakes/finance.py).

OData has no upsert there: a row is updated at its key, and created (POST to the entity set)
when the update finds none. A field that names another row of the run (a customer's invoice
account) is written by the second pass, once every row exists.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pytest

from generator.cli import main
from generator.load import transport
from tests.fakes.finance import FakeFinance, Faults
from tests.load_folders import write_finance_folder

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "specs" / "entities" / "finance"
TOKEN = "fo-token-81c3"
USMF = {"cdm_companycode": "USMF"}


def _account(number: str, **lookups: Any) -> dict[str, Any]:
    return {"accountnumber": number, "msdyn_company": USMF, "customertypecode": 3, **lookups}


ACCOUNTS = [
    _account(
        "US-002",
        msdyn_billingaccount={"accountnumber": "US-001"},
        msdyn_customergroupid={"msdyn_groupid": "10"},
    ),
    _account("US-001", msdyn_customergroupid={"msdyn_groupid": "10"}),
    _account("US-003"),
]
GROUPS = [{"msdyn_groupid": "10", "msdyn_company": USMF, "msdyn_description": "Wholesale"}]


def _load(folders: list[Path], url: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    monkeypatch.setenv("TABLEMAP_ACCESS_TOKEN", TOKEN)
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        status = main(["load", *map(str, folders), "--url", url, "--root", str(ROOT)])
    return status, stderr.getvalue()


def test_rows_are_created_or_updated_in_order_and_self_references_set_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts = write_finance_folder(tmp_path / "accounts", "customers_v3_to_accounts", ACCOUNTS)
    groups = write_finance_folder(
        tmp_path / "groups", "customer_groups_to_msdyn_customergroups", GROUPS
    )
    with FakeFinance(SCHEMAS, TOKEN, Faults()) as fake:
        # US-003 exists already: it is updated, the others are created.
        fake.add_rows(
            "CustomersV3",
            [{"dataAreaId": "usmf", "CustomerAccount": "US-003", "OrganizationName": "Kept"}],
        )
        status, stderr = _load([accounts, groups], fake.url, monkeypatch)
        assert status == 0, stderr
        customers = {row["CustomerAccount"]: row for row in fake.rows("CustomersV3")}
        assert fake.rows("CustomerGroups") == [
            {"dataAreaId": "usmf", "CustomerGroupId": "10", "Description": "Wholesale"}
        ]
        sent = [
            (part.method, part.path.split("/data/", 1)[1], json.loads(part.body))
            for record in fake.log
            for part in record.parts
        ]
        before = len(fake.log)
        assert _load([accounts, groups], fake.url, monkeypatch)[0] == 0
        assert fake.log[before:] == []  # a completed load sends nothing
    common = {"dataAreaId": "usmf", "LanguageId": "en-us", "PartyType": "Organization"}
    assert customers == {
        "US-003": {**common, "CustomerAccount": "US-003", "OrganizationName": "Kept"},
        "US-002": {
            **common,
            "CustomerAccount": "US-002",
            "CustomerGroupId": "10",
            "InvoiceAccount": "US-001",
        },
        "US-001": {**common, "CustomerAccount": "US-001", "CustomerGroupId": "10"},
    }
    group = "CustomerGroups(dataAreaId='usmf',CustomerGroupId='10')"
    customer = "CustomersV3(dataAreaId='usmf',CustomerAccount='{}')"
    assert [(method, path) for method, path, _ in sent] == [
        ("PATCH", group),
        ("POST", "CustomerGroups"),
        ("PATCH", customer.format("US-002")),
        ("PATCH", customer.format("US-001")),
        ("PATCH", customer.format("US-003")),
        ("POST", "CustomersV3"),
        ("POST", "CustomersV3"),
        ("PATCH", customer.format("US-002")),
    ]
    # The invoice account is left out of the create and set by the second pass alone.
    assert "InvoiceAccount" not in sent[5][2]
    assert sent[-1][2] == {"InvoiceAccount": "US-001"}


def test_throttling_server_errors_and_dropped_connections_end_in_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transport, "BACKOFF", 0.001)
    accounts = write_finance_folder(tmp_path / "accounts", "customers_v3_to_accounts", ACCOUNTS)
    faults = Faults(seed=11, throttle=0.25, retry_after=0, server_errors=0.25, drops=0.25)
    with FakeFinance(SCHEMAS, TOKEN, faults) as fake:
        status, stderr = _load([accounts], fake.url, monkeypatch)
        assert status == 0, stderr
        customers = sorted(fake.rows("CustomersV3"), key=lambda row: str(row["CustomerAccount"]))
        faulted = {record.fault for record in fake.log if record.fault}
    assert faulted == {"throttle", "server-error", "drop"}
    common = {"dataAreaId": "usmf", "LanguageId": "en-us", "PartyType": "Organization"}
    assert customers == [
        {**common, "CustomerAccount": "US-001", "CustomerGroupId": "10"},
        {
            **common,
            "CustomerAccount": "US-002",
            "CustomerGroupId": "10",
            "InvoiceAccount": "US-001",
        },
        {**common, "CustomerAccount": "US-003"},
    ]
