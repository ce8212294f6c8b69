"""Shared test set-up: the generated package on sys.path, the golden-update flag, one content
cache for the whole run, the garbage collector's settings, and the one uncached compilation of
the shipped project."""

from __future__ import annotations

import fcntl
import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from generator.cache import CACHE_VARIABLE, ContentCache
from generator.parallel import JOBS_VARIABLE

if TYPE_CHECKING:
    from generator.pipeline import Compilation

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
    to a fresh render; the from-nothing compilation below and tests/test_compile_cache.py see
    to that.

    They also run black and datamodel-code-generator in their own process: xdist already
    keeps every core busy, so worker processes would only add their start-up (tests that are
    about workers ask for them)."""
    if hasattr(config, "workerinput"):
        return
    _scratch_in_memory()
    folder = Path(tempfile.mkdtemp(prefix="tablemap-tests-")) / "cache"
    os.environ[CACHE_VARIABLE] = str(folder)
    os.environ[JOBS_VARIABLE] = "1"
    config.add_cleanup(lambda: shutil.rmtree(folder.parent, ignore_errors=True))


# Young objects between two collections of the youngest generation, and collections of one
# generation between two of the next (CPython's defaults: 700, 10, 10).
_GC_THRESHOLDS = (5000, 20, 20)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What imports and collection made (modules, functions, the collected tests) lives until
    the end of the run, yet every full collection walked all of it again: with the defaults,
    the collector took about 2.5 of the test step's 27 CPU-seconds, three quarters of it in
    full collections. Frozen, those objects are never walked again, and rarer collections of
    the young ones cost less too: the collector now takes about 1 CPU-second."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*_GC_THRESHOLDS)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Unfrozen at the end, so the interpreter frees them as it exits: DuckDB's bindings report
    every object of theirs still alive then as a leak."""
    gc.unfreeze()


# Room the run's temporary files take, with margin (about 80 MB; pytest keeps three runs').
_SCRATCH_ROOM = 1 << 30


def _scratch_in_memory() -> None:
    """Temporary files (tmp_path, the run's cache, every subprocess's) in /dev/shm when TMPDIR
    is not set and the machine has room there. Many tests write small projects, caches and
    outputs, and the compiler syncs what it writes to disk: on a VM's disk that was about a
    quarter of the run's wall time, waiting, and it varies with whatever else shares the disk."""
    memory = Path("/dev/shm")
    if "TMPDIR" in os.environ or not memory.is_dir() or not os.access(memory, os.W_OK | os.X_OK):
        return
    room = os.statvfs(memory)
    if room.f_bavail * room.f_frsize < _SCRATCH_ROOM:
        return
    os.environ["TMPDIR"] = str(memory)
    # tempfile keeps the folder it found first; the next call looks again, and finds TMPDIR.
    tempfile.tempdir = None


@pytest.fixture(scope="session")
def shipped_run(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """The folder of the run's shipped compilation: the same for every xdist worker (their
    temporary folders share a parent unique to the run)."""
    base = tmp_path_factory.getbasetemp()
    return base if worker_id == "master" else base.parent


@pytest.fixture(scope="session")
def shipped_cache(shipped: Compilation, shipped_run: Path) -> Path:
    """The cache ``shipped`` filled: a run of the same specs with it formats nothing again."""
    return shipped_run / "shipped-cache"


@pytest.fixture(scope="session")
def shipped(shipped_run: Path) -> Compilation:
    """specs/ compiled once per test run, as from nothing: into a cache folder of its own that
    starts empty, so every output is computed (and stored, for ``shipped_cache``).

    Under xdist the first worker to ask compiles and the others read what it stored, through the
    cache's own codec (no pickle: nothing read from disk may run code, the tests' files too)."""
    # Imported here, not at the top: xdist's controller process reads this file too, and runs
    # no test; the compiler's imports would only delay the start of its workers.
    from generator.cache_codec import Shape
    from generator.pipeline import Compilation, compile_project
    from generator.source.project import Layout

    shape = Shape[Compilation](Compilation)

    with (shipped_run / "shipped.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored = shipped_run / "shipped.json"
        if stored.exists():
            return shape.decode(stored.read_bytes())
        cache = shipped_run / "shipped-cache"
        assert not cache.exists()
        result = compile_project(Layout(ROOT), ContentCache(cache))
        stored.write_bytes(shape.encode(result))
        return result
