# Every set-up step lives here, so that `make demo` and `make test` work on a fresh machine
# with python3 (>= 3.11), Java 17 and Maven on PATH.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: setup demo test lint bench clean-state

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,fast]'
	touch $@

# Python packages, then the Neo4j jars (Maven Central) and the compiled launcher.
setup: $(VENV)/.installed
	$(VENV)/bin/netintel db prepare

# The main job: local Neo4j, sample data in, summary, report and map out.
demo: setup
	$(VENV)/bin/netintel demo --out out/demo

# Lint, types, and the whole test suite against a real Neo4j started for the run.
test: setup
	$(VENV)/bin/ruff check netintel tests bench
	$(VENV)/bin/ruff format --check netintel tests bench
	$(VENV)/bin/mypy
	$(PY) -m pytest

bench: setup
	$(PY) bench/ingest.py
