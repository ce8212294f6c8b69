"""Worker processes for the slow, pure steps of a cold run (black, datamodel-code-generator).

How many: `generate --jobs N`, else TABLEMAP_JOBS, else every CPU this process may run on.
A caller that already keeps every core busy (a test run under pytest-xdist, a build farm
running several projects) sets 1: forking workers that then compete for the same cores only
adds their start-up to the run.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

JOBS_VARIABLE = "TABLEMAP_JOBS"

# Below this many inputs, starting worker processes costs more than it saves.
_PARALLEL_FROM = 8

R = TypeVar("R")


def available_cpus() -> int:
    """The CPUs this process may run on: fewer than the machine has under taskset or a
    container's CPU set, which os.cpu_count() does not see."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def parse_jobs(text: str) -> int:
    """A job count as written on the command line or in TABLEMAP_JOBS: a whole number >= 1."""
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise ValueError(f"the number of jobs must be a whole number of at least 1, not {text!r}")
    return int(text)


def default_jobs() -> int:
    """TABLEMAP_JOBS when it is set (ValueError when it is not a job count), else every CPU."""
    setting = os.environ.get(JOBS_VARIABLE, "")
    if not setting:
        return available_cpus()
    try:
        return parse_jobs(setting)
    except ValueError as problem:
        raise ValueError(f"{JOBS_VARIABLE}: {problem}") from None


def mapped(function: Callable[..., R], *inputs: Sequence[str], jobs: int = 1) -> list[R]:
    """``function`` over ``inputs`` as ``map`` takes them: in up to ``jobs`` worker processes
    when there are enough inputs. ``function`` must be a pure function of its text arguments."""
    if jobs > 1 and len(inputs[0]) >= _PARALLEL_FROM:
        # Forked workers inherit every object of this process: the parsed specs, the plans, the
        # rendered modules. Frozen, those are never walked by the workers' garbage collector,
        # and their memory stays shared instead of being copied page by page as the collector
        # touches it. At 204 specs, the collector's time in a cold run went from 8.5 to 3.8
        # CPU-seconds. A caller that froze objects of its own keeps them frozen: the permanent
        # generation is one, so thawing ours would thaw theirs.
        thaw = gc.get_freeze_count() == 0
        gc.freeze()
        try:
            # Never more workers than inputs: with fork, the pool starts all of them at once.
            with ProcessPoolExecutor(max_workers=min(jobs, len(inputs[0]))) as pool:
                return list(pool.map(function, *inputs))
        finally:
            if thaw:
                gc.unfreeze()
    return list(map(function, *inputs))
