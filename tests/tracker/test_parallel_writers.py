"""Twenty people saving at once (docs/reliability.md#parallel-writers-postgresql): on PostgreSQL,
every write either lands or is refused with who changed the record and when; none vanishes, and the
audit trail holds one entry per landed write."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from tests.tracker.workflow_site import Q3, make_workflow_site

from plantracker.tracker.models import Item, Update
from plantracker.tracker.services import (
    ConflictError,
    update_bulk_approve,
    update_return,
    update_save_draft,
    update_send,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 20


def _run_at_once(jobs: list[Any]) -> list[object]:
    """Run every job in its own thread and database connection, released together."""
    outcomes: list[object] = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def worker(index: int) -> None:
        try:
            start.wait()
            outcomes[index] = jobs[index]()
        except Exception as exc:  # the outcome under test: landed, or refused with a reason
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_parallel_writers_on_the_same_and_on_different_updates() -> None:
    site = make_workflow_site()
    lead = site.users["lead"]
    period = site.period(Q3)
    actions = list(Item.objects.filter(plan=site.plan, kind="actions").order_by("ref"))
    shared = actions[0]
    first = update_save_draft(
        actor=lead, subject=shared, period=period, expected_version=0, status="green"
    )
    others = actions[1:]
    assert others, "the workflow plan needs more than one action"

    half = WRITERS // 2
    jobs: list[Any] = []
    for n in range(half):  # the same update, everyone having read version 1
        jobs.append(
            lambda n=n: update_save_draft(
                actor=lead,
                subject=shared,
                period=period,
                expected_version=first.version,
                status="amber",
                commentary=f"shared writer {n}",
            )
        )
    for n in range(WRITERS - half):  # different updates (some share an item: a creation race)
        item = others[n % len(others)]
        jobs.append(
            lambda n=n, item=item: update_save_draft(
                actor=lead,
                subject=item,
                period=period,
                expected_version=0,
                status="green",
                commentary=f"own writer {n}",
            )
        )

    outcomes = _run_at_once(jobs)

    for outcome in outcomes:
        assert isinstance(outcome, (Update, ConflictError)), (
            f"neither landed nor refused: {outcome!r}"
        )
    refused = [o for o in outcomes if isinstance(o, ConflictError)]
    for conflict in refused:
        assert conflict.changed_by == "lead"  # named, never by address (ADR 0070)
        assert conflict.changed_at is not None

    # The shared update: exactly one of the ten lands, and it is what the record now says.
    shared_landed = [o for o in outcomes[:half] if isinstance(o, Update)]
    assert len(shared_landed) == 1
    record = Update.objects.get(item=shared, period=period)
    assert record.commentary == shared_landed[0].commentary
    assert record.version == first.version + 1

    # Every item: one creation lands; its record holds the landed writer's words.
    landed_by_item: dict[int, list[Update]] = {}
    for outcome in outcomes[half:]:
        if isinstance(outcome, Update):
            landed_by_item.setdefault(outcome.item_id, []).append(outcome)
    for item in {others[n % len(others)] for n in range(WRITERS - half)}:
        landed = landed_by_item.get(item.pk, [])
        assert len(landed) == 1, f"{item.ref}: {len(landed)} creations landed"
        stored = Update.objects.get(item=item, period=period)
        assert stored.commentary == landed[0].commentary

    # The audit trail: one entry per landed write, none for a refused one.
    assert record.history.count() == 2  # the first draft and the one landed rewrite
    for item_pk in landed_by_item:
        stored = Update.objects.get(item_id=item_pk, period=period)
        assert stored.history.count() == 1


def _row_locks(queries: list[dict[str, str]]) -> list[str]:
    """The period, update and data-version rows each statement of ``queries`` locks, in
    order (the data version's UPDATE as "data version"). Every locking statement locks its
    own table's rows only; the leads' digests a submission queues are left out (each
    locked alone, after the update)."""
    locks = []
    for query in queries:
        sql = query["sql"]
        if "FOR UPDATE" in sql:
            assert "FOR UPDATE OF" in sql, f"locks every joined row: {sql}"
            table = sql.rsplit("FOR UPDATE OF", 1)[1].strip().strip('"')
            if table != "tracker_leaddigest":
                locks.append(table)
        elif sql.startswith('UPDATE "tracker_planrecord"') and "data_version" in sql:
            locks.append("data version")
    return locks


@pytest.mark.django_db
def test_every_write_of_an_update_locks_the_period_then_the_entry_then_the_data_version() -> None:
    """One order of locks for every writer (docs/reliability.md#parallel-writers-postgresql):
    a lead approving while an owner sends an update in the same period cannot deadlock, as
    they did at quarter-end load when each locked the period and the plan's row in its own
    order (every statement locking only its own table's row)."""
    site = make_workflow_site()
    owner, lead, lead2 = site.users["contributor"], site.users["lead"], site.users["lead2"]
    period = site.period(Q3)
    item = site.item("1.A1")
    with CaptureQueriesContext(connection) as sent:
        entry = update_send(
            actor=owner, subject=item, period=period, expected_version=0, submit=True,
            status="green", commentary="Done",
        )  # fmt: skip
    with CaptureQueriesContext(connection) as returned:
        entry = update_return(
            actor=lead, entry=entry, expected_version=entry.version, comment="Why?"
        )
    entry = update_send(
        actor=owner, subject=item, period=period, expected_version=entry.version, submit=True,
        status="green", commentary="Done: minutes attached",
    )  # fmt: skip
    with CaptureQueriesContext(connection) as approved:
        update_bulk_approve(actor=lead2, entries=[(entry, entry.version)])

    assert _row_locks(sent.captured_queries) == ["tracker_period", "tracker_update"]
    assert _row_locks(returned.captured_queries) == [
        "tracker_period", "tracker_update", "tracker_period"
    ]  # fmt: skip
    assert _row_locks(approved.captured_queries) == [
        "tracker_period", "tracker_update", "tracker_period", "data version"
    ]  # fmt: skip
