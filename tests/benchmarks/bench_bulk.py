"""Benchmark: rows per second and peak memory of an initial load, Python loop vs the bulk command.

customers_v3_to_accounts to Dataverse over generated CustomersV3 records, the same records in
JSON Lines, in CSV with Data management's staging names (CUSTOMERACCOUNT, ..., DataAreaId)
and in Parquet. The loop is what a script without tablemap's bulk command does: json.loads
each JSON Lines line, the generated mapper, json.dumps to a file. Each contender runs in its
own process, the whole command from start to finish; peak memory is the largest resident set
of that process and its children (Spark's JVM included), sampled from /proc. Run from the
project root:

    .venv/bin/python tests/benchmarks/bench_bulk.py [--rows 1000000] [--skip spark-parquet]

The goals: JSON Lines and CSV at least 10x the loop, Parquet at least 15x, and memory flat in
the input size (run it with a smaller --rows to compare peaks).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[2]
MODULE = "customers_v3_to_accounts"
COMPANIES = {
    "USMF": "5a0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
    "DAT": "6b0f3c4e-1b2d-4e6f-8a9b-0c1d2e3f4a5b",
}
CHUNK = 100_000

PYTHON_LOOP = """
import json, sys
sys.path.insert(0, "generated")
from dualwrite_maps import MappingError, customers_v3_to_accounts as accounts
source, out, companies = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
with open(source, encoding="utf-8") as lines, open(out + "/payloads.jsonl", "w") as payloads, \\
        open(out + "/rejects.jsonl", "w") as rejects:
    for row, line in enumerate(lines):
        record = json.loads(line)
        if accounts.matches_source_filter(record):
            try:
                payload = accounts.finance_to_dataverse(record, companies)
                address = accounts.dataverse_key(record, companies)
            except MappingError as error:
                rejects.write(json.dumps({"row": row, "error": str(error)}) + "\\n")
            else:
                written = {"row": row, "address": address, "payload": payload}
                payloads.write(json.dumps(written) + "\\n")
"""


_ARROW = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
}


def _read_columns() -> dict[str, pa.DataType]:
    """Every column the direction reads, typed as the entity schema says (an export has all)."""
    sys.path.insert(0, str(ROOT))
    from generator.backends.sql.inputs import read_fields
    from generator.bulk.target import load_target
    from generator.diagnostics import Diagnostics
    from generator.plan.model import Direction

    target = load_target(ROOT, MODULE, Diagnostics())
    assert target is not None
    kinds = target.kinds(Direction.TO_DATAVERSE)
    return {
        field.name: _ARROW[kinds[field.name].value]
        for field in read_fields(target.plan, Direction.TO_DATAVERSE)
    }


def generate(path: Path, rows: int) -> None:
    """CustomersV3 records with every column: typical values, the rest null, a few rejects."""
    columns = _read_columns()
    writer = None
    for start in range(0, rows, CHUNK):
        size = min(CHUNK, rows - start)
        numbers = range(start, start + size)
        table = pa.table(
            {
                "dataAreaId": ["usmf" if n % 3 else "dat" for n in numbers],
                "CustomerAccount": [f"US-{n:07d}" for n in numbers],
                "PartyType": ["Organization" if n % 10 else "Person" for n in numbers],
                "SalesCurrencyCode": ["USD" if n % 2 else "EUR" for n in numbers],
                # 1 row in 1,000 rejected: row 1 is an Organization (row 0, a Person, is filtered).
                "OnHoldStatus": ["Bogus" if n % 1000 == 1 else "No" for n in numbers],
                "CreditLimitIsMandatory": ["Yes" if n % 2 else "No" for n in numbers],
                "CreditLimit": [float(n % 50_000) for n in numbers],
                "CustomerGroupId": [f"GRP {n % 20}" for n in numbers],
                "InvoiceAddressCity": ["Zürich" if n % 5 else "New York" for n in numbers],
                "InvoiceAddressStreet": [f"{n % 999} Main St." for n in numbers],
                "PrimaryContactEmail": [f"c{n}@example.com" for n in numbers],
                "PaymentTerms": ["Net30" if n % 4 else "Net 10/2%" for n in numbers],
                "SalesMemo": [None if n % 7 else "Key account" for n in numbers],
            }
        )
        for name, kind in columns.items():
            if name not in table.column_names:
                table = table.append_column(pa.field(name, kind), pa.nulls(size, kind))
        if writer is None:
            writer = pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    assert writer is not None
    writer.close()


def staging_name(name: str) -> str:
    """The Data management export's header for an OData name (its sample: DataAreaId last)."""
    return "DataAreaId" if name == "dataAreaId" else name.upper()


def _cell(value: object) -> str:
    if value is None:
        return ""
    return repr(value) if isinstance(value, float) else str(value)


def write_text_exports(parquet: Path, jsonl: Path, csv_path: Path) -> None:
    """The Parquet records as JSON Lines (every key, null as null) and as a staging CSV."""
    source = pq.ParquetFile(parquet)
    names = source.schema_arrow.names
    with (
        jsonl.open("w", encoding="utf-8") as lines,
        csv_path.open("w", encoding="utf-8", newline="") as table,
    ):
        writer = csv.writer(table)
        writer.writerow([staging_name(name) for name in names])
        for batch in source.iter_batches(batch_size=10_000):
            for record in batch.to_pylist():
                lines.write(json.dumps(record, ensure_ascii=False) + "\n")
                writer.writerow([_cell(record[name]) for name in names])


def _tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and every descendant, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            pages = int(Path(f"/proc/{current}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            pages = 0
        total += pages * os.sysconf("SC_PAGE_SIZE")
        stack.extend(children.get(current, []))
    return total


def measure(command: list[str]) -> tuple[float, int]:
    """Seconds and peak resident bytes (of the process tree) of one command."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.wait(0.1):
            peak = max(peak, _tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    status = process.wait()
    done.set()
    sampler.join()
    if status != 0:
        raise SystemExit(f"failed ({status}): {' '.join(command)}")
    return time.perf_counter() - started, peak


def bulk(source: Path, out: Path, engine: str, companies: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "generator",
        "bulk",
        MODULE,
        "--direction",
        "to-dataverse",
        "--input",
        str(source),
        "--output",
        str(out),
        "--engine",
        engine,
        "--companies",
        str(companies),
        "--quiet",
    ]


CONTENDERS = ("python", "duckdb-jsonl", "duckdb-csv", "duckdb-parquet", "spark-parquet")
GOALS = {"duckdb-jsonl": 10, "duckdb-csv": 10, "duckdb-parquet": 15}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip", action="append", default=[], choices=CONTENDERS)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as name:
        scratch = Path(name)
        inputs = {
            "parquet": scratch / "customers.parquet",
            "jsonl": scratch / "customers.jsonl",
            "csv": scratch / "customers.csv",
        }
        generate(inputs["parquet"], arguments.rows)
        write_text_exports(inputs["parquet"], inputs["jsonl"], inputs["csv"])
        companies = scratch / "companies.json"
        companies.write_text(json.dumps(COMPANIES), encoding="utf-8")
        runs = {
            "python": [
                sys.executable,
                "-c",
                PYTHON_LOOP,
                str(inputs["jsonl"]),
                str(scratch / "python"),
                json.dumps(COMPANIES),
            ]
        }
        for contender in CONTENDERS[1:]:
            engine, format = contender.split("-")
            runs[contender] = bulk(inputs[format], scratch / contender, engine, companies)
        (scratch / "python").mkdir()
        results: dict[str, float] = {}
        sizes = ", ".join(f"{f} {p.stat().st_size / 2**20:,.0f} MiB" for f, p in inputs.items())
        print(f"{arguments.rows:,} CustomersV3 records ({sizes}), {MODULE} to Dataverse")
        print(f"{'contender':<15} {'seconds':>9} {'rows/s':>11} {'peak MiB':>9} {'x loop':>7}")
        for contender, command in runs.items():
            if contender in arguments.skip:
                continue
            seconds, peak = measure(command)
            results[contender] = arguments.rows / seconds
            ratio = results[contender] / results["python"] if "python" in results else 0.0
            print(
                f"{contender:<15} {seconds:>9.1f} {results[contender]:>11,.0f} "
                f"{peak / 2**20:>9.0f} {ratio:>6.1f}x"
            )
        if "python" in results:
            for contender, goal in GOALS.items():
                if contender in results:
                    ratio = results[contender] / results["python"]
                    verdict = "met" if ratio >= goal else "missed"
                    print(f"{contender}: {ratio:.1f}x the loop, goal {goal}x: {verdict}")


if __name__ == "__main__":
    main()
