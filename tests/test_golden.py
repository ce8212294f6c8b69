"""Golden fixtures: every case in tests/golden/<module>/*.json run against the generated module.

A template may have no golden cases (a project's own, newly added); a golden folder must
name a template, cover every direction, and every shipped template must have one.

A case is ``{"description", "direction", "input"}`` plus either ``"expected"`` (the
function's return value) or ``"error"`` (the MappingError's field, value and message).
``pytest --update-golden`` rewrites expected outputs and errors from the current
generated code, for review in the diff; it never invents a case.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

import pytest
from dualwrite_maps import TEMPLATES, MappingError

GOLDEN = Path(__file__).parent / "golden"
# The templates this repository ships. A project may add its own: tests of these must not mind.
SHIPPED = frozenset(
    {
        "cds_contacts_v2_to_contacts",
        "customer_groups_to_msdyn_customergroups",
        "customer_payment_method_to_msdyn_customerpaymentmethods",
        "customers_v3_to_accounts",
        "customers_v3_to_contacts",
        "loyalty_card_to_msdyn_loyaltycards",
        "name_affixes_to_msdyn_nameaffixes",
        "payment_day_lines_cds_v2_to_msdyn_paymentdaylines",
        "payment_days_cds_to_msdyn_paymentdays",
        "payment_schedule_lines_to_msdyn_paymentschedulelines",
        "payment_schedule_to_msdyn_paymentschedules",
        "terms_of_payment_to_msdyn_paymentterms",
    }
)
DIRECTIONS = (
    "finance_to_dataverse",
    "dataverse_to_finance",
    "matches_source_filter",
    "matches_reverse_source_filter",
)
# Functions a case may call besides the four every template has; "companies" and
# "references" in a case are passed on to the functions that take them.
ADDRESSES = ("finance_key", "dataverse_key")
CASES = sorted(GOLDEN.glob("*/*.json"))


def _run(module_name: str, case: dict[str, Any]) -> dict[str, Any]:
    module = importlib.import_module(f"dualwrite_maps.{module_name}")
    direction, record = case["direction"], case["input"]
    arguments: dict[str, Any] = {}
    if direction in ("finance_to_dataverse", "dataverse_key") and "companies" in case:
        arguments["companies"] = case["companies"]
    if direction == "dataverse_key" and "references" in case:
        arguments["references"] = case["references"]
    try:
        return {"expected": getattr(module, direction)(record, **arguments)}
    except MappingError as error:
        return {"error": {"field": error.field, "value": error.value, "message": str(error)}}


@pytest.mark.parametrize("path", CASES, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_golden_case(path: Path, request: pytest.FixtureRequest) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    known = DIRECTIONS + ADDRESSES
    assert case["direction"] in known, f"{path}: unknown direction {case['direction']!r}"
    assert ("expected" in case) != ("error" in case), f"{path}: needs expected or error"
    snapshot = json.dumps(case["input"])
    outcome = _run(path.parent.name, case)
    assert json.dumps(case["input"]) == snapshot, "the mapper mutated its input"
    if request.config.getoption("--update-golden"):
        updated = {key: value for key, value in case.items() if key not in ("expected", "error")}
        updated.update(outcome)
        path.write_text(json.dumps(updated, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    expected = {key: case[key] for key in ("expected", "error") if key in case}
    # Compared as JSON text: pins key order and keeps True apart from 1, which == would not.
    assert json.dumps(outcome, ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)


def golden_problems(golden: Path, templates: Collection[str]) -> list[str]:
    """Golden folders that name no template, or leave a direction untested."""
    problems: list[str] = []
    for folder in sorted(path for path in golden.iterdir() if path.is_dir()):
        if folder.name not in templates:
            problems.append(f"{folder.name}: golden cases for a template that does not exist")
            continue
        directions = {
            json.loads(path.read_text(encoding="utf-8"))["direction"]
            for path in folder.glob("*.json")
        }
        missing = [direction for direction in DIRECTIONS if direction not in directions]
        if missing:
            problems.append(f"{folder.name}: no cases for {', '.join(missing)}")
    return problems


def test_golden_folders_name_templates_and_cover_every_direction() -> None:
    assert golden_problems(GOLDEN, TEMPLATES) == []


def test_every_shipped_template_has_golden_cases() -> None:
    assert {path.name for path in GOLDEN.iterdir() if path.is_dir()} >= SHIPPED


def test_a_golden_folder_without_its_template_is_an_error(tmp_path: Path) -> None:
    for name, direction in (("kept", "finance_to_dataverse"), ("dropped", "dataverse_to_finance")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "case.json").write_text(json.dumps({"direction": direction}))
    assert golden_problems(tmp_path, ["kept"]) == [
        "dropped: golden cases for a template that does not exist",
        "kept: no cases for dataverse_to_finance, matches_source_filter, "
        "matches_reverse_source_filter",
    ]
