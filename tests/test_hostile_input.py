"""Hostile specs fail fast with a clear error: huge files, deep nesting, alias bombs, tags."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator.diagnostics import Severity
from projects import compile_files, headlines

SPEC = "specs/maps/hostile.yaml"
ALIAS_BOMB = 'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "template: " + "x" * (1024 * 1024 + 1) + "\n",
            f"{SPEC}:1:1: error[TM002]: file is larger than 1048576 bytes",
            id="huge-file",
        ),
        pytest.param(
            "template: " + "[" * 100_000 + "]" * 100_000 + "\n",
            f"{SPEC}:1:42: error[TM007]: nesting deeper than 32 levels",
            id="deep-nesting",
        ),
        pytest.param(
            ALIAS_BOMB,
            f"{SPEC}:1:4: error[TM005]: YAML anchors and aliases are not supported in specs",
            id="alias-bomb",
        ),
        pytest.param(
            "template: !!python/object/apply:os.system ['echo owned']\n",
            f"{SPEC}:1:11: error[TM006]: YAML tags such as 'tag:yaml.org,2002:python/object/apply:os.system' "
            "are not supported in specs",
            id="python-object-tag",
        ),
        pytest.param(
            "template: T\nfinance: {entity: 'Customers; import os'}\ndataverse: {table: accounts}\n"
            "fields: [[Name, '=', name]]\n",
            f"{SPEC}:2:19: error[TM108]: 'entity' 'Customers; import os' is not an OData name "
            "(letters, digits and underscores)",
            id="entity-name-not-an-identifier",
        ),
    ],
)
def test_hostile_spec_fails_fast(tmp_path: Path, text: str, expected: str) -> None:
    started = time.monotonic()
    diagnostics = compile_files(tmp_path, {SPEC: text})
    assert time.monotonic() - started < 5
    assert headlines(diagnostics, severity=Severity.ERROR) == [expected]
