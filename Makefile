# Every set-up step lives here, so that `make demo` and `make test` work on a fresh machine
# with python3 (>= 3.11), Java 17 and Maven on PATH.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BENCHMARKS := ingest projection communities maps synth gangs disruption batch contest fuzz

.PHONY: setup demo test bench browser

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,fast,dask]'
	touch $@

# Python packages, then the Neo4j jars (Maven Central) and the compiled launcher.
setup: $(VENV)/.installed
	$(VENV)/bin/netintel db prepare

# The main job: local Neo4j, sample data in, summary, report and map out.
demo: setup
	$(VENV)/bin/netintel demo --out out/demo

# Lint, types, and the whole test suite against a real Neo4j started for the run, in a random
# order (pytest-randomly prints its seed: rerun one with -p randomly --randomly-seed=N). setup
# installs the fast engines, so a test of one that is missing fails instead of skipping.
test: setup browser
	$(VENV)/bin/ruff check netintel tests bench notebooks
	$(VENV)/bin/ruff format --check netintel tests bench notebooks
	$(VENV)/bin/mypy
	NETINTEL_REQUIRE_ENGINES=1 $(PY) -m pytest

# Debian's Chromium and its WebDriver, for the browser tests, and a CJK font (Noto), so that
# pictures draw Chinese names; installed only when missing.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || \
	    [ ! -d /usr/share/fonts/opentype/noto ] || ! ls /usr/share/fonts/opentype/noto | grep -q CJK; then \
	  sudo=$$( [ "$$(id -u)" -ne 0 ] && command -v sudo ); \
	  $$sudo apt-get update && \
	  $$sudo apt-get install -y --no-install-recommends chromium chromium-driver fonts-noto-cjk; \
	fi

# Every benchmark, each against the alternative a user would pick, measured in the same run
# (about 30 minutes on 2 cores); results in bench/results/. One at a time: bench-ingest etc.
bench: $(addprefix bench-,$(BENCHMARKS))

bench-%: setup
	$(PY) bench/$*.py
