# Two commands for newcomers: `make demo` and `make test`. The rest are for developers.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
PROD_STAMP := $(VENV)/.installed-prod-check
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo test check lint typecheck test-postgres test-redis test-browser test-hostile system-packages bench prod-check messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(STAMP)

$(PROD_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,bench]'
	touch $@ $(TEST_STAMP) $(STAMP)

# Translations are compiled from the .po sources at build time (no GNU gettext needed).
messages: $(STAMP) $(TEST_STAMP)
	$(BIN)/python -m yankao.core.compile_messages

demo: $(STAMP)
	$(BIN)/python -m yankao.core.compile_messages
	YANKAO_DEMO=1 $(BIN)/yankao demo

check: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	YANKAO_SECRET_KEY=mypy-only $(BIN)/mypy
# bench/ is not a package of the project: its modules are checked from the root.
	YANKAO_SECRET_KEY=mypy-only MYPYPATH=src:. $(BIN)/mypy --explicit-package-bases bench
	$(BIN)/lint-imports --no-logo

test: $(TEST_STAMP) check
	$(BIN)/python -m yankao.core.compile_messages
	$(BIN)/pytest -n 2 -p no:cacheprovider

test-postgres: $(TEST_STAMP)
	$(BIN)/python -m yankao.core.compile_messages
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -n 2 -p no:cacheprovider

# Chromium and CJK fonts for the browser tests (Debian packages; needs root). Without
# them `make test` skips the browser tests, unless CI is set, where they fail.
system-packages:
	bash scripts/install-system-packages.sh

test-browser: $(TEST_STAMP)
	$(BIN)/python -m yankao.core.compile_messages
	$(BIN)/pytest -m browser -p no:cacheprovider

# Hostile input alone (decompression bombs, formulas in exports, ids past 2^63…); the
# same tests run in `make test`.
test-hostile: $(TEST_STAMP)
	$(BIN)/python -m yankao.core.compile_messages
	$(BIN)/pytest -m hostile -p no:cacheprovider

bench: $(TEST_STAMP)
	$(BIN)/python -m yankao.core.compile_messages
	$(BIN)/python bench/run.py

# The production shape (gunicorn, the worker, nginx, PostgreSQL, Redis) under a surge of
# 100 clients, with a PostgreSQL restart and a worker kill; figures in var/prod-check/.
# It restarts this machine's PostgreSQL (as root): not part of `make test` or CI.
prod-check: $(PROD_STAMP)
	bash scripts/install-system-packages.sh
	$(BIN)/python -m yankao.core.compile_messages
	$(BIN)/python bench/prod_check.py

clean:
	rm -rf $(VENV) var build src/*.egg-info
