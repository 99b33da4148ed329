# Two commands on a fresh machine: `make run` and `make test`. Both build .venv from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LESSONS_DB ?= data/lessons.duckdb
HOST ?= 127.0.0.1
PORT ?= 8501
DEMO ?= 1
# pytest-xdist workers for `make test`: one per core; `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= auto
export LESSONS_DB

.PHONY: run test check lint format types e2e bench clean-db

# Rebuilt when pyproject.toml changes; the stamp records which extras are installed.
$(BIN)/.installed-app: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(BIN)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@ $(BIN)/.installed-app

# First start loads the demo programme; `make run DEMO=0` starts with an empty database.
run: $(BIN)/.installed-app
	@if [ "$(DEMO)" = "0" ]; then $(BIN)/lessons init; else $(BIN)/lessons demo --if-new; fi
	$(BIN)/python -m lessons.ui_server --server.address $(HOST) --server.port $(PORT) \
		--server.headless true --browser.gatherUsageStats false

# loadgroup: the browser tests run together on one worker (see tests/conftest.py).
test: $(BIN)/.installed-test
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

e2e: $(BIN)/.installed-test
	$(BIN)/python -m pytest tests/e2e

lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(BIN)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

types: $(BIN)/.installed-test
	$(BIN)/mypy lessons pages tests app.py

check: lint types test

bench: $(BIN)/.installed-test
	$(BIN)/python benchmarks/sentiment_eval.py
	$(BIN)/python benchmarks/analysis_speed.py
	$(BIN)/python benchmarks/dashboard_speed.py --sizes 10000,100000
	$(BIN)/python benchmarks/import_speed.py
	$(BIN)/python benchmarks/page_speed.py
