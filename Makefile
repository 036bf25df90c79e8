# The two commands: `make run` (the portal with demo data) and `make test` (the whole suite).
# Both create .venv with Python 3.11+ and install what is missing.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PYTEST_ARGS ?=

.PHONY: run test lint format benchmark clean

run: $(VENV)/.installed-run
	PORTAL_DEMO=true $(PY) manage.py rundemo

test: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest --cov --cov-report=term $(PYTEST_ARGS)

format: $(VENV)/.installed-test
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

benchmark: $(VENV)/.installed-test
	$(PY) -m pytest tests/perf -p no:cacheprovider -o addopts="-p tests.isolation" $(PYTEST_ARGS)

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet ".[test]"
	@touch $@ $(VENV)/.installed-run

clean:
	rm -rf $(VENV) var build *.egg-info .pytest_cache .ruff_cache .coverage
