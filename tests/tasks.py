"""The background worker for tests: django-tasks-db's own worker, run in the test's process
until the queue is empty (``db_worker --batch``, without its signal handlers)."""

from __future__ import annotations

from unittest import mock

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def run_worker() -> int:
    """Run every queued task; return how many ran."""
    before = DBTaskResult.objects.finished().count()
    # The worker closes "old" connections between tasks; inside a test's transaction that
    # would close the test's own connection (on PostgreSQL; SQLite's in-memory one stays).
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    ):
        _run()
    return DBTaskResult.objects.finished().count() - before


def _run() -> None:
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    ).run()


def queued() -> list[DBTaskResult]:
    """The tasks waiting for the worker, oldest first."""
    return list(DBTaskResult.objects.ready().order_by("enqueued_at"))
