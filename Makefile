# integration-pipeline — `make help` lists the targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
MONTH  ?= 2017-06
DAGSTER_HOME ?= $(CURDIR)/dagster_home
export GX_ANALYTICS_ENABLED = false

.DEFAULT_GOAL := help
.PHONY: help setup demo-data run test lint dev ui-readonly clean bench bench-smoke

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/integration-pipeline: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $@

setup: $(BIN)/integration-pipeline  ## create .venv and install the project with dev tools
	@mkdir -p $(DAGSTER_HOME)

demo-data: setup  ## generate the demo deliveries 2017-06 and 2017-07 into data_raw/ (if missing)
	@test -f data_raw/2017-06/cpr_extract.txt || $(BIN)/integration-pipeline generate-demo --out data_raw --month 2017-06
	@test -f data_raw/2017-07/cpr_extract.txt || $(BIN)/integration-pipeline generate-demo --out data_raw --month 2017-07

run: demo-data  ## set up, then load the demo delivery MONTH (default 2017-06) into warehouse/
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/integration-pipeline run --month $(MONTH) --data-raw data_raw --warehouse warehouse/integration.duckdb --demo

test: setup  ## run the test suite (never touches warehouse/, data_raw/ or dagster_home/)
	env -u DAGSTER_HOME $(BIN)/pytest -q

lint:  ## ruff
	$(BIN)/ruff check integration_pipeline tests

dev: setup  ## Dagster UI on http://127.0.0.1:3000 (assets, checks, schedule, sensor)
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

ui-readonly: setup  ## read-only Dagster UI for auditors on http://127.0.0.1:3001
	DAGSTER_HOME=$(DAGSTER_HOME) $(BIN)/dagster-webserver -w workspace.yaml -h 127.0.0.1 -p 3001 --read-only

clean:  ## remove the generated warehouse and demo deliveries (not the venv)
	rm -rf warehouse/*.duckdb warehouse/reports data_raw/2017-0*

bench: setup  ## benchmark the monthly load at 50k/250k/1M persons (+100k since 1991) -> docs/benchmarks.md (~10 min)
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/run_bench.py --doc docs/benchmarks.md $(BENCH_ARGS)

bench-smoke: setup  ## the benchmark harness at a few hundred persons (seconds; no report written)
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(BIN)/python bench/run_bench.py --sizes 300 --long 200:1991
