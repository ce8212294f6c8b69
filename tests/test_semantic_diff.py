"""The semantic diff of specs against a git revision: classification, reports, git errors."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from generator import cli
from generator.diagnostics import Diagnostics
from generator.review.comparison import Change, compare
from generator.review.revision_diff import run_diff
from generator.source.spec import MapSpec, parse_spec

SPEC = "specs/maps/customers_to_accounts.yaml"
VALUE_MAPS = "specs/value_maps.yaml"
MISSING = (
    "{}: error[TM703]: no such revision in this repository "
    "(in a shallow CI clone, fetch it first: git fetch --depth=1 origin <branch>)"
)

BASE_SPEC = """\
template: Customers to accounts
description: Customers that are organizations.
company: striped
key: [CustomerAccount]
finance:
  entity: Customers
  filter: '(PartyType == "Organization")'
dataverse:
  table: accounts
  filter: customertypecode eq 3
fields:
  - [CustomerAccount, "=", accountnumber]
  - [Name, ">", name]
  - [CreditLimit, "<", creditlimit]
  - [OnHold, "><", msdyn_onhold, {values: noyes_boolean}]
  - [Blocked, "><", msdyn_blocked, {values: noyes_boolean}]
  - [Gender, "><", gendercode, {values: [["Male", 1], ["Female", 2]]}]
  - [CurrencyCode, "=", transactioncurrencyid.isocurrencycode, {default: USD}]
  - [none, ">>", customertypecode, 3]
  - [Language, "<<", none, en-us]
"""

BASE_VALUE_MAPS = """\
noyes_boolean:
  - ["no", false]
  - ["yes", true]
"""

SECOND_SPEC = """\
template: Groups
company: striped
key: [CustomerGroupId]
finance:
  entity: CustomerGroups
dataverse:
  table: msdyn_customergroups
fields:
  - [CustomerGroupId, "=", msdyn_groupid]
"""

Row = tuple[str, bool, str | None, str | None, str | None]


def git(root: Path, *arguments: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.com",
         "-c", "commit.gpgsign=false", *arguments],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


def write(root: Path, path: str, text: str) -> None:
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_text(text, encoding="utf-8")


def edit(root: Path, old: str, new: str, path: str = SPEC) -> None:
    text = (root / path).read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path}"
    (root / path).write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose HEAD holds BASE_SPEC and BASE_VALUE_MAPS; the tree is the same."""
    for variable in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", os.devnull)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "--initial-branch=main")
    write(root, SPEC, BASE_SPEC)
    write(root, VALUE_MAPS, BASE_VALUE_MAPS)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def report(
    root: Path, revision: str = "HEAD", output_format: str = "markdown", specs: str = "specs"
) -> str:
    """The report of a diff that has no problems."""
    run = run_diff(root, revision, output_format=output_format, specs=Path(specs))
    assert [item.headline() for item in run.diagnostics.items] == []
    return run.report


def problems(root: Path, revision: str = "HEAD", output_format: str = "markdown") -> list[str]:
    """The diagnostics of a diff that gives no report."""
    run = run_diff(root, revision, output_format=output_format)
    assert (run.report, run.breaking) == ("", False)
    return [item.headline() for item in run.diagnostics.sorted()]


def changes(root: Path, revision: str = "HEAD") -> tuple[bool, list[Row]]:
    """Whether anything breaks, and the changes as comparable tuples."""
    run = run_diff(root, revision, output_format="json")
    assert [item.headline() for item in run.diagnostics.items] == []
    document = json.loads(run.report)
    rows = [
        (item["kind"], item["breaking"], item["row"], item["old"], item["new"])
        for item in document["changes"]
    ]
    assert document["breaking"] == sum(row[1] for row in rows)
    assert run.breaking == any(row[1] for row in rows)
    return run.breaking, rows


def test_no_change(repo: Path) -> None:
    assert report(repo) == "## Table-map changes since HEAD\n\nNo table-map changes."
    assert report(repo, output_format="json") == (
        '{\n  "breaking": 0,\n  "changes": [],\n  "revision": "HEAD"\n}'
    )


def test_case_only_renames_comments_and_quoting_are_no_change(repo: Path) -> None:
    edit(repo, '[CustomerAccount, "=", accountnumber]', '[CUSTOMERACCOUNT, "=", AccountNumber]')
    edit(repo, "fields:\n", "# The rows.\nfields:\n")
    edit(repo, "customertypecode, 3]", "customertypecode, 0x3]")
    edit(repo, '["no", false]', "[no, false]", VALUE_MAPS)
    assert changes(repo) == (False, [])


def test_non_breaking_changes_pass_even_with_fail_on_breaking(repo: Path) -> None:
    edit(repo, '[Name, ">", name]', '[Name, "=", name]')
    edit(repo, '["Female", 2]]', '["Female", 2], ["Unknown", null]]')
    edit(repo, "  - [Language,", '  - [Employees, ">", numberofemployees]\n  - [Language,')
    edit(repo, "description: Customers that are organizations.", "description: Organizations.")
    edit(repo, "template: Customers to accounts", "template: Customers V3 to accounts")
    assert changes(repo) == (
        False,
        [
            ("title changed", False, None, "Customers to accounts", "Customers V3 to accounts"),
            (
                "description changed",
                False,
                None,
                "Customers that are organizations.",
                "Organizations.",
            ),
            ("direction widened", False, "Name = name", ">", "="),
            ("value pair added", False, "Gender >< gendercode", None, "'Unknown' → null"),
            (
                "row added",
                False,
                "Employees > numberofemployees",
                None,
                "Employees > numberofemployees",
            ),
        ],
    )


def test_template_added_is_not_breaking(repo: Path) -> None:
    write(repo, "specs/maps/groups.yaml", SECOND_SPEC)
    assert changes(repo) == (
        False,
        [("template added", False, None, None, "CustomerGroups ↔ msdyn_customergroups, 1 row")],
    )


def test_reordered_rows_are_one_non_breaking_change(repo: Path) -> None:
    edit(repo, '  - [Name, ">", name]\n', "")
    edit(repo, "  - [Language,", '  - [Name, ">", name]\n  - [Language,')
    assert changes(repo) == (False, [("rows reordered", False, None, None, "1 row moved")])


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            '  - [Name, ">", name]\n',
            "",
            [("row removed", True, "Name > name", "Name > name", None)],
            id="row-removed",
        ),
        pytest.param(
            '[CustomerAccount, "=", accountnumber]',
            '[CustomerAccount, ">", accountnumber]',
            [("direction narrowed", True, "CustomerAccount > accountnumber", "=", ">")],
            id="both-to-one-way",
        ),
        pytest.param(
            '[Gender, "><", gendercode,',
            '[Gender, ">>", gendercode,',
            [("direction narrowed", True, "Gender >> gendercode", "><", ">>")],
            id="transformed-both-to-one-way",
        ),
        pytest.param(
            '[Name, ">", name]',
            '[Name, "<", name]',
            [("direction changed", True, "Name < name", ">", "<")],
            id="direction-reversed",
        ),
        pytest.param(
            '[CustomerAccount, "=", accountnumber]',
            '[CustomerAccount, "=", msdyn_accountnumber]',
            [
                (
                    "renamed",
                    True,
                    "CustomerAccount = msdyn_accountnumber",
                    "accountnumber",
                    "msdyn_accountnumber",
                )
            ],
            id="dataverse-field-renamed",
        ),
        pytest.param(
            '[CreditLimit, "<", creditlimit]',
            '[CreditMax, "=", creditlimit]',
            [
                ("renamed", True, "CreditMax = creditlimit", "CreditLimit", "CreditMax"),
                ("direction widened", False, "CreditMax = creditlimit", "<", "="),
            ],
            id="finance-field-renamed-and-widened",
        ),
        pytest.param(
            "customertypecode, 3]",
            "customertypecode, 4]",
            [("default changed", True, "none >> customertypecode", "3", "4")],
            id="default-changed",
        ),
        pytest.param(
            "customertypecode, 3]",
            'customertypecode, "3"]',
            [("default changed", True, "none >> customertypecode", "3", "'3'")],
            id="default-changed-type",
        ),
        pytest.param(
            "isocurrencycode, {default: USD}]",
            "isocurrencycode]",
            [
                (
                    "default removed",
                    True,
                    "CurrencyCode = transactioncurrencyid.isocurrencycode",
                    "'USD'",
                    None,
                )
            ],
            id="default-removed",
        ),
        pytest.param(
            '[Name, ">", name]',
            '[Name, ">", name, {default: unnamed}]',
            [("default added", True, "Name > name", None, "'unnamed'")],
            id="default-added",
        ),
        pytest.param(
            '["Female", 2]',
            '["Female", 3]',
            [("value pair changed", True, "Gender >< gendercode", "'Female' → 2", "'Female' → 3")],
            id="value-pair-changed",
        ),
        pytest.param(
            '["Female", 2]',
            '["Woman", 2]',
            [("value pair changed", True, "Gender >< gendercode", "'Female' → 2", "'Woman' → 2")],
            id="value-pair-changed-finance-side",
        ),
        pytest.param(
            ', ["Female", 2]]',
            "]",
            [("value pair removed", True, "Gender >< gendercode", "'Female' → 2", None)],
            id="value-pair-removed",
        ),
        pytest.param(
            '[["Male", 1], ["Female", 2]]}',
            '[["Male", 1], ["Female", 2]], unmapped: keep}',
            [("unmapped policy changed", True, "Gender >< gendercode", "error", "keep")],
            id="unmapped-policy",
        ),
        pytest.param(
            '[Name, ">", name]',
            '[Name, ">>", name, {values: [["a", "b"]]}]',
            [
                ("map type changed", False, "Name >> name", ">", ">>"),
                ("value map added", True, "Name >> name", None, "'a' → 'b'"),
            ],
            id="value-map-added",
        ),
        pytest.param(
            """filter: '(PartyType == "Organization")'""",
            """filter: '(PartyType == "Person")'""",
            [
                (
                    "source filter changed",
                    True,
                    None,
                    '(PartyType == "Organization")',
                    '(PartyType == "Person")',
                )
            ],
            id="source-filter-changed",
        ),
        pytest.param(
            "  filter: customertypecode eq 3\n",
            "",
            [("reversed source filter removed", True, None, "customertypecode eq 3", None)],
            id="reversed-source-filter-removed",
        ),
        pytest.param(
            "entity: Customers\n",
            "entity: CustomersV3\n",
            [("finance entity changed", True, None, "Customers", "CustomersV3")],
            id="finance-entity-changed",
        ),
        pytest.param(
            "table: accounts\n",
            "table: contacts\n",
            [("dataverse table changed", True, None, "accounts", "contacts")],
            id="dataverse-table-changed",
        ),
    ],
)
def test_breaking_changes_fail(repo: Path, old: str, new: str, expected: list[Row]) -> None:
    edit(repo, old, new)
    assert changes(repo) == (True, expected)


def test_template_removed_is_breaking(repo: Path) -> None:
    (repo / SPEC).unlink()
    assert changes(repo) == (
        True,
        [("template removed", True, None, "Customers ↔ accounts, 9 rows", None)],
    )


def test_a_renamed_spec_file_is_a_removed_and_an_added_template(repo: Path) -> None:
    (repo / SPEC).rename(repo / "specs/maps/customers.yaml")
    breaking, rows = changes(repo)
    assert (breaking, [(row[0], row[1]) for row in rows]) == (
        True,
        [("template added", False), ("template removed", True)],
    )


def test_rows_sharing_no_field_are_removed_and_added_not_renamed(repo: Path) -> None:
    edit(repo, '[Name, ">", name]', '[Employees, ">", numberofemployees]')
    assert changes(repo) == (
        True,
        [
            ("row removed", True, "Name > name", "Name > name", None),
            (
                "row added",
                False,
                "Employees > numberofemployees",
                None,
                "Employees > numberofemployees",
            ),
        ],
    )


def test_a_changed_named_value_map_shows_in_every_row_that_uses_it(repo: Path) -> None:
    edit(repo, '["yes", true]', '["yes", 1]', VALUE_MAPS)
    assert changes(repo) == (
        True,
        [
            ("value pair changed", True, "OnHold >< msdyn_onhold", "'yes' → true", "'yes' → 1"),
            ("value pair changed", True, "Blocked >< msdyn_blocked", "'yes' → true", "'yes' → 1"),
        ],
    )


def test_a_pair_added_to_a_named_value_map_is_not_breaking(repo: Path) -> None:
    edit(repo, '["yes", true]\n', '["yes", true]\n  - ["maybe", null]\n', VALUE_MAPS)
    assert changes(repo) == (
        False,
        [
            ("value pair added", False, "OnHold >< msdyn_onhold", None, "'maybe' → null"),
            ("value pair added", False, "Blocked >< msdyn_blocked", None, "'maybe' → null"),
        ],
    )


def test_inlining_a_named_value_map_changes_only_where_the_pairs_are(repo: Path) -> None:
    edit(
        repo,
        "msdyn_blocked, {values: noyes_boolean}]",
        'msdyn_blocked, {values: [["no", false], ["yes", true]]}]',
    )
    assert changes(repo) == (
        False,
        [
            (
                "value map reference changed",
                False,
                "Blocked >< msdyn_blocked",
                "noyes_boolean",
                "(inline pairs)",
            )
        ],
    )


def test_missing_revision(repo: Path) -> None:
    assert problems(repo, "no-such-branch") == [MISSING.format("no-such-branch")]
    assert problems(repo, "HEAD~1", output_format="json") == [MISSING.format("HEAD~1")]
    assert problems(repo, "--all") == [MISSING.format("--all")]


def test_not_a_git_repository(repo: Path) -> None:
    outside = repo.parent / "elsewhere"
    outside.mkdir()
    (headline,) = problems(outside)
    assert headline.startswith(f"{outside}: error[TM702]: not in a git repository (")
    assert "\n" not in headline


def test_unknown_output_format(repo: Path) -> None:
    assert problems(repo, output_format="html") == [
        "html: error[TM704]: unknown output format 'html': use markdown or json"
    ]


def test_specs_outside_the_root(repo: Path) -> None:
    run = run_diff(repo / "specs", "HEAD", specs=repo / "elsewhere")
    assert [item.headline() for item in run.diagnostics.items] == [
        f"{repo / 'elsewhere'}: error[TM705]: the specs folder is not inside {repo / 'specs'}"
    ]


def test_specs_that_do_not_parse_in_the_tree(repo: Path) -> None:
    edit(repo, '[Name, ">", name]', '[Name, "=>", name]')
    assert problems(repo) == [
        "specs/maps/customers_to_accounts.yaml:13:12: error[TM115]: unknown map type '=>' "
        "(did you mean '>'?); expected one of = > < >< >> <<",
    ]


def test_specs_that_do_not_parse_at_the_revision(repo: Path) -> None:
    edit(repo, "template: Customers to accounts\n", "")
    edit(repo, '["yes", true]', '["yes"]', VALUE_MAPS)
    git(repo, "commit", "-q", "-a", "-m", "broken")
    write(repo, SPEC, BASE_SPEC)
    write(repo, VALUE_MAPS, BASE_VALUE_MAPS)
    # Every problem of the revision, once; the broken value map hides no unknown-name errors.
    assert problems(repo) == [
        "HEAD:specs/maps/customers_to_accounts.yaml:1:1: error[TM106]: the spec is missing "
        "the key 'template'",
        "HEAD:specs/value_maps.yaml:3:5: error[TM118]: a value-map pair must be "
        "[finance value, dataverse value]",
    ]


def test_an_unknown_value_map_name_is_an_error(repo: Path) -> None:
    edit(repo, "msdyn_onhold, {values: noyes_boolean}", "msdyn_onhold, {values: noyes_bool}")
    assert problems(repo) == [
        "specs/maps/customers_to_accounts.yaml:15:43: error[TM191]: unknown value map "
        "'noyes_bool' (did you mean 'noyes_boolean'?)",
    ]


def test_a_file_that_is_not_utf8_is_an_error(repo: Path) -> None:
    (repo / VALUE_MAPS).write_bytes(b"noyes_boolean: [[\xff, false]]\n")
    (headline,) = problems(repo)
    assert headline.startswith("specs/value_maps.yaml:1:1: error[TM001]: not UTF-8: ")


def test_json_report(repo: Path) -> None:
    edit(repo, "customertypecode, 3]", "customertypecode, 4]")
    edit(repo, '[Name, ">", name]', '[Name, "=", name]')
    text = report(repo, output_format="json")
    assert json.loads(text) == {
        "revision": "HEAD",
        "breaking": 1,
        "changes": [
            {
                "module": "customers_to_accounts",
                "template": "Customers to accounts",
                "kind": "direction widened",
                "breaking": False,
                "row": "Name = name",
                "old": ">",
                "new": "=",
                "reason": "now also maps Dataverse to F&O",
            },
            {
                "module": "customers_to_accounts",
                "template": "Customers to accounts",
                "kind": "default changed",
                "breaking": True,
                "row": "none >> customertypecode",
                "old": "3",
                "new": "4",
                "reason": "a different value is written",
            },
        ],
    }
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False)


def test_markdown_report(repo: Path) -> None:
    edit(repo, '[CustomerAccount, "=", accountnumber]', '[CustomerAccount, ">", accountnum]')
    edit(repo, '["Female", 2]]', '["Female", 2], ["Other | unknown", null]]')
    edit(repo, "filter: customertypecode eq 3", "filter: customertypecode eq 3 or name eq 'a|b'")
    assert report(repo, "main") == (
        "## Table-map changes since main\n"
        "\n"
        "3 breaking, 1 non-breaking change in 1 template\n"
        "\n"
        "### Customers to accounts (`customers_to_accounts`)\n"
        "\n"
        "| | Change | Row | Before | After |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| **breaking** | reversed source filter changed |  | `customertypecode eq 3` "
        "| `customertypecode eq 3 or name eq 'a\\|b'` |\n"
        "| **breaking** | renamed | `CustomerAccount > accountnum` | `accountnumber` "
        "| `accountnum` |\n"
        "| **breaking** | direction narrowed | `CustomerAccount > accountnum` | `=` | `>` |\n"
        "|  | value pair added | `Gender >< gendercode` |  | `'Other \\| unknown' → null` |"
    )


def test_markdown_lists_added_and_removed_templates(repo: Path) -> None:
    write(repo, "specs/maps/groups.yaml", SECOND_SPEC)
    (repo / SPEC).unlink()
    assert report(repo) == (
        "## Table-map changes since HEAD\n"
        "\n"
        "1 breaking, 1 non-breaking change in 2 templates\n"
        "\n"
        "### Customers to accounts (`customers_to_accounts`)\n"
        "\n"
        "| | Change | Row | Before | After |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| **breaking** | template removed |  | `Customers ↔ accounts, 9 rows` |  |\n"
        "\n"
        "### Groups (`groups`)\n"
        "\n"
        "| | Change | Row | Before | After |\n"
        "| --- | --- | --- | --- | --- |\n"
        "|  | template added |  |  | `CustomerGroups ↔ msdyn_customergroups, 1 row` |"
    )


def test_works_in_a_shallow_clone(repo: Path) -> None:
    edit(repo, "customertypecode, 3]", "customertypecode, 4]")
    git(repo, "commit", "-q", "-a", "-m", "second")
    clone = repo.parent / "clone"
    git(repo.parent, "clone", "-q", "--depth=1", repo.as_uri(), str(clone))
    edit(clone, "customertypecode, 4]", "customertypecode, 5]")
    assert changes(clone) == (
        True,
        [("default changed", True, "none >> customertypecode", "4", "5")],
    )
    assert problems(clone, "HEAD~1") == [MISSING.format("HEAD~1")]


def test_a_project_in_a_subfolder_of_the_repository(repo: Path) -> None:
    project = repo / "integration"
    project.mkdir()
    (repo / "specs").rename(project / "specs")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "move")
    edit(project, "customertypecode, 3]", "customertypecode, 4]")
    assert changes(project) == (
        True,
        [("default changed", True, "none >> customertypecode", "3", "4")],
    )
    assert changes(repo, "HEAD") == (False, [])  # repo/specs is gone at HEAD and in the tree
    assert "default changed" in report(repo, specs="integration/specs")


def parsed(rows: str, module: str = "m") -> dict[str, MapSpec]:
    text = (
        "template: T\ncompany: global\nkey: [A]\nfinance: {entity: E}\ndataverse: {table: t}\n"
        f"fields:\n{rows}"
    )
    diagnostics = Diagnostics()
    spec = parse_spec(text.encode(), f"{module}.yaml", module, diagnostics)
    assert spec is not None, diagnostics.items
    return {module: spec}


def test_compare_without_git_pairs_rows_with_the_same_fields_in_order() -> None:
    old = parsed('- [A, ">", b]\n- [A, "<", b]\n')
    new = parsed('- [A, ">", b]\n- [A, ">", b, {default: x}]\n')
    why = "no longer maps Dataverse to F&O; maps F&O to Dataverse"
    assert compare(old, new) == [
        Change("m", "T", "direction changed", True, "A > b", "<", ">", why),
        Change("m", "T", "default added", True, "A > b", None, "'x'", "a new value is written"),
    ]


def test_compare_prefers_a_rename_at_the_same_position() -> None:
    old = parsed('- [A, "=", b]\n- [C, "=", d]\n')
    new = parsed('- [A, "=", d]\n- [C, "=", e]\n')
    found = [(change.kind, change.row, change.old, change.new) for change in compare(old, new)]
    assert found == [("renamed", "A = d", "b", "d"), ("renamed", "C = e", "d", "e")]


def test_compare_reports_templates_by_module_name() -> None:
    old = parsed('- [A, "=", b]\n', "zeta") | parsed('- [A, "=", b]\n', "alpha")
    new = parsed('- [A, "=", b]\n', "beta")
    assert [(change.module, change.kind) for change in compare(old, new)] == [
        ("alpha", "template removed"),
        ("beta", "template added"),
        ("zeta", "template removed"),
    ]


def test_exit_status(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(repo)
    edit(repo, "customertypecode, 3]", "customertypecode, 4]")
    assert cli.main(["diff", "HEAD"]) == 0
    assert capsys.readouterr().out.startswith("## Table-map changes since HEAD\n\n1 breaking")
    assert cli.main(["diff", "HEAD", "--fail-on-breaking"]) == 1
    assert cli.main(["diff", "HEAD", "--format", "json", "--fail-on-breaking"]) == 1
    edit(repo, "customertypecode, 4]", "customertypecode, 3]")
    assert cli.main(["diff", "HEAD", "--fail-on-breaking"]) == 0
    capsys.readouterr()
    assert cli.main(["diff", "no-such-branch"]) == 2
    assert capsys.readouterr() == ("", MISSING.format("no-such-branch") + "\n1 error, 0 warnings\n")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            "company: striped\n",
            "company: global\n",
            [
                (
                    "company changed",
                    True,
                    None,
                    "striped",
                    "global",
                    "rows are identified across companies",
                )
            ],
            id="company",
        ),
        pytest.param(
            "key: [CustomerAccount]\n",
            "key: [customeraccount, Name]\n",
            [
                (
                    "key changed",
                    True,
                    None,
                    "CustomerAccount",
                    "customeraccount, Name",
                    "rows are addressed by other fields",
                )
            ],
            id="key",
        ),
        pytest.param(
            "company: striped\n",
            "",
            [
                (
                    "company removed",
                    True,
                    None,
                    "striped",
                    None,
                    "rows are identified without a declared company scope",
                )
            ],
            id="company-removed",
        ),
        pytest.param(
            "key: [CustomerAccount]\n",
            "",
            [
                (
                    "key removed",
                    True,
                    None,
                    "CustomerAccount",
                    None,
                    "rows are addressed by other fields",
                )
            ],
            id="key-removed",
        ),
    ],
)
def test_company_and_key_changes_are_breaking(
    repo: Path, old: str, new: str, expected: list[tuple[object, ...]]
) -> None:
    edit(repo, old, new)
    run = run_diff(repo, "HEAD", output_format="json")
    found = [
        (item["kind"], item["breaking"], item["row"], item["old"], item["new"], item["reason"])
        for item in json.loads(run.report)["changes"]
    ]
    assert (run.breaking, found) == (True, expected)


def test_a_key_that_differs_only_in_case_is_no_change(repo: Path) -> None:
    edit(repo, "key: [CustomerAccount]\n", "key: [CUSTOMERACCOUNT]\n")
    assert changes(repo) == (False, [])


def test_a_first_company_is_breaking_and_a_first_key_is_not(repo: Path) -> None:
    edit(repo, "company: striped\nkey: [CustomerAccount]\n", "")
    git(repo, "commit", "-q", "-a", "-m", "before company scopes and keys")
    write(repo, SPEC, BASE_SPEC)
    assert changes(repo) == (
        True,
        [
            ("company added", True, None, None, "striped"),
            ("key added", False, None, None, "CustomerAccount"),
        ],
    )
