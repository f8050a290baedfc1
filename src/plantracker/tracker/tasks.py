"""Background tasks, run by the worker (`plantracker db_worker`; ADR 0067).

Tasks are queued in the database (django-tasks with its ORM backend) and run by a separate
process, so a request never waits for the work. Each task is a thin wrapper: the work is a
function of the module that owns it, which tests call directly.
"""

from __future__ import annotations

from django_tasks import task

from plantracker.tracker import evidence_pack, reports_cache
from plantracker.tracker.services import notifications, publishing


@task()
def report_build(*, plan_id: int, period_code: str, fmt: str, key: str) -> str:
    """Build one report file a request asked for (``reports_cache.report_file``)."""
    return reports_cache.report_build(plan_id=plan_id, period_code=period_code, fmt=fmt, key=key)


@task()
def period_reports_build(*, plan_id: int, period_code: str) -> list[str]:
    """Build every format of a period's report, queued when the period closes."""
    return reports_cache.period_reports_build(plan_id=plan_id, period_code=period_code)


@task()
def evidence_pack_build(*, plan_id: int, period_code: str, key: str) -> str:
    """Build a period's evidence pack a request asked for (``evidence_pack``, ADR 0080)."""
    return evidence_pack.evidence_pack_build(plan_id=plan_id, period_code=period_code, key=key)


@task()
def email_send(*, send_id: int) -> str:
    """Send one queued email, or schedule its retry (``notifications.email_deliver``)."""
    return notifications.email_deliver(send_id=send_id)


@task()
def lead_digest_send(*, lead_id: int, plan_id: int) -> int:
    """A lead's digest of the updates submitted for review (``notifications``, ADR 0077)."""
    return notifications.lead_digest_send(lead_id=lead_id, plan_id=plan_id)


@task()
def publication_build(*, publication_id: int) -> str:
    """Build and store a published report's files (``publishing``, ADR 0081)."""
    return publishing.publication_files_build(publication_id=publication_id)
