"""The finance and operations fake itself, through httpx as a plain client: create with POST,
update with PATCH at the whole key, the service's answers to a duplicate and to a missing row,
`$batch` as F&O answers it, the token, a seeded fault, and the command."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.finance import SCHEMAS, FakeFinance, Faults
from tests.fakes.multipart import boundary_of, parse_multipart, write_multipart

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = Path(__file__).parent / "fakes" / "samples"
TOKEN = "test-token"
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}
GROUP = "CustomerGroups(dataAreaId='usmf',CustomerGroupId='10')"
WRITE_FAILED = "Microsoft.Dynamics.Platform.Integration.Services.OData.AxODataWriteException"


@pytest.fixture
def fake() -> Iterator[FakeFinance]:
    with FakeFinance(SCHEMAS, TOKEN) as server:
        yield server


@pytest.fixture
def client(fake: FakeFinance) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=fake.url + "/data/", headers=AUTHORIZED) as http:
        yield http


def inner_error(response: httpx.Response) -> tuple[int, str, str, str]:
    error = response.json()["error"]
    return (
        response.status_code,
        error["message"],
        error["innererror"]["type"],
        error["innererror"]["message"],
    )


def test_create_then_update_at_the_whole_key(fake: FakeFinance, client: httpx.Client) -> None:
    created = client.post(
        "CustomerGroups",
        json={"dataAreaId": "USMF", "CustomerGroupId": "10", "Description": "Retail"},
    )
    assert created.status_code == 201
    assert created.headers["Location"] == f"{fake.url}/data/{GROUP}"
    assert created.json()["@odata.context"] == f"{fake.url}/data/$metadata#CustomerGroups/$entity"
    updated = client.patch(
        "CustomerGroups(dataAreaId='USMF',CustomerGroupId='10')", json={"Description": "Wholesale"}
    )
    assert (updated.status_code, updated.content) == (204, b"")
    assert fake.rows("CustomerGroups") == [
        {"dataAreaId": "usmf", "CustomerGroupId": "10", "Description": "Wholesale"}
    ]
    assert client.get(GROUP).json()["Description"] == "Wholesale"


def test_a_second_create_of_a_key_is_the_service_s_write_failure(
    fake: FakeFinance, client: httpx.Client
) -> None:
    row = {"dataAreaId": "usmf", "CustomerGroupId": "10"}
    client.post("CustomerGroups", json=row)
    again = client.post("CustomerGroups", json=row)
    assert inner_error(again) == (
        500,
        "An error has occurred.",
        WRITE_FAILED,
        "Write failed for table row of type 'CustomerGroups'. Infolog: Info: Cannot create a record"
        " in CustomerGroups (CustomerGroups). usmf, 10.\nThe record already exists..",
    )
    assert len(fake.rows("CustomerGroups")) == 1


def test_an_update_of_a_missing_row_is_404(fake: FakeFinance, client: httpx.Client) -> None:
    response = client.patch(GROUP, json={"Description": "x"})
    assert response.status_code == 404
    assert response.json()["error"]["message"] == (
        f"No HTTP resource was found that matches the request URI '{fake.url}/data/{GROUP}'."
    )
    assert fake.rows("CustomerGroups") == []


def test_every_key_field_must_be_given(fake: FakeFinance, client: httpx.Client) -> None:
    partial_key = client.patch("CustomerGroups(CustomerGroupId='10')", json={})
    assert inner_error(partial_key)[0] == 400
    no_key_field = client.post("CustomerGroups", json={"dataAreaId": "usmf"})
    assert inner_error(no_key_field) == (
        500,
        "An error has occurred.",
        WRITE_FAILED,
        "Write failed for table row of type 'CustomerGroups'. Infolog: Warning: Field"
        " 'CustomerGroupId' must be filled in.",
    )


def test_queries_see_the_default_company_unless_cross_company(
    fake: FakeFinance, client: httpx.Client
) -> None:
    fake.add_rows(
        "CustomerGroups",
        [
            {"dataAreaId": "usmf", "CustomerGroupId": "10"},
            {"dataAreaId": "demf", "CustomerGroupId": "20"},
        ],
    )
    default = client.get("CustomerGroups").json()["value"]
    everywhere = client.get(
        "CustomerGroups?cross-company=true&$filter=CustomerGroupId eq '20'"
    ).json()["value"]
    assert [row["CustomerGroupId"] for row in default] == ["10"]
    assert [row["dataAreaId"] for row in everywhere] == ["demf"]


Part = tuple[str, str, str, dict[str, object]]


def batch(parts: list[Part], *, changeset: bool) -> bytes:
    lines = ["--batch_f"]
    if changeset:
        lines += ["Content-Type: multipart/mixed; boundary=changeset_f", "", "--changeset_f"]
    delimiter = "--changeset_f" if changeset else "--batch_f"
    for index, (content_id, method, target, body) in enumerate(parts):
        if index:
            lines.append(delimiter)
        lines += [
            "Content-Type: application/http",
            "Content-Transfer-Encoding: binary",
            f"Content-ID: {content_id}",
            "",
        ]
        lines += [
            f"{method} {target} HTTP/1.1",
            "Content-Type: application/json;odata.metadata=minimal",
            "",
            json.dumps(body),
        ]
    if changeset:
        lines.append("--changeset_f--")
    lines.append("--batch_f--")
    return "\r\n".join(lines).encode()


def test_a_failed_changeset_answers_inside_the_set_and_the_batch_is_200(
    fake: FakeFinance, client: httpx.Client
) -> None:
    fake.add_rows("CustomerGroups", [{"dataAreaId": "usmf", "CustomerGroupId": "Batch2"}])
    parts: list[Part] = [
        (
            "1",
            "POST",
            f"{fake.url}/data/CustomerGroups",
            {"dataAreaId": "usmf", "CustomerGroupId": "Batch1"},
        ),
        (
            "2",
            "POST",
            f"{fake.url}/data/CustomerGroups",
            {"dataAreaId": "usmf", "CustomerGroupId": "Batch2"},
        ),
    ]
    response = client.post(
        "$batch",
        content=batch(parts, changeset=True),
        headers={"Content-Type": "multipart/mixed; boundary=batch_f"},
    )
    assert response.status_code == 200
    (outer,) = parse_multipart(
        response.content, boundary_of(response.headers["Content-Type"]) or ""
    ).parts
    assert outer.changeset is not None
    (answer,) = outer.changeset.parts
    assert answer.header("Content-ID") == "1"
    assert (
        answer.message is not None
        and answer.message.start_line == "HTTP/1.1 500 Internal Server Error"
    )
    assert (
        "The record already exists.."
        in json.loads(answer.message.body)["error"]["innererror"]["message"]
    )
    assert [row["CustomerGroupId"] for row in fake.rows("CustomerGroups")] == [
        "Batch2"
    ]  # Batch1 rolled back
    ours = [
        (
            p.headers,
            p.message.start_line if p.message else "",
            [n for n, _ in p.message.headers] if p.message else [],
        )
        for p in outer.changeset.parts
    ]
    sample = (SAMPLES / "finance-changeset-error-response.txt").read_bytes().replace(b"\n", b"\r\n")
    documented = parse_multipart(sample, "batchresponse_5a294678-02dd-4b16-94b9-5fd64e297a8e")
    assert write_multipart(documented) == sample
    theirs_set = documented.parts[0].changeset
    assert theirs_set is not None
    theirs = [
        (
            p.headers,
            p.message.start_line if p.message else "",
            [n for n, _ in p.message.headers] if p.message else [],
        )
        for p in theirs_set.parts
    ]
    assert ours == theirs


def test_a_batch_of_creates_and_updates(fake: FakeFinance, client: httpx.Client) -> None:
    fake.add_rows("CustomerGroups", [{"dataAreaId": "usmf", "CustomerGroupId": "10"}])
    parts: list[Part] = [
        ("1", "PATCH", f"/data/{GROUP}", {"Description": "Retail"}),
        (
            "2",
            "PATCH",
            "/data/CustomerGroups(dataAreaId='usmf',CustomerGroupId='20')",
            {"Description": "New"},
        ),
        (
            "3",
            "POST",
            "CustomerGroups",
            {"dataAreaId": "usmf", "CustomerGroupId": "20", "Description": "New"},
        ),
    ]
    headers = {
        "Content-Type": "multipart/mixed; boundary=batch_f",
        "Prefer": "odata.continue-on-error",
    }
    response = client.post("$batch", content=batch(parts, changeset=False), headers=headers)
    statuses = [
        int(p.message.start_line.split()[1])
        for p in parse_multipart(
            response.content, boundary_of(response.headers["Content-Type"]) or ""
        ).parts
        if p.message
    ]
    assert (response.status_code, statuses) == (200, [204, 404, 201])
    assert [
        (row["CustomerGroupId"], row["Description"]) for row in fake.rows("CustomerGroups")
    ] == [("10", "Retail"), ("20", "New")]
    assert [part.status for part in fake.log[-1].parts] == [204, 404, 201]


def test_the_token_and_a_seeded_fault(fake: FakeFinance) -> None:
    assert httpx.get(fake.url + "/data/CustomerGroups").status_code == 401
    faults = Faults(seed=1, throttle=1.0, retry_after=1)
    with FakeFinance(SCHEMAS, TOKEN, faults) as throttled:
        response = httpx.get(throttled.url + "/data/CustomerGroups", headers=AUTHORIZED)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "1")
    assert [record.fault for record in throttled.log] == ["throttle"]


def test_a_complete_schema_refuses_an_unknown_field(tmp_path: Path) -> None:
    text = (
        (SCHEMAS / "CustomerGroups.yaml")
        .read_text(encoding="utf-8")
        .replace("x-partial: true\n", "")
    )
    (tmp_path / "CustomerGroups.yaml").write_text(text, encoding="utf-8")
    with FakeFinance(tmp_path, TOKEN) as fake, httpx.Client(headers=AUTHORIZED) as http:
        response = http.post(
            fake.url + "/data/CustomerGroups",
            json={"dataAreaId": "usmf", "CustomerGroupId": "1", "Colour": "red"},
        )
    assert inner_error(response)[0] == 400
    assert inner_error(response)[3].startswith("The property 'Colour' does not exist on type")


def test_the_command_serves_until_a_signal() -> None:
    command = [sys.executable, "-m", "tests.fakes.finance", "--port", "0", "--token", "dev-token"]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None
        url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline())
        assert url is not None
        assert "TABLEMAP_ACCESS_TOKEN" in process.stdout.readline()
        response = httpx.get(
            url.group() + "/data/CustomerGroups", headers={"Authorization": "Bearer dev-token"}
        )
        assert response.json()["value"] == []
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
