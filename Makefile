# tablemap: `make generate` compiles specs/ into generated/; `make test` checks everything.
# Both create .venv from requirements.lock on first use, so a fresh clone needs only python3.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys; print(hashlib.sha256(open('requirements.lock','rb').read()).hexdigest()[:12])")

# The base revision `make breaking` compares the specs with.
BASE ?= origin/main

.PHONY: generate check breaking test lint typecheck pytest pytest-parallel pytest-spark bench clean

# The stamp records that pip installed the lock, not that the venv still runs: when its
# interpreter is gone (deleted, or a dangling link to a removed base Python), rebuild it.
ifneq ($(shell test -x $(PY) && echo ok),ok)
.PHONY: $(STAMP)
endif

$(STAMP): requirements.lock
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --requirement requirements.lock
	touch $(STAMP)

generate: $(STAMP)
	$(PY) -m generator generate

check: $(STAMP)
	$(PY) -m generator generate --check

breaking: $(STAMP)
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
	$(PY) tests/benchmarks/bench_test_step.py

clean:
	rm -rf $(VENV) .tablemap .mypy_cache .pytest_cache .ruff_cache .hypothesis
