PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8787
SCENARIO ?= default
BENCH_STAMP := $(VENV)/.installed-bench
BENCH_ARGS ?=

.PHONY: install serve test contract soak lint typecheck clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/registrar-mock serve --host $(HOST) --port $(PORT) --scenario $(SCENARIO)

test: $(STAMP)
	$(BIN)/python -m pytest -q -p xdist -n 2

# A deeper contract pass: many more generated examples per operation (slow).
contract: $(STAMP)
	REGISTRAR_MOCK_DEEP=1 $(BIN)/python -m pytest tests/contract -q -p xdist -n 2

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

# Throughput (wrk), in-process workflows, scale and start-up: bench/results/latest.{json,md}.
# Not part of `make test`. Installs wrk from the system packages if it is missing.
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# A long run against a real server with a state file: no 5xx, bounded memory and state.
SOAK_SECONDS ?= 120
soak: $(STAMP)
	REGISTRAR_MOCK_SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/python -m pytest tests/soak/soak_registrar.py -q -s

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
