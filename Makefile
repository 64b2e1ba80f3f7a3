# Two commands on a fresh machine: `make solve` and `make test`.
# The first call creates .venv and installs the package with its dependencies.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SCENARIO ?= scenarios/mission-recovery.yaml
ARGS ?=

.PHONY: solve check test test-all lint format fuzz bench clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

solve: $(VENV)/.installed
	$(PY) -m optimizer solve $(SCENARIO) $(ARGS)

check: $(VENV)/.installed
	$(PY) -m optimizer check $(SCENARIO) $(ARGS)

test: $(VENV)/.installed
	$(PY) -m pytest

test-all: $(VENV)/.installed
	$(PY) -m pytest -m ''

lint: $(VENV)/.installed
	$(PY) -m ruff check optimizer tests
	$(PY) -m ruff format --check optimizer tests
	$(PY) -m mypy

format: $(VENV)/.installed
	$(PY) -m ruff format optimizer tests
	$(PY) -m ruff check --fix optimizer tests

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
