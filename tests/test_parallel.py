"""Worker processes: how many a run starts, that their results are one process's, and that they
inherit this process's objects frozen."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, ClassVar

import pytest

from generator import parallel


class RecordingPool:
    """Stands in for ProcessPoolExecutor: maps in this process and notes how it was made."""

    started: ClassVar[list[int]] = []

    def __init__(self, max_workers: int) -> None:
        self.started.append(max_workers)

    def __enter__(self) -> RecordingPool:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType
    ) -> None:
        return None

    def map(self, function: Callable[..., Any], *inputs: list[str]) -> Iterator[Any]:
        return map(function, *inputs)


def joined(text: str, name: str) -> str:
    return f"{text} of {name}"


@pytest.fixture
def pools(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    started: list[int] = []
    monkeypatch.setattr(RecordingPool, "started", started)
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", RecordingPool)
    return started


@pytest.mark.parametrize(
    ("jobs", "inputs", "workers"),
    [
        pytest.param(1, 50, [], id="one-job-is-this-process"),
        pytest.param(4, 7, [], id="too-few-inputs-for-workers"),
        pytest.param(2, 8, [2], id="enough-inputs"),
        pytest.param(64, 9, [9], id="never-more-workers-than-inputs"),
    ],
)
def test_workers_are_started_for_enough_inputs_and_no_more_than_they_need(
    pools: list[int], jobs: int, inputs: int, workers: list[int]
) -> None:
    texts = [f"text {number}" for number in range(inputs)]
    names = [f"name {number}" for number in range(inputs)]
    assert parallel.mapped(joined, texts, names, jobs=jobs) == [
        f"text {number} of name {number}" for number in range(inputs)
    ]
    assert pools == workers


def test_real_workers_return_the_results_in_input_order() -> None:
    texts = [str(number) * (10 - number) for number in range(10)]
    assert parallel.mapped(str.upper, [f"x{text}" for text in texts], jobs=2) == [
        f"X{text}" for text in texts
    ]


def frozen_objects(text: str) -> int:
    return gc.get_freeze_count()


def test_workers_inherit_this_process_frozen_and_it_is_thawed_after() -> None:
    # The test run froze what collection made (conftest.py): start from nothing frozen.
    gc.unfreeze()
    try:
        counts = parallel.mapped(frozen_objects, [str(number) for number in range(8)], jobs=2)
        assert gc.get_freeze_count() == 0
    finally:
        gc.freeze()
    assert len(counts) == 8
    assert min(counts) > 0


def test_what_the_caller_froze_stays_frozen() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    assert frozen > 0
    parallel.mapped(frozen_objects, [str(number) for number in range(8)], jobs=2)
    assert gc.get_freeze_count() >= frozen


@pytest.mark.parametrize(
    ("setting", "jobs"), [("", len(os.sched_getaffinity(0))), ("3", 3), ("007", 7)]
)
def test_default_jobs_read_tablemap_jobs_else_the_cpus_this_process_may_use(
    monkeypatch: pytest.MonkeyPatch, setting: str, jobs: int
) -> None:
    monkeypatch.setenv(parallel.JOBS_VARIABLE, setting)
    assert parallel.default_jobs() == jobs
