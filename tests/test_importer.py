"""``python -m generator import``: table maps read from mapping-reference documents into specs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from generator.bind.resolve import TableMap
from generator.diagnostics import Diagnostics
from generator.pipeline import Layout, compile_project
from generator.reference.importer import ImportedSpec, import_reference, run_import
from generator.reference.pages import render_docs
from generator.source.located_yaml import Scalar
from generator.source.spec import MapSpec, ValueMapSpec, parse_spec, read_spec, read_value_maps

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
DATA = Path(__file__).resolve().parent / "importer_data"
DOCS = ROOT / "docs" / "maps"
NAMED = read_value_maps(ROOT / "specs" / "value_maps.yaml", "specs/value_maps.yaml", Diagnostics())
needs_seeds = pytest.mark.skipif(
    not SEEDS.is_dir(), reason=f"the seed documents are not here ({SEEDS} is absent)"
)


def seed(number: str) -> str:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8")


def parsed(imported: ImportedSpec) -> MapSpec:
    diagnostics = Diagnostics()
    spec = parse_spec(
        imported.text.encode(), f"{imported.module}.yaml", imported.module, diagnostics
    )
    assert spec is not None, [d.headline() for d in diagnostics.items]
    assert diagnostics.items == []
    return spec


def typed(scalar: Scalar | None) -> tuple[str, Any] | None:
    """A value with its type, so that True and 1 differ."""
    return None if scalar is None else (type(scalar.value).__name__, scalar.value)


def rows(spec: MapSpec, named: dict[str, ValueMapSpec]) -> list[tuple[Any, ...]]:
    result = []
    for row in spec.rows:
        values = row.values
        if row.values_reference is not None:
            values = named[row.values_reference.text]
        pairs = (
            None
            if values is None
            else [(typed(pair.finance), typed(pair.dataverse)) for pair in values.pairs]
        )
        result.append(
            (
                row.finance.text if row.finance else None,
                row.map_type.value,
                row.dataverse.text if row.dataverse else None,
                typed(row.default),
                pairs,
                row.keep_unmapped,
            )
        )
    return result


def header(spec: MapSpec) -> tuple[Any, ...]:
    return (
        spec.template,
        spec.description,
        spec.finance.name.text,
        spec.dataverse.name.text,
        spec.finance.filter.value if spec.finance.filter else None,
        spec.dataverse.filter.value if spec.dataverse.filter else None,
    )


def pages(specs: list[MapSpec]) -> dict[str, str]:
    """The reference pages generator.reference.pages writes for ``specs`` (it reads only their specs)."""
    maps = [TableMap(spec, None, None, (), None, None) for spec in specs]
    return render_docs(maps, NAMED)


def new_project(root: Path, specs: list[ImportedSpec]) -> Layout:
    """A project with the real entity schemas and value maps, and ``specs`` as its maps."""
    shutil.copytree(ROOT / "specs" / "entities", root / "specs" / "entities")
    shutil.copy(ROOT / "specs" / "value_maps.yaml", root / "specs" / "value_maps.yaml")
    (root / "specs" / "maps").mkdir()
    for imported in specs:
        (root / "specs" / "maps" / f"{imported.module}.yaml").write_text(
            imported.text, encoding="utf-8"
        )
    return Layout(root)


# --- The seed documents -------------------------------------------------------------------------

SEED_MAPS: dict[str, list[tuple[str, int]]] = {
    # 000 and 002 list the templates but print no field table; 004 shows them as images.
    "000": [],
    "001": [
        ("customer_v3_to_account", 60),
        ("customer_v3_to_contact", 62),
        ("contacts", 26),
        ("customer_groups", 5),
        ("customer_payment_methods", 15),
        ("loyalty_cards", 6),
        ("payment_schedules", 10),
        ("payment_schedule_lines", 6),
        ("payment_days", 2),
        ("payment_day_lines", 5),
        ("payment_terms", 13),
        ("name_affixes", 3),
    ],
    "002": [],
    "003": [
        ("cds_contacts_v2_to_contacts", 22),
        ("customer_groups_to_msdyn_customergroups", 5),
        ("customer_payment_method_to_msdyn_customerpaymentmethods", 14),
        ("customers_v3_to_accounts", 56),
        ("customers_v3_to_contacts", 56),
        ("name_affixes_to_msdyn_nameaffixes", 3),
        ("payment_day_lines_cds_v2_to_msdyn_paymentdaylines", 5),
        ("payment_days_cds_to_msdyn_paymentdays", 2),
        ("payment_schedule_lines_to_msdyn_paymentschedulelines", 5),
        ("payment_schedule_to_msdyn_paymentschedules", 10),
        ("terms_of_payment_to_msdyn_paymentterms", 13),
    ],
    "004": [],
}


@needs_seeds
@pytest.mark.parametrize("number", sorted(SEED_MAPS))
def test_seed_documents_give_their_maps_with_every_row(number: str) -> None:
    imported = import_reference(seed(number))
    assert [(item.module, len(parsed(item).rows)) for item in imported] == SEED_MAPS[number]
    for item in imported:
        assert "could not import" not in item.text


SEED_003_NAME_AFFIXES = """\
# yaml-language-server: $schema=../spec.schema.json
# Imported from a mapping reference by python -m generator import; review the comments marked 'guess'.
template: Name affixes to msdyn_nameaffixes
description: This template synchronizes data between Finance and Operations apps and Dataverse.
finance:
  # guess: entity NameAffixes is made from the heading "Name affixes to msdyn_nameaffixes"; check it against specs/entities/finance/NameAffixes.yaml
  entity: NameAffixes
dataverse:
  # guess: table msdyn_nameaffixes is made from the heading "Name affixes to msdyn_nameaffixes"; check it against specs/entities/dataverse/msdyn_nameaffixes.yaml
  table: msdyn_nameaffixes
fields:
  - [AFFIX, "=", msdyn_affix]
  # guess: >< without a value map copies values unchanged; add {values: [[finance value, dataverse value], ...]} if the two sides differ
  - [TYPE, "><", msdyn_affixtype]
  - [DESCRIPTION, "=", msdyn_description]
"""

SEED_003_CUSTOMERS_V3_TO_CONTACTS_START = """\
# yaml-language-server: $schema=../spec.schema.json
# Imported from a mapping reference by python -m generator import; review the comments marked 'guess'.
template: Customers V3 to contacts
description: This template synchronizes data between Finance and Operations apps and Dataverse.
finance:
  # guess: entity CustomersV3 is made from the heading "Customers V3 to contacts"; check it against specs/entities/finance/CustomersV3.yaml
  entity: CustomersV3
  filter: ((PartyType == "Person"))
dataverse:
  # guess: table contacts is made from the heading "Customers V3 to contacts"; check it against specs/entities/dataverse/contacts.yaml
  table: contacts
  filter: msdyn_sellable eq true and msdyn_contactpersonid ne ''
fields:
  - [none, ">>", msdyn_sellable, true]
  - [PARTYTYPE, "<<", none, Person]
  - [PARTYNUMBER, "=", msdyn_partynumber]
  - [CUSTOMERACCOUNT, "=", msdyn_contactpersonid]
  # guess: msdyn_customergroupid.msdyn_groupid is a lookup: the compiler needs column msdyn_customergroupid of contacts to declare its x-lookup target (specs/entities/dataverse/contacts.yaml)
  - [CUSTOMERGROUPID, "=", msdyn_customergroupid.msdyn_groupid]
"""

SEED_001_LOYALTY_CARDS = """\
# yaml-language-server: $schema=../spec.schema.json
# Imported from a mapping reference by python -m generator import; review the comments marked 'guess'.
template: Loyalty Cards
description: This template synchronizes customer loyalty card information between Finance and Operations and other Dynamics 365 apps.
finance:
  # guess: entity LoyaltyCards is made from the heading "Loyalty Cards"; check it against specs/entities/finance/LoyaltyCards.yaml
  entity: LoyaltyCards
dataverse:
  # guess: table msdyn_loyaltycards is made from the heading "Loyalty Cards"; check it against specs/entities/dataverse/msdyn_loyaltycards.yaml
  table: msdyn_loyaltycards
fields:
  - [CARDNUMBER, "=", msdyn_cardnumber]
  # guess: >< without a value map copies values unchanged; add {values: [[finance value, dataverse value], ...]} if the two sides differ
  - [CARDTENDERTYPE, "><", msdyn_cardtendertype]
  - [PARTYNUMBER, "=", msdyn_partynumber]
  - [REPLACEMENTCARDNUMBER, ">", msdyn_replacementcardnumber]
  - [OMOPERATINGUNITNUMBER, "=", msdyn_operatingunitnumber]
  - [LOYALTYENROLLMENTDATE, "=", msdyn_enrollmentdate]
"""


@needs_seeds
def test_seed_003_plain_text_map_in_full() -> None:
    imported = {item.module: item for item in import_reference(seed("003"))}
    name_affixes = imported["name_affixes_to_msdyn_nameaffixes"]
    assert name_affixes.text == SEED_003_NAME_AFFIXES
    assert name_affixes.warnings == (
        'line 211: guess: entity NameAffixes is made from the heading "Name affixes to '
        'msdyn_nameaffixes"; check it against specs/entities/finance/NameAffixes.yaml',
        'line 211: guess: table msdyn_nameaffixes is made from the heading "Name affixes to '
        'msdyn_nameaffixes"; check it against specs/entities/dataverse/msdyn_nameaffixes.yaml',
        "line 215: guess: >< without a value map copies values unchanged; add {values: "
        "[[finance value, dataverse value], ...]} if the two sides differ",
    )
    # Filters, booleans and defaults of the four-column form; the last row has no default cell.
    contacts = imported["customers_v3_to_contacts"]
    assert contacts.text.startswith(SEED_003_CUSTOMERS_V3_TO_CONTACTS_START)
    assert contacts.text.endswith('  - [SALESMEMO, "=", description]\n')


@needs_seeds
def test_seed_001_markdown_map_in_full() -> None:
    imported = {item.module: item for item in import_reference(seed("001"))}
    assert imported["loyalty_cards"].text == SEED_001_LOYALTY_CARDS
    # Markdown escapes: `\>\<` is ><, `msdyn\_city` is msdyn_city; a none row with no default
    # cell is flagged, since the compiler needs a default there.
    account = imported["customer_v3_to_account"].text
    assert '  - [INVOICEADDRESSCITY, "=", address2_city]\n' in account
    assert '  - [CREDITLIMITISMANDATORY, "><", msdyn_creditlimitismandatory]\n' in account
    assert (
        "  # guess: the document gives no default for this none row; the compiler needs one as "
        'the 4th element\n  - [LANGUAGEID, "<<", none]\n'
    ) in account


@needs_seeds
def test_seed_003_specs_compile_with_errors_only_on_rows_marked_guess(tmp_path: Path) -> None:
    imported = import_reference(seed("003"))
    texts = {f"specs/maps/{item.module}.yaml": item.text.splitlines() for item in imported}
    result = compile_project(new_project(tmp_path, imported))
    assert result.diagnostics.errors, "seed 003 gives no value maps, so enum rows can't compile"
    for error in result.diagnostics.errors:
        # Every error is a `><` row without a value map, and the row says so.
        assert error.message.endswith("add a value map"), error.headline()
        lines = texts[error.location.path]
        assert lines[error.location.line - 2].startswith("  # guess: >< without a value map")


# --- The current reference: value maps in the Map type cell ---------------------------------------


def test_value_maps_in_the_map_type_cell() -> None:
    imported = import_reference((DATA / "current_reference.md").read_text(encoding="utf-8"))
    assert [item.module for item in imported] == [
        "cds_contacts_v2_contacts",
        "customer_groups_msdyn_customergroups",
        "name_affixes_msdyn_nameaffixes",
        "payment_day_lines_cds_v2_msdyn_paymentdaylines",
        "payment_schedule_lines_msdyn_paymentschedulelines",
        "terms_of_payment_msdyn_paymentterms",
    ]
    contacts = parsed(imported[0])
    assert header(contacts) == (
        "CDS Contacts V2 (contacts)",
        "This template synchronizes data between finance and operations apps and Dataverse.",
        "CDSContactsV2",
        "contacts",
        "(AssociatedContactType = 1)",
        "msdyn_contactforvendor eq true and msdyn_sellable eq false "
        "and msdyn_contactpersonid ne ''",
    )
    assert rows(contacts, NAMED) == [
        ("CONTACTPERSONPARTYNUMBER", "=", "msdyn_partynumber", None, None, False),
        ("ASSOCIATEDCONTACTTYPE", "<<", None, ("str", "Vendor"), None, False),
        (
            "GENDER",
            "><",
            "gendercode",
            None,
            [
                (("str", "male"), ("int", 1)),
                (("str", "female"), ("int", 2)),
                (("str", "unknown"), ("NoneType", None)),
            ],
            False,
        ),
        (
            "ISRECEIVINGDIRECTMAIL",
            "><",
            "donotemail",
            None,
            [(("str", "no"), ("bool", False)), (("str", "yes"), ("bool", True))],
            False,
        ),
        (None, ">>", "msdyn_contactforvendor", ("bool", True), None, False),
        ("CONTACTPERSONID", "=", "msdyn_contactpersonid", None, None, False),
    ]
    assert (
        '  - [GENDER, "><", gendercode, {values: [[male, 1], [female, 2], [unknown, null]]}]\n'
        in imported[0].text
    )
    name_affixes = imported[2].text
    assert (
        "  # guess: value map from the document; its finance values must be members of the enum "
        "of TYPE in specs/entities/finance/NameAffixes.yaml (matched case-insensitively)\n"
        '  - [TYPE, "><", msdyn_affixtype, '
        "{values: [[personalSuffix, 806380001], [personalPrefix, 806380000]]}]\n"
    ) in name_affixes
    # The pairs are those of the published value maps (and of the project's specs).
    terms = rows(parsed(imported[5]), NAMED)
    assert terms[4] == (
        "ISCASHPAYMENT",
        "><",
        "msdyn_iscashpayment",
        None,
        [(("str", "no"), ("bool", False)), (("str", "yes"), ("bool", True))],
        False,
    )
    assert terms[11][4][-1] == (("str", "cutOffDate"), ("int", 806380997))


def test_imported_specs_compile(tmp_path: Path) -> None:
    # The maps whose guessed entity names exist, so the compiler checks their enum values.
    wanted = {
        "customer_groups_msdyn_customergroups",
        "name_affixes_msdyn_nameaffixes",
        "payment_schedule_lines_msdyn_paymentschedulelines",
        # Seed 003's one map without enum rows (its others need value maps: see above).
        "payment_days_cds_to_msdyn_paymentdays",
    }
    document = (DATA / "current_reference.md").read_text(encoding="utf-8")
    if SEEDS.is_dir():
        document += "\n" + seed("003")
    imported = [item for item in import_reference(document) if item.module in wanted]
    assert len(imported) == len(wanted) - (not SEEDS.is_dir())
    result = compile_project(new_project(tmp_path, imported))
    assert [d.headline() for d in result.diagnostics.errors] == []
    assert sorted(result.files) == sorted(
        [f"{item.module}.py" for item in imported]
        + ["__init__.py", "_runtime.py", "models.py", "py.typed"]
    )
    assert {table_map.spec.module for table_map in result.maps if table_map.finance_schema} == (
        wanted - {"payment_days_cds_to_msdyn_paymentdays"}
    )


# --- The pages the compiler writes ------------------------------------------------------------

ORIGINAL: dict[str, MapSpec] = {}
for _path in sorted((ROOT / "specs" / "maps").glob("*.yaml")):
    _spec = read_spec(_path, f"specs/maps/{_path.name}", Diagnostics())
    assert _spec is not None
    ORIGINAL[_spec.module] = _spec
PAGES = pages(list(ORIGINAL.values()))


def test_pages_are_those_the_compiler_writes() -> None:
    # test_end_to_end checks docs/maps against a full compile; these are the same pages.
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in DOCS.glob("*.md")}
    assert on_disk == PAGES


def test_generated_pages_import_back_to_their_specs() -> None:
    assert len(ORIGINAL) == 12
    for module, original in ORIGINAL.items():
        imported = import_reference(PAGES[f"{module}.md"])
        assert [item.module for item in imported] == [module]
        spec = parsed(imported[0])
        assert header(spec) == header(original), module
        assert rows(spec, {}) == rows(original, NAMED), module
        assert "could not import" not in imported[0].text


def test_all_pages_in_one_document() -> None:
    document = "\n".join(text for _, text in sorted(PAGES.items()))
    imported = import_reference(document)
    assert [item.module for item in imported] == sorted(ORIGINAL)
    for item in imported:
        assert rows(parsed(item), {}) == rows(ORIGINAL[item.module], NAMED)


TRICKY = """\
template: "Tricky <maps> | test #"
description: 'Uses *stars*, back\\slashes, a|pipe and <angle> brackets.'
finance:
  entity: Things
  filter: (Name == "O'Brien")
dataverse:
  table: things
  filter: name eq 'a|b'
fields:
  - [A, "=", a, "3"]
  - [B, "=", b, "blank"]
  - [C, "=", c, "yes"]
  - [D, "=", d, ""]
  - [E, "=", e, " padded "]
  - [F, "=", f, "x|y<z>\\\\w"]
  - [G, "=", g, '"quoted']
  - [H, "=", h, "#hash"]
  - [I, "=", i, "a: b"]
  - [J, "=", j, café]
  - [K, "=", k, 1.5]
  - [K2, "=", k2, .inf]
  - [L, "=", l, null]
  - [M, "><", m, {values: [["1/1/1900", null], [x, 2]], unmapped: keep}]
  - [N, "><", n, {default: 0, values: [[none, 0], ["[1]", true], ["null", 1.25]]}]
  - [none, ">>", o_p, "- dash"]
  - ["Q R", "<<", none, "true"]
"""


def test_values_that_markdown_makes_ambiguous_survive_a_round_trip() -> None:
    original = parsed(ImportedSpec("tricky", TRICKY, ()))
    (imported,) = import_reference(pages([original])["tricky.md"])
    assert imported.module == "tricky"
    spec = parsed(imported)
    assert header(spec) == header(original)
    assert rows(spec, {}) == rows(original, {})
    assert '  - [A, "=", a, "3"]\n' in imported.text
    assert '  - [Q R, "<<", none, "true"]\n' in imported.text
    assert '  - [M, "><", m, {values: [[1/1/1900, null], [x, 2]], unmapped: keep}]\n' in (
        imported.text
    )


# --- Layouts, escapes and rows that can't be read -------------------------------------------------


def test_markdown_tables_with_and_without_outer_pipes() -> None:
    document = """\
## Payment days

This template synchronizes payment days.

`Source filter: (Name != "")`

| Source field | Map type | Destination field |
|---|:---:|---|
| NAME | = | msdyn\\_name |
| DESCRIPTION | \\> | msdyn\\_description |

### Sales tax groups to msdyn_salestaxgroups

Source field|Map type|Destination field
---|---|---
TAXGROUP|\\<\\<|none
"""
    first, second = import_reference(document)
    assert (first.module, second.module) == (
        "payment_days",
        "sales_tax_groups_to_msdyn_salestaxgroups",
    )
    assert rows(parsed(first), {}) == [
        ("NAME", "=", "msdyn_name", None, None, False),
        ("DESCRIPTION", ">", "msdyn_description", None, None, False),
    ]
    assert parsed(first).finance.filter is not None
    assert header(parsed(second))[2:4] == ("SalesTaxGroups", "msdyn_salestaxgroups")
    assert rows(parsed(second), {}) == [("TAXGROUP", "<<", None, None, None, False)]


def test_plain_text_heading_directly_above_the_table() -> None:
    document = """\
Some introduction.
Currencies to transactioncurrencies
Finance and Operations field | Map type | Customer engagement field | Default value |
CURRENCYCODE | = | isocurrencycode | |
none | >> | exchangerate | 1.0000000000 |
"""
    (imported,) = import_reference(document)
    assert imported.module == "currencies_to_transactioncurrencies"
    spec = parsed(imported)
    assert header(spec) == (
        "Currencies to transactioncurrencies",
        "",
        "Currencies",
        "transactioncurrencies",
        None,
        None,
    )
    assert rows(spec, {})[1] == (None, ">>", "exchangerate", ("float", 1.0), None, False)


def test_rows_that_cant_be_read_are_kept_as_comments() -> None:
    document = """\
# Broken map

Dataverse table: msdyn_broken

Finance and operations field | Map type | Customer engagement field | Default value
---|---|---|---
GOOD | = | msdyn_good |
ODD | => | msdyn_odd |
SHORT | = |
LONG | = | msdyn_long | 1 | extra
PAIRS | ><<br>`a` : b | msdyn_pairs |
LAST | > | msdyn_last |
"""
    (imported,) = import_reference(document)
    assert imported.text.splitlines()[-7:] == [
        "fields:",
        '  - [GOOD, "=", msdyn_good]',
        "  # could not import: ODD | => | msdyn_odd |",
        "  # could not import: SHORT | = |",
        "  # could not import: LONG | = | msdyn_long | 1 | extra",
        "  # could not import: PAIRS | ><<br>`a` : b | msdyn_pairs |",
        '  - [LAST, ">", msdyn_last]',
    ]
    assert imported.warnings[1:] == (
        "line 8: could not import (unknown map type '=>'): ODD | => | msdyn_odd |",
        "line 9: could not import (2 cells, need at least 3): SHORT | = |",
        "line 10: could not import (5 cells, the header has 4): LONG | = | msdyn_long | 1 | extra",
        "line 11: could not import (value-map pair '`a` : b': 'b' is neither in backticks nor "
        "'blank'): PAIRS | ><<br>`a` : b | msdyn_pairs |",
    )
    # The table name was given; only the entity is guessed.
    assert imported.warnings[0].startswith("line 1: guess: entity BrokenMap is made")
    assert "  table: msdyn_broken\n" in imported.text
    assert [row[0] for row in rows(parsed(imported), {})] == ["GOOD", "LAST"]


def test_tables_without_a_map_type_column_are_not_maps() -> None:
    document = "## Templates\n\nFinance and operations apps | Customer engagement apps\n---|---\nCustomers V3 | accounts\n"
    assert import_reference(document) == []


def test_duplicate_headings_get_distinct_modules() -> None:
    table = "Source field | Map type | Destination field\n---|---|---\nNAME | = | msdyn_name\n"
    first, second = import_reference(f"## Units\n\n{table}\n## Units\n\n{table}")
    assert (first.module, second.module) == ("units", "units_2")
    assert "# guess: module units_2: an earlier table map" in second.text


# --- run_import -----------------------------------------------------------------------------------

PAGE = PAGES["name_affixes_to_msdyn_nameaffixes.md"]


def test_run_import_writes_one_spec_per_map(tmp_path: Path) -> None:
    source = tmp_path / "reference.md"
    source.write_text(PAGE + "\n" + PAGES["payment_days_cds_to_msdyn_paymentdays.md"])
    into = tmp_path / "specs" / "maps"
    status, report = run_import(source, into)
    assert status == 0
    assert sorted(path.name for path in into.iterdir()) == [
        "name_affixes_to_msdyn_nameaffixes.yaml",
        "payment_days_cds_to_msdyn_paymentdays.yaml",
    ]
    text = (into / "name_affixes_to_msdyn_nameaffixes.yaml").read_text(encoding="utf-8")
    assert text.splitlines()[1] == (
        "# Imported from reference.md by python -m generator import; "
        "review the comments marked 'guess'."
    )
    assert text.splitlines()[2:] == import_reference(PAGE)[0].text.splitlines()[2:]
    assert f"{into / 'name_affixes_to_msdyn_nameaffixes.yaml'}: written (3 rows, 1 guess" in report
    assert report.endswith(
        "2 table maps in reference.md: 2 written, 0 unchanged, 0 skipped; 1 warning; "
        "review the comments marked 'guess'\n"
    )
    # Importing again changes nothing.
    assert run_import(source, into)[0] == 0
    assert (into / "name_affixes_to_msdyn_nameaffixes.yaml").read_text(encoding="utf-8") == text


def test_run_import_never_overwrites_a_different_file(tmp_path: Path) -> None:
    source = tmp_path / "page.md"
    source.write_text(PAGE, encoding="utf-8")
    into = tmp_path / "maps"
    into.mkdir()
    target = into / "name_affixes_to_msdyn_nameaffixes.yaml"
    target.write_text("template: edited by hand\n", encoding="utf-8")
    status, report = run_import(source, into)
    assert status == 0
    assert target.read_text(encoding="utf-8") == "template: edited by hand\n"
    assert f"{target}: warning: exists with different content; not overwritten" in report
    assert "0 written, 0 unchanged, 1 skipped" in report


def test_run_import_exit_status(tmp_path: Path) -> None:
    into = tmp_path / "maps"
    prose = tmp_path / "prose.md"
    prose.write_text("# Integrated customer master\n\nNo tables here.\n", encoding="utf-8")
    status, report = run_import(prose, into)
    assert (status, report.startswith(f"{prose}: error: no table map found")) == (1, True)
    assert not into.exists()
    status, report = run_import(tmp_path / "missing.md", into)
    assert (status, report.startswith(f"{tmp_path / 'missing.md'}: error: can't read it")) == (
        2,
        True,
    )
    assert run_import(tmp_path, into)[0] == 2
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00 not UTF-8")
    assert run_import(binary, into)[0] == 2
