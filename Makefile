# plantracker — every target uses .venv/bin/... directly, so nothing needs activating.
# `make -j` is safe: every target that needs the virtualenv depends on `setup` (lint: on .venv
# alone), each built once.

.DEFAULT_GOAL := help
SHELL := /bin/bash
# Python keeps its compiled modules (__pycache__) in every target, whatever the environment
# says: where PYTHONDONTWRITEBYTECODE is set (some CI images set it), every Python process
# compiles every module it imports again, about 1.2 s of CPU each start of `plantracker`, and
# the tests start it hundreds of times (docs/reliability.md#both-databases).
unexport PYTHONDONTWRITEBYTECODE

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
# The OpenID Connect provider the single sign-on tests run (npm oidc-provider, ADR 0075).
OIDC_MODULES := tests/oidc/node_modules/.package-lock.json
# The DfE validators' own virtualenv (ADR 0065): their pins (pandas<2, numpy<1.25) clash
# with ours, so `plantracker statutory validate` runs them there, in a subprocess.
VVENV := .venv-validators
VSTAMP := $(VVENV)/.installed

.PHONY: help setup system frontend oidc run test test-postgres lint bench bench-load guide-screenshots lock office-render

help: ## List the targets
	@echo "plantracker — make TARGET"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-13s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

setup: system $(STAMP) $(VSTAMP) frontend oidc ## Install missing Debian packages (as root), .venv, .venv-validators, the stylesheet and the tests' OpenID Connect provider

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

# The tests' OpenID Connect provider's packages, where npm exists; reinstalled only when its
# lock is newer than the last install.
oidc:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory --silent $(OIDC_MODULES); \
	else echo "setup: npm not found; the single sign-on browser tests will fail" >&2; fi

$(OIDC_MODULES): tests/oidc/package-lock.json tests/oidc/package.json
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(NODE_MODULES): frontend/package-lock.json frontend/package.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(CSS): $(SCSS) $(NODE_MODULES)
	cd frontend && npx --no-install sass --pkg-importer=node --style=compressed --no-source-map \
		scss/app.scss ../$(CSS)

run: setup ## The demo: example plan, demo accounts, reports in out/, http://127.0.0.1:8000
	$(BIN)/plantracker demo

# Two workers, each given a whole test module at a time (its module fixtures set up once),
# in the order tests/conftest.py sorts them (the modules holding slow tests first; not
# xdist's largest-first): a worker with two tests or fewer left takes the next module, so
# the slow modules spread over both cores and the last to start are short
# (docs/reliability.md#both-databases).
XDIST := -n 2 --dist loadfile --no-loadscope-reorder
test: setup ## Run the test suite on 2 cores
	$(BIN)/pytest $(XDIST) -q

# Every test that touches the database (the `database` marker, tests/conftest.py) again on
# a throwaway PostgreSQL cluster started and removed by scripts/with-postgres — except the
# browser tests, whose server side the client tests already run there, and the tests marked
# `engine_independent`, whose use of the database is incidental
# (docs/reliability.md#both-databases); then, on the same cluster with a throwaway Redis
# (scripts/with-redis), the two app servers sharing them. That module alone sees
# PLANTRACKER_REDIS_URL: in the other tests two xdist workers would share one Redis and read
# each other's pages.
TWO_SERVERS := tests/web/test_two_servers.py
test-postgres: setup ## Run the database tests again on PostgreSQL, and the two-server test
	scripts/with-postgres bash -c '$(BIN)/pytest $(XDIST) -q -m "database and not browser" \
		--ignore=$(TWO_SERVERS) && scripts/with-redis $(BIN)/pytest -q $(TWO_SERVERS)'

# Only the virtualenv: with `make -j setup lint` (.ci/run) the checks run while apt and npm
# still install what the tests need.
lint: $(STAMP) ## ruff (lint + format), mypy, import contracts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# The user guide's screenshots (docs/guide/*.png), taken by the browser tests that visit
# the pages; a normal test run leaves the tracked pictures alone.
guide-screenshots: setup ## Take the user guide's screenshots again with the browser tests
	PLANTRACKER_SCREENSHOTS=1 $(BIN)/pytest -p no:xdist -q -m browser \
		tests/web/test_browser.py tests/web/test_workflow_browser.py

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

# Look at the example's Word and PowerPoint reports as a reader would see them: LibreOffice
# (installed here on first use, as root; not in scripts/setup-system, which CI and `make run`
# use) converts them, pdftoppm writes one PNG per page or slide to out/office-png/.
OFFICE_OUT := out/office-png
office-render: setup ## Render the example's DOCX and PPTX to PNG (installs LibreOffice if missing)
	@command -v soffice >/dev/null 2>&1 || { \
		echo "office-render: installing LibreOffice (writer, impress)" >&2; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			libreoffice-writer libreoffice-impress >/dev/null; }
	@mkdir -p $(OFFICE_OUT)
	@for format in docx pptx; do \
		$(BIN)/plantracker report $(EXAMPLE) --period $(PERIOD) --format $$format \
			-o $(OFFICE_OUT)/example-$$format.$$format || exit 1; \
		scripts/office-to-png $(OFFICE_OUT)/example-$$format.$$format $(OFFICE_OUT) >/dev/null || exit 1; \
	done
	@echo "office-render: $$(ls $(OFFICE_OUT)/*.png | wc -l) pages and slides in $(OFFICE_OUT)/"
