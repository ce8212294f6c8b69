"""The company directory: a JSON file in, the ``companies`` relation the queries read out.

The file is what a service reads once: ``{"USMF": "<cdm_companyid>", ...}`` or the Web API's
``GET cdm_companies?$select=cdm_companyid,cdm_companycode`` response. It is checked whole
before any row is mapped: every code has a GUID, and one only. Rather than re-create
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

from generator.backends.python.runtime import MappingError, company_id

_CODE = re.compile(r"[a-z0-9]{1,4}")
# The runtime's rule for a cdm_companyid.
GUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")
SCHEMA = pa.schema(
    [("tm_code", pa.string()), ("tm_id", pa.string()), ("tm_bad_value", pa.string())]
)


class BadDirectory(Exception):
    """The directory file can't be read or is not a directory of companies."""


def load_directory(path: Path) -> dict[str, object]:
    """The directory, every code with one GUID (codes match whatever their case), or
    BadDirectory: a row mapped against a wrong directory would be rejected or misaddressed."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_object)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as problem:
        raise BadDirectory(str(problem)) from None
    if not isinstance(document, dict):
        raise BadDirectory("expected a JSON object of company codes to cdm_companyid")
    pairs = _response_rows(document) if "value" in document else list(document.items())
    directory: dict[str, object] = {}
    first: dict[str, tuple[str, str]] = {}
    for code, guid in pairs:
        if not isinstance(guid, str) or not GUID.fullmatch(guid):
            shown = json.dumps(guid, ensure_ascii=False)
            raise BadDirectory(f"company {code!r}: {shown} is not a cdm_companyid (a GUID)")
        seen_code, seen_guid = first.setdefault(code.casefold(), (code, guid))
        if seen_guid.lower() != guid.lower():
            raise BadDirectory(
                f"company {code!r} is given twice, as {seen_guid} ({seen_code!r}) and {guid} "
                f"({code!r}); company codes match whatever their case"
            )
        directory[code] = guid
    return directory


def _object(pairs: list[tuple[str, object]]) -> dict[str, object]:
    """A JSON object; a key given twice with two values is refused, where json would keep
    the last without a word."""
    found: dict[str, object] = {}
    for key, value in pairs:
        if key in found and not _same(found[key], value):
            was, now = (json.dumps(v, ensure_ascii=False) for v in (found[key], value))
            raise BadDirectory(f"{key!r} is given twice, as {was} and {now}")
        found[key] = value
    return found


def _same(first: object, second: object) -> bool:
    if isinstance(first, str) and isinstance(second, str):
        return first.casefold() == second.casefold()  # codes and GUIDs, whatever their case
    return first == second


def _response_rows(document: dict[str, object]) -> list[tuple[str, object]]:
    """(code, GUID) of each row of ``GET cdm_companies?$select=cdm_companyid,cdm_companycode``."""
    if "@odata.nextLink" in document:
        raise BadDirectory(
            "the response is one page of several (it has @odata.nextLink): give all the "
            "companies in one response or as one {code: cdm_companyid} object"
        )
    rows = document["value"]
    if not isinstance(rows, list):
        raise BadDirectory("expected the Web API's {'value': [...]} response of cdm_companies")
    pairs: list[tuple[str, object]] = []
    for row in rows:
        code = row.get("cdm_companycode") if isinstance(row, dict) else None
        if not isinstance(code, str):
            shown = json.dumps(row, ensure_ascii=False)
            raise BadDirectory(f"not a company row with cdm_companycode and cdm_companyid: {shown}")
        pairs.append((code, row.get("cdm_companyid")))
    return pairs


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
