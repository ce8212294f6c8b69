"""The load's records: a step's failures and counts in, ``FOLDER/load/failed.jsonl`` and
``FOLDER/load/summary.json`` out, each written whole (a temporary file renamed into place).

failed.jsonl lists the rows that failed in the latest run, with the service's status, error
code and message (or a TM code for a row not sent); a later run sends them again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from generator.load.passes import StepState
from generator.load.transport import Counters


def write_records(state: StepState, counters: Counters, seconds: float) -> dict[str, object]:
    folder = state.step.folder.journal
    failures = sorted(state.failures, key=lambda failure: failure.row)
    lines = "".join(json.dumps(failure.record(), ensure_ascii=False) + "\n" for failure in failures)
    _replace(folder / "failed.jsonl", lines)
    journal = state.journal.state
    summary: dict[str, object] = {
        "module": state.step.folder.module,
        "table": state.step.table,
        "rows": state.step.folder.written,
        "upserted": len(journal.upserted),
        "failed": len({failure.row for failure in failures}),
        "deferred": len(state.deferred),
        "bound": len(journal.bound),
        # The run's requests, over every folder it loaded:
        "requests": counters.requests,
        "retries": counters.retries,
        "throttled": counters.throttled,
        "throttle_seconds": round(counters.throttle_seconds, 3),
        "server_errors": counters.server_errors,
        "dropped": counters.dropped,
        "seconds": round(seconds, 3),
    }
    _replace(folder / "summary.json", json.dumps(summary, indent=2) + "\n")
    return summary


def _replace(path: Path, text: str) -> None:
    staged = path.with_name(path.name + ".tmp")
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, path)
