# tablemap: `make generate` compiles specs/ into generated/; `make test` checks everything.
# Both create .venv from requirements.lock on first use, so a fresh clone needs only python3.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Two stamps: the compiler's own packages (the lock's lines marked `# compile`), which are all
# `make generate` needs, and the whole lock (DuckDB, Spark, the HTTP and test tools) for the rest.
SHA := $(PYTHON) -c "import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest()[:12])"
COMPILE_STAMP := $(VENV)/.compile-$(shell grep '\# compile' requirements.lock | $(SHA))
STAMP := $(VENV)/.installed-$(shell $(SHA) < requirements.lock)
PIP := $(PY) -m pip install --quiet --disable-pip-version-check

# The base revision `make breaking` compares the specs with.
BASE ?= origin/main

.PHONY: generate check breaking engines test lint typecheck pytest pytest-parallel pytest-spark bench clean

# The stamps record that pip installed the lock, not that the venv still runs: when its
# interpreter is gone (deleted, or a dangling link to a removed base Python), rebuild it.
ifneq ($(shell test -x $(PY) && echo ok),ok)
.PHONY: $(COMPILE_STAMP) $(STAMP)
endif

# A new set of compiler packages starts from an empty venv, so nothing stale is left in it.
$(COMPILE_STAMP):
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	grep '# compile' requirements.lock > $(VENV)/compile.lock
	$(PIP) --requirement $(VENV)/compile.lock
	touch $(COMPILE_STAMP)

# The whole lock adds to the compiler's venv; it starts anew only when that one is stale.
$(STAMP):
	test -e $(COMPILE_STAMP) -a -x $(PY) || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(PIP) --requirement requirements.lock
	touch $(STAMP) $(COMPILE_STAMP)

# DuckDB, Spark and the HTTP client, for `python -m generator bulk` and `load` (make test runs it).
engines: $(STAMP)

generate: $(COMPILE_STAMP)
	$(PY) -m generator generate

check: $(COMPILE_STAMP)
	$(PY) -m generator generate --check

breaking: $(COMPILE_STAMP)
	$(PY) -m generator diff $(BASE) --fail-on-breaking

# Two steps: everything but Spark on every core, then the Spark tests in one process, which
# starts one JVM for all of them (run beside the other step, both took as long as in turn).
# Idle workers take queued tests from busy ones (worksteal): a few tests take seconds.
# Bytecode caches are kept even where the environment turns them off: otherwise every xdist
# worker and every CLI run in a subprocess compiles each module again, and pytest rewrites
# the asserts of every plugin's modules again (7 s of a 31 s run).
pytest: pytest-parallel pytest-spark

pytest-parallel pytest-spark: export PYTHONDONTWRITEBYTECODE =
pytest-parallel: $(STAMP)
	$(PY) -m pytest -n auto --dist worksteal

pytest-spark: $(STAMP)
	$(PY) -m pytest -m spark

typecheck: $(STAMP)
	$(PY) -m mypy --strict generator generated tests/coverage_project/expected

lint: $(STAMP)
	$(PY) -m ruff check generator generated tests
	$(PY) -m black --check --quiet generator generated tests

test: check pytest typecheck lint

# Speed and memory goals are checked here, never by timed tests.
bench: $(STAMP)
	$(PY) tests/benchmarks/bench_mappers.py
	$(PY) tests/benchmarks/bench_schema_import.py
	$(PY) tests/benchmarks/bench_bulk.py
	$(PY) tests/benchmarks/bench_load.py
	$(PY) tests/benchmarks/bench_reconcile.py
	$(PY) tests/benchmarks/bench_test_step.py

clean:
	rm -rf $(VENV) .tablemap .mypy_cache .pytest_cache .ruff_cache .hypothesis
