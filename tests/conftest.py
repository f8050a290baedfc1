"""Markers that choose which tests run again on PostgreSQL (`make test-postgres`;
docs/reliability.md#both-databases).

``database``: the test touches the database. Added here to every test that uses
pytest-django's ``django_db`` marker or, directly or through another fixture, its ``db`` /
``transactional_db`` fixtures, so nobody has to remember to mark a new test; a test that
reaches the database another way (a subprocess given ``DATABASE_URL``) says so itself with
``@pytest.mark.database``. CI runs the whole suite on SQLite, then ``-m "database and not
browser"`` with ``DATABASE_URL`` pointing at a throwaway PostgreSQL cluster
(scripts/with-postgres): a browser test drives pages whose every request the client tests
already make on PostgreSQL, and the browser's time is the suite's largest cost.

``postgres``: the test means something only on PostgreSQL (row locks, parallel writers); it
is skipped when the database is SQLite, and counts as a ``database`` test.

``engine_independent(reason)``: the test uses a database only incidentally: what it checks
does not depend on the engine, and the queries, services and views it goes through are
tested on PostgreSQL by tests of their own. It is not a ``database`` test, so it runs once,
on SQLite; ``reason`` (required) says why, in the test module. Never for a test of queries,
services, concurrency, the API, permissions or the web views.

Order: the slow tests that need no pytest-django database (subprocesses with a database of
their own, the statutory validators) first, then pytest-django's database tests (those in a
transaction before the transactional ones, as it orders them), the modules holding a
``slow`` test first in each group, then the other tests without the database: with ``-n 2``
the last tests to start are short ones, and neither core waits long for the other at the
end. The Makefile hands each xdist worker whole modules in this order (``--dist loadfile
--no-loadscope-reorder``; docs/reliability.md#both-databases), so the slow modules go to
both cores in turn.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

_DATABASE_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
        "live_server",
    }
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "database: touches the database; run again on PostgreSQL by `make test-postgres` "
        "(added automatically for django_db / db / transactional_db)",
    )
    config.addinivalue_line("markers", "postgres: meaningful only on PostgreSQL; skipped on SQLite")
    config.pluginmanager.register(_SlowFirst(), "plantracker-slow-first")
    config.addinivalue_line(
        "markers",
        "engine_independent(reason): uses the database only incidentally; runs on SQLite only "
        "(not a `database` test; docs/reliability.md#both-databases)",
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Argon2 is deliberately slow; a test that checks the hashing sets it back itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_report_cache(settings: Any, request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test starts with an empty report cache of its own, in memory, and never writes
    into the checkout's ./var. Report files are built by the background worker (ADR 0067):
    a test runs it (tests/tasks.py) or asks for ``reports_at_once``."""
    settings.CACHES = {
        **settings.CACHES,
        "reports": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"reports-{request.node.nodeid}",
            "TIMEOUT": None,
        },
    }
    yield
    from django.core.cache import caches

    caches["reports"].clear()


@pytest.fixture(autouse=True)
def _evidence_storage(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Evidence files (ADR 0078) and published reports' files (ADR 0081) go to folders of
    each test's own, never into ./var."""
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("evidence"))},
        },
        "publications": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path_factory.mktemp("publications"))},
        },
    }


@pytest.fixture
def reports_at_once(settings: Any) -> None:
    """Tasks run as they are queued, so a report download answers with the file at once
    (the settings' database backend waits for a worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_plan_caches() -> Iterator[None]:
    """Each test starts with empty evaluated-plan and fragment caches (ADR 0064): tests roll
    their database back, so a plan's pk and data version recur with other data."""
    from django.core.cache import caches

    for name in ("plans", "fragments"):
        caches[name].clear()
    yield


def on_postgresql() -> bool:
    """Whether the tests' database is PostgreSQL (DATABASE_URL names a postgres server)."""
    url = os.environ.get("DATABASE_URL", "")
    return url.startswith(("postgres://", "postgresql://", "pgsql://"))


@pytest.hookimpl(tryfirst=True)  # before pytest-django's sort, which then keeps this order
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip_sqlite = pytest.mark.skip(reason="needs PostgreSQL (run by make test-postgres)")
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        uses_database = (
            item.get_closest_marker("django_db") is not None
            or item.get_closest_marker("postgres") is not None
            or bool(fixtures & _DATABASE_FIXTURES)
        )
        independent = item.get_closest_marker("engine_independent")
        if independent is not None:
            if not (independent.kwargs.get("reason") or independent.args):
                raise pytest.UsageError(f"{item.nodeid}: engine_independent needs a reason")
            if item.get_closest_marker("database") or item.get_closest_marker("postgres"):
                raise pytest.UsageError(
                    f"{item.nodeid}: engine_independent and database/postgres contradict"
                )
        elif uses_database and item.get_closest_marker("database") is None:
            item.add_marker(pytest.mark.database)
        if item.get_closest_marker("postgres") is not None and not on_postgresql():
            item.add_marker(skip_sqlite)
    # The modules holding a slow test first, each kept whole (its module fixtures set up
    # once), in their collected order; the same order on every xdist worker. pytest-django
    # then sorts by what the tests need of its database (a transaction, a transactional
    # database, none), a stable sort: within each of its groups the slow modules stay first.
    slow_modules = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_modules)


class _SlowFirst:
    @pytest.hookimpl(trylast=True)  # after pytest-django's sort and the -m selection
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        """pytest-django puts the tests without its database last, and those are the
        slowest (subprocesses on a database of their own, the statutory validators): move
        the slow ones of them first. Only their place changes: pytest-django's plain
        database tests still run before its transactional ones."""

        def place(item: pytest.Item) -> int:
            fixtures = set(getattr(item, "fixturenames", ()))
            if item.get_closest_marker("django_db") or fixtures & _DATABASE_FIXTURES:
                return 1
            return 0 if item.get_closest_marker("slow") else 2

        items.sort(key=place)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium for one module's browser tests, started without network chatter.

    One module at a time, closed at its end: Playwright's synchronous API allows one
    instance per thread, so modules (tests/web, tests/reports, tests/api) must not overlap.
    While it runs, an event loop runs in the test's thread and a test's database work is
    ordinary blocking code, which Django refuses inside a loop unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set; it is set for the module only, so it never reaches
    other tests' subprocesses (``check --deploy`` refuses it). Imported here, not at the
    top, so the other tests never load Playwright.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=[
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                ],
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
