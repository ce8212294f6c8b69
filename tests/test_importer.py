"""``python -m generator import``: table maps read from mapping-reference documents into specs."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from generator import cli
from generator.cache import ContentCache
from generator.diagnostics import Diagnostics
from generator.pipeline import compile_project
from generator.reference.importer import ImportedSpec, import_reference, run_import
from generator.reference.pages import render_docs
from generator.source.located_yaml import Scalar
from generator.source.project import Layout, WorkingTree, load_spec_set
from generator.source.spec import MapSpec, parse_spec
from projects import compile_cached_in_tests

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "importer_data"
DOCS = ROOT / "docs" / "maps"


def seed(number: str) -> str:
    return (DATA / f"seed_{number}.txt").read_text(encoding="utf-8")


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


def rows(spec: MapSpec) -> list[tuple[Any, ...]]:
    """The rows as comparable tuples; a named value map counts as its pairs."""
    result = []
    for row in spec.rows:
        pairs = (
            None
            if row.values is None
            else [(typed(pair.finance), typed(pair.dataverse)) for pair in row.values.pairs]
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
        spec.company.striped,
        tuple(name.text for name in spec.key),
        spec.finance.name.text,
        spec.dataverse.name.text,
        spec.finance.filter.value if spec.finance.filter else None,
        spec.dataverse.filter.value if spec.dataverse.filter else None,
    )


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
# guess: company striped: the document does not say whether the map is company-specific; it is striped when the key of NameAffixes has dataAreaId, and global otherwise
company: striped
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
# guess: company striped: the document does not say whether the map is company-specific; it is striped when the key of CustomersV3 has dataAreaId, and global otherwise
company: striped
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
# guess: company striped: the document does not say whether the map is company-specific; it is striped when the key of LoyaltyCards has dataAreaId, and global otherwise
company: striped
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


def test_seed_003_plain_text_map_in_full() -> None:
    imported = {item.module: item for item in import_reference(seed("003"))}
    name_affixes = imported["name_affixes_to_msdyn_nameaffixes"]
    assert name_affixes.text == SEED_003_NAME_AFFIXES
    assert name_affixes.warnings == (
        "line 211: guess: company striped: the document does not say whether the map is "
        "company-specific; it is striped when the key of NameAffixes has dataAreaId, and global "
        "otherwise",
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


def test_seed_003_specs_compile_with_errors_only_on_rows_marked_guess(tmp_path: Path) -> None:
    imported = import_reference(seed("003"))
    texts = {f"specs/maps/{item.module}.yaml": item.text.splitlines() for item in imported}
    result = compile_cached_in_tests(new_project(tmp_path, imported))
    assert result.diagnostics.errors, "seed 003 gives no value maps, so enum rows can't compile"
    for error in result.diagnostics.errors:
        # Every error is at something the importer guessed, and a comment above it says so.
        lines = texts[error.location.path]
        assert lines[error.location.line - 2].lstrip().startswith("# guess:"), error.headline()


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
        True,
        (),
        "CDSContactsV2",
        "contacts",
        "(AssociatedContactType = 1)",
        "msdyn_contactforvendor eq true and msdyn_sellable eq false "
        "and msdyn_contactpersonid ne ''",
    )
    assert rows(contacts) == [
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
    terms = rows(parsed(imported[5]))
    assert terms[4] == (
        "ISCASHPAYMENT",
        "><",
        "msdyn_iscashpayment",
        None,
        [(("str", "no"), ("bool", False)), (("str", "yes"), ("bool", True))],
        False,
    )
    assert terms[11][4][-1] == (("str", "cutOffDate"), ("int", 806380997))


# The company and key a person checking the importer's guesses would write (as the project's
# specs do): the reference pages do not say.
SETTLED = {
    "customer_groups_msdyn_customergroups": ("striped", "[CUSTOMERGROUPID]"),
    "name_affixes_msdyn_nameaffixes": ("global", "[AFFIX, TYPE]"),
    "payment_schedule_lines_msdyn_paymentschedulelines": (
        "striped",
        "[PAYMENTSCHEDULENAME, LINENUMBER]",
    ),
    "payment_days_cds_to_msdyn_paymentdays": ("striped", "[NAME]"),
}


def settled(imported: ImportedSpec) -> ImportedSpec:
    company, key = SETTLED[imported.module]
    lines = [
        f"company: {company}\nkey: {key}" if line.startswith("company: ") else line
        for line in imported.text.splitlines()
    ]
    return ImportedSpec(imported.module, "\n".join(lines) + "\n", imported.warnings)


def test_imported_specs_compile(tmp_path: Path, shipped_cache: Path) -> None:
    # The maps whose guessed entity names exist, so the compiler checks their enum values.
    wanted = {
        "customer_groups_msdyn_customergroups",
        "name_affixes_msdyn_nameaffixes",
        "payment_schedule_lines_msdyn_paymentschedulelines",
        # Seed 003's one map without enum rows (its others need value maps: see above).
        "payment_days_cds_to_msdyn_paymentdays",
    }
    document = (DATA / "current_reference.md").read_text(encoding="utf-8") + "\n" + seed("003")
    imported = [settled(item) for item in import_reference(document) if item.module in wanted]
    assert len(imported) == len(wanted)
    # The project has the shipped schemas: their record types are in the shipped run's cache.
    shipped_types = ContentCache(shipped_cache, read_only=True)
    result = compile_project(new_project(tmp_path, imported), shipped_types)
    assert [d.headline() for d in result.diagnostics.errors] == []
    assert sorted(result.files) == sorted(
        [f"{item.module}.py" for item in imported]
        + ["__init__.py", "_runtime.py", "models.py", "py.typed"]
    )
    assert {table_map.spec.module for table_map in result.maps if table_map.finance_schema} == (
        wanted - {"payment_days_cds_to_msdyn_paymentdays"}
    )


# --- The pages the compiler writes ------------------------------------------------------------

# The project's specs as the loader reads them: named value maps expanded.
ORIGINAL = {
    spec.module: spec
    for spec in load_spec_set(WorkingTree(ROOT), Layout(ROOT), Diagnostics()).specs
}
PAGES = render_docs(list(ORIGINAL.values()))


def test_pages_are_those_the_compiler_writes() -> None:
    # test_end_to_end checks docs/maps against a full compile; these are the same pages.
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in DOCS.glob("*.md")}
    assert on_disk == PAGES


def test_generated_pages_import_back_to_their_specs() -> None:
    assert len(ORIGINAL) >= 12  # the shipped templates, and any a project added
    for module, original in ORIGINAL.items():
        imported = import_reference(PAGES[f"{module}.md"])
        assert [item.module for item in imported] == [module]
        spec = parsed(imported[0])
        assert header(spec) == header(original), module
        assert rows(spec) == rows(original), module
        assert "could not import" not in imported[0].text


def test_all_pages_in_one_document() -> None:
    document = "\n".join(text for _, text in sorted(PAGES.items()))
    imported = import_reference(document)
    assert [item.module for item in imported] == sorted(ORIGINAL)
    for item in imported:
        assert rows(parsed(item)) == rows(ORIGINAL[item.module])


TRICKY = """\
template: "Tricky <maps> | test #"
description: 'Uses *stars*, back\\slashes, a|pipe and <angle> brackets.'
company: global
key: [A, "- dash, or not"]
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
    (imported,) = import_reference(render_docs([original])["tricky.md"])
    assert imported.module == "tricky"
    spec = parsed(imported)
    assert header(spec) == header(original)
    assert rows(spec) == rows(original)
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
    assert rows(parsed(first)) == [
        ("NAME", "=", "msdyn_name", None, None, False),
        ("DESCRIPTION", ">", "msdyn_description", None, None, False),
    ]
    assert parsed(first).finance.filter is not None
    assert header(parsed(second))[2:6] == (
        True,
        (),
        "SalesTaxGroups",
        "msdyn_salestaxgroups",
    )
    assert rows(parsed(second)) == [("TAXGROUP", "<<", None, None, None, False)]


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
        True,
        (),
        "Currencies",
        "transactioncurrencies",
        None,
        None,
    )
    assert rows(spec)[1] == (None, ">>", "exchangerate", ("float", 1.0), None, False)


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
    assert imported.warnings[2:] == (
        "line 8: could not import (unknown map type '=>'): ODD | => | msdyn_odd |",
        "line 9: could not import (2 cells, need at least 3): SHORT | = |",
        "line 10: could not import (5 cells, the header has 4): LONG | = | msdyn_long | 1 | extra",
        "line 11: could not import (value-map pair '`a` : b': 'b' is neither in backticks nor "
        "'blank'): PAIRS | ><<br>`a` : b | msdyn_pairs |",
    )
    # The table name was given; the company and entity are guessed.
    assert imported.warnings[:2] == (
        "line 1: guess: company striped: the document does not say whether the map is "
        "company-specific; it is striped when the key of BrokenMap has dataAreaId, and global "
        "otherwise",
        'line 1: guess: entity BrokenMap is made from the heading "Broken map"; check it against '
        "specs/entities/finance/BrokenMap.yaml",
    )
    assert "  table: msdyn_broken\n" in imported.text
    assert [row[0] for row in rows(parsed(imported))] == ["GOOD", "LAST"]


def test_a_line_without_pipes_inside_a_table_is_a_row_that_could_not_be_read() -> None:
    document = """\
## Units

Source field | Map type | Destination field
---|---|---
NAME | = | msdyn_name
DESCRIPTION = msdyn_description
SYMBOL | = | msdyn_symbol

After the table | not a row.
"""
    (imported,) = import_reference(document)
    assert imported.text.splitlines()[-4:] == [
        "fields:",
        '  - [NAME, "=", msdyn_name]',
        "  # could not import: DESCRIPTION = msdyn_description",
        '  - [SYMBOL, "=", msdyn_symbol]',
    ]
    assert imported.warnings[-1] == (
        "line 6: could not import (1 cell, need at least 3): DESCRIPTION = msdyn_description"
    )


def test_a_line_without_pipes_before_the_next_table_ends_the_table() -> None:
    document = """\
Units to msdyn_units
Source field | Map type | Destination field
NAME | = | msdyn_name
Currencies to transactioncurrencies
Syncs currencies.
Source field | Map type | Destination field
CODE | = | isocurrencycode
"""
    units, currencies = import_reference(document)
    assert rows(parsed(units)) == [("NAME", "=", "msdyn_name", None, None, False)]
    assert header(parsed(currencies))[:2] == (
        "Currencies to transactioncurrencies",
        "Syncs currencies.",
    )
    assert rows(parsed(currencies)) == [("CODE", "=", "isocurrencycode", None, None, False)]
    assert "could not import" not in units.text + currencies.text


def test_tables_without_a_map_type_column_are_not_maps() -> None:
    document = "## Templates\n\nFinance and operations apps | Customer engagement apps\n---|---\nCustomers V3 | accounts\n"
    assert import_reference(document) == []


def test_duplicate_headings_get_distinct_modules() -> None:
    table = "Source field | Map type | Destination field\n---|---|---\nNAME | = | msdyn_name\n"
    first, second = import_reference(f"## Units\n\n{table}\n## Units\n\n{table}")
    assert (first.module, second.module) == ("units", "units_2")
    assert "# guess: module units_2: an earlier table map" in second.text


# --- run_import and the command line ------------------------------------------------------------

PAGE = PAGES["name_affixes_to_msdyn_nameaffixes.md"]
VALUE_MAP_GUESS = (
    "warning[TM616]: guess: value map from the document; its finance values must be members of "
    "the enum of TYPE in specs/entities/finance/NameAffixes.yaml (matched case-insensitively)"
)


def headlines(diagnostics: Diagnostics) -> list[str]:
    return [diagnostic.headline() for diagnostic in diagnostics.sorted()]


def test_run_import_writes_one_spec_per_map(tmp_path: Path) -> None:
    source = tmp_path / "reference.md"
    source.write_text(PAGE + "\n" + PAGES["payment_days_cds_to_msdyn_paymentdays.md"])
    into = tmp_path / "specs" / "maps"
    run = run_import(source, into)
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
    assert run.report.splitlines() == [
        f"{into / 'name_affixes_to_msdyn_nameaffixes.yaml'}: written "
        "(3 rows, 1 guess, 0 not imported)",
        f"{into / 'payment_days_cds_to_msdyn_paymentdays.yaml'}: written "
        "(2 rows, 0 guesses, 0 not imported)",
        "2 table maps in reference.md: 2 written, 0 unchanged, 0 skipped; "
        "review the comments marked 'guess'",
    ]
    # The guess is a warning at the row it is about.
    assert headlines(run.diagnostics) == [f"{source}:18:1: {VALUE_MAP_GUESS}"]
    assert source.read_text(encoding="utf-8").splitlines()[17].startswith("TYPE | \\>\\< |")
    # Importing again changes nothing.
    again = run_import(source, into)
    assert again.report.splitlines()[-1] == (
        "2 table maps in reference.md: 0 written, 2 unchanged, 0 skipped; "
        "review the comments marked 'guess'"
    )
    assert (into / "name_affixes_to_msdyn_nameaffixes.yaml").read_text(encoding="utf-8") == text


def test_run_import_never_overwrites_a_different_file(tmp_path: Path) -> None:
    source = tmp_path / "page.md"
    source.write_text(PAGE, encoding="utf-8")
    into = tmp_path / "maps"
    into.mkdir()
    target = into / "name_affixes_to_msdyn_nameaffixes.yaml"
    target.write_text("template: edited by hand\n", encoding="utf-8")
    run = run_import(source, into)
    assert target.read_text(encoding="utf-8") == "template: edited by hand\n"
    assert headlines(run.diagnostics) == [
        f"{target}: warning[TM605]: exists with different content; not overwritten "
        "(move it away or import into another folder)",
        f"{source}:18:1: {VALUE_MAP_GUESS}",
    ]
    assert run.report.splitlines()[-1] == (
        "1 table map in page.md: 0 written, 0 unchanged, 1 skipped; "
        "review the comments marked 'guess'"
    )


def test_run_import_problems_are_errors(tmp_path: Path) -> None:
    into = tmp_path / "maps"
    prose = tmp_path / "prose.md"
    prose.write_text("# Integrated customer master\n\nNo tables here.\n", encoding="utf-8")
    assert headlines(run_import(prose, into).diagnostics) == [
        f"{prose}: error[TM602]: no table map found (a table map is a heading and a table "
        "whose header has a 'Map type' column)"
    ]
    assert not into.exists()
    missing = tmp_path / "missing.md"
    assert headlines(run_import(missing, into).diagnostics) == [
        f"{missing}: error[TM601]: can't read it: No such file or directory"
    ]
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"\xff\xfe\x00 not UTF-8")
    assert headlines(run_import(binary, into).diagnostics) == [
        f"{binary}: error[TM601]: can't read it: not UTF-8 (invalid start byte at byte 0)"
    ]


def test_import_exit_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("page.md").write_text(PAGE, encoding="utf-8")
    assert cli.main(["import", "page.md", "--into", "maps"]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "maps/name_affixes_to_msdyn_nameaffixes.yaml: written (3 rows, 1 guess, 0 not imported)",
        "1 table map in page.md: 1 written, 0 unchanged, 0 skipped; "
        "review the comments marked 'guess'",
        f"page.md:18:1: {VALUE_MAP_GUESS}",
        "    TYPE | \\>\\< | msdyn_affixtype |",
        "    ^",
        "0 errors, 1 warning",
    ]
    Path("prose.md").write_text("No tables here.\n", encoding="utf-8")
    assert cli.main(["import", "prose.md"]) == 1
    assert cli.main(["import", "missing.md"]) == 2
    assert cli.main(["import", "."]) == 2
    assert not Path("specs").exists()


def test_folders_and_files_that_cant_be_written_are_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "page.md"
    source.write_text(PAGE, encoding="utf-8")
    in_the_way = tmp_path / "file"
    in_the_way.write_text("", encoding="utf-8")
    (headline,) = headlines(run_import(source, in_the_way).diagnostics)
    assert headline == f"{in_the_way}: error[TM603]: can't create the folder: File exists"

    open_file = Path.open

    def full_disk(path: Path, mode: str = "r", *arguments: Any, **options: Any) -> Any:
        if mode == "xb":
            raise OSError(28, "No space left on device")
        return open_file(path, mode, *arguments, **options)

    monkeypatch.setattr(Path, "open", full_disk)
    run = run_import(source, tmp_path / "maps")
    target = tmp_path / "maps" / "name_affixes_to_msdyn_nameaffixes.yaml"
    assert headlines(run.diagnostics)[0] == (
        f"{target}: error[TM604]: can't write it: No space left on device"
    )
    assert run.report == "1 table map in page.md: 0 written, 0 unchanged, 0 skipped\n"
