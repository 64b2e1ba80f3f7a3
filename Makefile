# Two commands on a fresh machine: `make solve` and `make test`.
# The first call creates .venv and installs the package with its dependencies.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
SCENARIO ?= scenarios/mission-recovery.yaml
PLANS ?= scenarios/mission-recovery/plans/*.yaml
ARGS ?=

.PHONY: solve check compare test test-all lint format fuzz bench bench-sweep clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

# `make solve` gives the search 12 s (it stops sooner when nothing better comes for 10 s);
# `make solve TIME_LIMIT=60` or `python -m optimizer solve FILE --time-limit 60` for longer.
TIME_LIMIT ?= 12
solve: $(VENV)/.installed
	$(PY) -m optimizer solve $(SCENARIO) --time-limit $(TIME_LIMIT) $(ARGS)

check: $(VENV)/.installed
	$(PY) -m optimizer check $(SCENARIO) $(ARGS)

# Staffing plans side by side: the base and every overlay in PLANS, solved with the same
# settings; e.g. `make compare PLANS="scenarios/mission-recovery/plans/hire-*.yaml"
# ARGS="--time-limit 30"`. Writes reports/<scenario>/compare-<time>/comparison.html.
compare: $(VENV)/.installed
	$(PY) -m optimizer compare $(SCENARIO) $(PLANS) $(ARGS)

test: $(VENV)/.installed
	$(PY) -m pytest -q

test-all: $(VENV)/.installed
	$(PY) -m pytest -m ''

# Scale and speed: S, M, L, XL generated scenarios, 60 s each; results in bench/results/.
# Options go in ARGS, e.g. `make bench ARGS="S M --time-limit 30"`.
bench: $(VENV)/.installed
	$(PY) -m bench.run $(ARGS)

# 40 varied generated homes (bench/homes.py), each complete or with a proven reason; exit 1 if
# not. Results in bench/results/sweep-*.csv; e.g. `make bench-sweep ARGS="--only 7 12 --fourteen"`.
bench-sweep: $(VENV)/.installed
	$(PY) -m bench.sweep $(ARGS)

# Property-based and hostile-input tests with many more generated scenarios (FUZZ_EXAMPLES
# per property, default 300; several minutes). `make test` runs a few of each.
FUZZ_EXAMPLES ?= 300
fuzz: $(VENV)/.installed
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -q -m '' --hypothesis-show-statistics \
		tests/test_properties.py tests/test_hostile.py

lint: $(VENV)/.installed
	$(PY) -m ruff check optimizer tests bench
	$(PY) -m ruff format --check optimizer tests bench
	$(PY) -m mypy

format: $(VENV)/.installed
	$(PY) -m ruff format optimizer tests bench
	$(PY) -m ruff check --fix optimizer tests bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
