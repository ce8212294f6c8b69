# tablemap: `make generate` compiles specs/ into generated/; `make test` checks everything.
# Both create .venv from requirements.lock on first use, so a fresh clone needs only python3.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys; print(hashlib.sha256(open('requirements.lock','rb').read()).hexdigest()[:12])")

.PHONY: generate check test lint typecheck pytest clean

$(STAMP): requirements.lock
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --requirement requirements.lock
	touch $(STAMP)

generate: $(STAMP)
	$(PY) -m generator generate

check: $(STAMP)
	$(PY) -m generator generate --check

pytest: $(STAMP)
	$(PY) -m pytest

typecheck: $(STAMP)
	$(PY) -m mypy --strict generator generated

lint: $(STAMP)
	$(PY) -m ruff check generator generated tests
	$(PY) -m black --check --quiet generator generated tests

test: check pytest typecheck lint

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
