"""The loader end to end against the wire-level fake of the Web API (tests/fakes/dataverse.py).

Each test loads real-shaped bulk folders of the shipped maps into a fresh fake and asserts the
fake's final rows exactly: every payload applied once, binds resolved to the rows of the right
company, self-references set by the second pass, failed rows recorded with the fake's code
and message, and nothing sent again that the journal had confirmed.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import redirect_stderr
from pathlib import Path
from typing import Any

import pytest

from generator.bulk.folders import hold_folder
from generator.cli import main
from generator.load import transport
from generator.load.journal import Journal
from generator.load.passes import Run
from tests.fakes.dataverse import FakeDataverse, Faults, RequestRecord
from tests.load_folders import write_folder

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "specs" / "entities" / "dataverse"
TOKEN = "dev-token-5b2e"
USMF = "8d5e2a3c-6b1f-4e0a-9c7d-2f4b6a8c0e11"
DEMF = "1f0c3b7a-9d2e-4c5b-8a6f-7e1d0c9b8a42"
COMPANIES = {"USMF": USMF, "DEMF": DEMF}
USD = "5a1b2c3d-0000-4000-8000-000000000001"
EUR = "5a1b2c3d-0000-4000-8000-000000000002"

PAYMENT_DAYS = [
    {"dataAreaId": "usmf", "Name": "Net10", "Description": "Ten"},
    {"dataAreaId": "demf", "Name": "Net10", "Description": "Zehn"},
]
PAYMENT_DAY_LINES = [
    {
        "dataAreaId": "usmf",
        "Name": "Net10",
        "LineNumber": 1,
        "Frequency": "Week",
        "DayOfWeek": "Monday",
    },
    {
        "dataAreaId": "usmf",
        "Name": "Net10",
        "LineNumber": 2,
        "Frequency": "Month",
        "DayOfMonth": 15,
    },
    {
        "dataAreaId": "demf",
        "Name": "Net10",
        "LineNumber": 1,
        "Frequency": "Week",
        "DayOfWeek": "Friday",
    },
]
GROUPS = [{"dataAreaId": "usmf", "CustomerGroupId": "10", "Description": "Wholesale"}]


def _customer(company: str, account: str, **fields: Any) -> dict[str, Any]:
    return {
        "dataAreaId": company,
        "CustomerAccount": account,
        "PartyType": "Organization",
        **fields,
    }


CUSTOMERS = [
    _customer("usmf", "US-001", SalesCurrencyCode="USD", CustomerGroupId="10", PaymentDay="Net10"),
    _customer("usmf", "US-002", InvoiceAccount="US-001"),  # points back
    _customer("demf", "US-001", SalesCurrencyCode="EUR", PaymentDay="Net10"),
    _customer("demf", "US-003", InvoiceAccount="US-001"),  # DEMF's US-001, not USMF's
    _customer("usmf", "US-004", InvoiceAccount="US-005"),  # points forward
    _customer("usmf", "US-005", InvoiceAccount=""),  # F&O's empty field: no reference
]


@pytest.fixture
def fake() -> Iterator[FakeDataverse]:
    with _fake(Faults()) as server:
        yield server


def _fake(
    faults: Faults, upsert_multiple: frozenset[str] = frozenset({"accounts", "contacts"})
) -> FakeDataverse:
    server = FakeDataverse(SCHEMAS, TOKEN, faults, upsert_multiple)
    server.add_rows(
        "cdm_companies",
        [
            {"cdm_companyid": USMF, "cdm_companycode": "USMF"},
            {"cdm_companyid": DEMF, "cdm_companycode": "DEMF"},
        ],
    )
    server.add_rows(
        "transactioncurrencies",
        [
            {"transactioncurrencyid": USD, "isocurrencycode": "USD"},
            {"transactioncurrencyid": EUR, "isocurrencycode": "EUR"},
        ],
    )
    return server


def _folders(tmp_path: Path, customers: list[dict[str, Any]] = CUSTOMERS) -> list[Path]:
    """Given in the wrong order on purpose: the loader orders them by their lookups."""
    return [
        write_folder(tmp_path / "accounts", "customers_v3_to_accounts", customers, COMPANIES),
        write_folder(
            tmp_path / "lines",
            "payment_day_lines_cds_v2_to_msdyn_paymentdaylines",
            PAYMENT_DAY_LINES,
            COMPANIES,
            key_lookups=("msdyn_paymentday",),
        ),
        write_folder(
            tmp_path / "groups", "customer_groups_to_msdyn_customergroups", GROUPS, COMPANIES
        ),
        write_folder(
            tmp_path / "days", "payment_days_cds_to_msdyn_paymentdays", PAYMENT_DAYS, COMPANIES
        ),
    ]


def _load(
    folders: list[Path], url: str, monkeypatch: pytest.MonkeyPatch, *extra: str, token: str = TOKEN
) -> tuple[int, str]:
    monkeypatch.setenv("TABLEMAP_ACCESS_TOKEN", token)
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        status = main(["load", *map(str, folders), "--url", url, "--root", str(ROOT), *extra])
    return status, stderr.getvalue()


def _by(
    rows: list[dict[str, object]], *columns: str
) -> dict[tuple[object, ...], dict[str, object]]:
    return {tuple(row.get(column) for column in columns): row for row in rows}


def _expected_state(fake: FakeDataverse) -> None:
    """The rows every complete load of ``_folders`` ends with, exactly."""
    days = _by(fake.rows("msdyn_paymentdays"), "msdyn_name", "_msdyn_company_value")
    assert {key: row["msdyn_description"] for key, row in days.items()} == {
        ("Net10", USMF): "Ten",
        ("Net10", DEMF): "Zehn",
    }
    us_day = days["Net10", USMF]["msdyn_paymentdayid"]
    de_day = days["Net10", DEMF]["msdyn_paymentdayid"]
    lines = fake.rows("msdyn_paymentdaylines")
    assert sorted(
        (row["_msdyn_paymentday_value"], row["msdyn_linenumber"], row["_msdyn_company_value"])
        for row in lines
    ) == sorted([(us_day, 1, USMF), (us_day, 2, USMF), (de_day, 1, DEMF)])
    (group,) = fake.rows("msdyn_customergroups")
    # Chunks in flight at once may be applied in any order: compare in the order of the input.
    order = {
        (c["CustomerAccount"], COMPANIES[c["dataAreaId"].upper()]): n
        for n, c in enumerate(CUSTOMERS)
    }
    accounts = sorted(
        fake.rows("accounts"),
        key=lambda row: order[row["accountnumber"], row["_msdyn_company_value"]],
    )
    ids = {
        (row["accountnumber"], row["_msdyn_company_value"]): row["accountid"] for row in accounts
    }
    assert [{k: v for k, v in row.items() if k != "accountid"} for row in accounts] == [
        {
            "accountnumber": "US-001",
            "_msdyn_company_value": USMF,
            "_transactioncurrencyid_value": USD,
            "_msdyn_customergroupid_value": group["msdyn_customergroupid"],
            "_msdyn_paymentday_value": us_day,
            "address1_addresstypecode": 2,
            "customertypecode": 3,
        },
        {
            "accountnumber": "US-002",
            "_msdyn_company_value": USMF,
            "_msdyn_billingaccount_value": ids["US-001", USMF],
            "address1_addresstypecode": 2,
            "customertypecode": 3,
        },
        {
            "accountnumber": "US-001",
            "_msdyn_company_value": DEMF,
            "_transactioncurrencyid_value": EUR,
            "_msdyn_paymentday_value": de_day,
            "address1_addresstypecode": 2,
            "customertypecode": 3,
        },
        {
            "accountnumber": "US-003",
            "_msdyn_company_value": DEMF,
            "_msdyn_billingaccount_value": ids["US-001", DEMF],
            "address1_addresstypecode": 2,
            "customertypecode": 3,
        },
        {
            "accountnumber": "US-004",
            "_msdyn_company_value": USMF,
            "_msdyn_billingaccount_value": ids["US-005", USMF],
            "address1_addresstypecode": 2,
            "customertypecode": 3,
        },
        {
            "accountnumber": "US-005",
            "_msdyn_company_value": USMF,
            "_msdyn_billingaccount_value": None,
            "address1_addresstypecode": 2,
            "customertypecode": 3,
        },
    ]


def sent_rows(log: list[RequestRecord]) -> list[tuple[str, str]]:
    """Every row the fake applied or refused, as (address, "upsert" or "bind"), in order.

    A second-pass body holds binds only; every upsert holds its key columns. An UpsertMultiple
    the fake refused as a whole (a table without it) applied nothing and counts for no row.
    """
    sent: list[tuple[str, str]] = []
    for record in log:
        upsert_multiple = record.path.endswith("Microsoft.Dynamics.CRM.UpsertMultiple")
        if upsert_multiple and record.status is not None and record.status < 300:
            sent += [(t["@odata.id"], "upsert") for t in json.loads(record.body)["Targets"]]
        for part in record.parts:
            address = part.path.split("/api/data/v9.2/", 1)[-1]
            binds_only = all(name.endswith("@odata.bind") for name in json.loads(part.body))
            sent.append((address, "bind" if binds_only else "upsert"))
    return sent


def test_a_load_applies_every_row_once_in_dependency_order_and_binds_self_references(
    tmp_path: Path, fake: FakeDataverse, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = _folders(tmp_path)
    status, stderr = _load(folders, fake.url, monkeypatch)
    assert status == 0, stderr
    _expected_state(fake)
    # Every row once, and the two forward/backward self-references (and US-003's) bound once.
    sent = sent_rows(fake.log)
    assert len(sent) == 2 + 3 + 1 + 6 + 3
    assert len(set(sent)) == len(sent)
    summary = json.loads((tmp_path / "accounts" / "load" / "summary.json").read_text())
    assert {k: summary[k] for k in ("rows", "upserted", "failed", "deferred", "bound")} == {
        "rows": 6,
        "upserted": 6,
        "failed": 0,
        "deferred": 3,
        "bound": 3,
    }
    assert (tmp_path / "accounts" / "load" / "failed.jsonl").read_text() == ""
    # Run again: the journal says everything is done, so nothing is sent.
    before = len(fake.log)
    status, stderr = _load(folders, fake.url, monkeypatch)
    assert status == 0, stderr
    assert fake.log[before:] == []
    _expected_state(fake)


def test_the_output_of_real_bulk_runs_loads_to_the_same_rows(
    tmp_path: Path, fake: FakeDataverse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F&O records through `bulk` (DuckDB), then `load`: the folders bulk writes, not ours."""
    companies = tmp_path / "companies.json"
    companies.write_text(json.dumps(COMPANIES), encoding="utf-8")
    folders = []
    for name, module, records in (
        ("accounts", "customers_v3_to_accounts", CUSTOMERS),
        ("lines", "payment_day_lines_cds_v2_to_msdyn_paymentdaylines", PAYMENT_DAY_LINES),
        ("groups", "customer_groups_to_msdyn_customergroups", GROUPS),
        ("days", "payment_days_cds_to_msdyn_paymentdays", PAYMENT_DAYS),
    ):
        source = tmp_path / f"{name}.jsonl"
        source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        folder = tmp_path / name
        arguments = ["bulk", module, "--direction", "to-dataverse", "--input", str(source)]
        arguments += ["--output", str(folder), "--companies", str(companies), "--quiet"]
        assert main([*arguments, "--root", str(ROOT)]) == 0
        folders.append(folder)
    status, stderr = _load(folders, fake.url, monkeypatch)
    assert status == 0, stderr
    _expected_state(fake)


def _failed(folder: Path) -> list[dict[str, object]]:
    text = (folder / "load" / "failed.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_failed_rows_are_recorded_with_the_service_reason_and_their_dependants_are_not_sent(
    tmp_path: Path, fake: FakeDataverse, monkeypatch: pytest.MonkeyPatch
) -> None:
    groups = [
        *GROUPS,
        {"dataAreaId": "usmf", "CustomerGroupId": "30", "PaymentTermId": "NoSuchTerm"},
    ]
    customers = [
        _customer("usmf", "US-001"),
        _customer("usmf", "US-010", PaymentDay="Net99"),  # no such payment day: the fake refuses it
        _customer("usmf", "US-011", InvoiceAccount="US-010"),  # its billing account failed
        _customer("usmf", "US-012", CustomerGroupId="30"),  # its group failed: never sent
    ]
    lines = [
        *PAYMENT_DAY_LINES,
        {"dataAreaId": "usmf", "Name": "Net99", "LineNumber": 1, "Frequency": "Week"},
    ]
    folders = [
        write_folder(tmp_path / "accounts", "customers_v3_to_accounts", customers, COMPANIES),
        write_folder(
            tmp_path / "groups", "customer_groups_to_msdyn_customergroups", groups, COMPANIES
        ),
        write_folder(
            tmp_path / "days", "payment_days_cds_to_msdyn_paymentdays", PAYMENT_DAYS, COMPANIES
        ),
        write_folder(
            tmp_path / "lines",
            "payment_day_lines_cds_v2_to_msdyn_paymentdaylines",
            lines,
            COMPANIES,
            key_lookups=("msdyn_paymentday",),
        ),
    ]
    status, stderr = _load(folders, fake.url, monkeypatch)
    assert status == 1, stderr
    account = f"accounts(accountnumber='US-{{}}',_msdyn_company_value={USMF})"
    group = f"msdyn_customergroups(msdyn_groupid='30',_msdyn_company_value={USMF})"
    assert _failed(tmp_path / "groups") == [
        {
            "row": 1,
            "address": group,
            "status": 404,
            "code": "0x80060891",
            "message": "A record with the specified key values does not exist in msdyn_paymentterm entity",
        }
    ]
    where = f"which failed in this run (row 1 of {tmp_path}"
    assert _failed(tmp_path / "accounts") == [
        {
            "row": 1,
            "address": account.format("010"),
            "status": 404,
            "code": "0x80060891",
            "message": "A record with the specified key values does not exist in msdyn_paymentday entity",
        },
        {
            "row": 2,
            "address": account.format("011"),
            "status": 424,
            "code": "TM966",
            "message": f"upserted without its lookup msdyn_billingaccount: it points at "
            f"/{account.format('010')}, {where}/accounts)",
        },
        {
            "row": 3,
            "address": account.format("012"),
            "status": 424,
            "code": "TM959",
            "message": f"not sent: its lookup msdyn_customergroupid points at /{group}, {where}/groups)",
        },
    ]
    line = (
        f"msdyn_paymentdaylines(_msdyn_paymentday_value=@msdyn_paymentday,msdyn_linenumber=1,"
        f"_msdyn_company_value={USMF})"
    )
    assert _failed(tmp_path / "lines") == [
        {
            "row": 3,
            "address": line,
            "status": 424,
            "code": "TM960",
            "message": "not sent: its key holds the row its lookup msdyn_paymentday points at, and "
            f"/msdyn_paymentdays(msdyn_name='Net99',_msdyn_company_value={USMF}) is no row",
        }
    ]
    assert _failed(tmp_path / "days") == []
    # What was sent: no row whose target failed, and US-011's upsert without its billing account.
    sent = {address for address, _ in sent_rows(fake.log)}
    assert account.format("012") not in sent
    assert [row["accountnumber"] for row in fake.rows("accounts")] == ["US-001", "US-011"]
    assert "_msdyn_billingaccount_value" not in fake.rows("accounts")[1]
    assert len(fake.rows("msdyn_paymentdaylines")) == 3
    summary = json.loads((tmp_path / "accounts" / "load" / "summary.json").read_text())
    assert (summary["rows"], summary["upserted"], summary["failed"]) == (4, 2, 3)
    assert stderr.splitlines()[:4] == [
        f"{tmp_path / 'groups'}: 2 rows, 1 upserted, 1 failed (see {tmp_path}/groups/load/failed.jsonl)",
        f"{tmp_path / 'days'}: 2 rows, 2 upserted, 0 failed",
        f"{tmp_path / 'accounts'}: 4 rows, 2 upserted, 3 failed (see "
        f"{tmp_path}/accounts/load/failed.jsonl), 0 bound in the second pass",
        f"{tmp_path / 'lines'}: 4 rows, 3 upserted, 1 failed (see {tmp_path}/lines/load/failed.jsonl)",
    ]


def test_throttling_server_errors_and_dropped_connections_end_in_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    faults = Faults(seed=7, throttle=0.2, retry_after=0, server_errors=0.2, drops=0.2)
    monkeypatch.setattr(transport, "BACKOFF", 0.001)  # the schedule's shape, not its seconds
    with _fake(faults) as fake:
        status, stderr = _load(_folders(tmp_path), fake.url, monkeypatch, "--batch-size", "2")
        assert status == 0, stderr
        _expected_state(fake)
        faulted = [record.fault for record in fake.log if record.fault is not None]
    summary = json.loads((tmp_path / "accounts" / "load" / "summary.json").read_text())
    assert summary["throttled"] == faulted.count("throttle"), faulted
    assert summary["server_errors"] == faulted.count("server-error")
    assert summary["dropped"] == faulted.count("drop")
    assert summary["retries"] == len(faulted)
    assert summary["throttled"] and summary["server_errors"] and summary["dropped"]
    assert summary["requests"] == len(fake.log)


def test_a_load_killed_at_any_moment_resumes_without_sending_a_confirmed_row_again(
    tmp_path: Path,
) -> None:
    customers = [
        _customer("usmf", f"K-{n:04}", **({"InvoiceAccount": f"K-{n - 1:04}"} if n % 2 else {}))
        for n in range(1200)
    ]
    folder = write_folder(tmp_path / "accounts", "customers_v3_to_accounts", customers, COMPANIES)
    command = [sys.executable, "-m", "generator", "load", str(folder), "--batch-size", "40"]
    environment = {**os.environ, "TABLEMAP_ACCESS_TOKEN": TOKEN}
    journal = folder / "load" / "journal.jsonl"
    with _fake(Faults(latency=0.05)) as fake:
        url = ["--url", fake.url, "--root", str(ROOT), "--max-parallel", "2"]
        loader = subprocess.Popen(
            [*command, *url], cwd=ROOT, env=environment, stderr=subprocess.PIPE
        )
        while loader.poll() is None and _confirmed(journal)[0] < 200:
            time.sleep(0.01)
        loader.send_signal(signal.SIGKILL)
        loader.wait()
        confirmed, bound = _confirmed(journal)
        assert loader.returncode == -signal.SIGKILL and 200 <= confirmed < 1200
        reader = Journal(folder / "load", fake.url)
        upserted_before = set(reader.state.upserted)
        reader.close()
        resumed_at = len(fake.log)
        finished = subprocess.run(
            [*command, *url], cwd=ROOT, env=environment, capture_output=True, text=True
        )
        assert finished.returncode == 0, finished.stderr
        accounts = fake.rows("accounts")
        after = sent_rows(fake.log[resumed_at:])
    number = {
        f"accounts(accountnumber='{c['CustomerAccount']}',_msdyn_company_value={USMF})": n
        for n, c in enumerate(customers)
    }
    # No row the journal had confirmed was upserted again; every other one was, once at least.
    again = {number[address] for address, kind in after if kind == "upsert"}
    assert again.isdisjoint(upserted_before)
    assert again | upserted_before == set(range(1200))
    # The final rows: each account once, each odd one billed to the account before it.
    assert sorted(row["accountnumber"] for row in accounts) == [f"K-{n:04}" for n in range(1200)]
    ids = {row["accountnumber"]: row["accountid"] for row in accounts}
    assert {row["accountnumber"]: row.get("_msdyn_billingaccount_value") for row in accounts} == {
        f"K-{n:04}": ids[f"K-{n - 1:04}"] if n % 2 else None for n in range(1200)
    }
    assert bound == 0  # killed in the first pass: the second pass ran in the re-run alone


def _confirmed(journal: Path) -> tuple[int, int]:
    """Rows confirmed in the first pass and the second, from the journal's whole lines."""
    try:
        data = journal.read_bytes()
    except FileNotFoundError:
        return 0, 0
    counts = [0, 0, 0]
    for line in data[: data.rfind(b"\n") + 1].splitlines():
        entry = json.loads(line)
        if "pass" in entry:
            counts[entry["pass"]] += len(entry["rows"])
    return counts[1], counts[2]


def test_the_service_hint_bounds_the_requests_in_flight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The fake answers 429 to any request beyond one in flight: following x-ms-dop-hint, the
    # loader never gets one, though it may send 52 at once.
    with _fake(Faults(dop_hint=1, max_concurrent=1, latency=0.01)) as fake:
        status, stderr = _load(_folders(tmp_path), fake.url, monkeypatch, "--batch-size", "1")
        assert status == 0, stderr
        _expected_state(fake)
        assert [record.fault for record in fake.log if record.fault] == []
    summary = json.loads((tmp_path / "accounts" / "load" / "summary.json").read_text())
    assert summary["throttled"] == 0


def test_a_refused_token_is_one_line_that_never_shows_the_token(
    tmp_path: Path, fake: FakeDataverse, monkeypatch: pytest.MonkeyPatch
) -> None:
    folders = _folders(tmp_path)
    status, stderr = _load(folders, fake.url, monkeypatch, token="wrong-secret-1234")
    assert status == 2
    assert stderr == (
        f"{fake.url}: error[TM956]: the service refused the access token (HTTP 401): set "
        f"TABLEMAP_ACCESS_TOKEN to a valid token for {fake.url}, or unset it and run `az login`\n"
    )
    assert fake.rows("accounts") == []


def test_an_environment_that_cannot_be_reached_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _fake(Faults()) as fake:
        url = fake.url  # a port that was just closed
    status, stderr = _load(_folders(tmp_path), url, monkeypatch)
    assert status == 2
    assert stderr == f"{url}: error[TM958]: can't connect to {url}: Connection refused\n"


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (
            ["--url", "contoso.crm.dynamics.com"],
            "--url: error[TM955]: --url must be an environment URL such as https://contoso.crm.dynamics.com, not 'contoso.crm.dynamics.com'",
        ),
        (
            ["--url", "https://contoso.crm.dynamics.com/api/data/v9.2"],
            "--url: error[TM955]: --url must be an environment URL such as https://contoso.crm.dynamics.com, not 'https://contoso.crm.dynamics.com/api/data/v9.2'",
        ),
    ],
)
def test_a_url_that_is_no_environment_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, arguments: list[str], expected: str
) -> None:
    folder = write_folder(
        tmp_path / "days", "payment_days_cds_to_msdyn_paymentdays", PAYMENT_DAYS, COMPANIES
    )
    monkeypatch.setenv("TABLEMAP_ACCESS_TOKEN", TOKEN)
    stderr = io.StringIO()
    with redirect_stderr(stderr):
        assert main(["load", str(folder), *arguments]) == 2
    assert stderr.getvalue() == expected + "\n"


def test_a_folder_a_bulk_run_holds_is_not_loaded_and_a_load_keeps_bulk_out(
    tmp_path: Path, fake: FakeDataverse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bulk and load share the folder's lock: neither replaces nor reads a folder mid-run."""
    folders = _folders(tmp_path)
    accounts = tmp_path / "accounts"
    with hold_folder(accounts):
        status, stderr = _load(folders, fake.url, monkeypatch)
    assert status == 2
    assert stderr.strip() == (
        f"{accounts}: error[TM910]: another run (pid {os.getpid()}) is using this output folder "
        f"(it holds {tmp_path / '.accounts.lock'}): a bulk or reconcile run writes it, a load "
        "reads it; run again when it has finished"
    )
    assert fake.log == []
    assert not (accounts / "load").exists()
    # A load holds every folder it loads until it ends: a bulk run into one is refused.
    source = tmp_path / "customers.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in CUSTOMERS), encoding="utf-8")
    companies = tmp_path / "companies.json"
    companies.write_text(json.dumps(COMPANIES), encoding="utf-8")
    bulk = ["bulk", "customers_v3_to_accounts", "--direction", "to-dataverse", "--quiet"]
    bulk += ["--input", str(source), "--output", str(accounts), "--companies", str(companies)]
    held = []
    original = Run.execute

    def execute_and_try_bulk(run: Run) -> None:
        held.append(main([*bulk, "--root", str(ROOT)]))
        original(run)

    monkeypatch.setattr(Run, "execute", execute_and_try_bulk)
    status, stderr = _load(folders, fake.url, monkeypatch)
    assert (status, held) == (0, [1]), stderr
    assert stderr.splitlines()[0] == (
        f"{accounts}: error[TM910]: another run (pid {os.getpid()}) is using this output folder "
        f"(it holds {tmp_path / '.accounts.lock'}): a bulk or reconcile run writes it, a load "
        "reads it; run again when it has finished"
    )
    _expected_state(fake)
    assert not (tmp_path / ".accounts.lock").exists()


def test_folders_that_are_not_bulk_output_are_refused_before_anything_is_sent(
    tmp_path: Path, fake: FakeDataverse, monkeypatch: pytest.MonkeyPatch
) -> None:
    days = write_folder(
        tmp_path / "days", "payment_days_cds_to_msdyn_paymentdays", PAYMENT_DAYS, COMPANIES
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    other = write_folder(tmp_path / "other", "payment_days_cds_to_msdyn_paymentdays", [], COMPANIES)
    summary = json.loads((other / "summary.json").read_text())
    (other / "summary.json").write_text(
        json.dumps({**summary, "module": "payment_days_cds_to_msdyn_paymentdayz"})
    )
    keyless = write_folder(
        tmp_path / "keyless", "payment_days_cds_to_msdyn_paymentdays", [], COMPANIES
    )
    summary = json.loads((keyless / "summary.json").read_text())
    (keyless / "summary.json").write_text(json.dumps({**summary, "addresses": False}))
    old = write_folder(
        tmp_path / "old", "payment_days_cds_to_msdyn_paymentdays", PAYMENT_DAYS, COMPANIES
    )
    lines = (old / "payloads.jsonl").read_text().splitlines()
    (old / "payloads.jsonl").write_text(
        "\n".join([lines[0], lines[1].replace('"address"', '"addr"')])
    )
    status, stderr = _load([days, empty, days, keyless], fake.url, monkeypatch)
    assert status == 2
    assert stderr.splitlines() == [
        f"{days}: error[TM963]: the folder is given twice",
        f"{empty}: error[TM950]: not a bulk output folder: it has no summary.json; give a folder `bulk --output` wrote",
        f"{keyless}: error[TM950]: not a bulk output folder: payment_days_cds_to_msdyn_paymentdays has no key, so bulk wrote no address to upsert its rows at",
    ]
    status, stderr = _load([old], fake.url, monkeypatch)
    assert status == 2
    assert stderr.splitlines()[-1] == (
        f"{old / 'payloads.jsonl'}: error[TM952]: can't load the payloads: line 2 has no address: "
        "write the folder again with this tablemap's bulk (the map needs a key for an upsert address)"
    )
    # Rows are read a chunk at a time before any is sent: the bad line stopped the run first.
    assert fake.rows("msdyn_paymentdays") == []
    status, stderr = _load([other], fake.url, monkeypatch)
    assert stderr.splitlines() == [
        f"{other / 'summary.json'}: error[TM951]: the folder was written for module 'payment_days_cds_to_msdyn_paymentdayz', which no spec compiles to (did you mean 'payment_days_cds_to_msdyn_paymentdays'?)"
    ]
    assert fake.log == []


def test_a_journal_of_another_environment_is_not_reused(
    tmp_path: Path, fake: FakeDataverse, monkeypatch: pytest.MonkeyPatch
) -> None:
    days = write_folder(
        tmp_path / "days", "payment_days_cds_to_msdyn_paymentdays", PAYMENT_DAYS, COMPANIES
    )
    assert _load([days], fake.url, monkeypatch)[0] == 0
    status, stderr = _load([days], "https://fabrikam.crm.dynamics.com", monkeypatch)
    assert status == 2
    assert stderr == (
        f"{days}: error[TM954]: the journal here belongs to a load into {fake.url}: to load "
        f"these rows into https://fabrikam.crm.dynamics.com, remove {days / 'load'} first\n"
    )
