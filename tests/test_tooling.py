"""The tooling around the compiler: the Makefile's venv, the pre-commit hooks, .gitattributes."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def make_dry_run(root: Path, *arguments: str) -> list[str]:
    """The commands ``make`` would run, unaffected by a ``make`` this test may run under."""
    outer = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    completed = subprocess.run(
        ["make", "--no-print-directory", "-n", "PYTHON=python3", *arguments],
        cwd=root,
        env={name: value for name, value in os.environ.items() if name not in outer},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout.splitlines()


def test_a_deleted_interpreter_rebuilds_the_venv(tmp_path: Path) -> None:
    for name in ("Makefile", "requirements.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    lock = hashlib.sha256((tmp_path / "requirements.lock").read_bytes()).hexdigest()[:12]
    interpreter = tmp_path / ".venv" / "bin" / "python"
    interpreter.parent.mkdir(parents=True)
    interpreter.write_text("#!/bin/sh\n", encoding="utf-8")
    interpreter.chmod(0o755)
    (tmp_path / ".venv" / f".installed-{lock}").touch()
    assert make_dry_run(tmp_path, "check") == [".venv/bin/python -m generator generate --check"]
    interpreter.unlink()
    assert make_dry_run(tmp_path, "check") == [
        "rm -rf .venv",
        "python3 -m venv .venv",
        ".venv/bin/python -m pip install --quiet --disable-pip-version-check "
        "--requirement requirements.lock",
        f"touch .venv/.installed-{lock}",
        ".venv/bin/python -m generator generate --check",
    ]


def test_the_breaking_hook_runs_through_the_makefile() -> None:
    hooks = {
        hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    }
    assert hooks["tablemap-breaking"]["entry"] == "make breaking BASE=origin/main"
    assert hooks["tablemap-check"]["entry"] == "make check"
    assert make_dry_run(ROOT, "breaking", "BASE=origin/release")[-1] == (
        ".venv/bin/python -m generator diff origin/release --fail-on-breaking"
    )


def git(*arguments: str) -> None:
    identity = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run(["git", *identity, *arguments], check=True, capture_output=True)


def test_generated_files_stay_lf_in_an_autocrlf_clone(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    for relative in (
        "generated/dualwrite_maps/a.py",
        "docs/maps/a.md",
        "specs/maps/a.yaml",
        "tests/golden/a/case.json",
        "notes.txt",
    ):
        (origin / relative).parent.mkdir(parents=True, exist_ok=True)
        (origin / relative).write_bytes(b"one\ntwo\n")
    shutil.copy(ROOT / ".gitattributes", origin / ".gitattributes")
    git("init", "-q", str(origin))
    git("-C", str(origin), "add", ".")
    git("-C", str(origin), "commit", "-qm", "files")
    git("-c", "core.autocrlf=true", "clone", "-q", str(origin), str(tmp_path / "clone"))
    clone = tmp_path / "clone"
    endings = {
        path.relative_to(clone).as_posix(): path.read_bytes()
        for path in clone.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(clone).parts
    }
    assert endings.pop(".gitattributes").startswith(b"# ")
    assert endings == {
        "generated/dualwrite_maps/a.py": b"one\ntwo\n",
        "docs/maps/a.md": b"one\ntwo\n",
        "specs/maps/a.yaml": b"one\ntwo\n",
        "tests/golden/a/case.json": b"one\ntwo\n",
        # Files the attributes leave alone get what autocrlf gives: proof the clone converts.
        "notes.txt": b"one\r\ntwo\r\n",
    }
