# UrbanChallenge: `make run` serves the demo, `make test` runs the whole suite.
# Both set everything up on a fresh machine (virtual environment, install, database).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
comma := ,
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test install install-test chromium wrk axe-core lint bench soak assets clean

help:
	@echo "make run    set up, migrate, load the demo data and serve on http://$(HOST):$(PORT)"
	@echo "make test   set up and run linters, type checks and the whole test suite"
	@echo "make bench  run the matcher and load benchmarks (writes docs/benchmarks.md)"
	@echo "make soak   the fault suite: restarts PostgreSQL, kills the app, fills the disk"

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
install-test: $(VENV)/.installed-test chromium axe-core

# Debian packages the project's own set-up installs when they are missing: as root, or
# through sudo when that needs no password; otherwise it says what to install and stops.
define apt_install
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1); \
	else \
		echo "$(2) Install Debian's package as root (apt-get install $(1))$(3)." >&2; \
		exit 1; \
	fi
endef

# The browser tests drive Debian's Chromium (a test tool never downloads a browser).
# CHROMIUM_PATH names another one.
chromium:
	@if [ -n "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null 2>&1 \
		|| command -v chromium-browser >/dev/null 2>&1; then :; else \
	$(call apt_install,chromium,The browser tests need Chromium.,$(comma) or set CHROMIUM_PATH to a Chromium binary); fi

# The load benchmark drives the pages with wrk.
wrk:
	@if command -v wrk >/dev/null 2>&1; then :; else \
	$(call apt_install,wrk,The load benchmark needs wrk.,); fi

# axe-core (pinned in package.json) checks every page's accessibility in the browser tests.
axe-core:
	@[ -f node_modules/axe-core/axe.min.js ] || npm ci --no-audit --no-fund

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

# The suite runs in TEST_WORKERS processes (pytest-xdist), each with its own databases.
TEST_WORKERS ?= 2
test: lint
	$(BIN)/pytest -n $(TEST_WORKERS) --cov --cov-report=term

bench: $(VENV)/.installed-bench wrk
	$(BIN)/python -m benchmarks.run
	$(BIN)/python -m benchmarks.load

# The fault suite (not part of `make test`; about 10 minutes). SOAK_RESTART_POSTGRES=0 keeps
# the local PostgreSQL cluster running (it is restarted once by default).
# Then the API fuzz again with SOAK_FUZZ_EXAMPLES generated requests per operation and database.
SOAK_FUZZ_EXAMPLES ?= 150
soak: $(VENV)/.installed-test
	$(BIN)/python -m soak
	SCHEMATHESIS_MAX_EXAMPLES=$(SOAK_FUZZ_EXAMPLES) $(BIN)/pytest -p no:cacheprovider \
		tests/security/test_api_fuzz.py

# Rebuild the committed GOV.UK Frontend CSS/JS (needs Node.js and npm).
assets:
	scripts/build-assets.sh

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .coverage
