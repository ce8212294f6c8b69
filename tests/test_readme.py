"""The README's examples are run, and its list of message codes is the catalog's."""

from __future__ import annotations

import doctest
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.messages import catalog

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_python_examples_print_what_the_readme_says(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```pycon\n(.*?)```", README, flags=re.DOTALL)
    assert blocks, "the README has no pycon example"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for number, block in enumerate(blocks):
        runner.run(parser.get_doctest(block, {}, f"README block {number}", "README.md", 0))
    assert runner.summarize(verbose=False).failed == 0


def test_the_readme_lists_every_message_code() -> None:
    listed = re.findall(
        r"^\| `(TM\d{3})` \| (error|warning|note) \| (.*) \|$", README, re.MULTILINE
    )
    assert listed == [
        (message.code, message.severity.value, message.text.replace("|", "\\|"))
        for message in catalog()
    ]


def test_the_error_example_is_what_the_compiler_prints(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    spec = tmp_path / "specs" / "maps" / "customers_v3_to_accounts.yaml"
    text = spec.read_text(encoding="utf-8")
    for right, wrong in (
        ("[CUSTOMERACCOUNT, ", "[CUSTOMERACOUNT, "),
        ('["invoice", 806380001]', '["invoce", 806380001]'),
        ('[none, ">>", customertypecode, 3]', '[none, ">>", customertypecode, "3"]'),
    ):
        assert right in text
        text = text.replace(right, wrong, 1)
    spec.write_text(text, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "generator", "generate"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    shown = re.search(r"```text\n\$ python -m generator generate\n(.*?)```", README, re.DOTALL)
    assert shown is not None
    assert (run.returncode, run.stderr) == (1, shown.group(1))
