"""OData JSON pages: saved responses of a collection in, records out.

A page is what the services return for a collection, ``{"@odata.context": ..., "value":
[...], "@odata.nextLink": ...}``: finance and operations for ``/data/CustomersV3``, Dataverse
for ``/api/data/v9.2/accounts``. The input is one page or a folder of them, read in natural
file-name order (``page-2`` before ``page-10``); the next link is the service's, and is not
followed. Annotations (``@odata.etag``, ``name@OData.Community.Display.V1.FormattedValue``,
``_x_value@Microsoft.Dynamics.CRM.lookuplogicalname``) describe a value and are no columns.
A page is parsed whole: the services send at most 10,000 records (finance and operations)
or 5,000 (Dataverse) a page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from generator.bulk.records import BadInput, Reading

_DIGITS = re.compile(r"([0-9]+)")


def page_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return [path]
    files = sorted(path.glob("*.json"), key=lambda file: _natural(file.name))
    if not files:
        raise BadInput(path, "the folder has no .json pages")
    return files


def _natural(name: str) -> list[tuple[int, str]]:
    return [(int(part), "") if part.isdigit() else (0, part) for part in _DIGITS.split(name)]


def _records(path: Path) -> list[object]:
    try:
        page = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as problem:
        raise BadInput(
            path, f"not JSON: {problem.msg} at line {problem.lineno}, column {problem.colno}"
        ) from None
    if not isinstance(page, dict) or not isinstance(page.get("value"), list):
        raise BadInput(path, 'not an OData page: expected an object with a "value" array')
    records: list[object] = page["value"]
    return records


def page_records(reading: Reading) -> Iterator[tuple[int, object]]:
    row = 0
    for file in page_files(reading.path):
        for record in _records(file):
            if isinstance(record, dict):
                record = reading.columns.record(
                    {key: value for key, value in record.items() if "@" not in key}
                )
            yield row, record
            row += 1
