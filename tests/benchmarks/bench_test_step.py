"""Benchmark: wall time of the first test step of `make test` (`make pytest-parallel`).

The step runs every test but the Spark ones on every core. Its goal is under 15 s on the
project's 2-vCPU machine. The step is CPU-bound, so its time follows how much CPU the VM gets:
the same work has taken 25 to 36 CPU-seconds within one hour. The CPU-seconds of each run are
printed beside its wall time for that reason. One untimed run comes first, as a developer's
second `make test` would find the bytecode caches written. Run from the project root:

    .venv/bin/python tests/benchmarks/bench_test_step.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GOAL = 15.0


def run_step() -> tuple[float, float]:
    """Wall seconds and CPU-seconds (every process of the step) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # `make bench` runs this script: the inner make must not take the outer one's flags.
    subprocess.run(
        ["make", "--no-print-directory", "--silent", "pytest-parallel"],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        env={**os.environ, "MAKEFLAGS": ""},
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs (default 5)")
    runs = parser.parse_args().runs
    first_wall, first_cpu = run_step()
    timed = [run_step() for _ in range(runs)]
    walls = [wall for wall, _ in timed]
    median = statistics.median(walls)
    print(f"Test step (make pytest-parallel), s of wall time; goal under {GOAL:.0f} s")
    print(f"untimed first run   {first_wall:5.1f} ({first_cpu:.0f} CPU-s)")
    for number, (wall, cpu) in enumerate(timed, start=1):
        print(f"run {number}               {wall:5.1f} ({cpu:.0f} CPU-s)")
    print(
        f"median {median:.1f}, best {min(walls):.1f}, worst {max(walls):.1f}: "
        f"{'met' if median < GOAL else 'not met'} by the median, "
        f"{sum(wall < GOAL for wall in walls)} of {runs} runs under {GOAL:.0f} s"
    )


if __name__ == "__main__":
    main()
