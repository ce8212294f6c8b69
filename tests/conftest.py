"""Shared test set-up: the generated package on sys.path, the golden-update flag, one content
cache for the whole run, and the one uncached compilation of the shipped project."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from generator.cli import CACHE_VARIABLE
from generator.pipeline import Compilation, Layout, compile_project
from projects import run_cache

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generated"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the expected outputs of tests/golden/*/*.json from the generated code",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Every `generate` of the run, in process or not, on any xdist worker (they inherit the
    environment), shares one content cache, never the user's: throw-away projects share
    schemas and specs, so most of their modules are formatted once. Hits are byte-identical
    to a fresh render; the uncached tests below and tests/test_compile_cache.py see to that."""
    if hasattr(config, "workerinput"):
        return
    folder = Path(tempfile.mkdtemp(prefix="tablemap-tests-")) / "cache"
    os.environ[CACHE_VARIABLE] = str(folder)
    config.add_cleanup(lambda: shutil.rmtree(folder.parent, ignore_errors=True))


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Compilation:
    """specs/ compiled once per test run, as from nothing: the cache's entries are keyed by
    content and none holds these specs yet, so every output is computed (and stored, which
    warms later runs of the same specs, as the thirteenth-template test makes).

    Under xdist the first worker to ask compiles and the others load its pickle from the
    run's own folder (the workers' temporary folders share a parent unique to the run)."""
    if worker_id == "master":
        return compile_project(Layout(ROOT), run_cache())
    run = tmp_path_factory.getbasetemp().parent
    with (run / "shipped.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored = run / "shipped.pickle"
        if stored.exists():
            result: Compilation = pickle.loads(stored.read_bytes())
            return result
        result = compile_project(Layout(ROOT), run_cache())
        stored.write_bytes(pickle.dumps(result))
        return result
