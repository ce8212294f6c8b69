"""What the compiler needs installed: the check before any command runs, and the lock's split.

A Python without the packages (the README's `python3` with nothing installed, the venv of
`make generate` for `bulk`) gets a message that says what is missing and how to get it, exit
status 2 and no traceback. The lock's `# compile` lines, all `make generate` installs, are
exactly what the compiler's pyproject dependencies pull in.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import tomllib
import venv
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from generator import messages
from generator.dependencies import COMPILER, DUCKDB, HTTP, LOAD, SPARK

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
SITE = Path(str(metadata.distribution("duckdb").locate_file("")))
ENGINES = [name for name, _ in DUCKDB + SPARK]


@pytest.fixture(scope="module")
def bare_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real interpreter with no package at all: a venv made without pip."""
    folder = tmp_path_factory.mktemp("bare") / "venv"
    venv.create(folder, with_pip=False, symlinks=True)
    return folder / "bin" / "python"


def site_without(folder: Path, hidden: Iterable[str]) -> Path:
    """This venv's site-packages as links, less every file of the ``hidden`` distributions."""
    left_out = {str(path).split("/")[0] for name in hidden for path in metadata.files(name) or []}
    folder.mkdir()
    for entry in SITE.iterdir():
        if entry.name not in left_out and entry.suffix != ".pth":
            (folder / entry.name).symlink_to(entry)
    return folder


def run(python: Path, cwd: Path, *argv: str, path: Path | None = None) -> tuple[int, str, str]:
    search = os.pathsep.join([str(ROOT), *([str(path)] if path else [])])
    done = subprocess.run(
        [str(python), "-m", "generator", *argv],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": search},
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def pins(packages: Iterable[tuple[str, str]]) -> str:
    return ", ".join(f"{name}=={version}" for name, version in packages)


def test_generate_without_the_compilers_packages_says_how_to_get_them(
    bare_python: Path, tmp_path: Path
) -> None:
    for argv in (["generate"], ["diff", "HEAD"]):
        assert run(bare_python, tmp_path, *argv) == (
            2,
            "",
            f"{bare_python}: error[TM510]: "
            + messages.SETUP_COMPILER_MISSING.format(packages=pins(COMPILER))
            + "\n",
        )
    assert messages.SETUP_COMPILER_MISSING.format(packages="black==26.10.1") == (
        "this Python lacks packages the compiler needs (black==26.10.1); run `make generate`, "
        "which creates .venv with them from requirements.lock, then `.venv/bin/python -m "
        "generator ...` (or `pip install .` into a virtual environment)"
    )


def test_bulk_without_the_engines_says_make_engines(bare_python: Path, tmp_path: Path) -> None:
    # The venv `make generate` leaves: the compiler's packages and none of the engines.
    compiler_only = site_without(tmp_path / "site", ENGINES)
    argv = ["bulk", "customers_v3_to_accounts", "--direction", "to-dataverse"]
    argv += ["--input", "customers.jsonl", "--output", "load-1"]
    for engine, missing in (([], DUCKDB), (["--engine", "spark"], DUCKDB + SPARK)):
        assert run(bare_python, tmp_path, *argv, *engine, path=compiler_only) == (
            2,
            "",
            f"{bare_python}: error[TM511]: "
            + messages.SETUP_ENGINES_MISSING.format(packages=pins(missing), command="bulk")
            + "\n",
        )
    reconcile = ["reconcile", "customers_v3_to_accounts", "--finance", "f.csv"]
    assert run(bare_python, tmp_path, *reconcile, path=compiler_only) == (
        2,
        "",
        f"{bare_python}: error[TM511]: "
        + messages.SETUP_ENGINES_MISSING.format(packages=pins(DUCKDB), command="reconcile")
        + "\n",
    )
    assert messages.SETUP_ENGINES_MISSING.format(packages="duckdb==2.0.0", command="bulk") == (
        "this Python lacks packages `bulk` needs (duckdb==2.0.0): run `make engines`, which adds "
        "DuckDB, Spark and the rest of requirements.lock to .venv, then `.venv/bin/python -m "
        "generator bulk ...` (or `pip install '.[bulk]'` into a virtual environment)"
    )
    # The compiler itself runs there.
    status, _, err = run(bare_python, tmp_path, "generate", "--check", path=compiler_only)
    assert (status, "error[TM51" in err) == (1, False)


def test_spark_packages_are_needed_only_for_the_spark_engine(
    bare_python: Path, tmp_path: Path
) -> None:
    without_spark = site_without(tmp_path / "site", [name for name, _ in SPARK])
    status, out, err = run(bare_python, tmp_path, "bulk", "--help", path=without_spark)
    assert (status, out.startswith("usage: python -m generator bulk"), err) == (0, True, "")
    for engine in (["--engine", "spark"], ["--engine=spark"]):
        status, _, err = run(bare_python, tmp_path, "bulk", "m", *engine, path=without_spark)
        assert (status, err.split(": ", 2)[1:]) == (
            2,
            [
                "error[TM511]",
                messages.SETUP_ENGINES_MISSING.format(packages=pins(SPARK), command="bulk") + "\n",
            ],
        )


def test_the_checked_pins_are_pyprojects() -> None:
    assert [f"{name}=={version}" for name, version in COMPILER] == PYPROJECT["dependencies"]
    bulk = PYPROJECT["optional-dependencies"]["bulk"]
    assert sorted(f"{name}=={version}" for name, version in DUCKDB + SPARK) == sorted(bulk)
    load = PYPROJECT["optional-dependencies"]["load"]
    assert sorted(f"{name}=={version}" for name, version in LOAD) == sorted(load)


def _closure(requirements: Iterable[str]) -> dict[str, str]:
    """Every distribution the requirements pull in, by name, with its installed version."""
    found: dict[str, str] = {}
    pending = [Requirement(text) for text in requirements]
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        if name in found:
            continue
        distribution = metadata.distribution(name)
        found[name] = distribution.version
        for text in distribution.requires or []:
            needed = Requirement(text)
            if needed.marker is None or needed.marker.evaluate({"extra": ""}):
                pending.append(needed)
    return found


def _lock(marked: bool) -> dict[str, str]:
    pinned: dict[str, str] = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and ("# compile" in line or not marked):
            name, _, version = line.split("#")[0].strip().partition("==")
            pinned[canonicalize_name(name)] = version
    return pinned


def test_the_compile_lines_of_the_lock_are_the_closure_of_the_compilers_dependencies() -> None:
    assert _lock(marked=True) == _closure(PYPROJECT["dependencies"])
    # The whole lock holds what every extra pulls in (the engines, the loader, the checks).
    extras = [text for group in PYPROJECT["optional-dependencies"].values() for text in group]
    assert _closure(PYPROJECT["dependencies"] + extras).items() <= _lock(marked=False).items()


def _third_party_imports(paths: Iterable[Path]) -> dict[str, str]:
    """Top-level module -> the first file that imports it, for modules outside the stdlib."""
    found: dict[str, str] = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.partition(".")[0]
                if top not in sys.stdlib_module_names and top != "generator":
                    found.setdefault(top, path.relative_to(ROOT).as_posix())
    return found


def test_every_import_of_the_compiler_resolves_to_a_package_it_installs() -> None:
    owners = metadata.packages_distributions()
    # The engines' side: the bulk runs, and reconcile, which runs on them; then the loader.
    sides = [ROOT / "generator" / "bulk", ROOT / "generator" / "reconcile"]
    load = ROOT / "generator" / "load"
    compiler = [
        path
        for path in (ROOT / "generator").rglob("*.py")
        if not any(side in path.parents for side in [*sides, load])
    ]
    marked = _lock(marked=True)
    for module, where in _third_party_imports(compiler).items():
        assert {canonicalize_name(name) for name in owners[module]} <= marked.keys(), where
    engines = _closure(PYPROJECT["dependencies"] + PYPROJECT["optional-dependencies"]["bulk"])
    engine_side = [path for side in sides for path in side.rglob("*.py")]
    for module, where in _third_party_imports(engine_side).items():
        assert {canonicalize_name(name) for name in owners[module]} <= engines.keys(), where
    # The loader: the HTTP client and Entra tokens, and pyarrow for Parquet payloads.
    optional = PYPROJECT["optional-dependencies"]
    loader = _closure(PYPROJECT["dependencies"] + optional["load"] + optional["bulk"])
    for module, where in _third_party_imports(load.rglob("*.py")).items():
        assert {canonicalize_name(name) for name in owners[module]} <= loader.keys(), where


def test_load_without_the_http_client_says_make_engines(bare_python: Path, tmp_path: Path) -> None:
    compiler_only = site_without(tmp_path / "site", [name for name, _ in LOAD])
    argv = ["load", "accounts", "--url", "https://contoso.crm.dynamics.com"]
    assert run(bare_python, tmp_path, *argv, path=compiler_only) == (
        2,
        "",
        f"{bare_python}: error[TM967]: "
        + messages.LOAD_PACKAGES_MISSING.format(packages=pins(HTTP))
        + "\n",
    )
