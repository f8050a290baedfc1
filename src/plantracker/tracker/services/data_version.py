"""The per-plan data version (ADR 0062): one integer per plan, one more with every write
that can change what the plan counts.

What a plan counts is what its pages, reports and summaries show: the approved data, the
periods' states and snapshots, the narrative, the KPIs' comparators. Every service that
writes any of it calls ``data_version_bump`` in its own transaction, so that the new number
commits (or rolls back) with the data; a cache of the evaluated plan keyed by
``(plan, data_version)`` is then never stale. Entries in review (drafts, submissions,
returns) are not counted and do not bump. ``tests/tracker/test_data_version.py`` walks
every service and fails when one changes counted data without bumping.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Max

from plantracker.tracker.models import PlanRecord


def data_version_bump(*, plan_ids: Iterable[int]) -> None:
    """Add one to the data version of each plan in ``plan_ids``, in the caller's transaction.

    An ``UPDATE ... SET data_version = data_version + 1``: concurrent writers each add their
    one, none is lost, and the row lock it takes is held until the caller commits.
    """
    ids = sorted(set(plan_ids))  # one order for every writer: no deadlock between two
    if not ids:
        return
    assert transaction.get_connection().in_atomic_block, "bump inside the write's transaction"
    PlanRecord.objects.filter(pk__in=ids).update(data_version=F("data_version") + 1)


def data_version_ceiling() -> int:
    """The highest data version any plan holds now (0 when there is no plan)."""
    highest: int | None = PlanRecord.objects.aggregate(highest=Max("data_version"))["highest"]
    return highest or 0


def data_version_set_all(*, above: int) -> None:
    """Give every plan the same data version, greater than ``above`` and than any now held.

    For a restore: the restored plans must count as changed for every cache, whatever
    versions they had before and in the backup.
    """
    assert transaction.get_connection().in_atomic_block, "set inside the write's transaction"
    PlanRecord.objects.update(data_version=max(above, data_version_ceiling()) + 1)
