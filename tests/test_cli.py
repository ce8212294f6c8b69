"""The command line: exit codes, rendered diagnostics, --strict, --check, all-or-nothing writes."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator import cli
from generator.cache import ContentCache
from generator.parallel import JOBS_VARIABLE
from generator.pipeline import Compilation, compile_cached
from generator.source.project import Layout
from projects import spec, write_project

ROOT = Path(__file__).resolve().parent.parent

GOOD = '- [CustomerAccount, "=", accountnumber]\n- [none, ">>", customertypecode, 3]\n'


def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> int:
    monkeypatch.chdir(tmp_path)
    return cli.main(["generate", *arguments])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_errors_render_with_source_line_and_caret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, spec('- [CustomerAcount, "=", accountnumber]\n'))
    assert run(tmp_path, monkeypatch) == 1
    assert capsys.readouterr().err.splitlines()[:3] == [
        "specs/maps/customers_to_accounts.yaml:7:6: error[TM301]: unknown finance field "
        "'CustomerAcount': Customers has no such column (did you mean 'CustomerAccount'?); if "
        "your environment's Customers has it, add it to the schema: `python -m generator schema "
        "import METADATA.xml Customers`",
        '      - [CustomerAcount, "=", accountnumber]',
        "         ^",
    ]
    assert not (tmp_path / "generated").exists()


def test_a_failed_run_leaves_generated_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, spec(GOOD))
    assert run(tmp_path, monkeypatch) == 0
    package = tmp_path / "generated" / "dualwrite_maps"
    before = snapshot(package)
    mtimes = {path.name: path.stat().st_mtime_ns for path in package.iterdir()}
    # A second spec that is fine, and a broken edit of the first: nothing may be written.
    write_project(tmp_path, spec(GOOD, name="second_map"))
    write_project(tmp_path, spec('- [CustomerAccount, "=", accountnumbr]\n'))
    time.sleep(0.01)
    assert run(tmp_path, monkeypatch) == 1
    assert snapshot(package) == before
    assert {path.name: path.stat().st_mtime_ns for path in package.iterdir()} == mtimes


def test_removed_spec_takes_its_module_with_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, spec(GOOD) | spec(GOOD, name="second_map"))
    assert run(tmp_path, monkeypatch) == 0
    package = tmp_path / "generated" / "dualwrite_maps"
    assert (package / "second_map.py").exists()
    (tmp_path / "specs" / "maps" / "second_map.yaml").unlink()
    assert run(tmp_path, monkeypatch) == 0
    assert sorted(snapshot(package)) == [
        "__init__.py",
        "_runtime.py",
        "customers_to_accounts.py",
        "models.py",
        "py.typed",
    ]


def test_check_reports_a_stale_package_with_a_diff(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, spec(GOOD))
    assert run(tmp_path, monkeypatch) == 0
    assert run(tmp_path, monkeypatch, "--check") == 0
    write_project(tmp_path, spec(GOOD.replace("3]", "2]")))
    capsys.readouterr()
    assert run(tmp_path, monkeypatch, "--check") == 1
    output = capsys.readouterr()
    assert (
        '-    payload["customertypecode"] = 3\n+    payload["customertypecode"] = 2\n' in output.out
    )
    assert "generated/dualwrite_maps is stale" in output.err


def test_strict_turns_warnings_into_a_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, spec('- [Name, ">>", name]\n'))
    assert run(tmp_path, monkeypatch) == 0
    assert run(tmp_path, monkeypatch, "--strict") == 1
    assert "(--strict: warnings are errors)" in capsys.readouterr().err


def test_bad_command_line_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        cli.main(["generate", "--no-such-flag"])
    assert exited.value.code == 2


def test_jobs_come_from_the_flag_then_tablemap_jobs_then_the_cpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, spec(GOOD))
    asked: list[int] = []
    real = compile_cached

    def recording(layout: Layout, cache: ContentCache, *, jobs: int) -> Compilation:
        asked.append(jobs)
        return real(layout, cache, jobs=jobs)

    monkeypatch.setattr(cli, "compile_cached", recording)
    monkeypatch.setenv(JOBS_VARIABLE, "2")
    assert run(tmp_path, monkeypatch, "--jobs", "3") == 0
    assert run(tmp_path, monkeypatch) == 0
    monkeypatch.delenv(JOBS_VARIABLE)
    assert run(tmp_path, monkeypatch) == 0
    assert asked == [3, 2, len(os.sched_getaffinity(0))]


# Zero, negative, not a number, and a digit Python's int() would take but is not ASCII.
BAD_JOBS = ["0", "-1", "two", "\u0663"]


def refused(value: str) -> str:
    """What the compiler says of a job count it does not take, wherever it was given."""
    return f"the number of jobs must be a whole number of at least 1, not {value!r}"


@pytest.mark.parametrize("value", BAD_JOBS)
def test_a_bad_job_count_on_the_command_line_exits_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    value: str,
) -> None:
    with pytest.raises(SystemExit) as exited:
        run(tmp_path, monkeypatch, "--jobs", value)
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"python -m generator generate: error: argument -j/--jobs: {refused(value)}"
    )


@pytest.mark.parametrize("value", BAD_JOBS)
def test_a_bad_tablemap_jobs_exits_2_before_anything_runs(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    value: str,
) -> None:
    write_project(tmp_path, spec(GOOD))
    monkeypatch.setenv(JOBS_VARIABLE, value)
    assert run(tmp_path, monkeypatch) == 2
    assert capsys.readouterr().err == (
        f"python -m generator generate: error: TABLEMAP_JOBS: {refused(value)}\n"
    )
    assert not (tmp_path / "generated").exists()


def test_internal_errors_say_so_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(layout: object, cache: object, *, jobs: int) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "compile_cached", broken)
    assert run(tmp_path, monkeypatch) == 3
    error = capsys.readouterr().err
    assert error.startswith(
        "internal error in the tablemap compiler (a bug, not a problem in your specs)"
    )
    assert "RuntimeError: boom" in error


def test_an_interrupted_run_is_finished_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, spec(GOOD))
    assert run(tmp_path, monkeypatch) == 0
    package = tmp_path / "generated" / "dualwrite_maps"
    before = snapshot(package)
    write_project(tmp_path, spec(GOOD.replace("3]", "2]")) | spec(GOOD, name="second_map"))
    replaced: list[str] = []
    real_replace = os.replace

    def interrupted_after_one_move(source: str, target: str) -> None:
        if "cache" in Path(target).parts:
            # The content cache is not part of the run's transaction.
            real_replace(source, target)
            return
        # The first replace commits the run's record, the second moves one file into place.
        if len(replaced) == 2:
            raise KeyboardInterrupt
        replaced.append(target)
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", interrupted_after_one_move)
    assert run(tmp_path, monkeypatch) == 130
    monkeypatch.setattr(os, "replace", real_replace)
    after = snapshot(package)
    assert [name for name in after if after[name] != before.get(name)] == [Path(replaced[1]).name]
    capsys.readouterr()
    assert run(tmp_path, monkeypatch, "--check") == 1
    assert "error[TM504]: an interrupted run left its committed changes unfinished" in (
        capsys.readouterr().err
    )
    assert run(tmp_path, monkeypatch) == 0
    assert run(tmp_path, monkeypatch, "--check") == 0


def test_an_environment_fault_is_an_error_not_a_bug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, spec(GOOD))
    (tmp_path / "generated").write_text("a file, not a folder\n", encoding="utf-8")
    assert run(tmp_path, monkeypatch) == 1
    error = capsys.readouterr().err.splitlines()
    assert "generated: error[TM501]: cannot write it: Not a directory" in error
    assert error[-2].startswith("1 error, ")
    assert error[-1] == "generated/, docs and the spec schema were left unchanged"
    assert not (tmp_path / "docs").exists()


def test_a_full_disk_leaves_the_last_good_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, spec(GOOD))
    assert run(tmp_path, monkeypatch) == 0
    package = tmp_path / "generated" / "dualwrite_maps"
    before = snapshot(package), snapshot(tmp_path / "docs" / "maps")
    write_project(tmp_path, spec(GOOD.replace("3]", "2]")))

    def full(descriptor: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    capsys.readouterr()
    assert run(tmp_path, monkeypatch) == 1
    monkeypatch.setattr(os, "write", os.write)
    error = capsys.readouterr().err
    assert (
        "generated/dualwrite_maps/customers_to_accounts.py: error[TM501]: cannot write it: "
        "No space left on device\n" in error
    )
    assert "Traceback" not in error
    assert (snapshot(package), snapshot(tmp_path / "docs" / "maps")) == before


def test_docs_at_the_project_root_delete_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, spec(GOOD))
    (tmp_path / "README.md").write_text("# Our integration\n", encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    assert run(tmp_path, monkeypatch, "--docs", ".") == 1
    assert "README.md: error[TM503]: not replaced: tablemap did not write it" in (
        capsys.readouterr().err
    )
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# Our integration\n"
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == "[project]\n"
    (tmp_path / "README.md").unlink()
    assert run(tmp_path, monkeypatch, "--docs", ".") == 0
    assert run(tmp_path, monkeypatch, "--docs", ".", "--output", ".") == 0
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == "[project]\n"
    assert (tmp_path / "specs" / "maps" / "customers_to_accounts.yaml").is_file()
    assert (tmp_path / "generated" / "dualwrite_maps" / "__init__.py").is_file()
    assert (tmp_path / "dualwrite_maps" / "__init__.py").is_file()


def test_a_crlf_checkout_is_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, spec(GOOD))
    assert run(tmp_path, monkeypatch) == 0
    # What git writes with core.autocrlf=true when .gitattributes does not pin LF.
    for path in tmp_path.rglob("*"):
        if path.is_file() and ".tablemap" not in path.parts:
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    crlf = {path: path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()}
    assert run(tmp_path, monkeypatch, "--check") == 0
    assert run(tmp_path, monkeypatch) == 0
    project = {
        p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".tablemap" not in p.parts
    }
    assert project == {path: text for path, text in crlf.items() if ".tablemap" not in path.parts}


def pipe_closed_by_its_reader() -> int:
    """The write end of a pipe whose reader has gone, as with ``| head -1`` after one line."""
    reader, writer = os.pipe()
    os.close(reader)
    return writer


@pytest.mark.parametrize(
    "arguments", [["generate", "--check"], ["generate"], ["diff", "HEAD~1"]], ids=" ".join
)
def test_a_closed_pipe_ends_the_run_quietly(tmp_path: Path, arguments: list[str]) -> None:
    write_project(tmp_path, spec(GOOD))
    git = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "one"], check=True)
    write_project(tmp_path, spec(GOOD.replace("3]", "2]")))
    subprocess.run([*git, "commit", "-qam", "two"], check=True)
    stdout = pipe_closed_by_its_reader()
    completed = subprocess.run(
        [sys.executable, "-m", "generator", *arguments],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(stdout)
    assert "Traceback" not in completed.stderr
    assert "BrokenPipeError" not in completed.stderr
    assert completed.returncode == 141


def test_diff_of_a_missing_revision_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["diff", "no-such-revision"]) == 2
    assert capsys.readouterr().err == (
        "no-such-revision: error[TM703]: no such revision in this repository (in a shallow CI "
        "clone, fetch it first: git fetch --depth=1 origin <branch>)\n"
        "1 error, 0 warnings\n"
    )


def test_the_cache_lives_where_tablemap_cache_dir_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project, elsewhere = tmp_path / "project", tmp_path / "ci-cache"
    write_project(project, spec(GOOD))
    monkeypatch.setenv(cli.CACHE_VARIABLE, str(elsewhere))
    assert run(project, monkeypatch) == 0
    # Among the kinds of entry: each module's text, and the whole run's result.
    assert {"module", "run"} <= {path.name for path in elsewhere.iterdir()}
    assert not (project / ".tablemap" / "cache").exists()
    monkeypatch.delenv(cli.CACHE_VARIABLE)
    assert run(project, monkeypatch) == 0
    assert (project / ".tablemap" / "cache").is_dir()
