PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dev test lint install format bench clean chromium sdks

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

dev: $(STAMP)
	$(BIN)/jewelia dev

lint: $(STAMP)
	$(BIN)/ruff check jewelia tests bench migrations examples sdks/python
	$(BIN)/ruff format --check jewelia tests bench migrations examples sdks/python
	$(BIN)/mypy
	cd sdks/python && ../../$(BIN)/mypy
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format jewelia tests bench migrations examples
	$(BIN)/ruff check --fix jewelia tests bench migrations examples

# The browser tests drive Debian's chromium. Missing: installed here when we are root (as on a
# fresh CI machine); otherwise a clear message instead of a dozen failed browser tests.
chromium:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
	  :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Chromium is missing: installing Debian's chromium package for the browser tests"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "Chromium is missing and the browser tests need it. Install it as root" >&2; \
	  echo "(sudo apt-get install chromium, or sudo make chromium), then run make test again." >&2; \
	  exit 1; \
	fi

test: lint chromium
	$(BIN)/pytest -q -p no:cacheprovider

# The SDKs' OpenAPI document, then each SDK's generated layer from it (no diff when nothing
# changed; tests/sdk/test_sdk_generation_*.py check that).
sdks: $(STAMP)
	$(BIN)/jewelia openapi --sdk -o sdks/openapi.json
	$(BIN)/python sdks/python/generate.py
	cd sdks/typescript && npm ci --no-audit --no-fund && npm run generate

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf .jewelia $(VENV)
