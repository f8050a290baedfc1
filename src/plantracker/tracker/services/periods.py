"""Opening, closing and reopening reporting periods (ADR 0041; the snapshot: ADR 0040).

Closing stores the period's snapshot (docs/rules.md#snapshots, ADR 0040): the plan exactly as
evaluated, in the plan-file format, with the summary it gave and the rules used, and queues
the building of its report files (ADR 0067). From then on the
period's summary and reports are drawn from the snapshot (``selectors.period_result``), and every
update service refuses the period. Reopening needs a reason, which is audited.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from plantracker.domain.evaluate import evaluate
from plantracker.domain.summary import summary_dict
from plantracker.domain.texts import text_too_long
from plantracker.planfile import PlanFileError, load_plan_text, plan_to_yaml
from plantracker.tracker.models import Period, PeriodSnapshot, PeriodState, User
from plantracker.tracker.permissions import can_edit
from plantracker.tracker.selectors.workflow import period_plan
from plantracker.tracker.services.data_version import data_version_bump
from plantracker.tracker.services.errors import ServiceError
from plantracker.tracker.services.evidence import evidence_purge
from plantracker.tracker.services.updates import latest_change
from plantracker.tracker.services.workflow_errors import (
    ConflictError,
    InvalidInput,
    NotAllowed,
    StateConflict,
)
from plantracker.tracker.tasks import period_reports_build


def _locked(actor: User, period: Period, expected_version: int, verb: str) -> Period:
    if not can_edit(actor, period.plan):
        raise NotAllowed(f"Only a lead of the plan may {verb} {period.label}")
    locked = Period.objects.select_for_update(of=("self",)).select_related("plan").get(pk=period.pk)
    if locked.version != expected_version:
        who, when = latest_change(locked)
        raise ConflictError(
            what=locked.label,
            version=locked.version,
            changed_by=who,
            changed_at=when,
            current={"state": locked.state, "due": locked.due, "reopen": locked.reopen_reason},
        )
    return locked


def _save(period: Period, actor: User, fields: list[str], reason: str) -> None:
    """Save the period's change; what its plan reports changes with it (data version)."""
    period.version += 1
    period._history_user = actor  # type: ignore[attr-defined]
    period._change_reason = reason  # type: ignore[attr-defined]
    period.save(update_fields=[*fields, "version"])
    data_version_bump(plan_ids=[period.plan_id])


@transaction.atomic
def period_open(*, actor: User, period: Period, due: date, expected_version: int) -> Period:
    """Open ``period`` for updates with the date they are due (reminders go out after it).

    A closed period is not opened this way: reopening it needs a reason (``period_reopen``).
    """
    period = _locked(actor, period, expected_version, "open")
    if period.state == PeriodState.CLOSED:
        raise StateConflict(f"{period.label} is closed; reopen it with a reason first")
    if due < period.start:
        raise InvalidInput(
            {
                "due": "The due date must be on or after the period's start, "
                f"{period.start.day} {period.start:%B %Y}"
            }
        )
    period.due = due
    period.state = PeriodState.OPEN
    _save(period, actor, ["due", "state"], "opened for updates")
    return period


@transaction.atomic
def period_close(*, actor: User, period: Period, expected_version: int) -> PeriodSnapshot:
    """Close ``period`` and store what it reports (docs/rules.md#snapshots).

    The snapshot is checked before it is kept: the stored plan must evaluate to exactly the
    summary taken now, or nothing is closed.
    """
    period = _locked(actor, period, expected_version, "close")
    if period.state == PeriodState.CLOSED:
        raise StateConflict(f"{period.label} is already closed")
    record = period.plan
    plan = period_plan(plan_record=record, period_code=period.code)
    summary = summary_dict(evaluate(plan, period.code))
    text = plan_to_yaml(plan)
    try:
        again = summary_dict(evaluate(load_plan_text(text, name="snapshot"), period.code))
    except PlanFileError as exc:
        raise ServiceError(f"the snapshot of {period.label} cannot be read back: {exc}") from exc
    if again != summary:
        raise ServiceError(f"the snapshot of {period.label} does not reproduce its summary")
    snapshot = PeriodSnapshot.objects.create(
        period=period,
        taken_at=timezone.now(),
        taken_by=actor,
        plan_yaml=text,
        summary=summary,
        rules={
            "kpi_tolerance": str(plan.rules.kpi_tolerance),
            "dot_band": str(plan.rules.dot_band),
            "rollup_green": str(plan.rules.rollup_green),
            "rollup_red": str(plan.rules.rollup_red),
        },
    )
    period.state = PeriodState.CLOSED
    _save(period, actor, ["state"], "closed")
    # Evidence removed while the period was open goes now, files too (ADR 0078).
    evidence_purge(actor=actor, period=period)
    # Its report files are built by the worker once the close is committed (ADR 0067), so
    # the first reader after a period closes never waits; a failure to queue them is logged
    # and leaves the close done (a request then queues its own file).
    plan_id, code = period.plan_id, period.code
    transaction.on_commit(
        lambda: period_reports_build.enqueue(plan_id=plan_id, period_code=code), robust=True
    )
    return snapshot


@transaction.atomic
def period_reopen(*, actor: User, period: Period, reason: str, expected_version: int) -> Period:
    """Reopen a closed period; the reason is required and kept in its audit trail."""
    period = _locked(actor, period, expected_version, "reopen")
    if period.state != PeriodState.CLOSED:
        raise StateConflict(f"{period.label} is not closed")
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise InvalidInput({"reason": "Say why the period is being reopened"})
    if problem := text_too_long(reason):
        raise InvalidInput({"reason": f"The reason {problem}"})
    period.state = PeriodState.OPEN
    period.reopen_reason = reason
    _save(period, actor, ["state", "reopen_reason"], "reopened")
    return period
