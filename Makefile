# Ponte: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench lint typecheck setup demo clean vendor

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Ponte needs $(PYTHON) (Python 3.11 or newer)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

## make run: set up, migrate the embedded SQLite database, load the demo corpus, serve on :8000
run: $(STAMP)
	$(BIN)/ponte db upgrade
	$(BIN)/ponte demo
	$(BIN)/ponte serve

## make test: set up, then lint (ruff, the layering contract), type-check and run every test
test: $(STAMP) lint typecheck
	$(BIN)/pytest -q -n 2

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

## make bench: print the benchmark figures (never part of the test run)
bench: $(STAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

## make vendor: fetch the console's vendored ECharts again from the npm registry (the result is committed)
vendor:
	scripts/vendor_echarts.sh

clean:
	rm -rf $(VENV) ponte.db ponte.db-* .pytest_cache .mypy_cache .ruff_cache
