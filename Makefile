# gridgov: `make run` (fresh clone → demo county on 127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SEED ?= 1
HOST ?= 127.0.0.1:8000
VENDOR := gridgov/static/vendor
# make run is a development server: DEBUG on (tracebacks, static files); production leaves it off.
export GRIDGOV_DEBUG ?= 1

.PHONY: run install static demo test test-sqlite test-postgres test-browser lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed static

# Third-party front-end code comes from the npm registry at install time and is never committed.
node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/.copied: node_modules/.installed
	mkdir -p $(VENDOR)/leaflet $(VENDOR)/echarts $(VENDOR)/htmx
	cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images $(VENDOR)/leaflet/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	touch $@

static: $(VENDOR)/.copied

demo: install
	$(BIN)/gridgov migrate --noinput
	$(BIN)/gridgov demo --seed $(SEED) --if-empty

run: demo
	$(BIN)/gridgov dispatch ensure-model
	@$(BIN)/gridgov demo --logins
	@echo "gridgov: http://$(HOST)/  (worker runs beside the server; Ctrl-C stops both)"
	@trap 'kill 0' INT TERM EXIT; $(BIN)/gridgov worker & $(BIN)/gridgov serve $(HOST)

test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check gridgov bench tests conftest.py
	$(BIN)/ruff format --check gridgov bench tests conftest.py
	$(BIN)/mypy gridgov
	$(BIN)/lint-imports

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var
