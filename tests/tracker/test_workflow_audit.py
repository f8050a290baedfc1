"""The audit trail: who, when, old → new, read from the history."""

from __future__ import annotations

import pytest
from tests.tracker.workflow_site import Q2, Q3, WorkflowSite, make_workflow_site

from plantracker.tracker.selectors.audit import item_audit, period_audit, plan_audit
from plantracker.tracker.services import (
    narrative_update,
    period_close,
    period_reopen,
    update_approve,
    update_return,
    update_save_draft,
    update_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    return make_workflow_site()


def test_every_step_of_an_update_is_in_the_items_trail(site: WorkflowSite) -> None:
    contributor, lead = site.users["contributor"], site.users["lead"]
    entry = update_save_draft(
        actor=contributor,
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=0,
        status="amber",
        commentary="First words",
    )
    entry = update_submit(actor=contributor, entry=entry, expected_version=1)
    entry = update_return(actor=lead, entry=entry, expected_version=2, comment="More detail")
    entry = update_save_draft(
        actor=contributor,
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=3,
        status="green",
        commentary="Better words",
    )
    entry = update_submit(actor=contributor, entry=entry, expected_version=4)
    update_approve(actor=lead, entry=entry, expected_version=5)

    rows = [
        row
        for row in item_audit(plan_record=site.plan, item=site.item("1.A1"))
        if row.what == "Action 1.A1, 2018-19-Q3"
    ]
    steps = [(row.who, row.reason) for row in reversed(rows)]
    assert steps == [
        ("contributor@example.org", "draft saved"),
        ("contributor@example.org", "submitted for review"),
        ("lead@example.org", "returned with a comment"),
        ("contributor@example.org", "draft saved"),
        ("contributor@example.org", "submitted for review"),
        ("lead@example.org", "approved"),
    ]
    revised = {change.field: (change.old, change.new) for change in rows[2].changes}
    assert revised["status"] == ("amber", "green")
    assert revised["commentary"] == ("First words", "Better words")
    returned = {change.field: (change.old, change.new) for change in rows[3].changes}
    assert returned["review comment"] == ("—", "More detail")
    assert returned["reviewed by"] == ("—", "lead@example.org")
    # The imported Q2 update is there too, by the plan import.
    assert any(
        row.who == "plan import" and row.what.endswith(Q2)
        for row in item_audit(plan_record=site.plan, item=site.item("1.A1"))
    )


def test_the_periods_trail_has_the_close_and_the_reopen_reason(site: WorkflowSite) -> None:
    lead = site.users["lead"]
    period = site.period(Q2)
    narrative_update(actor=lead, period=period, expected_version=1, headlines=["New line"])
    period_close(actor=lead, period=period, expected_version=1)
    period_reopen(actor=lead, period=period, reason="Late health data", expected_version=2)
    rows = period_audit(plan_record=site.plan, period=site.period(Q2))
    period_rows = [row for row in rows if row.what == f"Period {Q2}"]
    latest = period_rows[0]
    assert (latest.who, latest.reason) == ("lead@example.org", "reopened")
    changes = {change.field: (change.old, change.new) for change in latest.changes}
    assert changes["state"] == ("closed", "open")
    assert changes["reopen reason"] == ("—", "Late health data")
    assert period_rows[1].reason == "closed"
    narrative = next(row for row in rows if row.what == f"Narrative, {Q2}")
    assert {c.field: c.new for c in narrative.changes}["headlines"] == "New line"
    # The whole plan's trail holds the same rows, newest first.
    everything = plan_audit(plan_record=site.plan)
    assert everything[0].when >= everything[-1].when
    assert latest in everything
