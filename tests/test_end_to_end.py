"""The golden-record project: specs/ regenerated must equal generated/ and docs/ byte for byte."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from test_golden import SHIPPED

from generator.cache import CACHE_VARIABLE
from generator.pipeline import PACKAGE, Compilation
from generator.plan.model import Direction

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated" / PACKAGE
# The checks that used to assume exactly the shipped templates.
CHECKS_OF_THE_TEMPLATE_SET = (
    "tests/test_golden.py",
    "tests/test_end_to_end.py::test_the_package_imports_with_the_standard_library_only",
    "tests/test_end_to_end.py::test_every_module_has_the_public_api",
    "tests/test_importer.py::test_generated_pages_import_back_to_their_specs",
)


def test_generated_package_is_what_the_specs_produce(shipped: Compilation) -> None:
    assert shipped.diagnostics.errors == []
    on_disk = {
        path.name: path.read_text(encoding="utf-8")
        for path in GENERATED.iterdir()
        if path.is_file()
    }
    assert sorted(on_disk) == sorted(shipped.files)
    for name, text in shipped.files.items():
        assert on_disk[name] == text, f"{name} is stale: run make generate"
    docs = ROOT / "docs" / "maps"
    assert {path.name: path.read_text(encoding="utf-8") for path in docs.iterdir()} == shipped.docs
    sql = ROOT / "generated" / "sql"
    assert {path.name: path.read_text(encoding="utf-8") for path in sql.iterdir()} == shipped.sql


def test_outputs_name_no_path_and_no_time(shipped: Compilation) -> None:
    for text in [*shipped.files.values(), *shipped.sql.values(), *shipped.docs.values()]:
        assert str(ROOT) not in text
        assert "timestamp" not in text.lower()


def test_the_package_imports_with_the_standard_library_only(tmp_path: Path) -> None:
    # -I -S: no site-packages, no user paths; the vendored copy gets a different name.
    vendored = tmp_path / "our_maps"
    vendored.mkdir()
    for path in GENERATED.iterdir():
        if path.is_file():
            (vendored / path.name).write_bytes(path.read_bytes())
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import our_maps; "
        "print(json.dumps(sorted(our_maps.TEMPLATES)))"
    )
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    modules = json.loads(completed.stdout)
    assert modules == sorted(path.stem for path in (ROOT / "specs" / "maps").glob("*.yaml"))
    assert set(modules) >= SHIPPED


def test_every_module_has_the_public_api() -> None:
    sys.path.insert(0, str(ROOT / "generated"))
    import dualwrite_maps

    for name, module in dualwrite_maps.TEMPLATES.items():
        for attribute in (
            "TEMPLATE",
            "FINANCE_ENTITY",
            "DATAVERSE_TABLE",
            "SOURCE_FILTER",
            "REVERSE_SOURCE_FILTER",
            "DATAVERSE_QUERY",
            "finance_to_dataverse",
            "dataverse_to_finance",
            "matches_source_filter",
            "matches_reverse_source_filter",
        ):
            assert hasattr(module, attribute), f"{name} lacks {attribute}"


def test_a_thirteenth_template_keeps_the_checks_green(tmp_path: Path, shipped_cache: Path) -> None:
    for name in ("generator", "tests", "specs", "generated", "docs"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    committed = outputs(tmp_path)
    # What a project adds: a template with a spec and schemas, and no golden cases yet.
    maps = tmp_path / "specs" / "maps"
    shipped = (maps / "payment_days_cds_to_msdyn_paymentdays.yaml").read_text(encoding="utf-8")
    added = re.sub(r"(?m)^template: .*$", "template: Payment days mirror", shipped, count=1)
    assert added != shipped
    (maps / "payment_days_mirror_to_msdyn_paymentdays.yaml").write_text(added, encoding="utf-8")
    # With the cache the shipped compilation filled, the run formats only what is new.
    environment = {**os.environ, "PYTHONPATH": str(tmp_path), CACHE_VARIABLE: str(shipped_cache)}
    for command in (
        ["generator", "generate"],
        ["pytest", "-p", "no:cacheprovider", *CHECKS_OF_THE_TEMPLATE_SET],
    ):
        completed = subprocess.run(
            [sys.executable, "-m", *command],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
    regenerated = outputs(tmp_path)
    mirror = "payment_days_mirror_to_msdyn_paymentdays"
    added_files = {name for name in regenerated if mirror in name}
    assert added_files == {
        f"generated/{PACKAGE}/{mirror}.py",
        f"docs/maps/{mirror}.md",
        *(
            f"generated/sql/{mirror}.{d.value}.{e}.sql"
            for d in Direction
            for e in ("duckdb", "spark")
        ),
    }
    changed = {name for name in committed if regenerated.get(name) != committed[name]}
    # The package and the docs index list every template; nothing else of the twelve may move.
    assert changed == {f"generated/{PACKAGE}/__init__.py", "docs/maps/README.md"}


def outputs(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for folder in ("generated", "docs")
        for path in sorted((root / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }
