"""Hostile specs fail fast with a clear error: huge files, deep nesting, alias bombs, tags."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from generator import cli
from generator.diagnostics import Severity
from projects import DATAVERSE_SCHEMA, compile_files, headlines, spec, write_project

SPEC = "specs/maps/hostile.yaml"
HEADER = "template: T\nfinance:\n  entity: Customers\ndataverse:\n  table: accounts\n"
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


SURROGATE = (
    "'\\ud800' is a lone UTF-16 surrogate, not a character: no UTF-8 file can hold it; write the "
    "character itself, or \\U0001F600 and the like for one beyond U+FFFF"
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            spec(
                '- [Name, "=", name]\n',
                header=HEADER.replace("T\n", 'T\ndescription: "This \\ud800 template"\n'),
            ),
            f"specs/maps/customers_to_accounts.yaml:2:20: error[TM012]: {SURROGATE}",
            id="a-spec-description",
        ),
        pytest.param(
            spec('- [OnHold, "><", msdyn_onhold, {values: flags}]\n')
            | {"specs/value_maps.yaml": 'flags:\n  - ["No", false]\n  - ["Y\\uD800es", true]\n'},
            f"specs/value_maps.yaml:3:8: error[TM012]: {SURROGATE}",
            id="a-named-value-map",
        ),
        pytest.param(
            spec('- [Name, "=", name]\n')
            | {
                "specs/entities/dataverse/accounts.yaml": DATAVERSE_SCHEMA.replace(
                    "  name: {type: string}",
                    '  name: {type: string, description: "A\\\n    name \\U0000d800"}',
                )
            },
            f"specs/entities/dataverse/accounts.yaml:7:10: error[TM012]: {SURROGATE}",
            id="a-schema-description-over-two-lines",
        ),
        pytest.param(
            spec('- [Name, "=", name]\n', header=HEADER.replace("template: T", '"\\udc00": T')),
            f"specs/maps/customers_to_accounts.yaml:1:2: error[TM012]: {SURROGATE.replace('d800', 'dc00')}",
            id="a-key",
        ),
    ],
)
def test_a_lone_surrogate_escape_is_an_error_at_the_escape(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    """YAML's double-quoted "\\ud800" decodes to a code point that UTF-8 has no bytes for: the
    pure-Python parser reads it (libyaml refuses it), and a generated file could not be written."""
    assert headlines(compile_files(tmp_path, files), severity=Severity.ERROR) == [expected]


def test_generate_reports_a_lone_surrogate_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_project(tmp_path, spec('- [Name, "=", name]\n'))
    monkeypatch.chdir(tmp_path)
    assert cli.main(["generate"]) == 0
    before = {path: path.read_bytes() for path in (tmp_path / "generated").rglob("*.py")}
    path = tmp_path / "specs/maps/customers_to_accounts.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "template: Customers to accounts\n",
            'template: Customers to accounts\ndescription: "This \\ud800 template"\n',
        ),
        encoding="utf-8",
    )
    capsys.readouterr()
    assert cli.main(["generate"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[:3] == [
        f"specs/maps/customers_to_accounts.yaml:2:20: error[TM012]: {SURROGATE}",
        '    description: "This \\ud800 template"',
        "                       ^",
    ]
    assert "Traceback" not in err
    assert {path: path.read_bytes() for path in (tmp_path / "generated").rglob("*.py")} == before
