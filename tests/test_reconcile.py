"""reconcile end to end: both exports built from the golden fixtures, with known differences.

The F&O rows are the golden full record under several account numbers; the Dataverse rows
are what the map writes for them, stored as the Web API returns a record read with
DATAVERSE_QUERY (lookups expanded, with their own ids and etags). Then one difference of
each kind is injected, and the outputs are asserted exactly.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from generator.bulk.target import Target, load_target
from generator.diagnostics import Diagnostics
from generator.reconcile import command
from projects import build_package, run_cache, spec

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "generated"))
from dualwrite_maps import customers_v3_to_accounts as accounts  # noqa: E402

MODULE = "customers_v3_to_accounts"
GOLDEN = ROOT / "tests" / "golden" / MODULE
USMF = "8d5e2a3c-6b1f-4e0a-9c7d-2f4b6a8c0e11"
COMPANIES = {"USMF": USMF}
BIND = "@odata.bind"


def golden_record() -> dict[str, Any]:
    case = json.loads((GOLDEN / "to_dataverse_full_record.json").read_text(encoding="utf-8"))
    assert case["companies"] == COMPANIES
    return dict(case["input"])


def stored(record: dict[str, Any], company: str = "USMF") -> dict[str, Any]:
    """The Dataverse row the map writes for ``record``, as the Web API returns it."""
    row: dict[str, Any] = {
        "@odata.etag": 'W/"4213307"',
        "accountid": "b3f7c9a0-1d2e-4f60-8a9b-0c1d2e3f4a5b",
    }
    for column, value in accounts.finance_to_dataverse(record, COMPANIES).items():
        if not column.endswith(BIND):
            row[column] = value
            continue
        navigation = column.removesuffix(BIND)
        if value is None:
            row[navigation] = None
            continue
        key, quoted = value[value.index("(") + 1 :].split("=", 1)
        text = quoted[1:].split("'", 1)[0] if not quoted.startswith("''") else ""
        row[navigation] = {
            "@odata.etag": 'W/"1"',
            key: urllib.parse.unquote(text),
            f"{navigation}id": "00000000-0000-0000-0000-000000000001",
        }
    row["msdyn_company"] = {"@odata.etag": 'W/"7"', "cdm_companycode": company}
    return row


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def exports(folder: Path) -> tuple[list[dict[str, Any]], Path, Path]:
    """Eight F&O rows and the Dataverse rows that go with them, one difference of each kind."""
    base = golden_record()
    finance = [{**base, "CustomerAccount": f"US-{number:03}"} for number in range(1, 9)]
    finance[5]["OnHoldStatus"] = "PurchOrder"  # not in the value map: rejected
    finance[6]["PartyType"] = "Person"  # outside the source filter
    dataverse = [stored(record) for record in finance[:3]]
    dataverse[1]["msdyn_onholdstatus"] = 806380002  # All, where F&O says Invoice
    dataverse[2]["msdyn_customergroupid"]["msdyn_groupid"] = "20"  # another customer group
    # US-004 is missing in Dataverse; US-005 is there, in another company.
    dataverse.append(stored(finance[4], company="DEMF"))
    dataverse.append(stored({**finance[0], "OnHoldStatus": "No"}) | {"accountnumber": "US-900"})
    dataverse.append(stored({**finance[5], "OnHoldStatus": "No"}))  # US-006: F&O's is rejected
    dataverse.append(stored(finance[7]))  # US-008: the same
    return (
        finance,
        write_jsonl(folder / "customers.jsonl", finance),
        write_jsonl(folder / "accounts.jsonl", dataverse),
    )


@pytest.fixture(scope="module")
def target() -> Target:
    loaded = load_target(ROOT, MODULE, Diagnostics(), run_cache())
    assert loaded is not None
    return loaded


def reconcile(
    target: Target | None, finance: Path, dataverse: Path, output: Path, *extra: str
) -> int:
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    directory = output.parent / "companies.json"
    directory.write_text(json.dumps(COMPANIES), encoding="utf-8")
    arguments = parser.parse_args(
        [
            *(MODULE, "--finance", str(finance), "--dataverse", str(dataverse)),
            *("--output", str(output), "--companies", str(directory), "--quiet"),
            *("--root", str(ROOT), *extra),
        ]
    )
    return command.run(arguments, target)


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def outcome(target: Target, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    folder = tmp_path_factory.mktemp("reconcile")
    finance, finance_path, dataverse_path = exports(folder)
    assert reconcile(target, finance_path, dataverse_path, folder / "out") == 0
    return folder / "out", finance


COUNTS = {
    "paired": 4,
    "different": 2,
    "only_in_finance": 2,
    "only_in_dataverse": 2,
    "rejected": 1,
    "filtered": 1,
}
COLUMNS = [
    {"column": "CustomerGroupId", "direction": "to_finance", "rows": 1},
    {"column": "OnHoldStatus", "direction": "to_finance", "rows": 1},
    {"column": "msdyn_customergroupid@odata.bind", "direction": "to_dataverse", "rows": 1},
    {"column": "msdyn_onholdstatus", "direction": "to_dataverse", "rows": 1},
]


def test_the_summary_counts_each_kind_of_difference_overall_and_per_company(
    outcome: tuple[Path, list[Any]],
) -> None:
    folder, _ = outcome
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary == {
        "module": MODULE,
        "engine": "duckdb",
        "finance": str(folder.parent / "customers.jsonl"),
        "dataverse": str(folder.parent / "accounts.jsonl"),
        "finance_rows": 8,
        "dataverse_rows": 7,
        **COUNTS,
        "repairs": 4,
        "columns": COLUMNS,
        "companies": {
            "DEMF": {
                **dict.fromkeys(COUNTS, 0),
                "only_in_dataverse": 1,
                "columns": [],
            },
            "USMF": {**COUNTS, "only_in_dataverse": 1, "columns": COLUMNS},
        },
    }


def test_each_differing_row_is_listed_with_both_values_of_each_column(
    outcome: tuple[Path, list[Any]],
) -> None:
    folder, _ = outcome
    group = "/msdyn_customergroups(msdyn_groupid='{}',_msdyn_company_value=" + USMF + ")"
    assert lines(folder / "differences.jsonl") == [
        {
            "company": "USMF",
            "key": {"CustomerAccount": "US-002"},
            "finance_row": 1,
            "dataverse_row": 1,
            "columns": [
                {
                    "column": "msdyn_onholdstatus",
                    "direction": "to_dataverse",
                    "finance": 806380001,
                    "dataverse": 806380002,
                },
                {
                    "column": "OnHoldStatus",
                    "direction": "to_finance",
                    "finance": "Invoice",
                    "dataverse": "All",
                },
            ],
        },
        {
            "company": "USMF",
            "key": {"CustomerAccount": "US-003"},
            "finance_row": 2,
            "dataverse_row": 2,
            "columns": [
                {
                    "column": "msdyn_customergroupid@odata.bind",
                    "direction": "to_dataverse",
                    "finance": group.format("30"),
                    "dataverse": group.format("20"),
                },
                {
                    "column": "CustomerGroupId",
                    "direction": "to_finance",
                    "finance": "30",
                    "dataverse": "20",
                },
            ],
        },
    ]


def test_missing_and_rejected_rows_are_listed_not_counted_as_differences(
    outcome: tuple[Path, list[Any]],
) -> None:
    folder, _ = outcome
    assert lines(folder / "only_in_finance.jsonl") == [
        {"company": "USMF", "key": {"CustomerAccount": "US-004"}, "row": 3},
        {"company": "USMF", "key": {"CustomerAccount": "US-005"}, "row": 4},
    ]
    assert lines(folder / "only_in_dataverse.jsonl") == [
        {"company": "DEMF", "key": {"CustomerAccount": "US-005"}, "row": 3},
        {"company": "USMF", "key": {"CustomerAccount": "US-900"}, "row": 4},
    ]
    assert lines(folder / "rejects.jsonl") == [
        {
            "side": "finance",
            "row": 5,
            "company": "USMF",
            "key": {"CustomerAccount": "US-006"},
            "field": "OnHoldStatus",
            "value": "PurchOrder",
            "error": "Customers V3 to accounts: field 'OnHoldStatus': value 'PurchOrder' is not "
            "in the value map",
        }
    ]


def test_the_repairs_are_a_bulk_folder_of_the_payloads_dataverse_lacks_or_differs_from(
    outcome: tuple[Path, list[Any]],
) -> None:
    folder, finance = outcome
    repairs = folder / "repairs"
    assert lines(repairs / "payloads.jsonl") == [
        {
            "row": row,
            "address": accounts.dataverse_key(finance[row], COMPANIES),
            "payload": accounts.finance_to_dataverse(finance[row], COMPANIES),
        }
        for row in (1, 2, 3, 4)
    ]
    assert (repairs / "rejects.jsonl").read_text(encoding="utf-8") == ""
    assert json.loads((repairs / "summary.json").read_text(encoding="utf-8")) == {
        "module": MODULE,
        "direction": "to_dataverse",
        "engine": "duckdb",
        "input": str(folder.parent / "customers.jsonl"),
        "read": 4,
        "written": 4,
        "rejected": 0,
        "filtered": 0,
    }


def test_the_report_gives_the_counts_per_company_and_the_columns_with_examples(
    outcome: tuple[Path, list[Any]],
) -> None:
    folder, _ = outcome
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert "| DEMF | 0 | 0 | 0 | 1 | 0 | 0 |\n| USMF | 4 | 2 | 2 | 1 | 1 | 1 |\n" in report
    assert "| **all** | 4 | 2 | 2 | 2 | 1 | 1 |\n" in report
    assert (
        "| `msdyn_onholdstatus` | F&O → Dataverse | 1 | `US-002`: F&O 806380001, "
        "Dataverse 806380002 |\n"
    ) in report
    assert '| `CustomerGroupId` | Dataverse → F&O | 1 | `US-003`: F&O "30", Dataverse "20" |\n' in (
        report
    )


@pytest.mark.spark
def test_spark_writes_what_duckdb_writes(
    target: Target, outcome: tuple[Path, list[Any]], tmp_path: Path
) -> None:
    folder, _ = outcome
    finance, dataverse = folder.parent / "customers.jsonl", folder.parent / "accounts.jsonl"
    assert reconcile(target, finance, dataverse, tmp_path / "out", "--engine", "spark") == 0
    for name in (
        "differences.jsonl",
        "only_in_finance.jsonl",
        "only_in_dataverse.jsonl",
        "rejects.jsonl",
        "repairs/payloads.jsonl",
        "repairs/rejects.jsonl",
    ):
        assert (tmp_path / "out" / name).read_bytes() == (folder / name).read_bytes(), name
    for name in ("summary.json", "repairs/summary.json", "report.md"):
        spark = (tmp_path / "out" / name).read_text(encoding="utf-8")
        duckdb = (folder / name).read_text(encoding="utf-8")
        assert spark.replace('"spark"', '"duckdb"').replace("on Spark.", "on DuckDB.") == duckdb


def test_a_global_map_pairs_by_a_key_with_a_value_map(tmp_path: Path) -> None:
    """Name affixes: keyed by the affix and its type, an enum that maps to an option set."""
    finance = [
        {"Affix": "Dr.", "Type": "PersonalPrefix", "Description": "Doctor"},
        {"Affix": "Jr.", "Type": "PersonalSuffix", "Description": "Junior"},
        {"Affix": "Sr.", "Type": "PersonalSuffix", "Description": "Senior"},
    ]
    dataverse = [
        {"msdyn_affix": "dr.", "msdyn_affixtype": 806380000, "msdyn_description": "Doctor"},
        {"msdyn_affix": "Jr.", "msdyn_affixtype": 806380001, "msdyn_description": "Younger"},
        {"msdyn_affix": "Sr.", "msdyn_affixtype": 806380000, "msdyn_description": "Senior"},
    ]
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    arguments = parser.parse_args(
        [
            "name_affixes_to_msdyn_nameaffixes",
            *("--finance", str(write_jsonl(tmp_path / "affixes.jsonl", finance))),
            *("--dataverse", str(write_jsonl(tmp_path / "msdyn.jsonl", dataverse))),
            *("--output", str(tmp_path / "out"), "--quiet", "--root", str(ROOT)),
        ]
    )
    assert command.run(arguments) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    # Keys match without regard to case, as both services match them; the case still differs.
    assert {key: summary[key] for key in COUNTS} == {
        "paired": 2,
        "different": 2,
        "only_in_finance": 1,
        "only_in_dataverse": 1,
        "rejected": 0,
        "filtered": 0,
    }
    assert "companies" not in summary
    assert [line["columns"] for line in lines(tmp_path / "out" / "differences.jsonl")] == [
        [
            {
                "column": "msdyn_affix",
                "direction": "to_dataverse",
                "finance": "Dr.",
                "dataverse": "dr.",
            },
            {"column": "Affix", "direction": "to_finance", "finance": "Dr.", "dataverse": "dr."},
        ],
        [
            {
                "column": "msdyn_description",
                "direction": "to_dataverse",
                "finance": "Junior",
                "dataverse": "Younger",
            },
            {
                "column": "Description",
                "direction": "to_finance",
                "finance": "Junior",
                "dataverse": "Younger",
            },
        ],
    ]
    assert lines(tmp_path / "out" / "only_in_finance.jsonl") == [
        {"company": None, "key": {"Affix": "Sr.", "Type": "PersonalSuffix"}, "row": 2}
    ]
    assert lines(tmp_path / "out" / "only_in_dataverse.jsonl") == [
        {"company": None, "key": {"Affix": "Sr.", "Type": "PersonalPrefix"}, "row": 2}
    ]


def test_a_map_without_a_key_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_package(tmp_path, spec('- [CUSTOMERACCOUNT, "=", accountnumber]\n'))
    source = write_jsonl(tmp_path / "in.jsonl", [{"CustomerAccount": "US-001"}])
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    arguments = parser.parse_args(
        [
            *("customers_to_accounts", "--finance", str(source), "--dataverse", str(source)),
            *("--output", str(tmp_path / "out"), "--root", str(tmp_path)),
        ]
    )
    assert command.run(arguments) == 1
    assert capsys.readouterr().err.strip() == (
        "specs/maps/customers_to_accounts.yaml: error[TM990]: customers_to_accounts has no "
        "integration key, so the rows of the two exports can't be paired: add "
        "`key: [FIELD, ...]` to the spec"
    )
    assert not (tmp_path / "out").exists()


def test_bad_input_stops_the_run_and_keeps_the_last_output_whole(
    target: Target,
    outcome: tuple[Path, list[Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder, _ = outcome
    output = tmp_path / "out"
    finance, dataverse = folder.parent / "customers.jsonl", folder.parent / "accounts.jsonl"
    assert reconcile(target, finance, dataverse, output) == 0
    before = {path: path.read_bytes() for path in output.rglob("*") if path.is_file()}
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"accountnumber": "US-001", "customertypecode": 3}\n{"accountnumber\n')
    capsys.readouterr()
    assert reconcile(target, finance, broken, output) == 1
    assert capsys.readouterr().err.strip() == (
        f"{broken}: error[TM904]: can't read the input as jsonl: line 2 (row 1): not JSON: "
        "Unterminated string starting at at column 2"
    )
    assert {path: path.read_bytes() for path in output.rglob("*") if path.is_file()} == before
    # A later run replaces the folder whole, its repairs/ included.
    assert reconcile(target, finance, dataverse, output) == 0
    assert {path: path.read_bytes() for path in output.rglob("*") if path.is_file()} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "broken.jsonl",
        "companies.json",
        "out",
    ]


def test_missing_and_identical_inputs_are_refused(
    target: Target, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [])
    assert reconcile(target, tmp_path / "none.jsonl", source, tmp_path / "out") == 1
    assert capsys.readouterr().err.strip() == (
        f"{tmp_path / 'none.jsonl'}: error[TM903]: input not found: {tmp_path / 'none.jsonl'}"
    )
    assert reconcile(target, source, source, tmp_path / "out") == 1
    assert capsys.readouterr().err.strip() == (
        f"{source}: error[TM991]: --finance and --dataverse name the same export: give the F&O "
        "export and the Dataverse export of the map"
    )
    assert not (tmp_path / "out").exists()


def test_a_data_management_export_against_a_saved_web_api_page(
    target: Target, tmp_path: Path
) -> None:
    """The exports as users have them: F&O's Data management CSV (staging names such as
    CUSTOMERACCOUNT and DATAAREAID) and a page of GET accounts?<DATAVERSE_QUERY> as saved,
    with its annotations, etags and the lookups' own ids."""
    samples = ROOT / "tests" / "reconcile_inputs"
    finance = ROOT / "tests" / "bulk_inputs" / "CustomersV3Export-Customers V3.csv"
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    arguments = parser.parse_args(
        [
            *(MODULE, "--finance", str(finance)),
            *("--dataverse", str(samples / "accounts-page.json")),
            *("--companies", str(samples / "companies.json")),
            *("--output", str(tmp_path / "out"), "--quiet", "--root", str(ROOT)),
        ]
    )
    assert command.run(arguments, target) == 0
    gbsi = "3c1d9e7a-5f2b-4d8c-a6e0-9b7f1c3d5e22"
    terms = "/msdyn_paymentterms(msdyn_name='{}',_msdyn_company_value=" + gbsi + ")"
    assert lines(tmp_path / "out" / "differences.jsonl") == [
        {
            "company": "GBSI",
            "key": {"CustomerAccount": "IMP-110143"},
            "finance_row": 1,
            "dataverse_row": 1,
            "columns": [
                {
                    "column": "creditlimit",
                    "direction": "to_dataverse",
                    "finance": 0.0,
                    "dataverse": 2500.0,
                },
                {
                    "column": "msdyn_paymentterm@odata.bind",
                    "direction": "to_dataverse",
                    "finance": terms.format("Net30"),
                    "dataverse": terms.format("Net10"),
                },
                {
                    "column": "CreditLimit",
                    "direction": "to_finance",
                    "finance": 0.0,
                    "dataverse": 2500.0,
                },
                {
                    "column": "PaymentTerms",
                    "direction": "to_finance",
                    "finance": "Net30",
                    "dataverse": "Net10",
                },
            ],
        }
    ]
    assert lines(tmp_path / "out" / "only_in_finance.jsonl") == [
        {"company": "GBSI", "key": {"CustomerAccount": "IMP-910140"}, "row": 2}
    ]
    assert [line["row"] for line in lines(tmp_path / "out" / "repairs" / "payloads.jsonl")] == [
        1,
        2,
    ]
