PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8787
SCENARIO ?= default

.PHONY: install serve test contract lint typecheck clean

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

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
