"""Bulk output folders for the loader's tests and benchmark, in the shape `bulk` writes.

Each payload line is `{"row", "address", "payload"}`, built by the generated package: to
Dataverse `finance_to_dataverse` and `dataverse_key` (a key's lookup part written
`_<column>_value=@<navigation>`, as bulk writes it, for the loader to resolve), to F&O
`dataverse_to_finance` and `finance_key` of its result.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = "00000000-0000-0000-0000-00000000feed"


def mapper(module: str) -> Any:
    if str(ROOT / "generated") not in sys.path:
        sys.path.insert(0, str(ROOT / "generated"))
    return importlib.import_module(f"dualwrite_maps.{module}")


def write_folder(
    folder: Path,
    module: str,
    records: list[dict[str, Any]],
    companies: dict[str, str],
    key_lookups: tuple[str, ...] = (),
) -> Path:
    """``key_lookups``: the key's lookup columns, written ``=@<column>`` (navigation = column)."""
    generated = mapper(module)
    folder.mkdir(parents=True)
    references = dict.fromkeys(key_lookups, PLACEHOLDER)
    with (folder / "payloads.jsonl").open("w", encoding="utf-8") as lines:
        for row, record in enumerate(records):
            address = generated.dataverse_key(record, companies, references)
            for column in key_lookups:
                address = address.replace(
                    f"_{column}_value={PLACEHOLDER}", f"_{column}_value=@{column}"
                )
            payload = generated.finance_to_dataverse(record, companies)
            lines.write(json.dumps({"row": row, "address": address, "payload": payload}) + "\n")
    _summary(folder, module, "to_dataverse", len(records))
    return folder


def write_finance_folder(folder: Path, module: str, records: list[dict[str, Any]]) -> Path:
    """A `bulk --direction to-finance` folder of Dataverse records (expanded lookups)."""
    generated = mapper(module)
    folder.mkdir(parents=True)
    with (folder / "payloads.jsonl").open("w", encoding="utf-8") as lines:
        for row, record in enumerate(records):
            payload = generated.dataverse_to_finance(record)
            line = {"row": row, "address": generated.finance_key(payload), "payload": payload}
            lines.write(json.dumps(line) + "\n")
    _summary(folder, module, "to_finance", len(records))
    return folder


def _summary(folder: Path, module: str, direction: str, rows: int) -> None:
    summary = {
        "module": module,
        "direction": direction,
        "engine": "duckdb",
        "input": "records.jsonl",
        "read": rows,
        "written": rows,
        "rejected": 0,
        "filtered": 0,
    }
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
