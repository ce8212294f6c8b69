"""Benchmark: seconds and peak memory of a reconcile of two exports of 1,000,000 rows each.

customers_v3_to_accounts: the CustomersV3 records of bench_bulk.py (every one an
organization) against the accounts Dataverse holds for them, in Parquet, with about 1 % of
the rows differing: 1 in 100 with another on-hold status, 1 in 1,000 missing on each side,
and bench_bulk's 1 in 1,000 that the map rejects. Each engine runs in its own process, as a
user runs the command; peak memory is that of the process tree. Run from the project root:

    .venv/bin/python tests/benchmarks/bench_reconcile.py [--rows 1000000] [--skip spark]

The goal: under 30 s on DuckDB, and memory flat in the input size.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_bulk import COMPANIES, MODULE, ROOT, generate, measure

# The stored value of each Dataverse column the generated F&O records fill; the rest are null.
STORED = {
    "accountnumber": "CASE WHEN n % 1000 = 3 THEN 'DV-' || n ELSE CustomerAccount END",
    "msdyn_company": "struct_pack(cdm_companycode := upper(dataAreaId))",
    "transactioncurrencyid": "struct_pack(isocurrencycode := SalesCurrencyCode)",
    "msdyn_onholdstatus": "CASE WHEN n % 100 = 7 THEN 806380002 ELSE 806380000 END",
    "msdyn_creditlimitismandatory": "CreditLimitIsMandatory = 'Yes'",
    "creditlimit": "CreditLimit",
    "msdyn_customergroupid": "struct_pack(msdyn_groupid := CustomerGroupId)",
    "address2_city": "InvoiceAddressCity",
    "address2_line1": "InvoiceAddressStreet",
    "emailaddress1": "PrimaryContactEmail",
    "msdyn_paymentterm": "struct_pack(msdyn_name := PaymentTerms)",
    "description": "SalesMemo",
    "customertypecode": "3",
    "address1_addresstypecode": "2",
}
_SQL = {"string": "VARCHAR", "integer": "BIGINT", "number": "DOUBLE", "boolean": "BOOLEAN"}


def dataverse_columns() -> dict[str, str]:
    """Every column the reconcile reads from the Dataverse export, as a DuckDB type."""
    sys.path.insert(0, str(ROOT))
    from generator.bulk.target import load_target
    from generator.diagnostics import Diagnostics
    from generator.plan.model import Direction
    from generator.reconcile.columns import comparison

    target = load_target(ROOT, MODULE, Diagnostics())
    assert target is not None
    compared = comparison(target.plan, target.finance, target.dataverse)
    assert compared is not None
    kinds = target.kinds(Direction.TO_FINANCE)
    return {
        field.name: (
            f'STRUCT("{field.nested_key}" VARCHAR)'
            if field.nested_key
            else _SQL.get(kinds[field.name].value, "VARCHAR")
        )
        for field in compared.fields(Direction.TO_FINANCE)
    }


def exports(scratch: Path, rows: int) -> tuple[Path, Path]:
    generated = scratch / "generated.parquet"
    generate(generated, rows)
    finance, dataverse = scratch / "customers.parquet", scratch / "accounts.parquet"
    connection = duckdb.connect()
    connection.execute(
        f"CREATE VIEW customers AS SELECT * REPLACE ('Organization' AS PartyType), "
        f"file_row_number AS n FROM read_parquet('{generated}', file_row_number = true)"
    )
    connection.execute(
        f"COPY (SELECT * EXCLUDE (n, file_row_number) FROM customers) TO '{finance}' (FORMAT parquet)"
    )
    columns = ", ".join(
        f'CAST({STORED.get(name, "NULL")} AS {kind}) AS "{name}"'
        for name, kind in dataverse_columns().items()
    )
    connection.execute(f"COPY (SELECT {columns} FROM customers) TO '{dataverse}' (FORMAT parquet)")
    generated.unlink()
    return finance, dataverse


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip", action="append", default=[], choices=("duckdb", "spark"))
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-reconcile-") as name:
        scratch = Path(name)
        finance, dataverse = exports(scratch, arguments.rows)
        companies = scratch / "companies.json"
        companies.write_text(json.dumps(COMPANIES), encoding="utf-8")
        print(f"{arguments.rows:,} CustomersV3 rows against {arguments.rows:,} accounts, {MODULE}")
        print(f"{'engine':<8} {'seconds':>9} {'peak MiB':>9}  outcome")
        for engine in ("duckdb", "spark"):
            if engine in arguments.skip:
                continue
            out = scratch / engine
            seconds, peak = measure(
                [
                    *(sys.executable, "-m", "generator", "reconcile", MODULE),
                    *("--finance", str(finance), "--dataverse", str(dataverse)),
                    *("--output", str(out), "--companies", str(companies), "--quiet"),
                    *("--engine", engine),
                ]
            )
            summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
            counts = ", ".join(
                f"{summary[key]:,} {key}"
                for key in ("paired", "different", "only_in_finance", "only_in_dataverse")
            )
            print(f"{engine:<8} {seconds:>9.1f} {peak / 2**20:>9.0f}  {counts}")
        if "duckdb" not in arguments.skip:
            print("goal: DuckDB under 30 s")


if __name__ == "__main__":
    main()
