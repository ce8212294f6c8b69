"""Throw-away projects for compiler tests: write specs into a folder, compile, import."""

from __future__ import annotations

import importlib
import itertools
import os
import sys
import textwrap
from pathlib import Path
from types import ModuleType

from generator.cache import CACHE_VARIABLE, ContentCache
from generator.diagnostics import Diagnostic, Diagnostics, Severity, render
from generator.pipeline import Compilation, compile_project
from generator.source.project import Layout

FINANCE_SCHEMA = """\
title: Customers
type: object
x-entity-set: Customers
properties:
  CustomerAccount: {type: string}
  Name: {type: string}
  CreditLimit: {type: number}
  Employees: {type: integer}
  CurrencyCode: {type: string}
  OnHold: {$ref: "#/$defs/NoYes"}
  Gender: {$ref: "#/$defs/Gender"}
  PartyType: {type: string}
  Language: {type: string}
$defs:
  NoYes:
    type: string
    enum: ["No", "Yes"]
    x-enum-values: {"No": 0, "Yes": 1}
  Gender:
    type: string
    enum: ["Unknown", "Male", "Female", "NonSpecific"]
    x-enum-values: {"Unknown": 0, "Male": 1, "Female": 2, "NonSpecific": 3}
"""

DATAVERSE_SCHEMA = """\
title: account
type: object
x-entity-set: accounts
properties:
  accountnumber: {type: string}
  name: {type: string}
  creditlimit: {type: number}
  numberofemployees: {type: integer}
  transactioncurrencyid:
    type: object
    x-lookup: {target: transactioncurrencies, navigation-property: transactioncurrencyid}
  parentaccountid: {type: string}
  msdyn_onhold: {type: boolean}
  gendercode: {type: integer, enum: [1, 2]}
  customertypecode: {type: integer, enum: [1, 2, 3]}
  description: {type: string}
"""

CURRENCY_SCHEMA = """\
title: transactioncurrency
type: object
x-entity-set: transactioncurrencies
x-alternate-keys: [[isocurrencycode]]
properties:
  isocurrencycode: {type: string}
"""

_counter = itertools.count()


def spec(fields: str, *, header: str = "", name: str = "customers_to_accounts") -> dict[str, str]:
    """A spec file for Customers -> accounts with the given ``fields:`` rows."""
    body = header or (
        "template: Customers to accounts\n"
        "finance:\n  entity: Customers\n"
        "dataverse:\n  table: accounts\n"
    )
    # The scope goes last, so the rows keep the line numbers the tests pin.
    scope = "" if "company:" in body else "company: global\n"
    return {
        f"specs/maps/{name}.yaml": body
        + "fields:\n"
        + textwrap.indent(textwrap.dedent(fields).rstrip("\n") + "\n", "  ")
        + scope
    }


def write_project(root: Path, files: dict[str, str], *, schemas: bool = True) -> Path:
    all_files = dict(files)
    if schemas:
        all_files.setdefault("specs/entities/finance/Customers.yaml", FINANCE_SCHEMA)
        all_files.setdefault("specs/entities/dataverse/accounts.yaml", DATAVERSE_SCHEMA)
        all_files.setdefault("specs/entities/dataverse/transactioncurrencies.yaml", CURRENCY_SCHEMA)
    for relative, text in all_files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def compile_files(root: Path, files: dict[str, str], *, schemas: bool = True) -> Diagnostics:
    write_project(root, files, schemas=schemas)
    return compile_cached_in_tests(root).diagnostics


def run_cache() -> ContentCache:
    """The content cache every compile of the test run shares (conftest.py sets it up)."""
    return ContentCache(Path(os.environ[CACHE_VARIABLE]))


def compile_cached_in_tests(root: Path | Layout) -> Compilation:
    """Compile with the run's cache (see conftest.py): throw-away projects share their schemas."""
    return compile_project(root if isinstance(root, Layout) else Layout(root), run_cache())


def headlines(diagnostics: Diagnostics, *, severity: Severity | None = None) -> list[str]:
    return [
        diagnostic.headline()
        for diagnostic in diagnostics.sorted()
        if severity is None or diagnostic.severity is severity
    ]


def rendered(diagnostic: Diagnostic, root: Path) -> str:
    return render(diagnostic, root)


def build_package(root: Path, files: dict[str, str], *, schemas: bool = True) -> ModuleType:
    """Compile, write the package under a unique name (as a vendoring user would) and import it."""
    write_project(root, files, schemas=schemas)
    result = compile_cached_in_tests(root)
    assert not result.diagnostics.errors, [d.headline() for d in result.diagnostics.errors]
    name = f"vendored_maps_{next(_counter)}"
    package = root / "vendor" / name
    package.mkdir(parents=True)
    for file_name, text in result.files.items():
        (package / file_name).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(root / "vendor"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(root / "vendor"))
