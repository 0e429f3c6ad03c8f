PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8787
SCENARIO ?= default
BENCH_STAMP := $(VENV)/.installed-bench
BENCH_ARGS ?=
# The registrar_mock package as the wheel lays it out, for tools that read files.
VIEW := $(VENV)/namespace
# The official Node SDK, pinned, for the tests that drive it; installed only where npm is.
NODE_SDK := tests/sdk/node/node_modules/cloudflare/package.json
NPM := $(shell command -v npm 2>/dev/null)
# The system's Chromium and Firefox, for the inspector's browser tests (tests/inspector/ looks
# the same way); without them those are skipped, and `make test` says so first.
CHROMIUM := $(or $(REGISTRAR_MOCK_CHROMIUM),$(shell command -v chromium chromium-browser google-chrome 2>/dev/null | head -n 1))
FIREFOX := $(shell command -v firefox-esr firefox 2>/dev/null | head -n 1)

.PHONY: install serve test contract soak lint typecheck clean bench screenshot

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/registrar-mock serve --host $(HOST) --port $(PORT) --scenario $(SCENARIO)

$(NODE_SDK): tests/sdk/node/package.json tests/sdk/node/package-lock.json
	cd tests/sdk/node && npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_SDK)

test: $(STAMP) $(if $(NPM),$(NODE_SDK))
	@$(if $(CHROMIUM),,echo "make test: no Chromium found, so the inspector's Chromium tests will be skipped; 'sudo apt-get install chromium' runs them")
	@$(if $(FIREFOX),,echo "make test: no Firefox found, so the inspector's Firefox test will be skipped; 'sudo apt-get install firefox-esr' runs it")
	$(BIN)/python -m pytest -q -p xdist -n 2

# The README's picture of the inspector, taken by its browser test.
screenshot: $(STAMP)
	REGISTRAR_MOCK_SCREENSHOT=docs/inspector.png $(BIN)/python -m pytest -q tests/inspector/test_browser.py -k readme_screenshot

# A deeper contract pass: many more generated examples per operation (slow).
contract: $(STAMP)
	REGISTRAR_MOCK_DEEP=1 $(BIN)/python -m pytest tests/contract -q -p xdist -n 2

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

# Throughput (wrk), in-process workflows, scale, start-up and the test suite's time:
# bench/results/latest.{json,md}.
# Not part of `make test`. Installs wrk from the system packages if it is missing.
bench: $(BENCH_STAMP)
	$(BIN)/python -m bench $(BENCH_ARGS)

# A long run against a real server with a state file: no 5xx, bounded memory and state.
SOAK_SECONDS ?= 120
soak: $(STAMP)
	REGISTRAR_MOCK_SOAK_SECONDS=$(SOAK_SECONDS) $(BIN)/python -m pytest tests/soak/soak_registrar.py -q -s

# ruff, then the architecture: import-linter's contracts in pyproject.toml.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python tools/namespace_view.py $(VIEW) >/dev/null
	PYTHONPATH=$(VIEW) $(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/python tools/namespace_view.py $(VIEW) >/dev/null
	MYPYPATH=$(VIEW) $(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache tests/sdk/node/node_modules
