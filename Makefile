# Two commands: `make run` and `make test`. Everything else is set-up they call.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
BW     := $(VENV)/bin/borderwatch
DB     ?= data/borderwatch.duckdb
PORT   ?= 8501
STAMP  := $(VENV)/.installed

.PHONY: run test test-fast lint install demo chromium gdal postgres bench clean

$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.11 is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

$(DB): | $(STAMP)
	$(BW) demo --db $(DB)

demo: $(STAMP)   # rebuilds: the old store's data, accounts and audit log are replaced
	$(BW) demo --db $(DB) --force

run: $(STAMP) $(DB)
	$(BW) users ensure-admin --db $(DB)
	$(BW) serve --db $(DB) --port $(PORT)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing Debian chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# GDAL's command-line tools: tile a GeoTIFF basemap (borderwatch basemap add), and make the test rasters.
gdal:
	@command -v gdalwarp >/dev/null 2>&1 && command -v gdal_create >/dev/null 2>&1 || { \
	  echo "installing Debian gdal-bin"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin >/dev/null; }

# PostgreSQL 15 + PostGIS 3 (Debian 12): the server-mode tests start a throw-away cluster (tests/_pg.py).
# `make run` does not need them.
postgres:
	@test -x /usr/lib/postgresql/15/bin/initdb && test -f /usr/share/postgresql/15/extension/postgis.control || { \
	  echo "installing Debian postgresql-15 and postgresql-15-postgis-3"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
	    postgresql-15 postgresql-15-postgis-3 >/dev/null; }

# Style and types (configuration in pyproject.toml; the same checks run as pre-commit hooks).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

# Two pytest workers (pytest-xdist; a module stays on one worker so its shared server or store set-up is
# made once; --no-loadscope-reorder keeps tests/conftest.py's order, browser and slow modules first, where
# xdist would otherwise start with the modules that have the most tests). The 15 slowest tests are listed
# at the end, so a new slow one is seen (the suite's budget is 4 minutes). TEST_WORKERS=0: one process.
TEST_WORKERS ?= 2
test: $(STAMP) lint chromium gdal postgres
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder --durations=15

# The quick loop while editing: no browser, no crash or server-cluster tests (`make test` runs everything).
test-fast: $(STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder -m "not browser and not slow"

bench: $(STAMP)
	$(PY) benchmarks/hotspots.py --n 1000000
	$(PY) benchmarks/emerging.py --n 1000000
	$(PY) benchmarks/corridor.py --n 1000000
	$(PY) benchmarks/page.py
	$(PY) benchmarks/tabs.py --n 1000000 --json
	$(PY) benchmarks/ingest.py --n 1000000 --json
	$(PY) benchmarks/patrols.py

clean:
	rm -rf $(VENV) static build *.egg-info
