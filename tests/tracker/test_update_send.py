"""``update_send``, the one path of an update's write (web, API, statutory apply): its rules
in their order, and the same outcome whichever edge calls it."""

from __future__ import annotations

from typing import Any

import pytest
from tests.tracker.workflow_site import Q2, Q3, WorkflowSite

from plantracker.domain.model import Kind
from plantracker.tracker.models import EntryState, Item, Risk, Update
from plantracker.tracker.services import (
    ConflictError,
    NotAllowed,
    StateConflict,
    period_close,
    update_send,
)
from plantracker.tracker.services.updates import update_awaits_sending, update_is_complete

pytestmark = pytest.mark.django_db


def _send(
    site: WorkflowSite,
    who: str = "contributor",
    *,
    version: int | None = None,
    submit: bool = False,
    period: str = Q3,
    **content: Any,
) -> Any:
    return update_send(
        actor=site.users[who],
        subject=site.item("1.A1"),
        period=site.period(period),
        expected_version=version,
        submit=submit,
        **({"status": "amber"} | content),
    )


def test_a_send_saves_a_draft_then_submits_it_with_both_in_the_audit_trail(
    site: WorkflowSite,
) -> None:
    entry = _send(site, submit=True)
    assert (entry.state, entry.version) == (EntryState.SUBMITTED, 2)
    reasons = [record.history_change_reason for record in entry.history.order_by("history_id")]
    assert reasons == ["draft saved", "submitted for review"]


def test_an_unchanged_approved_update_sent_for_review_stands_as_approved(
    site: WorkflowSite,
) -> None:
    approved = Update.objects.get(item=site.item("1.A1"), period=site.period(Q2))
    entry = _send(
        site, period=Q2, submit=True, status=approved.status, commentary=approved.commentary
    )
    assert (entry.state, entry.version) == (EntryState.APPROVED, approved.version)


def test_without_a_version_another_persons_draft_is_not_replaced(site: WorkflowSite) -> None:
    draft = _send(site, "contributor")
    with pytest.raises(StateConflict, match=f"send expected_version {draft.version} to replace"):
        _send(site, "lead", status="red")
    # Their own draft, and another's given the version read, are written over.
    assert _send(site, "contributor", status="green").status == "green"
    assert _send(site, "lead", version=draft.version + 1, status="red").status == "red"


def test_the_refusals_come_in_order_permission_state_version(site: WorkflowSite) -> None:
    _send(site, submit=True)
    with pytest.raises(NotAllowed):
        _send(site, "other", version=99)  # nothing about the entry is told first
    with pytest.raises(StateConflict, match="awaits the lead's review"):
        _send(site, "lead", version=99)
    period = site.period(Q3)
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    with pytest.raises(StateConflict, match="is closed"):
        _send(site, "lead", version=99)


def test_a_stale_version_is_a_conflict(site: WorkflowSite) -> None:
    _send(site)
    # Named as the audit trail names people, never by address (ADR 0070).
    with pytest.raises(ConflictError, match=r"was changed by contributor at ") as refused:
        _send(site, "lead", version=0)
    assert "@" not in str(refused.value)


def test_what_submit_all_complete_sends(site: WorkflowSite) -> None:
    """ "Submit all complete" (ADR 0069) sends an update with enough to review — an action's
    status, a risk's score or status, a KPI's value, text shown or status — and a draft or
    returned one even unchanged, on a lead's Plan updates view only the lead's own."""
    action, kpi = site.item("1.A1"), Item(kind=Kind.KPI)
    assert update_is_complete(subject=action, content={"status": "green"})
    assert not update_is_complete(subject=action, content={"commentary": "On track"})
    assert update_is_complete(subject=kpi, content={"value": "0", "status": ""})
    assert update_is_complete(subject=kpi, content={"display": "c"})
    assert not update_is_complete(subject=kpi, content={"commentary": "Waiting for data"})
    assert update_is_complete(subject=Risk(), content={"likelihood": 2, "impact": 3})
    assert not update_is_complete(subject=Risk(), content={"likelihood": 2})

    owner, lead = site.users["contributor"], site.users["lead"]
    draft = Update(state=EntryState.DRAFT, author=owner)
    assert update_awaits_sending(actor=owner, entry=draft)
    assert update_awaits_sending(actor=lead, entry=draft)
    assert not update_awaits_sending(actor=lead, entry=draft, own_only=True)
    assert not update_awaits_sending(actor=owner, entry=Update(state=EntryState.SUBMITTED))
    assert not update_awaits_sending(actor=owner, entry=None)
