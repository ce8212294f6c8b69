"""The command line: exit codes, rendered diagnostics, --strict, --check, all-or-nothing writes."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from generator import cli, output
from projects import spec, write_project

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
        "specs/maps/customers_to_accounts.yaml:7:6: error: unknown finance field "
        "'CustomerAcount': Customers has no such column (did you mean 'CustomerAccount'?)",
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


def test_internal_errors_say_so_and_exit_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(layout: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "compile_project", broken)
    assert run(tmp_path, monkeypatch) == 3
    error = capsys.readouterr().err
    assert error.startswith(
        "internal error in the tablemap compiler (a bug, not a problem in your specs)"
    )
    assert "RuntimeError: boom" in error


def test_an_interrupted_run_leaves_only_whole_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_project(tmp_path, spec(GOOD))
    assert run(tmp_path, monkeypatch) == 0
    package = tmp_path / "generated" / "dualwrite_maps"
    before = snapshot(package)
    write_project(tmp_path, spec(GOOD.replace("3]", "2]")) | spec(GOOD, name="second_map"))
    replaced: list[str] = []
    real_replace = os.replace

    def interrupted_after_one_file(source: str, target: str) -> None:
        if replaced:
            raise KeyboardInterrupt
        replaced.append(target)
        real_replace(source, target)

    monkeypatch.setattr(output.os, "replace", interrupted_after_one_file)
    assert run(tmp_path, monkeypatch) == 130
    after = snapshot(package)
    assert [name for name in after if name.endswith(".tmp")] == []
    changed = [name for name in after if after[name] != before.get(name)]
    assert len(changed) == 1
    monkeypatch.undo()
    assert run(tmp_path, monkeypatch, "--check") == 1
    assert run(tmp_path, monkeypatch) == 0
    assert run(tmp_path, monkeypatch, "--check") == 0


def test_diff_of_a_missing_revision_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["diff", "no-such-revision"]) == 2
    assert capsys.readouterr().err == (
        "error: revision 'no-such-revision' does not exist (in a shallow CI clone, fetch it "
        "first: git fetch --depth=1 origin <branch>)\n"
    )
