PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: dev test lint install format bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

dev: $(STAMP)
	$(BIN)/jewelia dev

lint: $(STAMP)
	$(BIN)/ruff check jewelia tests bench migrations
	$(BIN)/ruff format --check jewelia tests bench migrations
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format jewelia tests bench migrations
	$(BIN)/ruff check --fix jewelia tests bench migrations

test: lint
	$(BIN)/pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf .jewelia $(VENV)
