"""``schema import``: both dialects, the merge with what a person wrote, what it refuses.

The $metadata documents and option-set files under tests/metadata were written for these
tests; the expected schemas sit in tests/metadata/expected.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from metadata.harness import (
    DATA,
    DATAVERSE_DOC,
    EXPECTED,
    FINANCE_DOC,
    files,
    headlines,
    run,
    schema,
)

from generator import cli
from generator.metadata import command

OPTIONS = (
    f"--options={DATA / 'account_picklists.json'}",
    f"--options={DATA / 'account_booleans.json'}",
    f"--options=account={DATA / 'account_states.json'}",
)
DOWNLOAD = (
    'download it with a token: curl -fsS -H "Authorization: Bearer $TOKEN" <organization URL>'
    "/data/$metadata (finance and operations) or <organization URL>/api/data/v9.2/$metadata "
    "(Dataverse) -o metadata.xml"
)
SPEC = """\
template: Customers to accounts
company: striped
key: [CUSTOMERACCOUNT]
finance:
  entity: CustomersV3
  filter: '(PartyType == "Organization")'
dataverse:
  table: accounts
  filter: customertypecode eq 3
fields:
  - [CUSTOMERACCOUNT, "=", accountnumber]
  - [CREDITLIMIT, "=", creditlimit]
  - [SALESCURRENCYCODE, "=", transactioncurrencyid.isocurrencycode]
"""


# --- the two dialects ---------------------------------------------------------------------


def test_finance_entities_keys_types_and_enums(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run(tmp_path, monkeypatch, str(FINANCE_DOC), "CustomersV3", "CustomerGroups")
    assert headlines(result) == []
    for name in ("CustomersV3", "CustomerGroups"):
        assert schema(tmp_path, "finance", name) == (EXPECTED / f"{name}.yaml").read_text()
    assert result.summary.splitlines() == [
        "specs/entities/finance/CustomersV3.yaml: created, 16 columns",
        "specs/entities/finance/CustomerGroups.yaml: created, 5 columns",
        f"2 schemas from {FINANCE_DOC.as_posix()} (finance and operations): "
        "2 created, 0 updated, 0 unchanged",
    ]


def test_dataverse_lookups_alternate_keys_company_and_option_sets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run(tmp_path, monkeypatch, str(DATAVERSE_DOC), "accounts", "contacts", *OPTIONS)
    # The picklist file covers a column the document's account does not have.
    assert headlines(result) == [
        f"{(DATA / 'account_picklists.json').as_posix()}: warning[TM825]: option set for column "
        "'accountcategorycode', which accounts does not have; ignored"
    ]
    for name in ("accounts", "contacts"):
        assert schema(tmp_path, "dataverse", name) == (EXPECTED / f"{name}.yaml").read_text()


def test_base_types_and_entity_types_the_name_guess_misses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert headlines(run(tmp_path, monkeypatch, str(DATAVERSE_DOC), "tasks")) == []
    assert headlines(run(tmp_path, monkeypatch, str(FINANCE_DOC), "People")) == []
    tasks = yaml.safe_load(schema(tmp_path, "dataverse", "tasks"))
    assert (tasks["title"], tasks["x-key"], list(tasks["properties"])) == (
        "task",
        ["activityid"],
        ["activityid", "subject", "percentcomplete"],
    )
    people = yaml.safe_load(schema(tmp_path, "finance", "People"))
    assert (people["title"], people["x-key"]) == ("Person", ["PartyNumber"])


# --- re-importing ------------------------------------------------------------------------


def test_reimport_keeps_what_a_person_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "specs" / "entities" / "dataverse" / "accounts.yaml"
    target.parent.mkdir(parents=True)
    shutil.copy(DATA / "existing_accounts.yaml", target)
    result = run(tmp_path, monkeypatch, str(DATAVERSE_DOC), *OPTIONS[:2])
    assert target.read_text() == (EXPECTED / "accounts_reimported.yaml").read_text()
    assert result.summary.splitlines()[:9] == [
        "specs/entities/dataverse/accounts.yaml: updated, 2 added, 1 removed, 2 retyped, 3 changed",
        "  + accountid: string (Edm.Guid)",
        "  + msdyn_company: lookup to cdm_companies (msdyn_Company)",
        "  - msdyn_legacycode",
        "  ~ customertypecode: string -> integer (Edm.Int32)",
        "  ~ creditlimit: number (Edm.Double) -> number (Edm.Decimal)",
        "  * statecode: x-odata-type",
        "  * donotemail: x-enum-names",
        "  * schema: x-key, x-alternate-keys, x-company",
    ]
    again = run(tmp_path, monkeypatch, str(DATAVERSE_DOC), *OPTIONS[:2])
    assert again.summary.splitlines()[0] == "specs/entities/dataverse/accounts.yaml: unchanged"
    assert target.read_text() == (EXPECTED / "accounts_reimported.yaml").read_text()


def test_reimporting_a_partial_schema_checks_it_against_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the shipped schemas say; from here on a column the specs add is an error that says
    # to import again, since the import has seen every column the specs use.
    target = tmp_path / "specs" / "entities" / "dataverse" / "accounts.yaml"
    target.parent.mkdir(parents=True)
    existing = (DATA / "existing_accounts.yaml").read_text()
    target.write_text(existing.replace("properties:\n", "x-partial: true\nproperties:\n", 1))
    result = run(tmp_path, monkeypatch, str(DATAVERSE_DOC), *OPTIONS[:2])
    assert target.read_text() == (EXPECTED / "accounts_reimported.yaml").read_text()
    assert "  * schema: x-key, x-alternate-keys, x-company, x-partial" in result.summary


def test_default_names_and_columns_come_from_the_specs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "specs" / "maps").mkdir(parents=True)
    (tmp_path / "specs" / "maps" / "customers_to_accounts.yaml").write_text(SPEC)
    group = tmp_path / "specs" / "entities" / "finance" / "CustomerGroups.yaml"
    group.parent.mkdir(parents=True)
    group.write_text((EXPECTED / "CustomerGroups.yaml").read_text())
    assert headlines(run(tmp_path, monkeypatch, str(FINANCE_DOC))) == []
    assert headlines(run(tmp_path, monkeypatch, str(DATAVERSE_DOC))) == []
    customers = yaml.safe_load(schema(tmp_path, "finance", "CustomersV3"))
    # The mapped and filtered columns and the key; CustomerGroups is updated too, as it was there.
    assert list(customers["properties"]) == [
        "dataAreaId",
        "CustomerAccount",
        "CreditLimit",
        "PartyType",
        "SalesCurrencyCode",
    ]
    assert schema(tmp_path, "finance", "CustomerGroups") == group.read_text()
    accounts = yaml.safe_load(schema(tmp_path, "dataverse", "accounts"))
    assert list(accounts["properties"]) == [
        "accountid",
        "accountnumber",
        "msdyn_company",
        "customertypecode",
        "creditlimit",
        "transactioncurrencyid",
    ]


def test_a_mapped_column_the_metadata_lacks_is_an_error_at_the_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "specs" / "maps").mkdir(parents=True)
    spec = SPEC.replace("[CREDITLIMIT,", "[CREDITLIMITS,").replace("(PartyType", "(PartyKind")
    (tmp_path / "specs" / "maps" / "customers_to_accounts.yaml").write_text(spec)
    result = run(tmp_path, monkeypatch, str(FINANCE_DOC), "--all-columns")
    assert result.status == 1
    gone = f"is used here but CustomersV3 in {FINANCE_DOC.as_posix()} has no such column"
    again = "; fix the spec or the environment, then import again"
    assert headlines(result) == [
        f"specs/maps/customers_to_accounts.yaml:6:13: error[TM811]: column 'PartyKind' {gone}"
        + again,
        "specs/maps/customers_to_accounts.yaml:12:6: error[TM811]: column 'CREDITLIMITS' "
        f"{gone} (did you mean 'CreditLimit'?){again}",
    ]
    assert list(files(tmp_path)) == ["specs/maps/customers_to_accounts.yaml"]


# --- errors: exit 1, nothing written ------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "error[TM802]: the file is empty, not a $metadata document"),
        (
            b"<html><body>Sign in</body></html>",
            "error[TM828]: an HTML page, not $metadata: a sign-in or error page, which the "
            f"service sends to a request without a valid token; {DOWNLOAD}",
        ),
        (
            b'{"error": {"code": "0x80072560"}}',
            "error[TM829]: a JSON error response, not $metadata: the service said '0x80072560'; "
            f"fix what it says (an expired token, a wrong URL), then {DOWNLOAD}",
        ),
        (
            b"Unauthorized",
            "error[TM803]: not well-formed XML at line 1, column 1 (syntax error): not a "
            "$metadata document; download it again",
        ),
        (
            FINANCE_DOC.read_bytes()[:2000],
            "error[TM804]: the document stops before its end (line 31, column 9): it is "
            "truncated; download $metadata again",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE edmx [<!ENTITY a "aaaa">]><edmx:Edmx/>',
            "error[TM806]: refused to read the document: DTDForbidden(name='edmx', "
            "system_id=None, public_id=None) (a $metadata document has no DTD, entity "
            "declarations or external references)",
        ),
        (
            b'<edmx:Edmx xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>'
            b'<Schema xmlns="http://docs.oasis-open.org/odata/ns/edm" Namespace="Contoso.Sales"/>'
            b"</edmx:DataServices></edmx:Edmx>",
            "error[TM807]: neither finance and operations (namespace "
            "Microsoft.Dynamics.DataEntities) nor Dataverse (Microsoft.Dynamics.CRM) metadata: "
            "the document's schemas are Contoso.Sales",
        ),
    ],
    ids=["empty", "html", "json", "text", "truncated", "dtd", "other-service"],
)
def test_a_document_that_is_not_usable_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, expected: str
) -> None:
    (tmp_path / "metadata.xml").write_bytes(content)
    result = run(tmp_path, monkeypatch, "metadata.xml", "CustomersV3")
    assert (result.status, headlines(result), result.summary) == (
        1,
        [f"metadata.xml: {expected}"],
        "",
    )
    assert files(tmp_path) == {}


# What a download that went wrong leaves, in the shapes the services send.
SIGN_IN_PAGE = (
    b"<!-- Copyright (C) Microsoft Corporation. All rights reserved. -->\r\n<!DOCTYPE html>\r\n"
    b'<html dir="ltr" class="" lang="en">\r\n<head>\r\n    <title>Sign in to your account</title>'
    b'\r\n    <meta http-equiv="Content-Type" content="text/html; charset=UTF-8">\r\n</head>'
)
REDIRECT_PAGE = (
    b"<html><head><title>Object moved</title></head><body>\r\n<h2>Object moved to "
    b'<a href="https://login.microsoftonline.com/common/oauth2/authorize">here</a>.</h2>\r\n'
    b"</body></html>\r\n"
)
DATAVERSE_ERROR = (
    b'{"error":{"code":"0x80040220","message":"Principal user (Id=3c1f..., type=8) is missing '
    b'prvReadEntity privilege"}}'
)
FINANCE_ERROR = (
    b'{"error":{"code":"","message":"An error has occurred.","innererror":{"message":'
    b'"Unauthorized","type":"System.UnauthorizedAccessException","stacktrace":""}}}'
)


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            SIGN_IN_PAGE,
            "error[TM828]: an HTML page titled 'Sign in to your account', not $metadata: a "
            "sign-in or error page, which the service sends to a request without a valid token; "
            + DOWNLOAD,
        ),
        (
            b'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN">'
            b"<html><head><title>\n  Service\n  Unavailable </title></head></html>",
            "error[TM828]: an HTML page titled 'Service Unavailable', not $metadata: a sign-in or "
            f"error page, which the service sends to a request without a valid token; {DOWNLOAD}",
        ),
        (
            gzip.compress(REDIRECT_PAGE),
            "error[TM828]: an HTML page titled 'Object moved', not $metadata: a sign-in or error "
            f"page, which the service sends to a request without a valid token; {DOWNLOAD}",
        ),
        (
            DATAVERSE_ERROR,
            "error[TM829]: a JSON error response, not $metadata: the service said '0x80040220: "
            "Principal user (Id=3c1f..., type=8) is missing prvReadEntity privilege'; fix what it "
            f"says (an expired token, a wrong URL), then {DOWNLOAD}",
        ),
        (
            b"\xef\xbb\xbf" + FINANCE_ERROR,
            "error[TM829]: a JSON error response, not $metadata: the service said 'An error has "
            f"occurred.'; fix what it says (an expired token, a wrong URL), then {DOWNLOAD}",
        ),
        (
            b'{"@odata.context": "https://contoso.crm.dynamics.com/api/data/v9.2/$metadata", '
            b'"value": []}',
            f"error[TM830]: a JSON document, not $metadata, which is XML: {DOWNLOAD}, with no "
            "Accept header",
        ),
        (
            _zip("finance_metadata.xml", FINANCE_DOC.read_bytes()),
            "error[TM827]: a zip archive, not a $metadata document: extract the document from it "
            "(finance_metadata.xml) and import that",
        ),
        (
            gzip.compress(FINANCE_DOC.read_bytes())[:600],
            "error[TM832]: the file is gzip-compressed but damaged (Compressed file ended before "
            "the end-of-stream marker was reached): it was cut short or changed; download it "
            "again",
        ),
        (
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\xff",
            "error[TM832]: the file is gzip-compressed but damaged (Error -3 while decompressing "
            "data: invalid block type): it was cut short or changed; download it again",
        ),
        (
            b"%PDF-1.7\n\x25\xe2\xe3\xcf\xd3\n1 0 obj\x00",
            "error[TM831]: a binary file, not $metadata (its first bytes are 25 50 44 46 2d 31 2e "
            "37); download it again",
        ),
        (b" \r\n\t\n", "error[TM802]: the file is empty, not a $metadata document"),
        (gzip.compress(b""), "error[TM802]: the file is empty, not a $metadata document"),
    ],
    ids=[
        "sign-in-page",
        "xhtml",
        "gzip-redirect-page",
        "dataverse-error",
        "finance-error",
        "json",
        "zip",
        "cut-gzip",
        "bad-gzip",
        "binary",
        "blank",
        "empty-gzip",
    ],
)
def test_a_download_that_went_wrong_is_named_for_what_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, expected: str
) -> None:
    (tmp_path / "metadata.xml").write_bytes(content)
    result = run(tmp_path, monkeypatch, "metadata.xml", "CustomersV3")
    assert (result.status, headlines(result), files(tmp_path)) == (
        1,
        [f"metadata.xml: {expected}"],
        {},
    )


def test_a_gzip_compressed_document_is_read_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What `curl --compressed -o` can leave when the server ignores it, or a saved .gz.
    (tmp_path / "metadata.xml.gz").write_bytes(gzip.compress(FINANCE_DOC.read_bytes()))
    result = run(tmp_path, monkeypatch, "metadata.xml.gz", "CustomersV3", "CustomerGroups")
    assert headlines(result) == []
    for name in ("CustomersV3", "CustomerGroups"):
        assert schema(tmp_path, "finance", name) == (EXPECTED / f"{name}.yaml").read_text()


def test_a_missing_entity_names_it_with_a_suggestion_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(FINANCE_DOC, tmp_path / "metadata.xml")
    result = run(
        tmp_path, monkeypatch, "metadata.xml", "CustomerGroups", "CustomerV3", "CustomrsV3"
    )
    assert headlines(result) == [
        "metadata.xml: error[TM810]: entity 'CustomerV3' is not in metadata.xml (finance and "
        "operations metadata) (did you mean 'CustomersV3', the entity set of entity type "
        "'CustomerV3'?); nothing was written",
        "metadata.xml: error[TM810]: entity 'CustomrsV3' is not in metadata.xml (finance and "
        "operations metadata) (did you mean 'CustomersV3'?); nothing was written",
    ]
    assert files(tmp_path) == {}


def test_a_missing_file_and_unusable_option_sets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = run(tmp_path, monkeypatch, "nowhere.xml", "accounts")
    assert headlines(missing) == [
        "nowhere.xml: error[TM801]: can't read the $metadata document: No such file or directory"
    ]
    (tmp_path / "no_context.json").write_text(json.dumps({"value": []}))
    (tmp_path / "not_json.json").write_text("<html/>")
    result = run(
        tmp_path,
        monkeypatch,
        str(DATAVERSE_DOC),
        "accounts",
        "--options=no_context.json",
        "--options=not_json.json",
    )
    assert headlines(result) == [
        "no_context.json: error[TM822]: can't tell which table the option sets belong to: the "
        "@odata.context names no EntityDefinitions('<table>'); write --options "
        "<table>=no_context.json",
        "not_json.json: error[TM821]: not Dataverse attribute metadata: not JSON (Expecting "
        "value: line 1 column 1 (char 0)); expected the JSON response of "
        "EntityDefinitions(LogicalName='<table>')/Attributes/Microsoft.Dynamics.CRM."
        "PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet,GlobalOptionSet",
    ]
    assert files(tmp_path) == {}


def test_a_failed_rename_puts_every_schema_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An existing schema that the import rewrites, and one it creates: two renames.
    existing = tmp_path / "specs" / "entities" / "finance" / "CustomerGroups.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text((EXPECTED / "CustomerGroups.yaml").read_text() + "\n")
    before = files(tmp_path)
    renames: list[str] = []

    def replace(source: str, target: Path) -> None:
        renames.append(Path(target).name)
        if len(renames) == 2:
            raise OSError(28, "No space left on device")
        os.rename(source, target)

    monkeypatch.setattr(command.os, "replace", replace)
    result = run(tmp_path, monkeypatch, str(FINANCE_DOC), "CustomerGroups", "CustomersV3")
    assert renames == ["CustomerGroups.yaml", "CustomersV3.yaml"]
    assert headlines(result) == [
        "specs/entities/finance/CustomerGroups.yaml: error[TM815]: can't write the schema: No "
        "space left on device; no schema was changed"
    ]
    assert files(tmp_path) == before


# --- what the import warns about or refuses -----------------------------------------------


def test_option_sets_it_cannot_use_are_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = "https://contoso.crm.dynamics.com/api/data/v9.2/$metadata#EntityDefinitions('{}')"
    picklist = {"LogicalName": "accountnumber", "OptionSet": {"Options": [{"Value": 1}]}}
    (tmp_path / "account.json").write_text(
        json.dumps({"@odata.context": context.format("account"), "value": [picklist]})
    )
    (tmp_path / "contact.json").write_text(
        json.dumps({"@odata.context": context.format("contact"), "value": []})
    )
    result = run(
        tmp_path, monkeypatch, str(DATAVERSE_DOC), "accounts", "--options", "account.json",
        "contact.json",
    )  # fmt: skip
    assert headlines(result) == [
        "account.json: warning[TM826]: option set for column 'accountnumber' of accounts, whose "
        "type is string, not an option set's Edm.Int32 or Edm.Boolean; ignored",
        "contact.json: warning[TM824]: option sets for table 'contact', which this run does not "
        "import; ignored",
    ]
    assert "enum" not in yaml.safe_load(schema(tmp_path, "dataverse", "accounts"))["properties"]
    finance = run(tmp_path, monkeypatch, str(FINANCE_DOC), "CustomerGroups", "--options=a.json")
    assert headlines(finance) == [
        f"{FINANCE_DOC.as_posix()}: warning[TM823]: option sets apply to Dataverse metadata, not "
        "to this finance and operations document; ignored"
    ]


@pytest.mark.parametrize(
    ("container", "names", "expected"),
    [
        (
            '<EntitySet Name="Orders" EntityType="Microsoft.Dynamics.DataEntities.Order"/>',
            ["Orders"],
            "error[TM809]: malformed CSDL: entity type 'Microsoft.Dynamics.DataEntities.Order' "
            "is used but never defined",
        ),
        (
            '<EntitySet Name="Orders"/>',
            ["Orders"],
            "error[TM808]: malformed CSDL: an <EntitySet> has no Name or EntityType",
        ),
        (
            "",
            [],
            "error[TM813]: nothing to import from this finance and operations document: name the "
            "entities or tables (schema import metadata.xml NAME ...), or add specs that use them",
        ),
    ],
    ids=["undefined-type", "malformed", "nothing-to-import"],
)
def test_malformed_csdl_and_nothing_to_import(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    container: str,
    names: list[str],
    expected: str,
) -> None:
    (tmp_path / "metadata.xml").write_text(
        '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">'
        '<edmx:DataServices><Schema Namespace="Microsoft.Dynamics.DataEntities" '
        'xmlns="http://docs.oasis-open.org/odata/ns/edm">'
        f'<EntityContainer Name="Resources">{container}</EntityContainer>'
        "</Schema></edmx:DataServices></edmx:Edmx>"
    )
    result = run(tmp_path, monkeypatch, "metadata.xml", *names)
    assert headlines(result) == [f"metadata.xml: {expected}"]


def test_an_existing_schema_it_cannot_merge_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    existing = tmp_path / "specs" / "entities" / "finance" / "CustomerGroups.yaml"
    existing.parent.mkdir(parents=True)
    existing.write_text("title: CustomerGroups\nproperties: [dataAreaId]\n")
    result = run(tmp_path, monkeypatch, str(FINANCE_DOC), "CustomerGroups")
    assert headlines(result) == [
        "specs/entities/finance/CustomerGroups.yaml: error[TM814]: can't update this schema: "
        "'properties' is not a mapping; fix it or move it away, then import again"
    ]
    assert existing.read_text() == "title: CustomerGroups\nproperties: [dataAreaId]\n"


def test_the_command_line_prints_the_summary_and_exits_1_on_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["schema", "import", str(FINANCE_DOC), "CustomerGroups"]) == 0
    output = capsys.readouterr()
    assert (output.out.splitlines()[0], output.err) == (
        "specs/entities/finance/CustomerGroups.yaml: created, 5 columns",
        "",
    )
    assert cli.main(["schema", "import", str(FINANCE_DOC), "CustomerGroup"]) == 1
    output = capsys.readouterr()
    assert output.out == ""
    assert output.err.splitlines()[-1] == "1 error, 0 warnings"
