"""The loader's parts on their own: addresses, $batch bodies, the journal and the load order."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics
from generator.load.addresses import BadAddress, entity_id, parse_address
from generator.load.batch import PartRequest, decode_batch, encode_batch
from generator.load.folders import BulkFolder
from generator.load.journal import Journal, JournalMismatch
from generator.load.order import order_steps, plan_steps

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "load_data"
COMPANY = "8d5e2a3c-6b1f-4e0a-9c7d-2f4b6a8c0e11"
URL = "https://contoso.crm.dynamics.com"


def test_an_address_and_a_bind_to_the_same_row_have_one_identity() -> None:
    address = parse_address(f"accounts(accountnumber='US-001',_msdyn_company_value={COMPANY})")
    bind = parse_address(
        f"/accounts(_msdyn_company_value={COMPANY.upper()},accountnumber='US-001')"
    )
    assert address.identity == bind.identity
    assert address.identity == f"accounts(_msdyn_company_value={COMPANY},accountnumber='US-001')"
    other = parse_address(f"/accounts(accountnumber='US-002',_msdyn_company_value={COMPANY})")
    assert other.identity != address.identity


def test_quoted_commas_and_doubled_quotes_stay_in_their_part() -> None:
    address = parse_address("msdyn_nameaffixes(msdyn_affixtype=1,msdyn_affix='O''Neil, Jr.')")
    assert address.parts == (("msdyn_affixtype", "1"), ("msdyn_affix", "'O''Neil, Jr.'"))


def test_a_lookup_key_part_is_filled_in_with_its_guid() -> None:
    text = f"msdyn_paymentdaylines(msdyn_name='1',_msdyn_paymentday_value=@msdyn_paymentday,_msdyn_company_value={COMPANY})"
    address = parse_address(text)
    assert address.deferred == ("msdyn_paymentday",)
    guid = "11111111-2222-3333-4444-555555555555"
    assert address.with_guids({"msdyn_paymentday": guid}) == (
        f"msdyn_paymentdaylines(msdyn_name='1',_msdyn_paymentday_value={guid},"
        f"_msdyn_company_value={COMPANY})"
    )


@pytest.mark.parametrize(
    "text", ["accounts", "accounts()", "accounts(accountnumber='US-001)", "(a=1)", "accounts(a=)"]
)
def test_malformed_addresses_are_refused(text: str) -> None:
    with pytest.raises(BadAddress):
        parse_address(text)


def test_a_bare_guid_is_a_primary_key_and_the_entity_id_is_read() -> None:
    assert parse_address(f"/cdm_companies({COMPANY})").parts == (("", COMPANY),)
    assert entity_id(f"{URL}/api/data/v9.2/accounts({COMPANY.upper()})") == COMPANY
    assert entity_id("") is None


def test_the_documented_batch_response_is_read_part_by_part() -> None:
    content_type = "multipart/mixed; boundary=batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f"
    parts = decode_batch(content_type, (DATA / "batch_response.txt").read_bytes())
    assert [part.status for part in parts] == [204, 204, 204, 400]
    assert entity_id(parts[2].headers["odata-entityid"]) == "d31ba648-c592-ed11-aad1-000d3a993550"
    assert parts[3].error() == (
        "0x80040217",
        "cdm_company With Ids = 00000000-0000-0000-0000-000000000001 Does Not Exist",
    )


def test_a_batch_request_is_one_part_per_row_in_the_documented_shape() -> None:
    content_type, body = encode_batch(
        [
            PartRequest("PATCH", "/api/data/v9.2/accounts(accountnumber='A')", {"name": "é"}),
            PartRequest(
                "PATCH", "/api/data/v9.2/accounts(accountnumber='B')", {}, (("If-Match", "*"),)
            ),
        ]
    )
    boundary = content_type.split('boundary="')[1].rstrip('"')
    assert content_type == f'multipart/mixed; boundary="{boundary}"'
    assert body.decode() == (
        f"--{boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
        "PATCH /api/data/v9.2/accounts(accountnumber='A') HTTP/1.1\r\n"
        "Content-Type: application/json; type=entry\r\n\r\n"
        '{"name":"é"}\r\n'
        f"--{boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n"
        "PATCH /api/data/v9.2/accounts(accountnumber='B') HTTP/1.1\r\n"
        "Content-Type: application/json; type=entry\r\nIf-Match: *\r\n\r\n"
        "{}\r\n"
        f"--{boundary}--\r\n"
    )


def test_the_journal_keeps_confirmed_rows_and_drops_a_torn_last_line(tmp_path: Path) -> None:
    journal = Journal(tmp_path, URL)
    journal.upserted([(0, COMPANY), (1, None)])
    journal.bound([0])
    journal.close()
    path = tmp_path / "journal.jsonl"
    whole = path.read_bytes()
    path.write_bytes(whole + b'{"pass":1,"rows":[[2,')  # kill -9 in the middle of a write
    again = Journal(tmp_path, URL)
    assert again.state.upserted == {0: COMPANY, 1: None}
    assert again.state.bound == {0}
    again.upserted([(2, None)])
    again.close()
    assert path.read_bytes() == whole + b'{"pass":1,"rows":[[2,null]]}\n'
    assert Journal(tmp_path, URL).state.upserted == {0: COMPANY, 1: None, 2: None}


def test_a_journal_is_never_reused_for_another_environment(tmp_path: Path) -> None:
    Journal(tmp_path, URL).close()
    with pytest.raises(JournalMismatch) as refused:
        Journal(tmp_path, "https://fabrikam.crm.dynamics.com")
    assert refused.value.url == URL


def _folder(tmp_path: Path, module: str) -> BulkFolder:
    return BulkFolder(tmp_path / module, module, "to_dataverse", 0)


MODULES = [
    "customers_v3_to_accounts",
    "customers_v3_to_contacts",
    "payment_day_lines_cds_v2_to_msdyn_paymentdaylines",
    "payment_days_cds_to_msdyn_paymentdays",
    "terms_of_payment_to_msdyn_paymentterms",
    "customer_groups_to_msdyn_customergroups",
    "payment_schedule_to_msdyn_paymentschedules",
]


def test_the_shipped_maps_load_reference_tables_first_and_defer_self_references(
    tmp_path: Path,
) -> None:
    plans = [
        plan_steps(ROOT, [_folder(tmp_path, m) for m in modules], Diagnostics())
        for modules in (MODULES, MODULES[::-1])
    ]
    assert plans[0] is not None and plans[1] is not None
    order = [(step.table, sorted(step.deferred)) for step in plans[0].steps]
    assert order == [
        ("msdyn_paymentdays", []),
        ("msdyn_paymentdaylines", []),
        ("msdyn_paymentschedules", []),
        ("msdyn_paymentterms", []),
        ("msdyn_customergroups", []),
        ("contacts", []),
        ("accounts", ["msdyn_billingaccount@odata.bind"]),
    ]
    assert [s.folder.module for s in plans[0].steps] == [s.folder.module for s in plans[1].steps]
    accounts = plans[0].steps[-1]
    assert accounts.logical_name == "account"
    assert accounts.binds["primarycontactid@odata.bind"] == "contacts"
    assert plans[0].primary_keys["msdyn_paymentdays"] == "msdyn_paymentdayid"
    assert plans[0].key_targets == {"msdyn_paymentdays"}


def test_a_cycle_is_broken_and_its_back_edge_deferred(tmp_path: Path) -> None:
    plan = plan_steps(ROOT, [_folder(tmp_path, "customers_v3_to_accounts")], Diagnostics())
    assert plan is not None
    accounts = plan.steps[0]
    contacts = replace(
        accounts,
        folder=_folder(tmp_path, "contacts_module"),
        table="contacts",
        binds={"parentcustomerid_account@odata.bind": "accounts"},
    )
    ordered = order_steps([accounts, contacts])
    # Each waits on the other; the tie goes by table name, and the later one binds directly.
    assert [(step.table, sorted(step.deferred)) for step in ordered] == [
        ("accounts", ["msdyn_billingaccount@odata.bind", "primarycontactid@odata.bind"]),
        ("contacts", []),
    ]
    assert json.dumps(sorted(ordered[0].binds)) == json.dumps(sorted(accounts.binds))
