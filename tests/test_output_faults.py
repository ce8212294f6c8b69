"""Fault injection: each file-system step of a run fails, or the process dies there, in turn.

After each, the outputs are entirely the old ones, or entirely the new ones, or a commit
record says the next run must finish them (``--check`` reports it); the next run repairs it.
"""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from test_output_safety import (
    NEW,
    UNFINISHED,
    check,
    finish_committed_changes,
    project,
    snapshot,
    write,
)

from generator.output import Outcome
from generator.output_journal import Scratch

STEPS = ("open", "write", "fsync", "replace", "unlink", "mkdir", "rmdir")


class Killed(BaseException):
    """The process dying on the spot: no handler of ours catches it, as none runs on SIGKILL."""


def input_output_error() -> OSError:
    return OSError(errno.EIO, os.strerror(errno.EIO))


@contextmanager
def steps_of_a_run(
    monkeypatch: pytest.MonkeyPatch, fail_at: int, fault: Callable[[], BaseException]
) -> Iterator[list[str]]:
    """Count the run's file-system steps; step number ``fail_at`` raises ``fault()``."""
    taken: list[str] = []
    for name in STEPS:
        real = getattr(os, name)

        def step(*arguments: Any, _real: Any = real, _name: str = name, **keywords: Any) -> Any:
            taken.append(_name)
            if len(taken) - 1 == fail_at:
                raise fault()
            return _real(*arguments, **keywords)

        monkeypatch.setattr(os, name, step)
    try:
        yield taken
    finally:
        monkeypatch.undo()


def state(root: Path, old: dict[str, bytes | None], new: dict[str, bytes | None]) -> str:
    if Scratch(root).unfinished():
        return "journaled"
    tree = snapshot(root)
    assert tree in (old, new), "a mix of old and new outputs with no record to finish it"
    return "old" if tree == old else "new"


@pytest.fixture
def trees(tmp_path: Path) -> tuple[Path, dict[str, bytes | None], dict[str, bytes | None]]:
    """A project with the old outputs to copy, its snapshot, and the snapshot of the new."""
    template = tmp_path / "template"
    template.mkdir()
    old = project(template)
    (tmp_path / "new").mkdir()
    return template, old, project(tmp_path / "new", NEW)


def steps(tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    shutil.copytree(template, tmp_path / "count")
    with steps_of_a_run(monkeypatch, -1, input_output_error) as taken:
        write(tmp_path / "count", NEW)
    assert len(taken) > 30, taken
    return len(taken)


def repaired(root: Path, new: dict[str, bytes | None]) -> bool:
    return (
        write(root, NEW)[1].items == [] and snapshot(root) == new and check(root, NEW) == ([], [])
    )


def test_a_kill_at_any_step(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    trees: tuple[Path, dict[str, bytes | None], dict[str, bytes | None]],
) -> None:
    template, old, new = trees
    seen: set[str] = set()
    for step in range(steps(tmp_path, template, monkeypatch)):
        root = tmp_path / f"step-{step}"
        shutil.copytree(template, root)
        with steps_of_a_run(monkeypatch, step, Killed), pytest.raises(Killed):
            write(root, NEW)
        seen.add(state(root, old, new))
        if Scratch(root).unfinished():
            assert check(root, NEW)[1] == [UNFINISHED], step
            finish_committed_changes(root)
            assert snapshot(root) == new, step
        assert repaired(root, new), step
    assert seen == {"old", "journaled", "new"}


def test_a_failure_at_any_step(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    trees: tuple[Path, dict[str, bytes | None], dict[str, bytes | None]],
) -> None:
    template, old, new = trees
    expected = {
        Outcome.UNCHANGED: ("old", ["TM501"]),
        Outcome.UNFINISHED: ("journaled", ["TM501", "TM504"]),
        # A failure while tidying the scratch folder after the last move changes nothing.
        Outcome.WRITTEN: ("new", []),
    }
    seen: set[Outcome] = set()
    for step in range(steps(tmp_path, template, monkeypatch)):
        root = tmp_path / f"step-{step}"
        shutil.copytree(template, root)
        with steps_of_a_run(monkeypatch, step, input_output_error):
            written, diagnostics = write(root, NEW)
        seen.add(written.outcome)
        codes = [diagnostic.code for diagnostic in diagnostics.items]
        assert (state(root, old, new), codes) == expected[written.outcome], step
        if written.outcome is Outcome.UNFINISHED:
            finish_committed_changes(root)
            assert snapshot(root) == new, step
        assert repaired(root, new), step
    assert seen == set(expected)
