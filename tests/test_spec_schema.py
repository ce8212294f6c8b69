"""The editor schema of the spec language accepts every real spec and rejects broken ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from test_end_to_end import ROOT

from generator.diagnostics import Diagnostics
from generator.source.located_yaml import Node, load, plain
from generator.source.spec_language_schema import render_spec_schema

SPECS = sorted((ROOT / "specs" / "maps").glob("*.yaml"))
VALIDATOR = Draft202012Validator(json.loads((ROOT / "specs" / "spec.schema.json").read_text()))


def as_data(path: Path) -> Any:
    node: Node | None = load(path.read_text(encoding="utf-8"), path.name, Diagnostics())
    assert node is not None
    return plain(node)


def test_committed_schema_is_what_the_compiler_produces() -> None:
    assert (ROOT / "specs" / "spec.schema.json").read_text(encoding="utf-8") == render_spec_schema()


@pytest.mark.parametrize("path", SPECS, ids=lambda path: path.stem)
def test_every_spec_validates_and_names_the_schema(path: Path) -> None:
    assert path.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../spec.schema.json\n"
    )
    assert list(VALIDATOR.iter_errors(as_data(path))) == []


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            {
                "templat": "T",
                "template": "T",
                "company": "global",
                "finance": {"entity": "E"},
                "dataverse": {"table": "t"},
                "fields": [["A", "=", "a"]],
            },
            "Additional properties are not allowed ('templat' was unexpected)",
        ),
        (
            {
                "template": "T",
                "company": "global",
                "finance": {"entity": "E"},
                "dataverse": {"table": "t"},
                "fields": [["A", "=>", "a"]],
            },
            "'=>' is not valid under any of the given schemas",
        ),
        (
            {
                "template": "T",
                "company": "global",
                "finance": {"entity": "E"},
                "dataverse": {"table": "t"},
                "fields": [["A", "><", "a", {"unmapped": "drop"}]],
            },
            "{'unmapped': 'drop'} is not valid under any of the given schemas",
        ),
    ],
)
def test_broken_specs_are_rejected(document: dict[str, Any], message: str) -> None:
    assert [error.message for error in VALIDATOR.iter_errors(document)] == [message]
