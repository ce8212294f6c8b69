"""The Dataverse fake itself, through httpx as a plain client: the Web API behaviour the
loader's tests rely on, the documented `$batch` wire format, the seeded faults, and the
command that starts it for a dry run."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.dataverse import SCHEMAS, FakeDataverse, Faults
from tests.fakes.multipart import (
    Multipart,
    boundary_of,
    parse_http_message,
    parse_multipart,
    write_multipart,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).parent / "fakes" / "samples"
TOKEN = "test-token"
BatchRequest = tuple[str, str, dict[str, object] | None]
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}
API = "/api/data/v9.2/"
GUID_1 = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def fake() -> Iterator[FakeDataverse]:
    with FakeDataverse(SCHEMAS, TOKEN) as server:
        server.add_rows("cdm_companies", [{"cdm_companycode": "USMF"}, {"cdm_companycode": "DEMF"}])
        server.add_rows("transactioncurrencies", [{"isocurrencycode": "USD"}])
        yield server


@pytest.fixture
def client(fake: FakeDataverse) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake.url + API, headers=AUTHORIZED) as http:
        yield http


def company(fake: FakeDataverse, code: str) -> str:
    return next(
        str(row["cdm_companyid"])
        for row in fake.rows("cdm_companies")
        if row["cdm_companycode"] == code
    )


def account(fake: FakeDataverse, number: str, code: str = "USMF") -> str:
    return f"accounts(accountnumber='{number}',_msdyn_company_value={company(fake, code)})"


def error_of(response: httpx.Response) -> tuple[int, str, str]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["message"]


def test_upsert_creates_then_updates(fake: FakeDataverse, client: httpx.Client) -> None:
    address = account(fake, "US-001")
    created = client.patch(address, json={"emailaddress1": "a@contoso.com"})
    updated = client.patch(address, json={"telephone1": "555-0100"})
    (row,) = fake.rows("accounts")
    assert (created.status_code, updated.status_code) == (204, 204)
    entity = f"{fake.url}{API}accounts({row['accountid']})"
    assert created.headers["OData-EntityId"] == updated.headers["OData-EntityId"] == entity
    assert row == {
        "accountid": row["accountid"],
        "accountnumber": "US-001",
        "_msdyn_company_value": company(fake, "USMF"),
        "emailaddress1": "a@contoso.com",
        "telephone1": "555-0100",
    }


def test_alternate_key_matches_strings_case_insensitively_and_numbers_by_value(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    client.patch(account(fake, "us-001"), json={})
    client.patch(account(fake, "US-001"), json={"telephone1": "1"})
    usmf = company(fake, "USMF")
    day = f"msdyn_paymentdays(msdyn_name='Net',_msdyn_company_value={usmf})"
    client.patch(day, json={})
    day_id = fake.rows("msdyn_paymentdays")[0]["msdyn_paymentdayid"]
    line = f"msdyn_paymentdaylines(_msdyn_paymentday_value={day_id},msdyn_linenumber=1,_msdyn_company_value={usmf})"
    assert (
        client.patch(line, json={"msdyn_linenumber": 1.0, "msdyn_dayofmonth": 5}).status_code == 204
    )
    again = line.replace("msdyn_linenumber=1,", "msdyn_linenumber=1.0,")
    assert client.patch(again, json={"msdyn_dayofmonth": 6}).status_code == 204
    assert [row["accountnumber"] for row in fake.rows("accounts")] == ["us-001"]
    (stored,) = fake.rows("msdyn_paymentdaylines")
    assert (stored["_msdyn_paymentday_value"], stored["msdyn_dayofmonth"]) == (day_id, 6)


def test_a_key_that_is_not_an_alternate_key_is_refused_with_the_documented_message(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    response = client.patch("accounts(accountnumber='US-001')", json={})
    assert error_of(response) == (
        400,
        "0x0",
        "The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.account'."
        " Ensure that the names and number of key properties match the declared or alternate key"
        " properties for the resource 'Microsoft.Dynamics.CRM.account'.",
    )
    assert fake.rows("accounts") == []


def test_the_company_key_part_must_name_an_existing_company(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    nowhere = "00000000-0000-0000-0000-00000000abcd"
    response = client.patch(
        f"accounts(accountnumber='US-001',_msdyn_company_value={nowhere})", json={}
    )
    assert error_of(response) == (
        404,
        "0x80040217",
        f"cdm_company With Id = {nowhere} Does Not Exist",
    )
    assert fake.rows("accounts") == []


def test_binds_by_alternate_key_and_by_guid(fake: FakeDataverse, client: httpx.Client) -> None:
    usd = fake.rows("transactioncurrencies")[0]["transactioncurrencyid"]
    response = client.patch(
        account(fake, "US-001", "DEMF"),
        json={
            "msdyn_company@odata.bind": "/cdm_companies(cdm_companycode='DEMF')",
            "transactioncurrencyid@odata.bind": f"/transactioncurrencies({usd})",
        },
    )
    assert response.status_code == 204
    (row,) = fake.rows("accounts")
    assert row["_msdyn_company_value"] == company(fake, "DEMF")
    assert row["_transactioncurrencyid_value"] == usd


def test_a_bind_to_a_missing_row_is_refused_as_the_service_refuses_it(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    usmf = company(fake, "USMF")
    by_key = client.patch(
        account(fake, "US-001"),
        json={
            "msdyn_billingaccount@odata.bind": f"/accounts(accountnumber='US-404',_msdyn_company_value={usmf})"
        },
    )
    nowhere = "00000000-0000-0000-0000-000000000404"
    by_guid = client.patch(
        account(fake, "US-001"), json={"msdyn_billingaccount@odata.bind": f"/accounts({nowhere})"}
    )
    assert error_of(by_key) == (
        404,
        "0x80060891",
        "A record with the specified key values does not exist in account entity",
    )
    assert error_of(by_guid) == (404, "0x80040217", f"account With Id = {nowhere} Does Not Exist")
    assert fake.rows("accounts") == []


def test_an_undeclared_navigation_property_is_refused(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    response = client.patch(
        account(fake, "US-001"),
        json={"msdyn_Company@odata.bind": "/cdm_companies(cdm_companycode='USMF')"},
    )
    status, code, message = error_of(response)
    assert (status, code) == (400, "0x0")
    assert message.startswith(
        "An undeclared property 'msdyn_Company' which only has property annotations"
    )


def test_a_self_reference_binds_once_its_row_exists(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    address = account(fake, "US-001")
    bind = {"msdyn_billingaccount@odata.bind": "/" + address}
    first = client.patch(address, json={"telephone1": "1", **bind})
    assert error_of(first)[:2] == (404, "0x80060891")
    assert client.patch(address, json={"telephone1": "1"}).status_code == 204
    assert client.patch(address, json=bind).status_code == 204
    (row,) = fake.rows("accounts")
    assert row["_msdyn_billingaccount_value"] == row["accountid"]


def test_validation_errors_carry_the_service_code(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    too_long = client.patch(account(fake, "US-001"), json={"telephone1": "9" * 51})
    wrong_type = client.patch(account(fake, "US-001"), json={"creditlimit": "lots"})
    assert error_of(too_long) == (
        400,
        "0x80044331",
        "A validation error occurred.  The length of the 'telephone1' attribute of the 'account'"
        " entity exceeded the maximum allowed length of '50'.",
    )
    assert error_of(wrong_type) == (
        400,
        "0x0",
        "Cannot convert the literal 'lots' to the expected type 'Edm.Decimal'.",
    )


def test_a_partial_schema_takes_unlisted_columns_a_complete_one_refuses_them(
    tmp_path: Path, fake: FakeDataverse, client: httpx.Client
) -> None:
    assert client.patch(account(fake, "US-001"), json={"name": "Contoso"}).status_code == 204
    assert fake.rows("accounts")[0]["name"] == "Contoso"  # the shipped schemas are x-partial
    unlisted_lookup = client.patch(account(fake, "US-001"), json={"_parentaccountid_value": None})
    assert error_of(unlisted_lookup)[:2] == (400, "0x0")
    for schema in SCHEMAS.glob("*.yaml"):
        text = schema.read_text(encoding="utf-8").replace("x-partial: true\n", "")
        (tmp_path / schema.name).write_text(text, encoding="utf-8")
    with FakeDataverse(tmp_path, TOKEN) as complete, httpx.Client(headers=AUTHORIZED) as http:
        unknown = http.patch(complete.url + API + f"accounts({GUID_1})", json={"name": "Contoso"})
        wrong = http.get(complete.url + API + "accounts?$select=Name")
    assert error_of(unknown) == (
        400,
        "0x0",
        "The property 'name' does not exist on type 'Microsoft.Dynamics.CRM.account'. Make sure to"
        " only use property names that are defined by the type or mark the type as open type.",
    )
    assert error_of(wrong) == (
        400,
        "0x0",
        "Could not find a property named 'Name' on type 'Microsoft.Dynamics.CRM.account'.",
    )


def test_conditional_upserts(fake: FakeDataverse, client: httpx.Client) -> None:
    address = account(fake, "US-001")
    assert error_of(client.patch(address, json={}, headers={"If-Match": "*"}))[:2] == (
        404,
        "0x80060891",
    )
    assert client.patch(address, json={}, headers={"If-None-Match": "*"}).status_code == 204
    assert error_of(client.patch(address, json={}, headers={"If-None-Match": "*"})) == (
        412,
        "0x80040237",
        "A record with matching key values already exists.",
    )
    shown = client.patch(
        address, json={"telephone1": "2"}, headers={"Prefer": "return=representation"}
    )
    assert (shown.status_code, shown.json()["telephone1"]) == (200, "2")


def test_lookups_by_key_and_by_filter(fake: FakeDataverse, client: httpx.Client) -> None:
    client.patch(account(fake, "US-001"), json={})
    guid = fake.rows("accounts")[0]["accountid"]
    found = client.get(account(fake, "US-001") + "?$select=accountid")
    assert found.status_code == 200
    assert found.json() == {
        "@odata.context": f"{fake.url}{API}$metadata#accounts(accountid)/$entity",
        "@odata.etag": found.json()["@odata.etag"],
        "accountid": guid,
    }
    absent = client.get(account(fake, "US-404") + "?$select=accountid")
    assert error_of(absent)[:2] == (404, "0x80060891")
    companies = client.get(
        "cdm_companies?$select=cdm_companyid,cdm_companycode&$filter=cdm_companycode eq 'demf'"
    )
    assert [row["cdm_companyid"] for row in companies.json()["value"]] == [company(fake, "DEMF")]


def test_upsert_multiple_on_a_table_that_supports_it(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    usmf = company(fake, "USMF")
    targets = [
        {
            "@odata.type": "Microsoft.Dynamics.CRM.account",
            "@odata.id": account(fake, "US-001"),
            "telephone1": "1",
        },
        {
            "@odata.type": "Microsoft.Dynamics.CRM.account",
            "accountnumber": "US-002",
            "msdyn_company@odata.bind": f"/cdm_companies({usmf})",
            "telephone1": "2",
        },
    ]
    response = client.post(
        "accounts/Microsoft.Dynamics.CRM.UpsertMultiple", json={"Targets": targets}
    )
    assert (response.status_code, response.content) == (204, b"")
    rows = fake.rows("accounts")
    assert [(r["accountnumber"], r["_msdyn_company_value"], r["telephone1"]) for r in rows] == [
        ("US-001", usmf, "1"),
        ("US-002", usmf, "2"),
    ]
    targets[1]["telephone1"] = "22"
    targets.append(
        {
            "@odata.type": "Microsoft.Dynamics.CRM.account",
            "@odata.id": account(fake, "US-003"),
            "telephone1": "9" * 60,
        }
    )
    failed = client.post(
        "accounts/Microsoft.Dynamics.CRM.UpsertMultiple", json={"Targets": targets}
    )
    assert error_of(failed)[:2] == (400, "0x80044331")
    assert [r["telephone1"] for r in fake.rows("accounts")] == ["1", "2"]  # all rolled back


def test_upsert_multiple_is_refused_where_the_table_lacks_it(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    target = {"@odata.type": "Microsoft.Dynamics.CRM.msdyn_paymentday", "msdyn_name": "Net"}
    response = client.post(
        "msdyn_paymentdays/Microsoft.Dynamics.CRM.UpsertMultiple", json={"Targets": [target]}
    )
    assert error_of(response) == (
        400,
        "0x80040800",
        "The 'UpsertMultiple' method does not support entities of type 'msdyn_paymentday'."
        " MessageProcessorCache returned MessageProcessor.Empty. ",
    )
    untyped = client.post(
        "accounts/Microsoft.Dynamics.CRM.UpsertMultiple", json={"Targets": [{"accountnumber": "X"}]}
    )
    assert error_of(untyped)[:2] == (400, "0x0")


def batch_body(boundary: str, requests: list[BatchRequest]) -> bytes:
    lines = []
    for method, target, body in requests:
        lines += [
            f"--{boundary}",
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
            "",
        ]
        lines += [
            f"{method} {API}{target} HTTP/1.1",
            "Content-Type: application/json; type=entry",
            "",
        ]
        lines.append(json.dumps(body) if body is not None else "")
    lines.append(f"--{boundary}--")
    return "\r\n".join(lines).encode()


def send_batch(
    client: httpx.Client, body: bytes, boundary: str, *, continue_on_error: bool
) -> httpx.Response:
    headers = {"Content-Type": f'multipart/mixed; boundary="{boundary}"'}
    if continue_on_error:
        headers["Prefer"] = "odata.continue-on-error"
    return client.post("$batch", content=body, headers=headers)


def answers(response: httpx.Response) -> list[tuple[int, bytes]]:
    boundary = boundary_of(response.headers["Content-Type"])
    assert boundary is not None and boundary.startswith("batchresponse_")
    parts = parse_multipart(response.content, boundary).parts
    return [(int(p.message.start_line.split()[1]), p.message.body) for p in parts if p.message]


def three_upserts(fake: FakeDataverse) -> list[BatchRequest]:
    return [
        ("PATCH", account(fake, "US-001"), {"telephone1": "9" * 51}),
        ("PATCH", account(fake, "US-002"), {"telephone1": "2"}),
        ("PATCH", account(fake, "US-003"), {"telephone1": "3"}),
    ]


def test_batch_with_continue_on_error_answers_every_part(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    response = send_batch(
        client, batch_body("batch_a", three_upserts(fake)), "batch_a", continue_on_error=True
    )
    assert response.status_code == 200
    assert [status for status, _ in answers(response)] == [400, 204, 204]
    assert json.loads(answers(response)[0][1])["error"]["code"] == "0x80044331"
    assert [row["accountnumber"] for row in fake.rows("accounts")] == ["US-002", "US-003"]
    assert [part.status for part in fake.log[-1].parts] == [400, 204, 204]


def test_batch_without_continue_on_error_stops_at_the_first_error(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    requests = three_upserts(fake)
    requests[0], requests[1] = requests[1], requests[0]
    response = send_batch(
        client, batch_body("batch_b", requests), "batch_b", continue_on_error=False
    )
    assert response.status_code == 400
    assert [status for status, _ in answers(response)] == [204, 400]
    assert [row["accountnumber"] for row in fake.rows("accounts")] == ["US-002"]
    assert [part.status for part in fake.log[-1].parts] == [204, 400, None]


def changeset_batch(fake: FakeDataverse, second: dict[str, object]) -> bytes:
    usmf = company(fake, "USMF")
    lines = ["--batch_c", "Content-Type: multipart/mixed; boundary=changeset_c", ""]
    parts = [
        (
            "1",
            "POST",
            "accounts",
            {"accountnumber": "US-010", "msdyn_company@odata.bind": f"/cdm_companies({usmf})"},
        ),
        ("2", "PATCH", account(fake, "US-011"), second),
    ]
    for content_id, method, target, body in parts:
        lines += [
            "--changeset_c",
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
        ]
        lines += [f"Content-ID: {content_id}", "", f"{method} {API}{target} HTTP/1.1"]
        lines += ["Content-Type: application/json; type=entry", "", json.dumps(body)]
    lines += ["--changeset_c--", "--batch_c--"]
    return "\r\n".join(lines).encode()


def test_a_changeset_is_all_or_nothing_and_refers_to_its_own_rows(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    failing = changeset_batch(
        fake, {"msdyn_billingaccount@odata.bind": "$1", "telephone1": "9" * 51}
    )
    response = send_batch(client, failing, "batch_c", continue_on_error=True)
    assert [status for status, _ in answers(response)] == [400]  # one answer for the whole set
    assert fake.rows("accounts") == []
    assert [part.status for part in fake.log[-1].parts] == [400, 400]
    passing = changeset_batch(fake, {"msdyn_billingaccount@odata.bind": "$1"})
    response = send_batch(client, passing, "batch_c", continue_on_error=False)
    (changeset,) = parse_multipart(
        response.content, boundary_of(response.headers["Content-Type"]) or ""
    ).parts
    assert changeset.changeset is not None
    assert [part.header("Content-ID") for part in changeset.changeset.parts] == ["1", "2"]
    first, second = fake.rows("accounts")
    assert second["_msdyn_billingaccount_value"] == first["accountid"]


def test_a_batch_of_more_than_1000_requests_is_refused(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    requests: list[BatchRequest] = [("PATCH", account(fake, f"US-{n}"), {}) for n in range(1001)]
    response = send_batch(
        client, batch_body("batch_d", requests), "batch_d", continue_on_error=True
    )
    assert error_of(response)[0] == 400
    assert fake.rows("accounts") == []


def test_malformed_requests_are_400(fake: FakeDataverse, client: httpx.Client) -> None:
    assert error_of(client.patch("accounts(accountnumber='US-001", json={}))[:2] == (400, "0x0")
    assert error_of(client.patch(account(fake, "US-001"), content=b"{not json"))[:2] == (400, "0x0")
    unbounded = client.post("$batch", content=b"--x--", headers={"Content-Type": "multipart/mixed"})
    assert error_of(unbounded)[:2] == (400, "0x0")
    unclosed = send_batch(
        client,
        b"--batch_e\r\nContent-Type: application/http\r\n\r\nGET x HTTP/1.1\r\n",
        "batch_e",
        continue_on_error=True,
    )
    assert error_of(unclosed)[:2] == (400, "0x0")
    assert error_of(client.get("tasks"))[1:] == (
        "0x8006088a",
        "Resource not found for the segment 'tasks'.",
    )


def test_a_chunked_request_body_is_read(fake: FakeDataverse, client: httpx.Client) -> None:
    chunks = iter([b'{"telephone1":', b' "555-0100"}'])
    response = client.patch(account(fake, "US-001"), content=chunks)
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert response.status_code == 204
    assert fake.rows("accounts")[0]["telephone1"] == "555-0100"


def test_the_token_is_checked(fake: FakeDataverse) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = httpx.get(fake.url + API + "accounts", headers=headers)
        assert (response.status_code, response.content) == (401, b"")
        assert response.headers["WWW-Authenticate"].startswith("Bearer authorization_uri=")
    assert [record.fault for record in fake.log] == ["unauthorized", "unauthorized"]
    assert TOKEN not in repr(fake.log)


# Documented wire format -----------------------------------------------------------------------


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes().replace(b"\n", b"\r\n")


@pytest.mark.parametrize("crlf", [True, False])
def test_the_documented_requests_parse(crlf: bool) -> None:
    read = sample if crlf else (lambda name: (SAMPLES / name).read_bytes())
    plain = parse_multipart(read("batch-request.txt"), "batch_80dd1615-2a10-428a-bb6f-0e559792721f")
    lines = [part.message.start_line for part in plain.parts if part.message]
    assert lines == [
        "POST /api/data/v9.2/tasks HTTP/1.1",
        "POST /api/data/v9.2/tasks HTTP/1.1",
        "POST /api/data/v9.2/tasks HTTP/1.1",
        "GET /api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)/Account_Tasks?$select=subject HTTP/1.1",
    ]
    first = plain.parts[0].message
    assert first is not None and json.loads(first.body)["subject"] == "Task 1 in batch"
    nested = parse_multipart(
        read("batch-changeset-request.txt"), "batch_22975cad-7f57-410d-be15-6363209367ea"
    )
    changeset = nested.parts[0].changeset
    assert (
        changeset is not None
        and changeset.boundary == "changeset_246e6bfe-89a4-4c77-b293-7a433f082e8a"
    )
    assert [part.header("Content-ID") for part in changeset.parts] == ["1", "2", "3"]
    assert nested.parts[1].message is not None and nested.parts[1].message.start_line.startswith(
        "GET "
    )


def test_the_fake_answers_the_documented_request(fake: FakeDataverse, client: httpx.Client) -> None:
    body = sample("batch-request.txt")
    response = send_batch(
        client, body, "batch_80dd1615-2a10-428a-bb6f-0e559792721f", continue_on_error=True
    )
    assert response.status_code == 200
    assert [status for status, _ in answers(response)] == [404, 404, 404, 404]  # no `tasks` table


@pytest.mark.parametrize(
    "name",
    [
        "batch-response.txt",
        "batch-changeset-response.txt",
        "batch-continue-on-error-response.txt",
        "batch-stop-response.txt",
    ],
)
def test_the_documented_responses_are_what_the_writer_writes(name: str) -> None:
    documented = sample(name)
    boundary = documented.split(b"\r\n", 1)[0][2:].decode()
    assert write_multipart(parse_multipart(documented, boundary)) == documented


def shape(multipart: Multipart) -> list[object]:
    """The layout of a batch response without its values: part headers, status, inner header
    names, whether a body follows."""
    shaped: list[object] = []
    for part in multipart.parts:
        if part.changeset is not None:
            shaped.append([name for name, _ in part.headers] + [shape(part.changeset)])
            continue
        assert part.message is not None
        message = part.message
        shaped.append(
            (
                part.headers[:2],
                message.start_line,
                [name for name, _ in message.headers],
                bool(message.body),
            )
        )
    return shaped


def test_the_fake_answers_in_the_documented_shape(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    usmf = company(fake, "USMF")
    creates: list[BatchRequest] = [
        (
            "POST",
            "accounts",
            {
                "accountnumber": n,
                "telephone1": t,
                "msdyn_company@odata.bind": f"/cdm_companies({usmf})",
            },
        )
        for n, t in (("US-001", "9" * 51), ("US-002", "2"), ("US-003", "3"))
    ]
    response = send_batch(client, batch_body("batch_f", creates), "batch_f", continue_on_error=True)
    ours = parse_multipart(response.content, boundary_of(response.headers["Content-Type"]) or "")
    documented = sample("batch-continue-on-error-response.txt")
    theirs = parse_multipart(documented, "batchresponse_f44bd09d-573f-4a30-bca0-2e500ee7e139")
    assert shape(ours) == shape(theirs)
    assert write_multipart(ours) == response.content
    error = ours.parts[0].message
    assert error is not None and json.loads(error.body)["error"]["code"] == "0x80044331"
    assert re.fullmatch(
        r"HTTP/1.1 \d{3} [A-Za-z ]+",
        parse_http_message(b"HTTP/1.1 204 No Content\r\n\r\n").start_line,
    )


# Faults ---------------------------------------------------------------------------------------


FAULT_BODY = b'{"telephone1": "1"}'


def outcome(client: httpx.Client, target: str) -> str:
    try:
        response = client.patch(target, content=FAULT_BODY)
    except httpx.RemoteProtocolError:
        return "drop"
    if response.status_code == 429:
        assert response.headers["Retry-After"] == "1"
        assert response.json()["error"]["code"] in ("0x80072322", "0x80072321")
        return "throttle"
    return {503: "server-error", 204: "ok"}[response.status_code]


def test_faults_follow_the_seed_and_the_attempt() -> None:
    faults = Faults(seed=7, throttle=0.3, server_errors=0.2, drops=0.1, retry_after=1)
    with FakeDataverse(SCHEMAS, TOKEN, faults) as fake:
        fake.add_rows("cdm_companies", [{"cdm_companycode": "USMF"}])
        with httpx.Client(base_url=fake.url + API, headers=AUTHORIZED) as client:
            targets = [
                account(fake, f"US-{n:03}") for n in range(40)
            ] * 2  # each twice: attempt 1, 2
            seen = [outcome(client, target) for target in targets]
        expected = []
        for index, target in enumerate(targets):
            path = httpx.URL(fake.url + API + target).raw_path.decode()
            fault = faults.fault_for("PATCH", path, FAULT_BODY, 1 if index < 40 else 2)
            expected.append(fault or "ok")
    assert seen == expected
    assert {"throttle", "server-error", "drop", "ok"} <= set(seen)
    assert [record.fault or "ok" for record in fake.log] == seen


def test_the_concurrency_limit_refuses_requests_beyond_it() -> None:
    faults = Faults(max_concurrent=2, latency=0.3)
    with FakeDataverse(SCHEMAS, TOKEN, faults) as fake, httpx.Client(headers=AUTHORIZED) as http:
        start = threading.Barrier(5)
        statuses: list[int] = []

        def call() -> None:
            start.wait()  # five requests in flight at once, each held 0.3 s by the latency
            statuses.append(http.get(fake.url + API + "cdm_companies").status_code)

        threads = [threading.Thread(target=call) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        refused = [record for record in fake.log if record.fault == "concurrency"]
    assert sorted(statuses) == [200, 200, 429, 429, 429]
    assert len(refused) == 3


def test_latency_and_the_parallelism_hint_are_on_every_response() -> None:
    with FakeDataverse(SCHEMAS, TOKEN, Faults(latency=0.2, dop_hint=8)) as fake:
        began = time.monotonic()
        response = httpx.get(fake.url + API + "cdm_companies", headers=AUTHORIZED)
        took = time.monotonic() - began
    assert response.headers["x-ms-dop-hint"] == "8"
    assert took >= 0.2


def test_faults_refuse_impossible_settings() -> None:
    with pytest.raises(ValueError, match="whole seconds"):
        Faults(retry_after=0.01)
    with pytest.raises(ValueError, match="shares"):
        Faults(throttle=0.7, drops=0.5)


# The command ----------------------------------------------------------------------------------


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_command_serves_until_a_signal(stop: signal.Signals) -> None:
    command = [
        sys.executable,
        "-m",
        "tests.fakes.dataverse",
        "--port",
        "0",
        "--token",
        "dev-token",
        "--seed",
        "3",
    ]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert url is not None, first
        hint = process.stdout.readline()
        assert "TABLEMAP_ACCESS_TOKEN" in hint and "dev-token" not in first + hint
        response = httpx.get(
            url.group() + API + "cdm_companies?$select=cdm_companycode",
            headers={"Authorization": "Bearer dev-token"},
        )
        assert [row["cdm_companycode"] for row in response.json()["value"]] == ["USMF"]
        process.send_signal(stop)
        assert process.wait(timeout=10) == 0
        assert "stopped" in process.stdout.read()


def test_the_log_keeps_what_was_sent_but_the_token(
    fake: FakeDataverse, client: httpx.Client
) -> None:
    bypass = {"MSCRM.BypassBusinessLogicExecution": "CustomSync,CustomAsync"}
    client.patch(account(fake, "US-001"), json={}, headers=bypass)
    (record,) = fake.log
    assert (record.method, record.status, record.fault) == ("PATCH", 204, None)
    assert record.path == API + account(fake, "US-001")
    assert ("mscrm.bypassbusinesslogicexecution", "CustomSync,CustomAsync") in record.headers
    assert all(name != "authorization" for name, _ in record.headers)
