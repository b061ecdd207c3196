# UrbanChallenge: `make run` serves the demo, `make test` runs the whole suite.
# Both set everything up on a fresh machine (virtual environment, install, database).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test install install-test lint bench assets clean

help:
	@echo "make run    set up, migrate, load the demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test   set up and run linters, type checks and the whole test suite"
	@echo "make bench  run the matcher benchmarks (writes docs/benchmarks.md)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "UrbanChallenge needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Installs are stamped so repeated runs are instant until pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	@touch $@ $(VENV)/.installed $(VENV)/.installed-test

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# A local demo: DEBUG=true allows plain HTTP cookies and a generated key in var/.
run: export DEBUG ?= true
run: export ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(HOST)
run: install
	$(BIN)/urbanchallenge migrate
	$(BIN)/urbanchallenge load-fixtures --if-empty
	@echo "UrbanChallenge is at http://$(HOST):$(PORT)/ (demo accounts: see README.md)"
	$(BIN)/urbanchallenge serve --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/coverage run -m pytest
	$(BIN)/coverage report

bench: $(VENV)/.installed-bench
	$(BIN)/python -m benchmarks.run

# Rebuild the committed GOV.UK Frontend CSS/JS (needs Node.js and npm).
assets:
	scripts/build-assets.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .coverage
