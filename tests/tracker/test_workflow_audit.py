"""The audit trail: who, when, old → new, read from the history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.tracker.workflow_site import Q2, Q3, WorkflowSite, make_workflow_site

from plantracker.tracker.selectors.audit import (
    AuditFilter,
    AuditKind,
    audit_search,
    item_audit,
    period_audit,
    plan_audit,
    word_diff,
)
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
        for row in item_audit(plan_record=site.plan, item=site.item("1.A1"), emails=True)
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
    assert revised["status"] == ("Amber", "Green")
    assert revised["commentary"] == ("First words", "Better words")
    returned = {change.field: (change.old, change.new) for change in rows[3].changes}
    assert returned["review comment"] == ("—", "More detail")
    assert returned["reviewed by"] == ("—", "lead@example.org")
    # A moment reads as the page's "When" column writes one, not as an ISO timestamp.
    reviewed = timezone.localtime(entry.reviewed_at)
    assert returned["reviewed at"] == ("—", f"{reviewed.day} {reviewed:%b %Y %H:%M:%S}")
    assert "T" not in returned["reviewed at"][1]
    # The imported Q2 update is there too, by the plan import.
    assert any(
        row.who == "plan import" and row.what.endswith(Q2)
        for row in item_audit(plan_record=site.plan, item=site.item("1.A1"), emails=True)
    )


def test_the_periods_trail_has_the_close_and_the_reopen_reason(site: WorkflowSite) -> None:
    lead = site.users["lead"]
    period = site.period(Q2)
    narrative_update(actor=lead, period=period, expected_version=1, headlines=["New line"])
    period_close(actor=lead, period=period, expected_version=1)
    period_reopen(actor=lead, period=period, reason="Late health data", expected_version=2)
    rows = period_audit(plan_record=site.plan, period=site.period(Q2), emails=True)
    period_rows = [row for row in rows if row.what == f"Period {Q2}"]
    latest = period_rows[0]
    assert (latest.who, latest.reason) == ("lead@example.org", "reopened")
    changes = {change.field: (change.old, change.new) for change in latest.changes}
    assert changes["state"] == ("Closed", "Open")
    assert changes["reopen reason"] == ("—", "Late health data")
    assert period_rows[1].reason == "closed"
    narrative = next(row for row in rows if row.what == f"Narrative, {Q2}")
    assert {c.field: c.new for c in narrative.changes}["headlines"] == "New line"
    # The whole plan's trail holds the same rows, newest first.
    everything = plan_audit(plan_record=site.plan, emails=True)
    assert everything[0].when >= everything[-1].when
    assert latest in everything


def test_a_changed_text_is_a_word_level_difference_with_long_stretches_elided() -> None:
    old = " ".join(f"w{n}" for n in range(40))
    runs = word_diff(old, old.replace("w20", "twenty").replace("w39", "end"))
    assert [(run.kind, run.text) for run in runs] == [
        ("same", "… w12 w13 w14 w15 w16 w17 w18 w19 "),
        ("removed", "w20"),
        ("added", "twenty"),
        ("same", " w21 w22 w23 w24 w25 w26 w27 w28 … w31 w32 w33 w34 w35 w36 w37 w38 "),
        ("removed", "w39"),
        ("added", "end"),
    ]


def test_the_search_narrows_by_person_kind_item_and_period_and_names_without_emails(
    site: WorkflowSite,
) -> None:
    contributor = site.users["contributor"]
    contributor.first_name, contributor.last_name = "Cleo", "Tributor"
    contributor.save()
    update_save_draft(
        actor=contributor,
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=0,
        status="amber",
        commentary="First words",
    )
    mine = AuditFilter(person=contributor.pk, kind=AuditKind.UPDATES)
    found = audit_search(plan_record=site.plan, search=mine, emails=False)
    assert [(row.who, row.what) for row in found.rows] == [
        ("Cleo Tributor", "Action 1.A1, 2018-19-Q3")
    ]
    assert {change.field: change.new for change in found.rows[0].changes}[
        "author"
    ] == "Cleo Tributor"
    assert "Cleo Tributor" in [person.label(False) for person in found.people]
    with_emails = audit_search(plan_record=site.plan, search=mine, emails=True)
    assert with_emails.rows[0].who == "Cleo Tributor (contributor@example.org)"

    item_in_q2 = AuditFilter(item=site.item("1.A1"), period=site.period(Q2))
    rows = audit_search(plan_record=site.plan, search=item_in_q2, emails=False).rows
    assert rows and {row.what for row in rows} == {"Action 1.A1, 2018-19-Q2"}
    tomorrow = timezone.localdate() + timedelta(days=1)
    later = AuditFilter(since=tomorrow)
    assert audit_search(plan_record=site.plan, search=later, emails=False).rows == []
