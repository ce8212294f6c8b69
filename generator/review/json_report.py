"""The review diff's JSON report: a revision's name and the changes in, a document for tools out."""

from __future__ import annotations

import json
from dataclasses import asdict

from generator.review.comparison import Change


def render_json(revision: str, changes: list[Change]) -> str:
    document = {
        "revision": revision,
        "breaking": sum(change.breaking for change in changes),
        "changes": [asdict(change) for change in changes],
    }
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False)
