"""Inputs a bulk run must refuse or write out strictly: a company directory with a code of no
GUID or of two, numbers JSON has no token for, and a Spark master that can't be used."""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_bulk_command import ROWS

from generator.bulk import command
from projects import build_package, spec

ROOT = Path(__file__).resolve().parent.parent
USMF = "5a0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b"
OTHER = "6b1e4d5f-2c3e-4f70-9bac-1d2e3f4a5b6c"
NUMBERS = ROWS + '- [CREDITLIMIT, "=", creditlimit]\n'


def striped(tmp_path: Path, directory: str) -> tuple[int, Path]:
    """customers_v3_to_accounts (company lookups) with the directory file's text."""
    source = tmp_path / "in.jsonl"
    record = {"dataAreaId": "usmf", "CustomerAccount": "A", "PartyType": "Organization"}
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    companies = tmp_path / "companies.json"
    companies.write_text(directory, encoding="utf-8")
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    arguments = parser.parse_args(
        [
            *("customers_v3_to_accounts", "--direction", "to-dataverse", "--input", str(source)),
            *("--output", str(tmp_path / "out"), "--companies", str(companies), "--quiet"),
            *("--root", str(ROOT)),
        ]
    )
    return command.run(arguments), companies


def response(*rows: tuple[str, object]) -> str:
    """The JSON of GET cdm_companies?$select=cdm_companyid,cdm_companycode, as the Web API
    writes it: the context, and each row's etag."""
    return json.dumps(
        {
            "@odata.context": "https://contoso.crm.dynamics.com/api/data/v9.2/$metadata"
            "#cdm_companies(cdm_companyid,cdm_companycode)",
            "value": [
                {"@odata.etag": f'W/"{n}"', "cdm_companyid": guid, "cdm_companycode": code}
                for n, (code, guid) in enumerate(rows, start=1000)
            ],
        }
    )


@pytest.mark.parametrize(
    ("directory", "problem"),
    [
        ('{"USMF": null}', "company 'USMF': null is not a cdm_companyid (a GUID)"),
        (
            '{"USMF": "not-a-guid"}',
            "company 'USMF': \"not-a-guid\" is not a cdm_companyid (a GUID)",
        ),
        (
            f'{{"USMF": "{USMF}", "USMF": "{OTHER}"}}',
            f'\'USMF\' is given twice, as "{USMF}" and "{OTHER}"',
        ),
        (
            f'{{"USMF": "{USMF}", "usmf": "{OTHER}"}}',
            f"company 'usmf' is given twice, as {USMF} ('USMF') and {OTHER} ('usmf'); company "
            "codes match whatever their case",
        ),
        (
            response(("USMF", USMF), ("usmf", OTHER)),
            f"company 'usmf' is given twice, as {USMF} ('USMF') and {OTHER} ('usmf'); company "
            "codes match whatever their case",
        ),
        (response(("USMF", None)), "company 'USMF': null is not a cdm_companyid (a GUID)"),
        (
            json.dumps({"value": [], "@odata.nextLink": "https://contoso/api/data/v9.2/next"}),
            "the response is one page of several (it has @odata.nextLink): give all the "
            "companies in one response or as one {code: cdm_companyid} object",
        ),
    ],
)
def test_a_company_directory_with_a_code_of_no_guid_or_of_two_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], directory: str, problem: str
) -> None:
    status, companies = striped(tmp_path, directory)
    assert status == 1
    assert capsys.readouterr().err.strip() == (
        f"{companies}: error[TM909]: can't use the company directory: {problem}"
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    "directory",
    [
        f'{{"USMF": "{USMF}", "usmf": "{USMF.upper()}"}}',
        response(("USMF", USMF), ("DAT", OTHER)),
    ],
)
def test_a_good_directory_in_either_shape_maps_the_rows(tmp_path: Path, directory: str) -> None:
    """The same GUID twice, in two cases, is one company; the response's context and etags
    are not companies."""
    assert striped(tmp_path, directory)[0] == 0
    lines = (tmp_path / "out" / "payloads.jsonl").read_text(encoding="utf-8").splitlines()
    payload = json.loads(lines[0])["payload"]
    assert payload["msdyn_company@odata.bind"] == "/cdm_companies(cdm_companycode='USMF')"


def strict(text: str) -> object:
    def refuse(token: str) -> object:
        raise ValueError(f"not JSON: {token}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_rejected_numbers_json_has_no_token_for_are_written_as_strings(
    tmp_path: Path, engine: str
) -> None:
    """Every reject line parses strictly; its message is the Python mapper's."""
    maps = build_package(tmp_path, spec(NUMBERS))
    mapper = importlib.import_module(f"{maps.__name__}.customers_to_accounts")
    source = tmp_path / "in.jsonl"
    # Python's json module reads and writes these tokens, as some exporters do.
    source.write_text(
        "".join(
            json.dumps({"CustomerAccount": f"A{n}", "CreditLimit": value}) + "\n"
            for n, value in enumerate([math.nan, math.inf, -math.inf, 1.5])
        ),
        encoding="utf-8",
    )
    parser = argparse.ArgumentParser()
    command.add_arguments(parser)
    arguments = parser.parse_args(
        [
            *("customers_to_accounts", "--direction", "to-dataverse", "--input", str(source)),
            *("--output", str(tmp_path / "out"), "--engine", engine, "--quiet"),
            *("--root", str(tmp_path)),
        ]
    )
    assert command.run(arguments) == 0
    text = (tmp_path / "out" / "rejects.jsonl").read_text(encoding="utf-8")
    expected = []
    for row, value in enumerate([math.nan, math.inf, -math.inf]):
        with pytest.raises(mapper.MappingError) as error:
            mapper.finance_to_dataverse({"CustomerAccount": f"A{row}", "CreditLimit": value})
        shown = {"row": row, "field": "CreditLimit", "value": json.dumps(value)}
        expected.append(shown | {"error": str(error.value)})
    assert [strict(line) for line in text.split("\n")[:-1]] == expected
    assert [reject["value"] for reject in expected] == ["NaN", "Infinity", "-Infinity"]


@pytest.mark.spark
@pytest.mark.parametrize(
    ("master", "cause"),
    [
        # Refused by spark-submit, whose JVM exits before the session exists.
        ("nonsense", "Master must either be yarn or start with spark, mesos, k8s, or local"),
        # Refused by the SparkContext, in a JVM that started.
        ("local[two]", "Could not parse Master URL: 'local[two]'"),
    ],
)
def test_a_bad_spark_master_is_one_line_with_its_cause_and_no_trace(
    tmp_path: Path, master: str, cause: str
) -> None:
    build_package(tmp_path, spec(ROWS))
    source = tmp_path / "in.jsonl"
    source.write_text('{"CustomerAccount": "A"}\n', encoding="utf-8")
    completed = subprocess.run(
        [
            *(sys.executable, "-m", "generator", "bulk", "customers_to_accounts"),
            *("--direction", "to-dataverse", "--input", str(source), "--engine", "spark"),
            *("--output", str(tmp_path / "out"), "--master", master, "--quiet"),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    assert (completed.returncode, completed.stdout, completed.stderr) == (
        1,
        "",
        f"{source}: error[TM907]: the spark engine failed: {cause}\n",
    )
    assert not (tmp_path / "out").exists()
