"""Running ``schema import`` in a throw-away project, and reading what it wrote."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from generator.metadata.command import ImportResult, add_schema_parser, run_schema_import

DATA = Path(__file__).resolve().parent
EXPECTED = DATA / "expected"
FINANCE_DOC = DATA / "finance_metadata.xml"
DATAVERSE_DOC = DATA / "dataverse_metadata.xml"


def run(root: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> ImportResult:
    parser = argparse.ArgumentParser()
    add_schema_parser(parser.add_subparsers(dest="command"))
    arguments = parser.parse_args(["schema", "import", *argv])
    monkeypatch.chdir(root)
    return run_schema_import(arguments)


def headlines(result: ImportResult) -> list[str]:
    return [diagnostic.headline() for diagnostic in result.diagnostics.sorted()]


def schema(root: Path, dialect: str, name: str) -> str:
    return (root / "specs" / "entities" / dialect / f"{name}.yaml").read_text(encoding="utf-8")


def files(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted((root / "specs").rglob("*"))
        if path.is_file()
    }
