"""Benchmark: rows per second of `python -m generator load` into the Web API fake.

100,000 accounts (customers_v3_to_accounts payloads, each binding its company) are loaded into
the fake, which runs in its own process with a fixed latency per request (50 ms) and its
concurrency limit (52 in flight). The loader is a whole process from start to finish, the
project's compilation included. Run from the project root:

    .venv/bin/python tests/benchmarks/bench_load.py [--rows 100000] [--latency 0.05]

It prints rows per second beside the ceiling (limit x rows per request / latency) and the CPU
seconds of the loader and of the fake. The goal: within 80 % of the ceiling, or the loader's
CPU the only bottleneck, at no less than 20,000 rows per second.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.load_folders import write_folder  # noqa: E402

TOKEN = "bench-token"
LIMIT = 52
BATCH = 1000
GOAL = 20_000


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start_fake(latency: float) -> tuple[subprocess.Popen[str], str]:
    fake = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.dataverse",
            "--token",
            TOKEN,
            "--companies",
            "USMF",
            "--latency",
            str(latency),
            "--max-concurrent",
            str(LIMIT),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert fake.stdout is not None
    line = fake.stdout.readline()
    url = line.split(" listening on ", 1)[1].split()[0]
    return fake, url


def _companies(url: str) -> dict[str, str]:
    response = httpx.get(
        f"{url}/api/data/v9.2/cdm_companies?$select=cdm_companyid,cdm_companycode",
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    response.raise_for_status()
    return {row["cdm_companycode"]: row["cdm_companyid"] for row in response.json()["value"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.05)
    arguments = parser.parse_args()
    fake, url = _start_fake(arguments.latency)
    try:
        companies = _companies(url)
        customers = [
            {
                "dataAreaId": "usmf",
                "CustomerAccount": f"B-{n:07}",
                "PartyType": "Organization",
                "CreditLimit": n % 10_000,
                "SalesMemo": f"customer {n}",
            }
            for n in range(arguments.rows)
        ]
        with tempfile.TemporaryDirectory(prefix="tablemap-bench-load-") as scratch:
            folder = write_folder(
                Path(scratch) / "accounts", "customers_v3_to_accounts", customers, companies
            )
            fake_before = _cpu_seconds(fake.pid)
            started = time.perf_counter()
            loader = subprocess.Popen(
                [sys.executable, "-m", "generator", "load", str(folder), "--url", url, "--quiet"],
                cwd=ROOT,
                env={**os.environ, "TABLEMAP_ACCESS_TOKEN": TOKEN},
            )
            _, status, usage = os.wait4(loader.pid, 0)
            seconds = time.perf_counter() - started
            fake_cpu = _cpu_seconds(fake.pid) - fake_before
            summary = json.loads((folder / "load" / "summary.json").read_text())
    finally:
        fake.terminate()
        fake.wait()
    if status != 0 or summary["upserted"] != arguments.rows:
        raise SystemExit(f"the load failed (status {status}): {summary}")
    loader_cpu = usage.ru_utime + usage.ru_stime
    rate = arguments.rows / seconds
    ceiling = LIMIT * BATCH / arguments.latency
    print(
        f"{arguments.rows:,} accounts into the fake: {arguments.latency * 1000:.0f} ms a request, "
        f"at most {LIMIT} in flight, {BATCH:,} rows a request"
    )
    print(
        f"{'seconds':>8} {'rows/s':>9} {'ceiling':>10} {'of ceiling':>10} "
        f"{'loader CPU s':>12} {'fake CPU s':>10} {'requests':>8} {'retries':>7}"
    )
    print(
        f"{seconds:>8.1f} {rate:>9,.0f} {ceiling:>10,.0f} {rate / ceiling:>10.1%} "
        f"{loader_cpu:>12.1f} {fake_cpu:>10.1f} {summary['requests']:>8} {summary['retries']:>7}"
    )
    loader_bound = loader_cpu >= 0.8 * seconds
    met = rate >= 0.8 * ceiling or (loader_bound and rate >= GOAL)
    print(
        f"goal (80 % of the ceiling, or the loader's CPU the bottleneck at {GOAL:,} rows/s): "
        f"{'met' if met else 'missed'}; the loader was busy {loader_cpu / seconds:.0%} of the "
        f"time, the fake {fake_cpu / seconds:.0%}"
    )


if __name__ == "__main__":
    main()
