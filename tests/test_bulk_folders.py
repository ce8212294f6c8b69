"""A bulk run's output folder is replaced whole, by one run at a time, and nothing of a failed
or killed run stays behind: not its staging folder beside DIR, nor its scratch in TMPDIR."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from test_bulk_command import RECORDS, ROWS, bulk, lines, write_jsonl

from generator.bulk import folders
from projects import build_package, spec

ROOT = Path(__file__).resolve().parent.parent
# A safety net so a run that never starts fails the test instead of hanging it; nothing is timed.
PATIENCE = 120


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    build_package(tmp_path, spec(ROWS))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    return tmp_path


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def beside(project: Path) -> list[str]:
    """What a run leaves beside the output folder and in TMPDIR: nothing, once it is over."""
    left = [path.name for path in project.iterdir() if path.name.startswith(".out")]
    return sorted(left + [path.name for path in (project / "tmp").iterdir()])


def test_a_run_replaces_the_whole_folder_so_no_file_of_an_older_run_stays(
    project: Path,
) -> None:
    source = write_jsonl(project / "in.jsonl", RECORDS)
    assert bulk(project, source) == 0
    (project / "out" / "load").mkdir()  # a loader's journal of the old payloads
    (project / "out" / "load" / "journal.jsonl").write_text("{}\n", encoding="utf-8")
    assert bulk(project, source, "--format", "parquet") == 0
    assert sorted(tree(project / "out")) == ["payloads.parquet", "rejects.jsonl", "summary.json"]
    assert beside(project) == []


def test_a_folder_of_other_files_is_refused_and_kept(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "out").mkdir()
    (project / "out" / "payloads.jsonl").write_text("mine\n", encoding="utf-8")
    (project / "out" / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert bulk(project, write_jsonl(project / "in.jsonl", RECORDS)) == 1
    assert capsys.readouterr().err.strip() == (
        f"{project / 'out'}: error[TM911]: won't replace the output folder, which a run replaces "
        f"whole: {project / 'out'} holds 'notes.txt', which no bulk run writes; give a new or "
        "empty folder, or a bulk run's output"
    )
    assert tree(project / "out") == {"notes.txt": b"mine\n", "payloads.jsonl": b"mine\n"}
    assert beside(project) == []


def test_a_second_run_is_refused_while_the_first_holds_the_folder(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write_jsonl(project / "in.jsonl", RECORDS)
    assert bulk(project, source) == 0
    before = tree(project / "out")
    lock = project / ".out.lock"
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write("4242\n")
        held.flush()
        assert bulk(project, source, "--format", "parquet") == 1
        assert capsys.readouterr().err.strip() == (
            f"{project / 'out'}: error[TM910]: another run (pid 4242) is using this output "
            f"folder (it holds {lock}): a bulk or reconcile run writes it, a load reads it; run "
            "again when it has finished"
        )
        assert tree(project / "out") == before
        assert lock.read_text(encoding="utf-8") == "4242\n"


def test_the_lock_of_a_dead_run_is_taken_over(project: Path) -> None:
    """A killed run's lock file stays, but no process holds it any more."""
    (project / ".out.lock").write_text("999999\n", encoding="utf-8")
    assert bulk(project, write_jsonl(project / "in.jsonl", RECORDS)) == 0
    assert len(lines(project / "out" / "payloads.jsonl")) == 3
    assert beside(project) == []


def test_a_full_disk_is_reported_and_the_old_output_stays_whole(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The payloads fail to write as they would on a full disk; the traceback that carries
    the error still holds slices of the write buffer as it is closed."""
    source = write_jsonl(project / "in.jsonl", RECORDS)
    assert bulk(project, source) == 0
    before = tree(project / "out")

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with monkeypatch.context() as patched:
        patched.setattr(os, "write", full)
        assert bulk(project, source) == 1
    assert capsys.readouterr().err.strip() == (
        f"{project / 'out'}: error[TM905]: can't write the output: [Errno 28] No space left on "
        "device; nothing was written"
    )
    assert tree(project / "out") == before
    assert beside(project) == []


def test_a_run_into_a_live_runs_folder_is_refused_and_a_killed_runs_leftovers_are_deleted(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The first run reads its input from a pipe that is never closed, so it stays in the
    middle of reading, its staging and scratch folders made, until it is killed. The next
    run deletes what it left, but not a live run's scratch."""
    fifo = project / "in.jsonl"
    os.mkfifo(fifo)
    killed = subprocess.Popen(
        [
            *(sys.executable, "-m", "generator", "bulk", "customers_to_accounts"),
            *("--direction", "to-dataverse", "--input", str(fifo), "--output", "out"),
            "--quiet",
        ],
        cwd=project,
        env={**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(project / "tmp")},
    )
    # Read and written, the pipe never blocks this end, whether or not the run opened it.
    feed = os.open(fifo, os.O_RDWR)
    try:
        os.write(feed, (json.dumps(RECORDS[0]) + "\n").encode("utf-8"))
        deadline = time.monotonic() + PATIENCE
        while not list((project / "tmp").glob("tablemap-bulk-*/work.duckdb")):
            assert time.monotonic() < deadline and killed.poll() is None, "the run never started"
            time.sleep(0.05)
        assert bulk(project, write_jsonl(project / "other.jsonl", RECORDS)) == 1
        assert capsys.readouterr().err.strip() == (
            f"{project / 'out'}: error[TM910]: another run (pid {killed.pid}) is using this "
            f"output folder (it holds {project / '.out.lock'}): a bulk or reconcile run writes "
            "it, a load reads it; run again when it has finished"
        )
        killed.send_signal(signal.SIGKILL)
        killed.wait()
    finally:
        os.close(feed)
    left = [re.sub("[0-9a-f]{12}$", "HEX", name) for name in beside(project)]
    assert [name for name in left if name.startswith(".out")] == [".out.HEX", ".out.lock"]
    assert len([name for name in left if name.startswith("tablemap-bulk-")]) == 1
    # A live run's scratch: its lock is held.
    live = project / "tmp" / "tablemap-bulk-live"
    live.mkdir()
    with (live / "lock").open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        fifo.unlink()
        assert bulk(project, write_jsonl(project / "in.jsonl", RECORDS)) == 0
        assert beside(project) == ["tablemap-bulk-live"]
    assert len(lines(project / "out" / "payloads.jsonl")) == 3


def test_a_scratch_folder_not_yet_locked_is_left_alone(tmp_path: Path) -> None:
    """A run makes its scratch folder, then its lock: between the two, the folder is young."""
    young = tmp_path / f"{folders.SCRATCH_PREFIX}young"
    young.mkdir()
    (tmp_path / f"{folders.SCRATCH_PREFIX}dead").mkdir()
    (tmp_path / f"{folders.SCRATCH_PREFIX}dead" / "lock").write_bytes(b"")
    folders._delete_if_dead(young)
    folders._delete_if_dead(tmp_path / f"{folders.SCRATCH_PREFIX}dead")
    assert sorted(path.name for path in tmp_path.iterdir()) == [f"{folders.SCRATCH_PREFIX}young"]
