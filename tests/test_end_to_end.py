"""The golden-record project: specs/ regenerated in memory must equal generated/ byte for byte."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from generator.pipeline import PACKAGE, Layout, compile_project

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "generated" / PACKAGE


def test_generated_package_is_what_the_specs_produce() -> None:
    result = compile_project(Layout(ROOT))
    assert result.diagnostics.errors == []
    on_disk = {
        path.name: path.read_text(encoding="utf-8")
        for path in GENERATED.iterdir()
        if path.is_file()
    }
    assert sorted(on_disk) == sorted(result.files)
    for name, text in result.files.items():
        assert on_disk[name] == text, f"{name} is stale: run make generate"
    docs = ROOT / "docs" / "maps"
    assert {path.name: path.read_text(encoding="utf-8") for path in docs.iterdir()} == result.docs


def test_generation_is_deterministic() -> None:
    first = compile_project(Layout(ROOT)).files
    second = compile_project(Layout(ROOT)).files
    assert first == second
    for text in first.values():
        assert str(ROOT) not in text
        assert "timestamp" not in text.lower()


def test_the_package_imports_with_the_standard_library_only(tmp_path: Path) -> None:
    # -I -S: no site-packages, no user paths; the vendored copy gets a different name.
    vendored = tmp_path / "our_maps"
    vendored.mkdir()
    for path in GENERATED.iterdir():
        if path.is_file():
            (vendored / path.name).write_bytes(path.read_bytes())
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]); import our_maps; "
        "print(json.dumps(sorted(our_maps.TEMPLATES)))"
    )
    completed = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert json.loads(completed.stdout) == [
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
    ]


def test_every_module_has_the_public_api() -> None:
    sys.path.insert(0, str(ROOT / "generated"))
    import dualwrite_maps

    for name, module in dualwrite_maps.TEMPLATES.items():
        for attribute in (
            "TEMPLATE",
            "FINANCE_ENTITY",
            "DATAVERSE_TABLE",
            "SOURCE_FILTER",
            "REVERSE_SOURCE_FILTER",
            "DATAVERSE_QUERY",
            "finance_to_dataverse",
            "dataverse_to_finance",
            "matches_source_filter",
            "matches_reverse_source_filter",
        ):
            assert hasattr(module, attribute), f"{name} lacks {attribute}"
