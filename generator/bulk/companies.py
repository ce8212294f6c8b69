"""The company directory: a JSON file in, the ``companies`` relation the queries read out.

The file is what a service reads once: ``{"USMF": "<cdm_companyid>", ...}`` or the Web API's
``GET cdm_companies?$select=cdm_companyid,cdm_companycode`` response. Rather than re-create
the Python runtime's matching rules (exact, upper, lower, then case-insensitive), every
spelling of every code is resolved by the runtime's own ``company_id``: a code has at most
four letters, so at most sixteen spellings.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pyarrow as pa

from generator.backends.python.runtime import MappingError, company_directory, company_id

_CODE = re.compile(r"[a-z0-9]{1,4}")
SCHEMA = pa.schema(
    [("tm_code", pa.string()), ("tm_id", pa.string()), ("tm_bad_value", pa.string())]
)


class BadDirectory(Exception):
    """The directory file can't be read or is not a directory of companies."""


def load_directory(path: Path) -> dict[str, object]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise BadDirectory(str(problem)) from None
    if isinstance(document, dict) and "value" in document:
        try:
            return dict(company_directory(document))
        except ValueError as problem:
            raise BadDirectory(str(problem)) from None
    if not isinstance(document, dict):
        raise BadDirectory("expected a JSON object of company codes to cdm_companyid")
    return document


def _spellings(code: str) -> list[str]:
    return ["".join(letters) for letters in itertools.product(*({c, c.upper()} for c in code))]


def companies_table(directory: dict[str, object], template: str) -> pa.Table:
    """One row per dataAreaId spelling the directory resolves: its GUID, or its bad entry."""
    classes = sorted({key.casefold() for key in directory if isinstance(key, str)})
    rows: dict[str, tuple[str | None, str | None]] = {}
    for folded in classes:
        if not _CODE.fullmatch(folded):
            continue  # no valid dataAreaId folds to it: the lookup rejects such codes first
        for code in sorted(_spellings(folded)):
            try:
                rows[code] = (company_id(template, {"dataAreaId": code}, directory, "-"), None)
            except MappingError as error:
                if error.field == "companies":
                    rows[code] = (None, json.dumps(error.value, ensure_ascii=False))
    codes = sorted(rows)
    return pa.Table.from_pydict(
        {
            "tm_code": codes,
            "tm_id": [rows[code][0] for code in codes],
            "tm_bad_value": [rows[code][1] for code in codes],
        },
        schema=SCHEMA,
    )


def empty_table() -> pa.Table:
    return SCHEMA.empty_table()
