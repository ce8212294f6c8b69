"""No spec content can change a generated module's behaviour beyond the mapping it describes.

Random strings go into every spec position: template, description, defaults, filter
literals, value-map values and (in a map without schemas) field names. Each run must
end in a compile error or in a package that parses, imports without output and maps
the same strings back out.
"""

from __future__ import annotations

import ast
import contextlib
import io
import sys
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from projects import build_package, compile_cached_in_tests, write_project

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Strings that stress quoting: quotes, backslashes, newlines, triple quotes, '#', keywords.
NASTY = st.sampled_from(
    [
        '"""',
        "'''",
        "\\",
        "\n",
        "#",
        "import os",
        "class",
        "None",
        "\\'",
        '"',
        "\x00",
        "é",
        "{{ x }}",
    ]
)
TEXT = st.one_of(st.text(min_size=1), st.lists(NASTY, min_size=1, max_size=4).map("".join))


def fo_string(text: str) -> str:
    """An F&O filter string literal: backslash escapes."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def odata_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def dump(document: dict[str, Any]) -> str:
    return yaml.safe_dump(document, default_style='"', allow_unicode=False, sort_keys=False)


def load_quietly(tmp_path: Path, files: dict[str, str], *, schemas: bool) -> Any:
    """Compile; None on a compile error, else the imported package (asserting it is silent)."""
    write_project(tmp_path, files, schemas=schemas)
    result = compile_cached_in_tests(tmp_path)
    if result.diagnostics.errors:
        event("compile error")
        return None
    event("compiled and imported")
    for name, text in result.files.items():
        if name.endswith(".py"):
            ast.parse(text)
    output = io.StringIO()
    before = set(sys.modules)
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        package = build_package(tmp_path, {}, schemas=schemas)
    assert output.getvalue() == ""
    new_modules = {name.split(".")[0] for name in set(sys.modules) - before}
    assert new_modules == {package.__name__}
    return package


@SETTINGS
@given(
    template=TEXT,
    description=TEXT,
    default=TEXT,
    finance_value=TEXT,
    dataverse_value=TEXT,
    source_literal=TEXT,
    reverse_literal=TEXT,
)
def test_strings_in_every_position_are_rendered_as_literals(
    tmp_path_factory: Any,
    template: str,
    description: str,
    default: str,
    finance_value: str,
    dataverse_value: str,
    source_literal: str,
    reverse_literal: str,
) -> None:
    tmp_path = tmp_path_factory.mktemp("injection")
    spec = {
        "template": template,
        "description": description,
        "finance": {"entity": "Customers", "filter": f"Name == {fo_string(source_literal)}"},
        "dataverse": {"table": "accounts", "filter": f"name eq {odata_string(reverse_literal)}"},
        "fields": [
            ["none", ">>", "description", default],
            ["PartyType", "<<", "none", default],
            [
                "CustomerAccount",
                "><",
                "accountnumber",
                {"values": [[finance_value, dataverse_value]]},
            ],
        ],
    }
    package = load_quietly(tmp_path, {"specs/maps/injected.yaml": dump(spec)}, schemas=True)
    if package is None:
        return
    module = package.TEMPLATES["injected"]
    assert template == module.TEMPLATE
    assert module.finance_to_dataverse({"CustomerAccount": finance_value}) == {
        "description": default,
        "accountnumber": dataverse_value,
    }
    assert module.dataverse_to_finance({"accountnumber": dataverse_value}) == {
        "PartyType": default,
        "CustomerAccount": finance_value,
    }
    assert module.matches_source_filter({"Name": source_literal}) is True
    assert module.matches_reverse_source_filter({"name": reverse_literal}) is True


@SETTINGS
@given(finance_field=TEXT, dataverse_field=TEXT)
def test_field_names_of_maps_without_schemas_are_keyed_as_written(
    tmp_path_factory: Any, finance_field: str, dataverse_field: str
) -> None:
    tmp_path = tmp_path_factory.mktemp("fields")
    spec = {
        "template": "T",
        "finance": {"entity": "Anything"},
        "dataverse": {"table": "anything"},
        "fields": [[finance_field, "=", dataverse_field]],
    }
    package = load_quietly(tmp_path, {"specs/maps/fields.yaml": dump(spec)}, schemas=False)
    if package is None:
        return
    module = package.TEMPLATES["fields"]
    assert module.finance_to_dataverse({finance_field: 1}) == {dataverse_field: 1}
    assert module.dataverse_to_finance({dataverse_field: 2}) == {finance_field: 2}
