"""``schema import`` and the shipped schemas: metadata written from them gives them back; and
a generated 150 MB document streams in bounded memory (marked ``slow``: the benchmark runs it).
"""

from __future__ import annotations

import copy
import functools
import json
import shutil
from pathlib import Path

import pytest
import yaml
from benchmarks.bench_schema_import import ENTITIES, measure, write_document
from metadata.csdl_writer import DATAVERSE, FINANCE, write_csdl, write_option_sets
from metadata.harness import files, headlines, run, schema

ROOT = Path(__file__).resolve().parent.parent


def read(text: str) -> object:
    # libyaml: the same data as yaml.safe_load, several times faster on a hundred documents.
    return yaml.load(text, Loader=yaml.CSafeLoader)


@functools.cache
def _shipped(dialect: str) -> dict[str, dict[str, object]]:
    folder = ROOT / "specs" / "entities" / dialect
    return {path.stem: read(path.read_text()) for path in sorted(folder.glob("*.yaml"))}


def shipped(dialect: str) -> dict[str, dict[str, object]]:
    """The shipped schemas as data: a copy, so no caller's change reaches the next."""
    return copy.deepcopy(_shipped(dialect))


def write_service(root: Path) -> list[str]:
    """$metadata for both services, and option-set files, written from the shipped schemas."""
    (root / "finance.xml").write_text(write_csdl(list(shipped("finance").values()), FINANCE))
    tables = list(shipped("dataverse").values())
    (root / "dataverse.xml").write_text(write_csdl(tables, DATAVERSE))
    options = []
    for table in tables:
        for index, document in enumerate(write_option_sets(table)):
            path = root / f"{table['title']}_{index}.json"
            path.write_text(json.dumps(document))
            options.append(f"--options={path.name}")
    return options


def test_importing_metadata_written_from_the_shipped_schemas_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "specs" / "entities", tmp_path / "specs" / "entities")
    # Only x-partial goes: each schema has now been checked against an environment.
    before = {
        name: text.replace(b"\nx-partial: true\n", b"\n") for name, text in files(tmp_path).items()
    }
    options = write_service(tmp_path)
    for document, extra in (("finance.xml", []), ("dataverse.xml", options)):
        result = run(tmp_path, monkeypatch, document, *extra)
        assert headlines(result) == []
        lines = result.summary.splitlines()[:-1]
        assert lines[1::2] == ["  * schema: x-partial"] * (len(lines) // 2)
        assert {line.partition(": ")[2] for line in lines[::2]} == {
            "updated, 0 added, 0 removed, 0 retyped, 1 changed"
        }
    assert files(tmp_path) == before


def test_a_fresh_import_gives_back_the_shipped_schemas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = write_service(tmp_path)
    for dialect, document, extra in (
        ("finance", "finance.xml", []),
        ("dataverse", "dataverse.xml", options),
    ):
        result = run(tmp_path, monkeypatch, document, *shipped(dialect), *extra)
        assert headlines(result) == []
        for name, expected in shipped(dialect).items():
            assert expected.pop("x-partial") is True
            assert read(schema(tmp_path, dialect, name)) == expected, name


# --- streaming a large document -----------------------------------------------------------


@pytest.mark.slow
def test_three_entities_from_a_150_mb_document_in_bounded_memory(tmp_path: Path) -> None:
    document = tmp_path / "metadata.xml"
    size = write_document(document, megabytes=150)
    result = measure(document, tmp_path / "project")
    print(
        f"\n{size / 1e6:.1f} MB document: {result.seconds:.1f} s ({result.cpu_seconds:.1f} s of "
        f"CPU), peak RSS {result.peak_mb:.0f} MB"
    )
    assert result.status == 0, result.output
    assert result.peak_mb < 300
    for name in ENTITIES:
        imported = read(schema(tmp_path / "project", "finance", name))
        assert (imported["x-entity-set"], len(imported["properties"])) == (name, 62)
