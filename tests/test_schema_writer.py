"""The schema writer and the comment reader behind ``schema import``: text survives, comments stay."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.diagnostics import Diagnostics
from generator.metadata.existing import read_existing
from generator.metadata.writer import Document, plain_safe, render
from generator.source.located_yaml import load, plain

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text YAML can hold: no surrogates, and the code points YAML 1.1 (PyYAML) refuses to read.
TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufeff\ufffe\uffff"),
    max_size=120,
)


def schema(description: Any, label: Any, name: str = "column") -> Document:
    return Document(
        {
            "title": description,
            "description": description,
            "x-entity-set": "things",
            "properties": {
                name: {"type": "integer", "description": description, "enum": [1]},
            },
            "x-notes": [description, {"label": label}],
        }
    )


def read_back(text: str) -> Any:
    diagnostics = Diagnostics()
    node = load(text, "schema.yaml", diagnostics)
    assert node is not None, [item.headline() for item in diagnostics.items]
    return plain(node)


@SETTINGS
@given(TEXT, TEXT, TEXT)
def test_any_text_reads_back_unchanged_by_both_loaders(
    description: str, label: str, name: str
) -> None:
    document = schema(description, label, name or "column")
    text = render(document)
    assert read_back(text) == document.data
    assert yaml.safe_load(text) == document.data


def test_plain_only_where_every_reader_agrees() -> None:
    plain_texts = ["CustomerAccount", "Edm.Int32", "https://json-schema.org/draft/2020-12/schema"]
    quoted_texts = ["No", "yes", "on", "null", "3", "0x1F", "1:20", "2001-12-14", "#/$defs/NoYes",
                    "Source: PADOCS", "a #b", " lead", "trail ", "- item", "", "tab\there"]  # fmt: skip
    assert [text for text in plain_texts if plain_safe(text)] == plain_texts
    assert [text for text in quoted_texts if plain_safe(text)] == []
    assert plain_safe("a, b") and not plain_safe("a, b", flow=True)


def test_the_house_style() -> None:
    document = Document(
        {
            "properties": {
                "OnHold": {"description": "On hold.", "$ref": "#/$defs/NoYes"},
                "code": {"x-enum-names": {3: "Customer"}, "enum": [3], "type": "integer"},
                "parentid": {
                    "x-lookup": {"target": "accounts", "navigation-property": "parentid"},
                    "type": "object",
                },
            },
            "x-alternate-keys": [["accountnumber", "msdyn_company"]],
            "x-key": ["dataAreaId", "CustomerAccount"],
            "title": "Customers",
            "$defs": {"NoYes": {"x-enum-values": {"No": 0, "Yes": 1}, "enum": ["No", "Yes"]}},
            "description": "word " * 30,
        },
        header=["# Source: a test."],
        comments={("properties", "code"): ["# Options from the test."]},
    )
    assert render(document).splitlines() == [
        "# Source: a test.",
        "title: Customers",
        'description: "' + "word " * 30 + '"',
        "x-key: [dataAreaId, CustomerAccount]",
        "x-alternate-keys:",
        "  - [accountnumber, msdyn_company]",
        "properties:",
        "  OnHold:",
        '    $ref: "#/$defs/NoYes"',
        "    description: On hold.",
        "  # Options from the test.",
        "  code:",
        "    type: integer",
        "    enum: [3]",
        '    x-enum-names: {3: "Customer"}',
        "  parentid:",
        "    type: object",
        "    x-lookup:",
        "      target: accounts",
        "      navigation-property: parentid",
        "$defs:",
        "  NoYes:",
        '    enum: ["No", "Yes"]',
        '    x-enum-values: {"No": 0, "Yes": 1}',
    ]


def test_a_long_description_is_folded_at_100_columns() -> None:
    text = render(Document({"description": " ".join(["word"] * 40)}))
    # 19 words and their spaces take 94 columns after the indent; a 20th would pass 100.
    assert text.splitlines() == [
        "description: >-",
        "  " + " ".join(["word"] * 19),
        "  " + " ".join(["word"] * 19),
        "  word word",
    ]
    assert read_back(text) == {"description": " ".join(["word"] * 40)}


SOURCE = """\
# Header: where this schema comes from.
# Second header line.
title: t  # inline on a top-level key
x-entity-set: things
properties:
  # Above a column.
  a:
    type: string
    # Inside a column.
    description: "not # a comment"  # after a value
  b:
    type: string
    description: >-
      folded text # not a comment either
# Above the definitions.
$defs:
  # Above an enum.
  E:
    type: string
"""


def test_comments_are_kept_with_the_key_they_describe() -> None:
    document = read_existing(SOURCE.encode(), "schema.yaml", Diagnostics())
    assert document is not None
    assert document.header == ["# Header: where this schema comes from.", "# Second header line."]
    assert document.comments == {
        ("", "title"): ["# inline on a top-level key"],
        ("properties", "a"): ["# Above a column.", "# Inside a column.", "# after a value"],
        ("", "$defs"): ["# Above the definitions."],
        ("$defs", "E"): ["# Above an enum."],
    }
    assert document.data["properties"]["a"]["description"] == "not # a comment"
    assert document.data["properties"]["b"]["description"] == "folded text # not a comment either"
