"""Compiler tests on small inline specs: each compile error pinned by message and location."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import Severity
from projects import compile_files, headlines, spec

SPEC = "specs/maps/customers_to_accounts.yaml"


def errors_of(tmp_path: Path, files: dict[str, str]) -> list[str]:
    return headlines(compile_files(tmp_path, files), severity=Severity.ERROR)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            spec('- [CUSTOMERACOUNT, "=", accountnumber]\n'),
            f"{SPEC}:7:6: error[TM301]: unknown finance field 'CUSTOMERACOUNT': Customers has no such "
            "column (did you mean 'CustomerAccount'?); if your environment's Customers has it, add "
            "it to the schema: `python -m generator schema import METADATA.xml Customers`",
            id="unknown-field",
        ),
        pytest.param(
            spec('- [CustomerAccount, "=", parentaccountid.accountnumber]\n'),
            f"{SPEC}:7:28: error[TM305]: lookup 'parentaccountid.accountnumber' has no target: "
            "'parentaccountid' has no x-lookup in specs/entities/dataverse/accounts.yaml",
            id="lookup-without-target",
        ),
        pytest.param(
            spec('- [CustomerAccount, "=", accountnumber]\n- [Name, ">", accountnumber]\n'),
            f"{SPEC}:8:5: error[TM319]: 'accountnumber' is written twice in the finance to Dataverse "
            "direction: row 2 repeats row 1 (line 7)",
            id="same-field-twice",
        ),
        pytest.param(
            spec('- [OnHold, "><", msdyn_onhold, {values: [["no", false], ["yes", false]]}]\n'),
            f"{SPEC}:7:43: error[TM327]: value map is not one-to-one: Dataverse value false appears in "
            "pairs 1 and 2",
            id="value-map-not-one-to-one",
        ),
        pytest.param(
            spec(
                '- [CustomerAccount, "=", accountnumber]\n',
                header='template: T\nfinance:\n  entity: Customers\n  filter: (PartyTyp == "A")\n'
                "dataverse:\n  table: accounts\n",
            ),
            f"{SPEC}:4:12: error[TM402]: unknown filter field 'PartyTyp' in entity Customers "
            "(did you mean 'PartyType'?)",
            id="filter-unknown-field",
        ),
        pytest.param(
            spec(
                '- [CustomerAccount, "=", accountnumber]\n',
                header="template: T\nfinance:\n  entity: Customers\n"
                "dataverse:\n  table: accounts\n  filter: customertypecode eq eq 3\n",
            ),
            f"{SPEC}:6:31: error[TM401]: reversed source filter does not parse: expected a field or a "
            "value but found 'eq'",
            id="reverse-filter-syntax",
        ),
        pytest.param(
            spec(
                '- [CustomerAccount, "=", accountnumber]\n',
                header='template: T\nfinance:\n  entity: Customers\n  filter: ((PartyType == "O")\n'
                "dataverse:\n  table: accounts\n",
            ),
            f"{SPEC}:4:30: error[TM401]: source filter does not parse: expected ')' but found the end "
            "of the filter",
            id="source-filter-syntax",
        ),
        pytest.param(
            spec('- [CustomerAccount, "=>", accountnumber]\n'),
            f"{SPEC}:7:23: error[TM115]: unknown map type '=>' (did you mean '>'?); expected one of "
            "= > < >< >> <<",
            id="unknown-map-type",
        ),
        pytest.param(
            spec('- [CustomerAccount, "<>", accountnumber]\n'),
            f"{SPEC}:7:23: error[TM115]: unknown map type '<>' (did you mean '><'?); expected one of "
            "= > < >< >> <<",
            id="map-type-the-wrong-way-round",
        ),
        pytest.param(
            spec("- [CustomerAccount, >, accountnumber]\n"),
            f'{SPEC}:7:23: error[TM013]: quote the map type: write ">"; YAML can\'t read an '
            "unquoted > in a row",
            id="unquoted-map-type",
        ),
        pytest.param(
            spec('- [CustomerAccount, "=", accountnumber]\n- [OnHold,><, msdyn_onhold]\n'),
            f'{SPEC}:8:13: error[TM013]: quote the map type: write "><"; YAML can\'t read an '
            "unquoted >< in a row",
            id="unquoted-transforming-map-type",
        ),
        pytest.param(
            spec(
                '- [CurrencyCode, "><", transactioncurrencyid.isocurrencycode,'
                ' {values: [["Dollar", "USD"]]}]\n'
            ),
            f"{SPEC}:7:74: error[TM309]: a value map can't translate a lookup: "
            "transactioncurrencyid.isocurrencycode binds the transactioncurrencies row whose "
            "isocurrencycode is the finance value itself; remove 'values' and use =, or look the row "
            "up by the column that holds the finance values (transactioncurrencyid.<that column>, in "
            "an alternate key of transactioncurrencies)",
            id="value-map-on-a-lookup",
        ),
        pytest.param(
            spec(
                '- [CurrencyCode, ">>", transactioncurrencyid.isocurrencycode, {values: currencies}]\n'
            )
            | {"specs/value_maps.yaml": 'currencies: [["Dollar", "USD"]]\n'},
            f"{SPEC}:7:74: error[TM309]: a value map can't translate a lookup: "
            "transactioncurrencyid.isocurrencycode binds the transactioncurrencies row whose "
            "isocurrencycode is the finance value itself; remove 'values' and use >, or look the row "
            "up by the column that holds the finance values (transactioncurrencyid.<that column>, in "
            "an alternate key of transactioncurrencies)",
            id="named-value-map-on-a-lookup",
        ),
        pytest.param(
            spec('- [none, ">>", none, 3]\n'),
            f"{SPEC}:7:5: error[TM312]: a row can't have none on both sides",
            id="none-both-sides",
        ),
        pytest.param(
            spec('- [none, "=", customertypecode, 3]\n'),
            f"{SPEC}:7:12: error[TM313]: a row with none as finance field must use map type >> "
            "(the Dataverse field receives the default), not =",
            id="none-with-plain-map-type",
        ),
        pytest.param(
            spec('- [none, ">>", customertypecode, 7]\n'),
            f"{SPEC}:7:36: error[TM323]: default 7 is not an option of 'customertypecode'; "
            "options: 1, 2, 3",
            id="default-not-an-option",
        ),
        pytest.param(
            spec('- [PartyType, "<<", none, 3]\n'),
            f"{SPEC}:7:29: error[TM324]: default 3 does not fit column 'PartyType' (string)",
            id="default-wrong-type",
        ),
        pytest.param(
            spec('- [Gender, "><", gendercode, {values: [["male", 1], ["femal", 2]]}]\n'),
            f"{SPEC}:7:56: error[TM322]: value-map value 'femal' is not a member of enum Gender of "
            "'Gender' (did you mean 'Female'?); members: Unknown, Male, Female, NonSpecific",
            id="value-not-enum-member",
        ),
        pytest.param(
            spec('- [Gender, "><", gendercode]\n'),
            f"{SPEC}:7:14: error[TM317]: 'Gender' (enum Gender) can't be copied to 'gendercode' "
            "(option set); add a value map",
            id="transform-without-map-between-types",
        ),
        pytest.param(
            spec('- [Name, "="]\n'),
            f"{SPEC}:7:5: error[TM111]: a row must be [finance field, map type, dataverse field] with "
            "an optional 4th element (default or options), got 2 elements",
            id="row-arity",
        ),
        pytest.param(
            {
                "specs/maps/x.yaml": "template: T\ntemplate: U\nfinance: {entity: Customers}\n"
                "dataverse: {table: accounts}\nfields:\n  - [Name, '=', name]\ncompany: global\n"
            },
            "specs/maps/x.yaml:2:1: error[TM010]: duplicate key 'template' (first defined at line 1); "
            "YAML would silently keep only the last",
            id="duplicate-yaml-key",
        ),
        pytest.param(
            {"specs/maps/x.yaml": "template: T\nfinance: {entity: Customers\n"},
            "specs/maps/x.yaml:3:1: error[TM003]: YAML syntax error: expected ',' or '}', but got "
            "'<stream end>' (while parsing a flow mapping)",
            id="yaml-syntax",
        ),
        pytest.param(
            {"specs/maps/Bad-Name.yaml": "template: T\n"},
            "specs/maps/Bad-Name.yaml:1:1: error[TM101]: spec file name 'Bad-Name' is not a valid "
            "module name: use lower-case letters, digits and underscores, starting with a letter",
            id="file-name-not-a-module",
        ),
    ],
)
def test_compile_error(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    assert errors_of(tmp_path, files) == [expected]


def test_unknown_top_level_key_is_reported_with_a_suggestion(tmp_path: Path) -> None:
    files = {
        "specs/maps/x.yaml": "template: T\ntemplat3: U\nfinance: {entity: Customers}\n"
        "dataverse: {table: accounts}\nfields:\n  - [Name, '=', name]\ncompany: global\n"
    }
    assert errors_of(tmp_path, files) == [
        "specs/maps/x.yaml:2:1: error[TM105]: unknown key 'templat3' in a spec (did you mean "
        "'template'?); expected template, description, company, key, finance, dataverse, fields"
    ]


def test_every_problem_of_a_run_is_reported(tmp_path: Path) -> None:
    files = spec('- [Nam, "=", name]\n- [Name, "=", nme]\n- [none, ">>", customertypecode, 9]\n')
    assert errors_of(tmp_path, files) == [
        f"{SPEC}:7:6: error[TM301]: unknown finance field 'Nam': Customers has no such column "
        "(did you mean 'Name'?); if your environment's Customers has it, add it to the schema: "
        "`python -m generator schema import METADATA.xml Customers`",
        f"{SPEC}:8:17: error[TM301]: unknown dataverse field 'nme': accounts has no such column "
        "(did you mean 'name'?); if your environment's accounts has it, add it to the schema: "
        "`python -m generator schema import METADATA.xml accounts`",
        f"{SPEC}:9:36: error[TM323]: default 9 is not an option of 'customertypecode'; options: 1, 2, 3",
    ]


def test_a_map_without_schemas_compiles_with_json_typed_fields(tmp_path: Path) -> None:
    files = spec('- [ANYTHING, "=", whatever]\n')
    diagnostics = compile_files(tmp_path, files, schemas=False)
    assert diagnostics.errors == []
    assert headlines(diagnostics) == [
        f"{SPEC}:3:11: warning[TM583]: no schema for finance entity 'Customers' "
        "(specs/entities/finance/Customers.yaml): its fields are typed as JSON values and keyed "
        "as written",
        f"{SPEC}:5:10: warning[TM583]: no schema for dataverse table 'accounts' "
        "(specs/entities/dataverse/accounts.yaml): its fields are typed as JSON values and keyed "
        "as written",
    ]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            spec('- [Name, "<", none, x]\n'),
            f"{SPEC}:7:12: error[TM314]: a row with none as dataverse field must use map type << "
            "(the finance field receives the default), not <",
            id="none-with-one-way-map-type",
        ),
        pytest.param(
            spec('- [OnHold, "><", msdyn_onhold, {values: noyes_boolen}]\n')
            | {"specs/value_maps.yaml": 'noyes_boolean:\n  - ["no", false]\n  - ["yes", true]\n'},
            f"{SPEC}:7:43: error[TM191]: unknown value map 'noyes_boolen' (did you mean 'noyes_boolean'?)",
            id="unknown-value-map-name",
        ),
        pytest.param(
            spec('- [Gender, "><", gendercode, {values: [["male", 1], ["female", 3]]}]\n'),
            f"{SPEC}:7:66: error[TM323]: value-map value 3 is not an option of 'gendercode'; "
            "options: 1, 2",
            id="value-not-an-option",
        ),
        pytest.param(
            spec('- [Name, "=", name, {unmapped: drop}]\n'),
            f"{SPEC}:7:34: error[TM113]: 'unmapped' must be error or keep, not 'drop'",
            id="unknown-unmapped-policy",
        ),
        pytest.param(
            spec('- [Name, "=", name, {defualt: x}]\n'),
            f"{SPEC}:7:24: error[TM105]: unknown key 'defualt' in row options (did you mean "
            "'default'?); expected default, values, unmapped, overflow",
            id="unknown-row-option",
        ),
        pytest.param(
            spec('- [Name, "=", name]\n')
            | spec('- [Name, "=", name]\n', name="nested/customers_to_accounts"),
            "specs/maps/nested/customers_to_accounts.yaml: error[TM581]: produces module "
            "'customers_to_accounts', as specs/maps/customers_to_accounts.yaml does: "
            "rename one of them",
            id="two-specs-one-module",
        ),
    ],
)
def test_more_compile_errors(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    assert errors_of(tmp_path, files) == [expected]


def test_warnings_for_copying_transforms_and_unmapped_columns(tmp_path: Path) -> None:
    rows = """\
    - [CustomerAccount, "=", accountnumber]
    - [Name, ">>", name]
    - [CreditLimit, "=", creditlimit]
    - [Employees, "=", numberofemployees]
    - [CurrencyCode, "=", transactioncurrencyid.isocurrencycode]
    - [OnHold, "><", msdyn_onhold, {values: [["no", false], ["yes", true]]}]
    - [Gender, "><", gendercode, {values: [["male", 1], ["female", 2]]}]
    - [PartyType, "=", description]
    - [Language, "<<", none, en-us]
    """
    warnings = headlines(compile_files(tmp_path, spec(rows)), severity=Severity.WARNING)
    assert warnings == [
        "specs/entities/dataverse/accounts.yaml:12:3: warning[TM328]: column 'parentaccountid' of "
        "accounts is not mapped by any spec that uses it (customers_to_accounts)",
        "specs/entities/dataverse/accounts.yaml:15:3: warning[TM328]: column 'customertypecode' of "
        "accounts is not mapped by any spec that uses it (customers_to_accounts)",
        f"{SPEC}:8:12: warning[TM320]: map type >> transforms, but the row has no value map: it "
        "copies values unchanged",
    ]
