"""Runs at the same time: they take turns on the project's lock and the last one's tree stands."""

from __future__ import annotations

import fcntl
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

from generator.source.project import Layout
from projects import compile_cached_in_tests, spec, write_project

ROOT = Path(__file__).resolve().parent.parent
GOOD = '- [CustomerAccount, "=", accountnumber]\n- [none, ">>", customertypecode, 3]\n'
# A safety net so a broken lock fails the test instead of hanging it; nothing is timed.
PATIENCE = 120


def generate(root: Path, *arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "generate", *arguments],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def tree(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for folder in ("generated", "docs")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file()
    }


def spec_set(root: Path, name: str, files: dict[str, str]) -> dict[str, str]:
    """Write a complete specs folder ``name`` and return the tree a run with it produces."""
    scratch = root / f"{name}-scratch"
    write_project(scratch, files)
    shutil.move(scratch / "specs", root / name)
    shutil.rmtree(scratch)
    result = compile_cached_in_tests(Layout(root, Path(name)))
    assert result.diagnostics.errors == []
    return (
        {f"generated/dualwrite_maps/{n}": text for n, text in result.files.items()}
        | {f"generated/sql/{n}": text for n, text in result.sql.items()}
        | {f"docs/maps/{n}": text for n, text in result.docs.items()}
    )


def test_overlapping_runs_leave_one_runs_whole_output(tmp_path: Path) -> None:
    first = spec_set(tmp_path, "specs_a", spec(GOOD))
    second = spec_set(
        tmp_path, "specs_b", spec(GOOD.replace("3]", "2]")) | spec(GOOD, name="second_map")
    )
    runs = [generate(tmp_path, "--specs", f"specs_{'ab'[number % 2]}") for number in range(3)]
    for run in runs:
        _, err = run.communicate(timeout=PATIENCE)
        assert (run.returncode, "Traceback" in err) == (0, False), err
    assert tree(tmp_path) in (first, second)
    # No run's staging folder is left behind: only the ignore file and the lock (the tests'
    # runs keep their cache in TABLEMAP_CACHE_DIR).
    assert sorted(path.name for path in (tmp_path / ".tablemap").iterdir()) == [
        ".gitignore",
        "lock",
    ]


def test_a_run_waits_for_the_lock_holder(tmp_path: Path) -> None:
    expected = spec_set(tmp_path, "specs", spec(GOOD))
    (tmp_path / ".tablemap").mkdir()
    with (tmp_path / ".tablemap" / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        run = generate(tmp_path)
        assert run.stderr is not None
        ready, _, _ = select.select([run.stderr], [], [], PATIENCE)
        assert ready, "the run neither waited nor finished"
        assert run.stderr.readline() == (
            "waiting for another tablemap run to finish (it holds .tablemap/lock)\n"
        )
        assert not (tmp_path / "generated").exists()
    _, err = run.communicate(timeout=PATIENCE)
    assert run.returncode == 0, err
    assert tree(tmp_path) == expected
