"""The bulk command's inputs: the exports teams have, their column names, cells and faults.

Samples in tests/bulk_inputs/ are in the shape the real systems write: a Data management CSV
export of Customers V3 (the header and rows of Microsoft's dual-write bootstrapping sample),
a data package's Manifest.xml and PackageHeader.xml, saved OData pages of CustomersV3 and of
accounts with their annotations and next links. Delta tables are written here by deltalake.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import zipfile
from pathlib import Path

import pyarrow as pa
import pytest
from deltalake import write_deltalake

from generator.bulk import command, sources
from projects import FINANCE_SCHEMA, build_package, spec

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(__file__).resolve().parent / "bulk_inputs"
EXPORT = SAMPLES / "CustomersV3Export-Customers V3.csv"
COMPANIES = {
    "USMF": "5a0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
    "GBSI": "6b0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
}
ROWS = """\
- [CUSTOMERACCOUNT, "=", accountnumber]
- [ONHOLD, "><", msdyn_onhold, {values: [["No", false], ["Yes", true]]}]
- [EMPLOYEES, "=", numberofemployees]
- [CREDITLIMIT, "=", creditlimit]
- [VALIDFROM, ">", description]
"""
FILTERED = (
    "template: Customers to accounts\n"
    'finance:\n  entity: Customers\n  filter: (PartyType == "Organization")\n'
    "dataverse:\n  table: accounts\n"
)
# The throw-away project's Customers, with a date-time column as Data management exports one.
SCHEMA = FINANCE_SCHEMA.replace(
    "  Language: {type: string}\n",
    "  Language: {type: string}\n  ValidFrom: {type: string, format: date-time}\n",
)


def run(root: Path, module: str, source: Path, *extra: str, direction: str = "to-dataverse") -> int:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    arguments = parser.parse_args(
        [
            *(module, "--direction", direction, "--input", str(source)),
            *("--output", str(root / "out"), "--quiet", *extra),
        ]
    )
    return command.run(arguments)


def shipped(tmp_path: Path, source: Path, *extra: str, direction: str = "to-dataverse") -> int:
    """customers_v3_to_accounts of the shipped specs, with a directory of USMF and GBSI."""
    directory = tmp_path / "companies.json"
    directory.write_text(json.dumps(COMPANIES), encoding="utf-8")
    return run(
        tmp_path,
        "customers_v3_to_accounts",
        source,
        *("--companies", str(directory), "--root", str(ROOT), *extra),
        direction=direction,
    )


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n")[:-1]]


def summary(root: Path) -> dict[str, object]:
    found = json.loads((root / "out" / "summary.json").read_text(encoding="utf-8"))
    return {key: found[key] for key in ("read", "written", "rejected", "filtered")}


def unused(root: Path) -> object:
    return json.loads((root / "out" / "summary.json").read_text(encoding="utf-8"))["unused_columns"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    build_package(tmp_path, {**spec(ROWS), "specs/entities/finance/Customers.yaml": SCHEMA})
    return tmp_path


def local(project: Path, source: Path, *extra: str) -> int:
    return run(project, "customers_to_accounts", source, "--root", str(project), *extra)


def errors(capsys: pytest.CaptureFixture[str]) -> str:
    return capsys.readouterr().err.strip()


# --- Data management CSV ---------------------------------------------------------------


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_a_data_management_export_loads_every_customer(tmp_path: Path, engine: str) -> None:
    """Microsoft's sample: upper-case staging names, DataAreaId, empty cells, enum names."""
    assert shipped(tmp_path, EXPORT, "--engine", engine) == 0
    assert summary(tmp_path) == {"read": 3, "written": 3, "rejected": 0, "filtered": 0}
    payloads = [line["payload"] for line in lines(tmp_path / "out" / "payloads.jsonl")]
    first = payloads[0]
    assert isinstance(first, dict)
    assert first["accountnumber"] == "IMP-110143"
    assert first["msdyn_company@odata.bind"] == "/cdm_companies(cdm_companycode='USMF')"
    assert first["transactioncurrencyid@odata.bind"] == (
        "/transactioncurrencies(isocurrencycode='USD')"
    )
    assert first["msdyn_paymentterm@odata.bind"] == (
        "/msdyn_paymentterms(msdyn_name='Net30',_msdyn_company_value=" + COMPANIES["USMF"] + ")"
    )
    assert first["msdyn_onholdstatus"] == 806380000  # the enum member "No", by name
    assert first["address2_city"] is None  # an empty cell
    assert [p["msdyn_company@odata.bind"] for p in payloads[1:]] == [  # type: ignore[index]
        "/cdm_companies(cdm_companycode='GBSI')"
    ] * 2
    found = unused(tmp_path)
    assert isinstance(found, dict) and found["count"] == 158
    assert found["names"][:3] == ["ACCOUNTSTATEMENT", "ADDRESSBOOKS", "ADDRESSBUILDINGCOMPLEMENT"]


def test_a_byte_order_mark_is_not_part_of_the_first_name(tmp_path: Path) -> None:
    """The company first, as an export with DataAreaId moved to the front has it."""
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    source = tmp_path / "export.csv"
    with source.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([row[-1], *row[:-1]] for row in rows)
    assert source.read_bytes().startswith(b"\xef\xbb\xbfDataAreaId,")
    assert shipped(tmp_path, source) == 0
    payloads = [line["payload"] for line in lines(tmp_path / "out" / "payloads.jsonl")]
    assert [p["msdyn_company@odata.bind"] for p in payloads] == [  # type: ignore[index]
        "/cdm_companies(cdm_companycode='USMF')",
        "/cdm_companies(cdm_companycode='GBSI')",
        "/cdm_companies(cdm_companycode='GBSI')",
    ]


def test_utf_16_as_data_management_writes_csv_unicode(project: Path) -> None:
    source = project / "in.csv"
    source.write_bytes("CUSTOMERACCOUNT,EMPLOYEES\r\nZürich,3\r\n".encode("utf-16"))
    assert local(project, source) == 0
    assert lines(project / "out" / "payloads.jsonl") == [
        {"row": 0, "address": None, "payload": {"accountnumber": "Zürich", "numberofemployees": 3}}
    ]


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("1_2", "is not an integer, the type the entity schema gives the field"),
        ("\u0663", "is not an integer, the type the entity schema gives the field"),
        ("1,234", "is not an integer, the type the entity schema gives the field"),
        ("1.0", "is not an integer, the type the entity schema gives the field"),
        ("99999999999999999999", "is beyond the 64-bit integers the engines hold"),
    ],
)
def test_an_integer_cell_is_plain_ascii_digits_or_its_row_is_rejected(
    project: Path, cell: str, reason: str
) -> None:
    source = project / "in.csv"
    source.write_text(f'CustomerAccount,Employees\nA,"{cell}"\nB,-7\n', encoding="utf-8")
    assert local(project, source) == 0
    assert lines(project / "out" / "rejects.jsonl") == [
        {
            "row": 0,
            "field": "Employees",
            "value": cell,
            "error": f"Customers to accounts: field 'Employees': value {cell!r} {reason}",
        }
    ]
    assert lines(project / "out" / "payloads.jsonl") == [
        {"row": 1, "address": None, "payload": {"accountnumber": "B", "numberofemployees": -7}}
    ]


def test_date_times_parse_by_the_date_format_and_iso_8601(project: Path) -> None:
    source = project / "in.csv"
    source.write_text(
        "CUSTOMERACCOUNT,VALIDFROM\nA,8/25/2020 13:03\nB,2020-08-25T13:03:00Z\nC,25.08.2020\nD,\n",
        encoding="utf-8",
    )
    assert local(project, source) == 0
    assert [line["payload"] for line in lines(project / "out" / "payloads.jsonl")] == [
        {"accountnumber": "A", "description": "2020-08-25T13:03:00Z"},
        {"accountnumber": "B", "description": "2020-08-25T13:03:00Z"},
        {"accountnumber": "D", "description": None},
    ]
    assert lines(project / "out" / "rejects.jsonl") == [
        {
            "row": 2,
            "field": "ValidFrom",
            "value": "25.08.2020",
            "error": "Customers to accounts: field 'ValidFrom': value '25.08.2020' is not a "
            "date-time in the format '%m/%d/%Y %H:%M' (--date-format) or ISO 8601",
        }
    ]
    assert local(project, source, "--date-format", "%d.%m.%Y") == 0
    assert [line["row"] for line in lines(project / "out" / "rejects.jsonl")] == [0]
    assert lines(project / "out" / "payloads.jsonl")[1] == {
        "row": 2,
        "address": None,
        "payload": {"accountnumber": "C", "description": "2020-08-25T00:00:00Z"},
    }


# --- names, filters and unused columns -------------------------------------------------


def test_names_resolve_ignoring_case_and_unread_columns_are_listed(project: Path) -> None:
    source = project / "in.csv"
    source.write_text("customeraccount,EMPLOYEES,Colour,Name\nA,4,red,x\n", encoding="utf-8")
    assert local(project, source) == 0
    assert lines(project / "out" / "payloads.jsonl") == [
        {"row": 0, "address": None, "payload": {"accountnumber": "A", "numberofemployees": 4}}
    ]
    assert unused(project) == {"count": 2, "names": ["Colour", "Name"]}


def test_an_exact_name_wins_over_other_spellings(project: Path) -> None:
    source = project / "in.csv"
    source.write_text("CUSTOMERACCOUNT,CustomerAccount\nupper,exact\n", encoding="utf-8")
    assert local(project, source) == 0
    assert lines(project / "out" / "payloads.jsonl")[0]["payload"] == {"accountnumber": "exact"}


def test_two_inexact_spellings_of_a_field_are_ambiguous(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = project / "in.csv"
    source.write_text("CUSTOMERACCOUNT,customeraccount\na,b\n", encoding="utf-8")
    assert local(project, source) == 1
    assert errors(capsys) == (
        f"{source}: error[TM922]: input columns 'CUSTOMERACCOUNT', 'customeraccount' all name "
        "the field 'CustomerAccount', none exactly: keep one"
    )
    assert not (project / "out").exists()


def test_an_input_with_none_of_the_columns_read_is_an_error(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = project / "in.csv"
    source.write_text("Colour,Size\nred,4\n", encoding="utf-8")
    assert local(project, source) == 1
    assert errors(capsys) == (
        f"{source}: error[TM920]: the input holds none of the columns customers_to_accounts "
        "to-dataverse reads: expected 'CustomerAccount', 'OnHold', 'Employees', 'CreditLimit', "
        "'ValidFrom'; the input has 'Colour', 'Size'"
    )
    assert not (project / "out").exists()


@pytest.mark.parametrize("suffix", ["csv", "jsonl"])
def test_an_input_without_the_filters_column_is_an_error_not_every_row_filtered(
    tmp_path: Path, suffix: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The bug: a header the reader matched none of, and every customer filtered out."""
    build_package(
        tmp_path, {**spec(ROWS, header=FILTERED), "specs/entities/finance/Customers.yaml": SCHEMA}
    )
    source = tmp_path / f"in.{suffix}"
    if suffix == "csv":
        source.write_text("CUSTOMERACCOUNT,PARTY_TYPE\nA,Organization\n", encoding="utf-8")
    else:
        source.write_text('{"CustomerAccount": "A", "Party": "Organization"}\n', encoding="utf-8")
    assert local(tmp_path, source) == 1
    found = "'CUSTOMERACCOUNT', 'PARTY_TYPE'" if suffix == "csv" else "'CustomerAccount', 'Party'"
    assert errors(capsys) == (
        f"{source}: error[TM921]: the input lacks 'PartyType', which the source filter of "
        "customers_to_accounts to-dataverse reads, so it would filter out every row: expected "
        f"'PartyType'; the input has {found}"
    )
    assert not (tmp_path / "out").exists()


def test_a_value_of_the_wrong_type_rejects_its_row_and_the_run_goes_on(project: Path) -> None:
    source = project / "in.jsonl"
    source.write_text(
        '{"CustomerAccount": 5}\n{"CustomerAccount": "b", "Employees": 2.5}\n'
        '{"customeraccount": "c", "Employees": 99999999999999999999}\n{"CustomerAccount": "d"}\n',
        encoding="utf-8",
    )
    assert local(project, source) == 0
    assert lines(project / "out" / "rejects.jsonl") == [
        {
            "row": 0,
            "field": "CustomerAccount",
            "value": 5,
            "error": "Customers to accounts: field 'CustomerAccount': value 5 is not a string, "
            "the type the entity schema gives the field",
        },
        {
            "row": 1,
            "field": "Employees",
            "value": 2.5,
            "error": "Customers to accounts: field 'Employees': value 2.5 is not an integer, "
            "the type the entity schema gives the field",
        },
        {
            "row": 2,
            "field": "Employees",
            "value": 99999999999999999999,
            "error": "Customers to accounts: field 'Employees': value 99999999999999999999 is "
            "beyond the 64-bit integers the engines hold",
        },
    ]
    assert lines(project / "out" / "payloads.jsonl") == [
        {"row": 3, "address": None, "payload": {"accountnumber": "d"}}
    ]
    assert summary(project) == {"read": 4, "written": 1, "rejected": 3, "filtered": 0}


def test_a_bad_value_in_a_row_the_filter_drops_is_filtered(tmp_path: Path) -> None:
    """As the Python mapper tests the filter first; a bad value the filter reads rejects."""
    build_package(
        tmp_path, {**spec(ROWS, header=FILTERED), "specs/entities/finance/Customers.yaml": SCHEMA}
    )
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"PartyType": "Person", "Employees": "x"}\n{"PartyType": 1}\n'
        '{"PartyType": "Organization", "CustomerAccount": "A"}\n',
        encoding="utf-8",
    )
    assert local(tmp_path, source) == 0
    assert summary(tmp_path) == {"read": 3, "written": 1, "rejected": 1, "filtered": 1}
    assert [line["row"] for line in lines(tmp_path / "out" / "rejects.jsonl")] == [1]


# --- OData pages -----------------------------------------------------------------------


def test_a_folder_of_finance_pages_is_one_input_in_page_order(tmp_path: Path) -> None:
    pages = tmp_path / "pages"
    pages.mkdir()
    shutil.copy(SAMPLES / "CustomersV3-page-1.json", pages / "page-2.json")
    shutil.copy(SAMPLES / "CustomersV3-page-2.json", pages / "page-10.json")
    assert shipped(tmp_path, pages) == 0
    assert summary(tmp_path) == {"read": 3, "written": 2, "rejected": 0, "filtered": 1}
    written = lines(tmp_path / "out" / "payloads.jsonl")
    assert [(line["row"], line["payload"]["accountnumber"]) for line in written] == [  # type: ignore[index]
        (0, "US-001"),
        (2, "GB-001"),
    ]
    found = unused(tmp_path)
    assert found == {"count": 1, "names": ["OrganizationName"]}  # annotations are no columns


def test_a_dataverse_page_is_the_input_of_to_finance(tmp_path: Path) -> None:
    assert shipped(tmp_path, SAMPLES / "accounts-page.json", direction="to-finance") == 0
    assert summary(tmp_path) == {"read": 2, "written": 1, "rejected": 0, "filtered": 1}
    payload = lines(tmp_path / "out" / "payloads.jsonl")[0]["payload"]
    assert isinstance(payload, dict)
    assert (payload["CustomerAccount"], payload["CreditLimit"]) == ("US-001", 50000.0)
    names = unused(tmp_path)["names"]  # type: ignore[index]
    assert not [name for name in names if "@" in name]
    assert "_parentaccountid_value" in names


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"value": [1', "not JSON: Expecting ',' delimiter at line 1, column 13"),
        (
            '[{"CustomerAccount": "A"}]',
            'not an OData page: expected an object with a "value" array',
        ),
    ],
)
def test_a_page_that_is_not_one_stops_the_run(
    project: Path, content: str, problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    source = project / "page.json"
    source.write_text(content, encoding="utf-8")
    assert local(project, source) == 1
    assert errors(capsys) == f"{source}: error[TM904]: can't read the input as odata: {problem}"
    assert not (project / "out").exists()


# --- data packages ---------------------------------------------------------------------


def package(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def real_package(path: Path, **replaced: bytes) -> Path:
    members = {
        "Manifest.xml": (SAMPLES / "Manifest.xml").read_bytes(),
        "PackageHeader.xml": (SAMPLES / "PackageHeader.xml").read_bytes(),
        "Customer groups.csv": "\ufeffCUSTOMERGROUPID,DESCRIPTION\r\n10,Wholesale\r\n".encode(
            "utf-16"
        ),
        "Customers V3.csv": EXPORT.read_bytes(),
    }
    return package(path, {**members, **replaced})


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_a_data_package_is_read_through_its_manifest(tmp_path: Path, engine: str) -> None:
    assert shipped(tmp_path, real_package(tmp_path / "package.zip"), "--engine", engine) == 0
    assert summary(tmp_path) == {"read": 3, "written": 3, "rejected": 0, "filtered": 0}
    first = lines(tmp_path / "out" / "payloads.jsonl")[0]["payload"]
    assert first["accountnumber"] == "IMP-110143"  # type: ignore[index]


def test_a_package_in_utf_16_with_crlf(tmp_path: Path) -> None:
    text = EXPORT.read_text(encoding="utf-8").replace("\n", "\r\n")
    source = real_package(tmp_path / "package.zip", **{"Customers V3.csv": text.encode("utf-16")})
    assert shipped(tmp_path, source) == 0
    assert summary(tmp_path)["written"] == 3


@pytest.mark.parametrize(
    ("members", "problem"),
    [
        (
            {"Customers V3.csv": b"CUSTOMERACCOUNT\n"},
            "not a data package: it has no Manifest.xml",
        ),
        (
            {"Manifest.xml": b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]><x>&a;</x>"},
            "Manifest.xml is not a data package manifest: EntitiesForbidden(name='a', "
            "system_id=None, public_id=None)",
        ),
        (
            {"Manifest.xml": (SAMPLES / "Manifest.xml").read_bytes()},
            "the package has no file 'Customers V3.csv' for entity 'Customers V3'",
        ),
        (
            {
                "Manifest.xml": (SAMPLES / "Manifest.xml")
                .read_text(encoding="utf-8")
                .replace("Customers V3", "Vendors V2")
                .replace("CUSTCUSTOMERV3ENTITY", "VENDVENDORV2ENTITY")
                .encode()
            },
            "the package has no single entity 'CustomersV3': its manifest lists "
            "'Customer groups', 'Vendors V2'",
        ),
    ],
)
def test_a_package_without_the_entity_stops_the_run(
    tmp_path: Path,
    members: dict[str, bytes],
    problem: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source = package(tmp_path / "package.zip", members)
    assert shipped(tmp_path, source) == 1
    assert errors(capsys) == f"{source}: error[TM904]: can't read the input as package: {problem}"
    assert not (tmp_path / "out").exists()


def test_a_member_path_never_becomes_a_path_on_disk(tmp_path: Path) -> None:
    manifest = (SAMPLES / "Manifest.xml").read_text(encoding="utf-8")
    escaping = manifest.replace(
        "<InputFilePath>Customers V3.csv", "<InputFilePath>..\\..\\Customers V3.csv"
    )
    source = real_package(tmp_path / "package.zip", **{"Manifest.xml": escaping.encode()})
    assert shipped(tmp_path, source) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["companies.json", "out", "package.zip"]


def test_a_file_that_is_not_a_zip_stops_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "package.zip"
    source.write_bytes(b"PK\x03\x04 truncated")
    assert shipped(tmp_path, source) == 1
    assert errors(capsys) == (
        f"{source}: error[TM904]: can't read the input as package: not a data package "
        "(a .zip): File is not a zip file"
    )


# --- Delta tables ----------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_a_delta_table_as_synapse_link_writes_one(project: Path, engine: str) -> None:
    table = project / "customers"
    first = pa.table({"CustomerAccount": ["A", "B"], "Employees": pa.array([1, None], pa.int32())})
    write_deltalake(str(table), first)
    write_deltalake(
        str(table),
        pa.table({"CustomerAccount": ["C"], "Employees": pa.array([3], pa.int32())}),
        mode="append",
    )
    assert local(project, table, "--engine", engine) == 0
    assert lines(project / "out" / "payloads.jsonl") == [
        {"row": 0, "address": None, "payload": {"accountnumber": "A", "numberofemployees": 1}},
        {"row": 1, "address": None, "payload": {"accountnumber": "B", "numberofemployees": None}},
        {"row": 2, "address": None, "payload": {"accountnumber": "C", "numberofemployees": 3}},
    ]


def test_a_delta_column_of_the_wrong_type_stops_the_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = project / "customers"
    write_deltalake(str(table), pa.table({"CustomerAccount": ["A"], "Employees": ["many"]}))
    assert local(project, table) == 1
    assert errors(capsys) == (
        f"{table}: error[TM904]: can't read the input as delta: column 'Employees' is string, "
        "but the schema says an integer"
    )
    assert not (project / "out").exists()


# --- JSON Lines: DuckDB parses them, as Python's json module reads them -----------------


def test_json_lines_are_parsed_by_the_engine_not_record_by_record(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def python_reader(*arguments: object) -> None:
        raise AssertionError("read record by record")

    monkeypatch.setattr(sources, "source_batches", python_reader)
    source = project / "in.jsonl"
    source.write_text(
        '{"customeraccount": "lower", "Employees": null}\n'
        '{"CustomerAccount": "exact", "customeraccount": "x", "OnHold": {"a": 1}}\n\n'
        '{"CustomerAccount": null, "Employees": 18446744073709551615}\n',
        encoding="utf-8",
    )
    assert local(project, source) == 0
    assert lines(project / "out" / "payloads.jsonl") == [
        {
            "row": 0,
            "address": None,
            "payload": {"accountnumber": "lower", "numberofemployees": None},
        },
    ]
    assert [
        (r["row"], r["field"], r["value"]) for r in lines(project / "out" / "rejects.jsonl")
    ] == [
        (1, "OnHold", {"a": 1}),
        (2, "Employees", 18446744073709551615),
    ]
    assert lines(project / "out" / "rejects.jsonl")[1]["error"] == (
        "Customers to accounts: field 'Employees': value 18446744073709551615 is beyond the "
        "64-bit integers the engines hold"
    )


def test_a_duplicate_key_keeps_its_last_value_as_pythons_json_does(project: Path) -> None:
    source = project / "in.jsonl"
    source.write_text(
        '{"CustomerAccount": "first", "CustomerAccount": "last"}\n{"CUSTOMERACCOUNT": "B"}\n',
        encoding="utf-8",
    )
    assert local(project, source) == 0
    assert lines(project / "out" / "payloads.jsonl") == [
        {"row": 0, "address": None, "payload": {"accountnumber": "last"}},
        {"row": 1, "address": None, "payload": {"accountnumber": "B"}},
    ]
