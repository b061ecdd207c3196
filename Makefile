# UrbanChallenge: `make run` serves the demo, `make test` runs the whole suite.
# Both set everything up on a fresh machine (virtual environment, install, database).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run test install install-test chromium axe-core lint bench assets clean

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
install-test: $(VENV)/.installed-test chromium axe-core

# The browser tests drive Debian's Chromium (a test tool never downloads a browser):
# installed here when missing, as root or through sudo. CHROMIUM_PATH names another one.
chromium:
	@if [ -n "$$CHROMIUM_PATH" ] || command -v chromium >/dev/null 2>&1 \
		|| command -v chromium-browser >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
		sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "The browser tests need Chromium. Install Debian's package as root" >&2; \
		echo "(apt-get install chromium), or set CHROMIUM_PATH to a Chromium binary." >&2; \
		exit 1; \
	fi

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
