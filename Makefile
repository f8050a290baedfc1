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

.PHONY: help setup system run test lint bench lock

help: ## List the targets
	@echo "plantracker — make TARGET"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z]+:.*## / {printf "  %-7s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: system $(STAMP) ## Install missing Debian packages (as root) and the virtualenv .venv

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

run: setup ## Summarise the example plan's 2018-19 Q2 update
	@test -f $(EXAMPLE) || { echo "make run: $(EXAMPLE) is missing; nothing to summarise" >&2; exit 1; }
	$(BIN)/plantracker summary $(EXAMPLE) --period $(PERIOD)
	@echo "The rendered report will be written under out/ by the demo command (not built yet)."

test: setup ## Run the test suite on 2 cores
	$(BIN)/pytest -n 2 -q

lint: setup ## ruff (lint + format), mypy, import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: setup ## Run the benchmarks in benchmarks/bench_*.py
	@if [ -f benchmarks/__main__.py ]; then $(BIN)/python -m benchmarks; \
	else echo "make bench: no benchmarks package" >&2; exit 1; fi

lock: $(STAMP) ## Re-pin requirements/lock.txt from pyproject.toml (then run make setup)
	UV_SYSTEM_CERTS=1 $(BIN)/uv pip compile --quiet pyproject.toml --extra dev \
		-o requirements/lock.txt --python-version 3.11
