# plantracker — every target uses .venv/bin/... directly, so nothing needs activating.
# `make -j` is safe: every target that needs the virtualenv depends on `setup`, built once.

.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXAMPLE := examples/childrens-improvement-plan.yaml
PERIOD := 2018-19-Q2
# The stylesheet: GOV.UK Frontend compiled with Sass (frontend/); generated, not committed.
CSS := src/plantracker/web/static/web/app.css
SCSS := $(wildcard frontend/scss/*.scss)
NODE_MODULES := frontend/node_modules/.package-lock.json
# The DfE validators' own virtualenv (ADR 0065): their pins (pandas<2, numpy<1.25) clash
# with ours, so `plantracker statutory validate` runs them there, in a subprocess.
VVENV := .venv-validators
VSTAMP := $(VVENV)/.installed

.PHONY: help setup system frontend run test test-postgres lint bench bench-load lock

help: ## List the targets
	@echo "plantracker — make TARGET"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: system $(STAMP) $(VSTAMP) frontend ## Install missing Debian packages (as root), .venv, .venv-validators and the stylesheet

system:
	@scripts/setup-system

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock (or the package's own metadata) is newer than the last install.
# --system-certs: trust the machine's CA store, as pip does, also where SSL_CERT_FILE is unset.
$(STAMP): requirements/lock.txt requirements/bootstrap.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/bootstrap.txt
	$(BIN)/uv pip install --quiet --system-certs --python $(BIN)/python -r requirements/lock.txt
	$(BIN)/uv pip install --quiet --system-certs --python $(BIN)/python --no-deps -e .
	@touch $@

# The validators' venv from its own lock, rebuilt only when the lock is newer than the last
# install; uv (from .venv) installs the 33 pinned wheels in seconds, no resolution (--no-deps).
$(VSTAMP): requirements/validators.txt | $(STAMP)
	rm -rf $(VVENV)
	$(PYTHON) -m venv --without-pip $(VVENV)
	$(BIN)/uv pip install --quiet --system-certs --python $(VVENV)/bin/python --no-deps \
		-r requirements/validators.txt
	$(VVENV)/bin/python -I -c "import cin_validator.cin_validator, lac_validator.lac_validator"
	@touch $@

# Build the stylesheet only where npm exists, and only when the Sass or the lock is newer
# than the built file; without npm the pages still work, unstyled.
frontend:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory --silent $(CSS); \
	else echo "setup: npm not found; skipping the stylesheet (pages will be unstyled)" >&2; fi

$(NODE_MODULES): frontend/package-lock.json frontend/package.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(CSS): $(SCSS) $(NODE_MODULES)
	cd frontend && npx --no-install sass --pkg-importer=node --style=compressed --no-source-map \
		scss/app.scss ../$(CSS)

run: setup ## The demo: example plan, demo accounts, reports in out/, http://127.0.0.1:8000
	$(BIN)/plantracker demo

test: setup ## Run the test suite on 2 cores
	$(BIN)/pytest -n 2 -q

# Every test that touches the database (the `database` marker, tests/conftest.py) again on
# a throwaway PostgreSQL cluster started and removed by scripts/with-postgres; then, on the
# same cluster with a throwaway Redis (scripts/with-redis), the two app servers sharing
# them. That module alone sees PLANTRACKER_REDIS_URL: in the other tests two xdist workers
# would share one Redis and read each other's pages.
TWO_SERVERS := tests/web/test_two_servers.py
test-postgres: setup ## Run the database tests again on PostgreSQL, and the two-server test
	scripts/with-postgres bash -c '$(BIN)/pytest -n 2 -q -m database --ignore=$(TWO_SERVERS) \
		&& scripts/with-redis $(BIN)/pytest -q $(TWO_SERVERS)'

lint: setup ## ruff (lint + format), mypy, import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: setup ## Run the benchmarks in benchmarks/bench_*.py
	@if [ -f benchmarks/__main__.py ]; then $(BIN)/python -m benchmarks; \
	else echo "make bench: no benchmarks package" >&2; exit 1; fi

# The load test (docs/reliability.md#load): 50 people for DURATION seconds against gunicorn
# and the worker on a throwaway PostgreSQL, synth --scale 10, two leads approving throughout.
# PAUSE="5 15": people reading pages; the default "1 3" is the stress test. CODE=DIR: the
# plantracker of DIR/src (a worktree of another commit) under this checkout's load script.
PAUSE ?= 1 3
DURATION ?= 60
bench-load: setup ## The load test on PostgreSQL (PAUSE="5 15", DURATION=60, CODE=worktree)
	$(if $(CODE),PYTHONPATH=$(abspath $(CODE))/src) scripts/with-postgres \
		$(BIN)/python -m benchmarks.load --users 50 --duration $(DURATION) --pause $(PAUSE)

lock: $(STAMP) ## Re-pin requirements/lock.txt from pyproject.toml (then run make setup)
	UV_SYSTEM_CERTS=1 $(BIN)/uv pip compile --quiet pyproject.toml --extra dev \
		-o requirements/lock.txt --python-version 3.11
