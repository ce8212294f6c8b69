"""The bulk command end to end on a throw-away project: inputs, outputs, errors and progress."""

from __future__ import annotations

import argparse
import errno
import fcntl
import importlib
import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from generator.bulk import command, direct
from generator.bulk.progress import Progress
from projects import DATAVERSE_SCHEMA, build_package, spec

ROWS = """\
- [CUSTOMERACCOUNT, "=", accountnumber]
- [ONHOLD, "><", msdyn_onhold, {values: [["No", false], ["Yes", true]]}]
- [CURRENCYCODE, "=", transactioncurrencyid.isocurrencycode]
- [EMPLOYEES, "=", numberofemployees]
- [none, ">>", customertypecode, 3]
"""
FILTERED = 'finance:\n  entity: Customers\n  filter: (PartyType == "Organization")\n'
ROOT = Path(__file__).resolve().parents[1]
HEADER = f"template: Customers to accounts\n{FILTERED}dataverse:\n  table: accounts\n"

RECORDS = [
    {"CustomerAccount": "US-001", "OnHold": "yes", "CurrencyCode": "US D/é", "Employees": 7},
    {"CustomerAccount": None, "OnHold": "Maybe"},
    {"CurrencyCode": ""},
    {},
]
US_001 = {
    "accountnumber": "US-001",
    "msdyn_onhold": True,
    "transactioncurrencyid@odata.bind": "/transactioncurrencies(isocurrencycode='US%20D%2F%C3%A9')",
    "numberofemployees": 7,
    "customertypecode": 3,
}
MAYBE = {
    "row": 1,
    "field": "OnHold",
    "value": "Maybe",
    "error": "Customers to accounts: field 'OnHold': value 'Maybe' is not in the value map",
}


def bulk(root: Path, source: Path, *extra: str) -> int:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    arguments = parser.parse_args(
        [
            *("customers_to_accounts", "--direction", "to-dataverse", "--input", str(source)),
            *("--output", str(root / "out"), "--quiet", "--root", str(root), *extra),
        ]
    )
    return command.run(arguments)


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n")[:-1]]


def summary(root: Path) -> dict[str, object]:
    found = json.loads((root / "out" / "summary.json").read_text(encoding="utf-8"))
    return {key: found[key] for key in ("read", "written", "rejected", "filtered")}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    build_package(tmp_path, spec(ROWS))
    return tmp_path


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_json_lines_in_payloads_rejects_and_summary_out(project: Path) -> None:
    assert bulk(project, write_jsonl(project / "in.jsonl", RECORDS)) == 0
    assert lines(project / "out" / "payloads.jsonl") == [
        {"row": 0, "address": None, "payload": US_001},
        {
            "row": 2,
            "address": None,
            "payload": {"transactioncurrencyid@odata.bind": None, "customertypecode": 3},
        },
        {"row": 3, "address": None, "payload": {"customertypecode": 3}},
    ]
    assert lines(project / "out" / "rejects.jsonl") == [MAYBE]
    assert summary(project) == {"read": 4, "written": 3, "rejected": 1, "filtered": 0}


def test_the_output_folder_gets_the_mode_mkdir_gives(project: Path) -> None:
    umask = os.umask(0o022)
    try:
        assert bulk(project, write_jsonl(project / "in.jsonl", RECORDS)) == 0
    finally:
        os.umask(umask)
    assert stat.S_IMODE((project / "out").stat().st_mode) == 0o755


def test_rows_the_source_filter_drops_are_counted_not_written(tmp_path: Path) -> None:
    build_package(tmp_path, spec(ROWS, header=HEADER))
    records = [{"PartyType": "organization", "CustomerAccount": "A"}, {"PartyType": "Person"}, {}]
    assert bulk(tmp_path, write_jsonl(tmp_path / "in.jsonl", records)) == 0
    assert lines(tmp_path / "out" / "payloads.jsonl") == [
        {"row": 0, "address": None, "payload": {"accountnumber": "A", "customertypecode": 3}}
    ]
    assert summary(tmp_path) == {"read": 3, "written": 1, "rejected": 0, "filtered": 2}


def test_a_folder_of_parquet_files_is_one_input_numbered_across_files(project: Path) -> None:
    folder = project / "parts"
    folder.mkdir()
    first = {"CustomerAccount": ["A", "B"], "OnHold": ["No", "Maybe"], "Employees": [1, None]}
    pq.write_table(pa.table(first), folder / "part-0.parquet")
    pq.write_table(
        pa.table({"CustomerAccount": ["C"], "OnHold": ["YES"]}), folder / "part-1.parquet"
    )
    assert bulk(project, folder) == 0
    # A column the files lack is absent from every payload; one they hold but null is null.
    assert lines(project / "out" / "payloads.jsonl") == [
        {
            "row": 0,
            "address": None,
            "payload": {
                "accountnumber": "A",
                "msdyn_onhold": False,
                "numberofemployees": 1,
                "customertypecode": 3,
            },
        },
        {
            "row": 2,
            "address": None,
            "payload": {
                "accountnumber": "C",
                "msdyn_onhold": True,
                "numberofemployees": None,
                "customertypecode": 3,
            },
        },
    ]
    assert [reject["row"] for reject in lines(project / "out" / "rejects.jsonl")] == [1]


TRICKY = [
    {"CustomerAccount": "US-001", "OnHold": "yes", "CurrencyCode": "US D/é", "Employees": 7},
    {"CustomerAccount": 'a"b\\c\n\u2028', "OnHold": None, "CurrencyCode": None, "Employees": None},
    {"CustomerAccount": "Zürich 😀", "OnHold": "NO", "CurrencyCode": "it's ~%", "Employees": -3},
    {"CustomerAccount": "", "OnHold": "Maybe", "CurrencyCode": "", "Employees": 0},
]


@pytest.mark.parametrize("lacking", [None, "Employees"])
def test_parquet_payloads_and_rejects_are_the_python_mappers(
    tmp_path: Path, lacking: str | None
) -> None:
    """Every row lacks no key (the payload's fast path) or all lack the same one."""
    maps = build_package(tmp_path, spec(ROWS))
    mapper = importlib.import_module(f"{maps.__name__}.customers_to_accounts")
    records = [{k: v for k, v in record.items() if k != lacking} for record in TRICKY]
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "in.parquet")
    assert bulk(tmp_path, tmp_path / "in.parquet") == 0
    payloads, rejects = [], []
    for row, record in enumerate(records):
        try:
            payloads.append(
                {"row": row, "address": None, "payload": mapper.finance_to_dataverse(record)}
            )
        except mapper.MappingError as error:
            rejects.append({"row": row, "field": error.field, "value": error.value})
            rejects[-1]["error"] = str(error)
    assert lines(tmp_path / "out" / "payloads.jsonl") == payloads
    assert lines(tmp_path / "out" / "rejects.jsonl") == rejects
    assert len(payloads) == 3 and len(rejects) == 1


def test_payloads_keep_row_order_across_row_groups_read_in_parallel(tmp_path: Path) -> None:
    """The project's customers map checks OnHoldStatus against six values: an IN list DuckDB
    would rewrite into a join, whose output order is not the input's."""
    count = 12_000
    holds = ["No", "Invoice", "All", "Payment", "Requisition", "Never"]
    records = {
        "dataAreaId": ["usmf"] * count,
        "CustomerAccount": [f"A{n}" for n in range(count)],
        "PartyType": ["Organization"] * count,
        "OnHoldStatus": [holds[n % 6] for n in range(count)],
        "CustomerGroupId": [f"G {n % 7}" for n in range(count)],
    }
    source = tmp_path / "in.parquet"
    pq.write_table(pa.table(records), source, row_group_size=1_000)
    companies = tmp_path / "companies.json"
    companies.write_text('{"USMF": "5a0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b"}', encoding="utf-8")
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    arguments = parser.parse_args(
        [
            *("customers_v3_to_accounts", "--direction", "to-dataverse", "--input", str(source)),
            *("--output", str(tmp_path / "out"), "--companies", str(companies), "--quiet"),
            *("--root", str(ROOT)),
        ]
    )
    assert command.run(arguments) == 0
    written = [line["row"] for line in lines(tmp_path / "out" / "payloads.jsonl")]
    assert written == list(range(count))


@pytest.mark.parametrize("refused", [None, "open", "write"])
def test_a_direct_file_holds_every_byte_written_in_order(
    tmp_path: Path, refused: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through O_DIRECT, or the ordinary way where the filesystem refuses it at open or write."""
    flag = getattr(os, "O_DIRECT", 0)
    if refused and not flag:
        pytest.skip("no O_DIRECT here")
    real_open, real_write = os.open, os.write

    def refusing_open(path: Path, flags: int, mode: int = 0o777) -> int:
        if refused == "open" and flags & flag:
            raise OSError(errno.EINVAL, "refused")
        return real_open(path, flags, mode)

    def refusing_write(fd: int, data: memoryview) -> int:
        if refused == "write" and fcntl.fcntl(fd, fcntl.F_GETFL) & flag:
            raise OSError(errno.EINVAL, "refused")
        return real_write(fd, data)

    monkeypatch.setattr(os, "open", refusing_open)
    monkeypatch.setattr(os, "write", refusing_write)
    monkeypatch.setattr(direct, "BUFFER", 3 * direct.ALIGN)  # cross buffers with small data
    pieces = [bytes([n % 251]) * size for n, size in enumerate([1, 4095, 5000, 20000, 0, 7])]
    out = direct.DirectFile(tmp_path / "out.bin")
    for piece in pieces:
        out.write(memoryview(piece))
    out.close()
    assert (tmp_path / "out.bin").read_bytes() == b"".join(pieces)


def test_csv_values_are_typed_by_the_entity_schema(project: Path) -> None:
    source = project / "in.csv"
    source.write_text("CustomerAccount,Employees,OnHold\nA,12,yes\n,,\n", encoding="utf-8")
    assert bulk(project, source) == 0
    assert lines(project / "out" / "payloads.jsonl") == [
        {
            "row": 0,
            "address": None,
            "payload": {
                "accountnumber": "A",
                "msdyn_onhold": True,
                "numberofemployees": 12,
                "customertypecode": 3,
            },
        },
        {
            "row": 1,
            "address": None,
            "payload": {
                "accountnumber": None,
                "msdyn_onhold": None,
                "numberofemployees": None,
                "customertypecode": 3,
            },
        },
    ]


def test_parquet_output_holds_the_row_and_the_payload_json(project: Path) -> None:
    assert bulk(project, write_jsonl(project / "in.jsonl", RECORDS), "--format", "parquet") == 0
    table = pq.read_table(project / "out" / "payloads.parquet").to_pylist()
    assert [row["row"] for row in table] == [0, 2, 3]
    assert json.loads(table[0]["payload"]) == US_001


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"CustomerAccount": "a"}\n[1, 2]\n',
            "in.jsonl: error[TM904]: can't read the input as jsonl: row 1: the record is not "
            "a JSON object",
        ),
        (
            '{"CustomerAccount": "a"}\n{"CustomerAccount": \n',
            "in.jsonl: error[TM904]: can't read the input as jsonl: line 2 (row 1): not JSON: "
            "Expecting value at column 21",
        ),
        (
            '{"CustomerAccount": "a"}\n{"CustomerAccount": "\\ud800"}\n',
            "in.jsonl: error[TM904]: can't read the input as jsonl: row 1, column "
            "'CustomerAccount': not valid Unicode text",
        ),
    ],
)
def test_bad_input_names_file_row_and_column_and_leaves_nothing_behind(
    project: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = project / "in.jsonl"
    source.write_text(content, encoding="utf-8")
    assert bulk(project, source) == 1
    assert capsys.readouterr().err.strip().endswith(message)
    assert not (project / "out").exists()
    assert [p.name for p in project.iterdir() if p.name.startswith(".out")] == []


def test_a_parquet_column_of_the_wrong_type_is_bad_input(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pq.write_table(pa.table({"Employees": ["many"]}), project / "in.parquet")
    assert bulk(project, project / "in.parquet") == 1
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith(
            "in.parquet: error[TM904]: can't read the input as parquet: column 'Employees' is "
            "VARCHAR, but the schema says BIGINT"
        )
    )
    assert not (project / "out").exists()


def test_a_missing_input_or_an_unknown_module_exits_1(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert bulk(project, project / "nowhere.jsonl") == 1
    assert "error[TM903]: input not found:" in capsys.readouterr().err
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    arguments = parser.parse_args(
        [
            "customers_to_acounts",
            "--direction",
            "to-finance",
            "--input",
            "x",
            "--output",
            str(project / "out"),
            "--root",
            str(project),
        ]
    )
    assert command.run(arguments) == 1
    assert capsys.readouterr().err.strip() == (
        "specs/maps: error[TM901]: no spec compiles to module 'customers_to_acounts' "
        "(did you mean 'customers_to_accounts'?)"
    )


def test_an_existing_output_folder_gets_the_new_files_moved_in(project: Path) -> None:
    (project / "out").mkdir()
    (project / "out" / "payloads.jsonl").write_text("old\n", encoding="utf-8")
    assert bulk(project, write_jsonl(project / "in.jsonl", RECORDS)) == 0
    assert len(lines(project / "out" / "payloads.jsonl")) == 3


def test_progress_is_silent_off_a_terminal_and_counts_rows_on_one() -> None:
    piped = io.StringIO()
    Progress(quiet=False, stream=piped).rows(10)
    assert piped.getvalue() == ""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    progress = Progress(quiet=False, stream=terminal)
    progress.done(1500)
    assert terminal.getvalue().startswith("\r1,500 rows read, ")
    assert terminal.getvalue().endswith(" rows/s\n")
    quiet = Terminal()
    Progress(quiet=True, stream=quiet).done(1500)
    assert quiet.getvalue() == ""


def test_a_map_with_company_lookups_needs_a_good_company_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = Path(__file__).resolve().parent.parent
    source = write_jsonl(tmp_path / "in.jsonl", [{"CustomerAccount": "A"}])
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    arguments = [
        *("customers_v3_to_accounts", "--direction", "to-dataverse", "--input", str(source)),
        *("--output", str(tmp_path / "out"), "--root", str(root)),
    ]
    assert command.run(parser.parse_args(arguments)) == 1
    assert capsys.readouterr().err.strip() == (
        "specs/maps/customers_v3_to_accounts.yaml: error[TM908]: customers_v3_to_accounts "
        "to-dataverse binds company-specific lookups: give the company directory with "
        "--companies FILE (the JSON of GET cdm_companies?$select=cdm_companyid,cdm_companycode)"
    )
    directory = tmp_path / "companies.json"
    directory.write_text('["USMF"]', encoding="utf-8")
    assert command.run(parser.parse_args([*arguments, "--companies", str(directory)])) == 1
    assert capsys.readouterr().err.strip() == (
        f"{directory}: error[TM909]: can't use the company directory: expected a "
        "JSON object of company codes to cdm_companyid"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.spark
def test_a_quiet_spark_run_prints_nothing(project: Path) -> None:
    """Not even the JVM's start-up warnings: its log settings reach it as it starts."""
    source = write_jsonl(project / "in.jsonl", RECORDS)
    completed = subprocess.run(
        [
            *(sys.executable, "-m", "generator", "bulk", "customers_to_accounts"),
            *("--direction", "to-dataverse", "--input", str(source), "--engine", "spark"),
            *("--output", str(project / "out"), "--quiet"),
        ],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, "", "")
    assert summary(project) == {"read": 4, "written": 3, "rejected": 1, "filtered": 0}


DEFAULTED = """\
- [CUSTOMERACCOUNT, "=", accountnumber]
- [NAME, "=", name, {default: Unnamed}]
- [GENDER, "><", gendercode, {values: [["Unknown", null], ["Male", 1], ["Female", 2]]}]
- [CURRENCYCODE, "=", transactioncurrencyid.isocurrencycode]
- [EMPLOYEES, "=", numberofemployees]
- [none, ">>", customertypecode, 3]
"""
EMPTY = {
    "CustomerAccount": "",
    "Name": None,
    "Gender": "Unknown",
    "CurrencyCode": "",
    "Employees": None,
}


def test_ignore_nulls_leaves_out_what_has_no_source_value_and_keeps_what_the_spec_gives(
    tmp_path: Path,
) -> None:
    """Empty text and nulls go; the default for null, a value the value map gives null for,
    and constants stay; a record lacking a key lacks it either way. Without the flag every
    column is written, null as null."""
    build_package(tmp_path, spec(DEFAULTED))
    records = [EMPTY, {"CustomerAccount": "A", "Employees": 0, "Name": ""}, {}]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    assert bulk(tmp_path, source) == 0
    assert [line["payload"] for line in lines(tmp_path / "out" / "payloads.jsonl")] == [
        {
            "accountnumber": "",
            "name": "Unnamed",
            "gendercode": None,
            "transactioncurrencyid@odata.bind": None,
            "numberofemployees": None,
            "customertypecode": 3,
        },
        {"accountnumber": "A", "name": "", "numberofemployees": 0, "customertypecode": 3},
        {"customertypecode": 3},
    ]
    assert bulk(tmp_path, source, "--ignore-nulls") == 0
    assert lines(tmp_path / "out" / "payloads.jsonl") == [
        {
            "row": 0,
            "address": None,
            "payload": {"name": "Unnamed", "gendercode": None, "customertypecode": 3},
        },
        {
            "row": 1,
            "address": None,
            "payload": {"accountnumber": "A", "numberofemployees": 0, "customertypecode": 3},
        },
        {"row": 2, "address": None, "payload": {"customertypecode": 3}},
    ]
    found = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert (found["addresses"], found["ignore_nulls"]) == (False, True)


KEYED_ACCOUNTS = DATAVERSE_SCHEMA.replace(
    "x-entity-set: accounts\n", "x-entity-set: accounts\nx-alternate-keys: [[accountnumber]]\n"
)
KEYED = f"template: Customers to accounts\nkey: [CUSTOMERACCOUNT]\n{FILTERED}dataverse:\n  table: accounts\n"


@pytest.mark.parametrize("format", ["jsonl", "parquet"])
def test_each_payload_carries_the_address_the_python_key_functions_give(
    tmp_path: Path, format: str
) -> None:
    files = spec(ROWS, header=KEYED) | {"specs/entities/dataverse/accounts.yaml": KEYED_ACCOUNTS}
    maps = build_package(tmp_path, files)
    mapper = importlib.import_module(f"{maps.__name__}.customers_to_accounts")
    records = [
        {"PartyType": "Organization", "CustomerAccount": "it's a/b é?#%&"},
        {"PartyType": "Organization", "CustomerAccount": ""},
        {"PartyType": "Organization"},
    ]
    assert bulk(tmp_path, write_jsonl(tmp_path / "in.jsonl", records), "--format", format) == 0
    address = "accounts(accountnumber='it''s%20a%2Fb%20%C3%A9%3F%23%25%26')"
    assert mapper.dataverse_key(records[0]) == address
    if format == "parquet":
        table = pq.read_table(tmp_path / "out" / "payloads.parquet").to_pylist()
        assert [(row["row"], row["address"]) for row in table] == [(0, address)]
    else:
        assert [line["address"] for line in lines(tmp_path / "out" / "payloads.jsonl")] == [address]
    key_error = "Customers to accounts: field 'CustomerAccount': value {} is a key field: it must be present and not empty"
    assert lines(tmp_path / "out" / "rejects.jsonl") == [
        {"row": 1, "field": "CustomerAccount", "value": "", "error": key_error.format("''")},
        {"row": 2, "field": "CustomerAccount", "value": None, "error": key_error.format("None")},
    ]
    found = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert (found["addresses"], found["ignore_nulls"]) == (True, False)


def test_a_lookup_in_the_alternate_key_is_written_as_the_bind_it_stands_for(
    tmp_path: Path,
) -> None:
    """Payment-day lines are keyed by their payment day, whose GUID the loader resolves from
    the payload's msdyn_paymentday@odata.bind (the README's contract)."""
    guid = "5a0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b"
    companies = tmp_path / "companies.json"
    companies.write_text(json.dumps({"USMF": guid}), encoding="utf-8")
    record = {"dataAreaId": "usmf", "Name": "Net 10", "LineNumber": 1, "DayOfMonth": 10}
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    module = "payment_day_lines_cds_v2_to_msdyn_paymentdaylines"
    arguments = parser.parse_args(
        [
            *(module, "--direction", "to-dataverse", "--input"),
            str(write_jsonl(tmp_path / "in.jsonl", [record])),
            *("--output", str(tmp_path / "out"), "--companies", str(companies)),
            *("--quiet", "--root", str(ROOT)),
        ]
    )
    assert command.run(arguments) == 0
    [line] = lines(tmp_path / "out" / "payloads.jsonl")
    assert line["address"] == (
        "msdyn_paymentdaylines(_msdyn_paymentday_value=@msdyn_paymentday,"
        f"msdyn_linenumber=1.0,_msdyn_company_value={guid})"
    )
    assert line["payload"]["msdyn_paymentday@odata.bind"] == (
        f"/msdyn_paymentdays(msdyn_name='Net%2010',_msdyn_company_value={guid})"
    )


def test_a_striped_map_to_dataverse_needs_the_company_directory_for_its_addresses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    module = "payment_days_cds_to_msdyn_paymentdays"  # which binds no company lookup
    source = write_jsonl(tmp_path / "in.jsonl", [{"Name": "A"}])
    arguments = [
        *(module, "--direction", "to-dataverse", "--input", str(source)),
        *("--output", str(tmp_path / "out"), "--root", str(ROOT)),
    ]
    assert command.run(parser.parse_args(arguments)) == 1
    assert capsys.readouterr().err.strip() == (
        f"specs/maps/{module}.yaml: error[TM940]: {module} to-dataverse addresses each row by "
        "its alternate key, which holds the company's cdm_companyid: give the company "
        "directory with --companies FILE (the JSON of GET "
        "cdm_companies?$select=cdm_companyid,cdm_companycode)"
    )
    assert not (tmp_path / "out").exists()
    # To F&O the address holds the company's code, which the record carries.
    record = {"msdyn_name": "A", "msdyn_company": {"cdm_companycode": "USMF"}}
    reverse = [module, "--direction", "to-finance", "--quiet", "--input"]
    reverse += [str(write_jsonl(tmp_path / "dataverse.jsonl", [record])), *arguments[5:]]
    assert command.run(parser.parse_args(reverse)) == 0
    assert lines(tmp_path / "out" / "payloads.jsonl") == [
        {
            "row": 0,
            "address": "PaymentDaysCds(dataAreaId='usmf',Name='A')",
            "payload": {"dataAreaId": "usmf", "Name": "A"},
        }
    ]
