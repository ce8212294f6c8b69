"""Golden fixtures: every case in tests/golden/<module>/*.json run against the generated module.

A case is ``{"description", "direction", "input"}`` plus either ``"expected"`` (the
function's return value) or ``"error"`` (the MappingError's field, value and message).
``pytest --update-golden`` rewrites expected outputs and errors from the current
generated code, for review in the diff; it never invents a case.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from dualwrite_maps import TEMPLATES, MappingError

GOLDEN = Path(__file__).parent / "golden"
DIRECTIONS = (
    "finance_to_dataverse",
    "dataverse_to_finance",
    "matches_source_filter",
    "matches_reverse_source_filter",
)
CASES = sorted(GOLDEN.glob("*/*.json"))


def _run(module_name: str, direction: str, record: Any) -> dict[str, Any]:
    module = importlib.import_module(f"dualwrite_maps.{module_name}")
    try:
        return {"expected": getattr(module, direction)(record)}
    except MappingError as error:
        return {"error": {"field": error.field, "value": error.value, "message": str(error)}}


@pytest.mark.parametrize("path", CASES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_golden_case(path: Path, request: pytest.FixtureRequest) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    assert case["direction"] in DIRECTIONS, f"{path}: unknown direction {case['direction']!r}"
    assert ("expected" in case) != ("error" in case), f"{path}: needs expected or error"
    snapshot = json.dumps(case["input"])
    outcome = _run(path.parent.name, case["direction"], case["input"])
    assert json.dumps(case["input"]) == snapshot, "the mapper mutated its input"
    if request.config.getoption("--update-golden"):
        updated = {key: value for key, value in case.items() if key not in ("expected", "error")}
        updated.update(outcome)
        path.write_text(json.dumps(updated, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    expected = {key: case[key] for key in ("expected", "error") if key in case}
    # Compared as JSON text: pins key order and keeps True apart from 1, which == would not.
    assert json.dumps(outcome, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def test_every_template_has_golden_cases_for_both_directions() -> None:
    for module_name in TEMPLATES:
        directions = {
            json.loads(path.read_text(encoding="utf-8"))["direction"]
            for path in (GOLDEN / module_name).glob("*.json")
        }
        assert (
            set(DIRECTIONS) <= directions
        ), f"{module_name} lacks cases for {set(DIRECTIONS) - directions}"
