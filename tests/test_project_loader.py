"""The project loader: specs, value maps and schemas read and checked once, named maps expanded."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from generator.diagnostics import Diagnostics
from generator.source.git_plumbing import resolve_commit
from generator.source.project import (
    Layout,
    Revision,
    WorkingTree,
    load_project,
    load_spec_set,
)

SPEC = """\
template: Customers to accounts
company: global
key: [Name]
finance: {entity: Customers}
dataverse: {table: accounts}
fields:
  - [Name, "=", name]
  - [OnHold, "><", msdyn_onhold, {values: noyes_boolean}]
"""
VALUE_MAPS = 'noyes_boolean: [["no", false], ["yes", true]]\n'
FINANCE = "title: Customers\nx-entity-set: Customers\nproperties:\n  Name: {type: string}\n"
DATAVERSE = "title: account\nx-entity-set: accounts\nproperties:\n  name: {type: string}\n"
FILES = {
    "specs/maps/customers_to_accounts.yaml": SPEC,
    "specs/value_maps.yaml": VALUE_MAPS,
    "specs/entities/finance/Customers.yaml": FINANCE,
    "specs/entities/dataverse/accounts.yaml": DATAVERSE,
}


def write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    return root


def headlines(diagnostics: Diagnostics) -> list[str]:
    return [diagnostic.headline() for diagnostic in diagnostics.sorted()]


def test_a_project_loads_with_named_value_maps_expanded(tmp_path: Path) -> None:
    root = write(tmp_path, FILES)
    diagnostics = Diagnostics()
    project = load_project(WorkingTree(root), Layout(root), diagnostics)
    assert headlines(diagnostics) == []
    assert sorted(project.finance_schemas) == ["Customers"]
    assert sorted(project.dataverse_schemas) == ["accounts"]
    (spec,) = project.specs
    assert spec.path == "specs/maps/customers_to_accounts.yaml"
    copied, transformed = spec.rows
    assert (copied.values, copied.values_reference) == (None, None)
    assert transformed.values is not None and transformed.values_reference is not None
    assert transformed.values.name == "noyes_boolean"
    assert [(pair.finance.value, pair.dataverse.value) for pair in transformed.values.pairs] == [
        ("no", False),
        ("yes", True),
    ]
    # The reference keeps where the name was written; the map, where it was defined.
    assert str(transformed.values_reference.location) == (
        "specs/maps/customers_to_accounts.yaml:8:43"
    )
    assert str(transformed.values.location) == "specs/value_maps.yaml:1:16"


def test_the_problems_of_a_project_are_reported_once(tmp_path: Path) -> None:
    root = write(
        tmp_path,
        {
            "specs/maps/customers_to_accounts.yaml": SPEC.replace(
                "noyes_boolean", "noyes_bool"
            ).replace("{entity: Customers}", "{entity: Customer}"),
            "specs/maps/nested/customers_to_accounts.yml": SPEC,
            "specs/value_maps.yaml": VALUE_MAPS,
            "specs/entities/finance/Customers.yaml": FINANCE,
            "specs/entities/dataverse/accounts.yaml": DATAVERSE.replace("accounts", "account"),
        },
    )
    diagnostics = Diagnostics()
    project = load_project(WorkingTree(root), Layout(root), diagnostics)
    assert headlines(diagnostics) == [
        "specs/entities/dataverse/accounts.yaml: error[TM582]: x-entity-set 'account' must match "
        "the file name 'accounts'",
        "specs/maps/customers_to_accounts.yaml:4:19: warning[TM583]: no schema for finance "
        "entity 'Customer' (specs/entities/finance/Customer.yaml) (did you mean 'Customers'?): "
        "its fields are typed as JSON values and keyed as written",
        "specs/maps/customers_to_accounts.yaml:8:43: error[TM191]: unknown value map "
        "'noyes_bool' (did you mean 'noyes_boolean'?)",
        "specs/maps/nested/customers_to_accounts.yml: error[TM581]: produces module "
        "'customers_to_accounts', as specs/maps/customers_to_accounts.yaml does: "
        "rename one of them",
    ]
    assert [spec.path for spec in project.specs] == ["specs/maps/customers_to_accounts.yaml"]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        (
            DATAVERSE + "  - [broken\n",
            "5:3: error[TM003]: YAML syntax error: expected <block end>, but found '-' "
            "(while parsing a block mapping)",
        ),
        (
            "title: account\nx-entity-set: accounts\nproperties: 5\n",
            "3:13: error[TM203]: 'properties' must be a mapping",
        ),
    ],
    ids=["yaml-syntax", "schema-shape"],
)
def test_a_schema_that_fails_is_not_also_a_missing_schema(
    tmp_path: Path, text: str, error: str
) -> None:
    root = write(tmp_path, FILES | {"specs/entities/dataverse/accounts.yaml": text})
    diagnostics = Diagnostics()
    project = load_project(WorkingTree(root), Layout(root), diagnostics)
    assert headlines(diagnostics) == [f"specs/entities/dataverse/accounts.yaml:{error}"]
    assert project.dataverse_schemas == {}


def test_a_broken_value_map_definition_is_not_also_an_unknown_name(tmp_path: Path) -> None:
    root = write(tmp_path, FILES | {"specs/value_maps.yaml": 'noyes_boolean: [["no"]]\n'})
    diagnostics = Diagnostics()
    load_spec_set(WorkingTree(root), Layout(root), diagnostics)
    assert headlines(diagnostics) == [
        "specs/value_maps.yaml:1:17: error[TM118]: a value-map pair must be "
        "[finance value, dataverse value]"
    ]


def test_a_value_maps_file_that_is_not_a_mapping(tmp_path: Path) -> None:
    root = write(tmp_path, FILES | {"specs/value_maps.yaml": "- noyes_boolean\n"})
    diagnostics = Diagnostics()
    load_spec_set(WorkingTree(root), Layout(root), diagnostics)
    assert headlines(diagnostics) == [
        "specs/value_maps.yaml:1:1: error[TM190]: value_maps.yaml must map names to lists of pairs"
    ]


def test_no_specs_is_an_error_to_compile_but_an_empty_set_to_compare(tmp_path: Path) -> None:
    root = write(tmp_path, {"specs/value_maps.yaml": VALUE_MAPS})
    diagnostics = Diagnostics()
    assert load_project(WorkingTree(root), Layout(root), diagnostics).specs == ()
    assert headlines(diagnostics) == ["specs/maps: error[TM580]: no specs (*.yaml) found"]
    diagnostics = Diagnostics()
    assert load_spec_set(WorkingTree(root), Layout(root), diagnostics).specs == ()
    assert headlines(diagnostics) == []


def test_an_unreadable_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, FILES)
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "value_maps.yaml":
            raise PermissionError(13, "Permission denied")
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    diagnostics = Diagnostics()
    load_project(WorkingTree(root), Layout(root), diagnostics)
    # The value maps could not be read, so the name that refers to them is not called unknown.
    assert headlines(diagnostics) == [
        "specs/value_maps.yaml: error[TM584]: can't read it: Permission denied"
    ]


def git(root: Path, *arguments: str) -> None:
    subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.com",
         "-c", "commit.gpgsign=false", *arguments],
        check=True, capture_output=True,
    )  # fmt: skip


def test_a_revision_reads_as_the_working_tree_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    root = write(tmp_path, FILES)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "specs")
    (root / "specs" / "value_maps.yaml").unlink()
    commit = resolve_commit(root, "HEAD")
    assert commit is not None
    diagnostics = Diagnostics()
    at_head = load_project(Revision(root, "HEAD", commit), Layout(root), diagnostics)
    assert headlines(diagnostics) == []
    (spec,) = at_head.specs
    assert spec.path == "HEAD:specs/maps/customers_to_accounts.yaml"
    assert spec.rows[1].values is not None and spec.rows[1].values.name == "noyes_boolean"
    assert sorted(at_head.finance_schemas) == ["Customers"]
    # The working tree lost value_maps.yaml since.
    load_spec_set(WorkingTree(root), Layout(root), diagnostics)
    assert headlines(diagnostics) == [
        "specs/maps/customers_to_accounts.yaml:8:43: error[TM191]: unknown value map "
        "'noyes_boolean'"
    ]
