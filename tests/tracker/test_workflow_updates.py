"""The update workflow's services (ADR 0041): every transition, every refusal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from tests.tracker.workflow_site import Q2, Q3, WorkflowSite, make_workflow_site

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Kind, Status
from plantracker.tracker.models import EntryState, KpiValue, RiskUpdate, Update
from plantracker.tracker.selectors import period_result, plan_domain
from plantracker.tracker.selectors.workflow import Entry, awaiting_review_count
from plantracker.tracker.services import (
    ConflictError,
    InvalidInput,
    NotAllowed,
    ServiceError,
    period_close,
    update_approve,
    update_bulk_approve,
    update_return,
    update_save_draft,
    update_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    return make_workflow_site()


def _status_of(site: WorkflowSite, ref: str, period: str = Q3) -> Status:
    result = evaluate(plan_domain(plan_record=site.plan), period)
    return next(item.status for item in result.items() if item.ref == ref)


def _draft(
    site: WorkflowSite,
    who: str = "contributor",
    ref: str = "1.A1",
    version: int = 0,
    **content: object,
) -> Entry:
    arguments: dict[str, Any] = {
        "status": "amber",
        "commentary": "Partners asked for more time",
        **content,
    }
    return update_save_draft(
        actor=site.users[who],
        subject=site.item(ref),
        period=site.period(Q3),
        expected_version=version,
        **arguments,
    )


def test_the_whole_cycle_draft_submit_return_resubmit_approve(site: WorkflowSite) -> None:
    contributor, lead = site.users["contributor"], site.users["lead"]
    entry = _draft(site)
    assert (entry.state, entry.version, entry.author) == (EntryState.DRAFT, 1, contributor)
    assert _status_of(site, "1.A1") is Status.MISSING  # a draft is not reported

    entry = update_submit(actor=contributor, entry=entry, expected_version=1)
    assert entry.state == EntryState.SUBMITTED and entry.submitted_by == contributor
    assert _status_of(site, "1.A1") is Status.MISSING  # nor is what awaits review

    entry = update_return(actor=lead, entry=entry, expected_version=2, comment="Say which partners")
    assert entry.state == EntryState.RETURNED
    assert entry.review_comment == "Say which partners" and entry.reviewed_by == lead

    entry = update_save_draft(
        actor=contributor,
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=3,
        status="amber",
        commentary="Health and police asked for more time",
    )
    assert entry.state == EntryState.DRAFT
    entry = update_submit(actor=contributor, entry=entry, expected_version=4)
    entry = update_approve(actor=lead, entry=entry, expected_version=5)
    assert (entry.state, entry.reviewed_by, entry.version) == (EntryState.APPROVED, lead, 6)
    assert _status_of(site, "1.A1") is Status.AMBER  # now it is reported

    result = evaluate(plan_domain(plan_record=site.plan), Q3)
    action = next(item for item in result.items() if item.ref == "1.A1")
    assert action.commentary == "Health and police asked for more time"
    reasons = list(
        entry.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons == [
        "draft saved",
        "submitted for review",
        "returned with a comment",
        "draft saved",
        "submitted for review",
        "approved",
    ]


def test_a_revision_of_an_approved_update_keeps_the_approved_one_reported(
    site: WorkflowSite,
) -> None:
    """1.A1 is red in Q2 (imported, approved); the owner's revision waits for approval."""
    contributor, lead = site.users["contributor"], site.users["lead"]
    entry = Update.objects.get(item=site.item("1.A1"), period=site.period(Q2))
    revised = update_save_draft(
        actor=contributor,
        subject=site.item("1.A1"),
        period=site.period(Q2),
        expected_version=entry.version,
        status="green",
        commentary="Signed at last",
    )
    assert revised.state == EntryState.DRAFT
    assert revised.approved_copy == {
        "status": "red",
        "commentary": "Partners have not yet signed the protocol",
    }
    assert _status_of(site, "1.A1", Q2) is Status.RED
    revised = update_submit(actor=contributor, entry=revised, expected_version=revised.version)
    assert _status_of(site, "1.A1", Q2) is Status.RED
    update_approve(actor=lead, entry=revised, expected_version=revised.version)
    assert _status_of(site, "1.A1", Q2) is Status.GREEN


def test_a_kpi_value_is_rated_by_the_domain_and_an_override_needs_a_reason(
    site: WorkflowSite,
) -> None:
    """1.K1: increase, target 65, default tolerance 10 %: 60 is amber (≥ 58.5)."""
    with pytest.raises(InvalidInput) as refused:
        _draft(site, ref="1.K1", status="green", value="60", commentary=None)
    assert "reason" in refused.value.errors
    assert "calculate amber" in refused.value.errors["reason"]
    assert not KpiValue.objects.filter(item=site.item("1.K1"), period=site.period(Q3)).exists()

    entry = _draft(
        site, ref="1.K1", status="green", value="60.0", reason="The cohort is tiny", commentary=None
    )
    assert isinstance(entry, KpiValue)
    assert entry.value == Decimal("60.0") and str(entry.value) == "60.0"
    assert (entry.status, entry.reason) == ("green", "The cohort is tiny")

    # A given status equal to the calculated one is no override and needs no reason.
    same = update_save_draft(
        actor=site.users["contributor"],
        subject=site.item("1.K1"),
        period=site.period(Q3),
        expected_version=entry.version,
        value="58.5",
        status="amber",
    )
    assert (same.status, same.reason) == ("amber", None)


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ({"status": ""}, "status"),
        ({"status": "purple"}, "status"),
        ({"value": "12"}, "value"),
    ],
)
def test_an_action_update_needs_a_valid_status_and_has_no_value(
    site: WorkflowSite, content: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _draft(site, **content)
    assert field in refused.value.errors
    assert not Update.objects.filter(period=site.period(Q3)).exists()


@pytest.mark.parametrize("value", ["sixty", "NaN", "Infinity", 60.5, "9" * 29, "1e61", "1e-61"])
def test_a_kpi_value_must_be_an_exact_finite_number(site: WorkflowSite, value: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        _draft(site, ref="1.K1", status=None, value=value, commentary=None)
    assert "value" in refused.value.errors


def test_risks_are_updated_like_actions(site: WorkflowSite) -> None:
    contributor, lead = site.users["contributor"], site.users["lead"]
    entry = update_save_draft(
        actor=contributor,
        subject=site.risk(),
        period=site.period(Q3),
        expected_version=0,
        status="red",
        commentary="Capacity in the team is short",
    )
    assert isinstance(entry, RiskUpdate)
    entry = update_submit(actor=contributor, entry=entry, expected_version=1)
    update_approve(actor=lead, entry=entry, expected_version=2)
    result = period_result(plan_record=site.plan, period_code=Q3)
    assert result.risks[0].status is Status.RED


def test_a_scored_risk_update_derives_its_status_and_keeps_an_overrides_reason(
    site: WorkflowSite,
) -> None:
    # docs/rules.md#risk-scores: 4 × 4 = 16 is red under the default bands.
    contributor, lead = site.users["contributor"], site.users["lead"]
    entry = update_save_draft(
        actor=contributor,
        subject=site.risk(),
        period=site.period(Q3),
        expected_version=0,
        likelihood=4,
        impact=4,
    )
    assert (entry.status, entry.likelihood, entry.impact) == ("red", 4, 4)
    entry = update_save_draft(
        actor=contributor,
        subject=site.risk(),
        period=site.period(Q3),
        expected_version=1,
        status="amber",
        likelihood="4",
        impact="4",
        reason="Recruitment starts in January",
    )
    entry = update_submit(actor=contributor, entry=entry, expected_version=2)
    update_approve(actor=lead, entry=entry, expected_version=3)
    risk = period_result(plan_record=site.plan, period_code=Q3).risks[0]
    assert (risk.status, risk.derived, risk.score, risk.reason) == (
        Status.AMBER,
        Status.RED,
        16,
        "Recruitment starts in January",
    )
    # A save that says nothing of the score (the web's update pages) keeps it.
    kept = update_save_draft(
        actor=contributor,
        subject=site.risk(),
        period=site.period(Q3),
        expected_version=RiskUpdate.objects.get(pk=entry.pk).version,
        status="amber",
        commentary="Still short",
    )
    assert (kept.likelihood, kept.impact, kept.reason) == (4, 4, "Recruitment starts in January")
    entry = kept
    for bad, message in (
        ({"likelihood": 6, "impact": 2}, "likelihood"),
        ({"likelihood": 2}, "impact"),
    ):
        with pytest.raises(InvalidInput) as refused:
            update_save_draft(
                actor=contributor,
                subject=site.risk(),
                period=site.period(Q3),
                expected_version=RiskUpdate.objects.get(pk=entry.pk).version,
                **bad,
            )
        assert list(refused.value.errors) == [message]


# --- refusals ---------------------------------------------------------------------------


def test_nobody_approves_their_own_update(site: WorkflowSite) -> None:
    lead, lead2 = site.users["lead"], site.users["lead2"]
    entry = _draft(site, who="lead", ref="2.A1")
    entry = update_submit(actor=lead, entry=entry, expected_version=1)
    with pytest.raises(NotAllowed, match="submitted by you"):
        update_approve(actor=lead, entry=entry, expected_version=2)
    with pytest.raises(NotAllowed):
        update_bulk_approve(actor=lead, entries=[(entry, 2)])
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED
    approved = update_approve(actor=lead2, entry=entry, expected_version=2)
    assert approved.state == EntryState.APPROVED


def test_a_lead_enters_an_update_on_the_owners_behalf_and_another_lead_approves(
    site: WorkflowSite,
) -> None:
    """ADR 0069: recorded as entered on behalf (who, for whom, in the audit trail); the
    lead who wrote it may not approve it even when the owner submits it."""
    lead, lead2, owner = site.users["lead"], site.users["lead2"], site.users["contributor"]
    entry = _draft(site, who="lead", commentary="Taken from the owner's email")
    assert (entry.author, entry.on_behalf, entry.entered_for) == (lead, True, owner)
    reason = entry.history.latest().history_change_reason  # type: ignore[union-attr]
    assert reason == "draft saved on behalf of contributor@example.org"
    entry = update_submit(actor=owner, entry=entry, expected_version=1)
    with pytest.raises(NotAllowed, match="written by you; another lead must approve it"):
        update_approve(actor=lead, entry=entry, expected_version=2)
    assert update_approve(actor=lead2, entry=entry, expected_version=2).state == "approved"

    # The owner's own words are no longer on anyone's behalf.
    entry = _draft(site, version=3, commentary="In my own words")
    assert (entry.author, entry.on_behalf, entry.entered_for) == (owner, False, None)


@pytest.mark.parametrize("who", ["viewer", "admin", "other", "outsider"])
def test_who_may_not_write_an_update(site: WorkflowSite, who: str) -> None:
    """A viewer, an admin without a lead role, a contributor not owning the item and
    another organisation's lead change nothing."""
    with pytest.raises(NotAllowed):
        _draft(site, who=who)
    assert not Update.objects.filter(period=site.period(Q3)).exists()


@pytest.mark.parametrize("who", ["contributor", "viewer", "admin", "outsider"])
def test_only_a_lead_reviews(site: WorkflowSite, who: str) -> None:
    entry = _draft(site, who="lead2", ref="2.A1")
    entry = update_submit(actor=site.users["lead2"], entry=entry, expected_version=1)
    with pytest.raises(NotAllowed):
        update_approve(actor=site.users[who], entry=entry, expected_version=2)
    with pytest.raises(NotAllowed):
        update_return(actor=site.users[who], entry=entry, expected_version=2, comment="No")
    entry.refresh_from_db()
    assert (entry.state, entry.version) == (EntryState.SUBMITTED, 2)


def test_transitions_from_the_wrong_state_are_refused(site: WorkflowSite) -> None:
    contributor, lead = site.users["contributor"], site.users["lead"]
    entry = _draft(site)
    with pytest.raises(ServiceError, match="is draft, so it cannot be approved"):
        update_approve(actor=lead, entry=entry, expected_version=1)
    with pytest.raises(ServiceError, match="cannot be returned"):
        update_return(actor=lead, entry=entry, expected_version=1, comment="Why?")
    entry = update_submit(actor=contributor, entry=entry, expected_version=1)
    with pytest.raises(ServiceError, match="is submitted, so it cannot be submitted"):
        update_submit(actor=contributor, entry=entry, expected_version=2)
    with pytest.raises(ServiceError, match="awaits the lead's review"):
        _draft(site, version=2)
    with pytest.raises(InvalidInput) as refused:
        update_return(actor=lead, entry=entry, expected_version=2, comment="   ")
    assert "comment" in refused.value.errors


def test_a_stale_version_is_a_conflict_naming_who_changed_it(site: WorkflowSite) -> None:
    contributor, lead = site.users["contributor"], site.users["lead"]
    _draft(site)  # version 1 by the contributor
    # The lead, who opened the form before the contributor saved, saves too.
    with pytest.raises(ConflictError) as conflict:
        _draft(site, who="lead", status="green", commentary="All done")
    error = conflict.value
    assert error.changed_by == "contributor"  # named, never by address (ADR 0070)
    assert error.changed_at is not None
    assert error.version == 1
    assert error.current["commentary"] == "Partners asked for more time"
    assert error.current["status"] == "amber"
    entry = Update.objects.get(item=site.item("1.A1"), period=site.period(Q3))
    assert (entry.status, entry.version) == ("amber", 1)
    with pytest.raises(ConflictError):
        update_submit(actor=contributor, entry=entry, expected_version=0)
    entry = update_submit(actor=contributor, entry=entry, expected_version=1)
    with pytest.raises(ConflictError):
        update_approve(actor=lead, entry=entry, expected_version=1)


def test_a_closed_period_is_read_only(site: WorkflowSite) -> None:
    contributor, lead = site.users["contributor"], site.users["lead"]
    entry = _draft(site)
    entry = update_submit(actor=contributor, entry=entry, expected_version=1)
    period = site.period(Q3)
    period_close(actor=lead, period=period, expected_version=period.version)
    with pytest.raises(ServiceError, match="closed"):
        update_approve(actor=site.users["lead2"], entry=entry, expected_version=2)
    with pytest.raises(ServiceError, match="closed"):
        update_return(actor=lead, entry=entry, expected_version=2, comment="Late")
    with pytest.raises(ServiceError, match="closed"):
        _draft(site, ref="1.K1", status=None, value="61", commentary=None)
    entry.refresh_from_db()
    assert (entry.state, entry.version) == (EntryState.SUBMITTED, 2)
    assert not KpiValue.objects.filter(period=period).exists()


def test_bulk_approval_is_all_or_nothing(site: WorkflowSite) -> None:
    lead, lead2, contributor = site.users["lead"], site.users["lead2"], site.users["contributor"]
    first = update_submit(actor=contributor, entry=_draft(site), expected_version=1)
    second = update_submit(
        actor=lead, entry=_draft(site, who="lead", ref="2.A1"), expected_version=1
    )
    with pytest.raises(NotAllowed):
        update_bulk_approve(actor=lead, entries=[(first, 2), (second, 2)])
    first.refresh_from_db()
    assert first.state == EntryState.SUBMITTED  # the allowed one was not approved either
    approved = update_bulk_approve(actor=lead2, entries=[(first, 2), (second, 2)])
    assert [entry.state for entry in approved] == [EntryState.APPROVED] * 2
    assert {
        item.ref
        for item in evaluate(plan_domain(plan_record=site.plan), Q3).items(Kind.ACTION)
        if item.status is Status.AMBER
    } == {"1.A1", "2.A1"}


def test_an_item_outside_its_periods_takes_no_update(site: WorkflowSite) -> None:
    item = site.item("1.A2")
    item.until_period = site.period(Q2)
    item.save()
    with pytest.raises(ServiceError, match="does not run in 2018-19-Q3"):
        _draft(site, who="lead", ref="1.A2")


def test_saving_unchanged_content_records_nothing(site: WorkflowSite) -> None:
    entry = _draft(site)
    again = _draft(site, version=1)
    assert again.version == 1 and again.history.count() == 1
    # An approved update saved unchanged is not turned into a revision either.
    approved = Update.objects.get(item=site.item("1.A1"), period=site.period(Q2))
    same = update_save_draft(
        actor=site.users["contributor"],
        subject=site.item("1.A1"),
        period=site.period(Q2),
        expected_version=approved.version,
        status=approved.status,
        commentary=approved.commentary,
    )
    assert (same.state, same.version) == (EntryState.APPROVED, approved.version)
    assert entry.pk == again.pk


def test_text_with_a_nul_character_is_refused(site: WorkflowSite) -> None:
    """PostgreSQL refuses NUL in text: the service says so instead of failing the write."""
    with pytest.raises(InvalidInput) as refused:
        _draft(site, commentary="before\x00after")
    assert "commentary" in refused.value.errors


def test_what_awaits_review_counts_submitted_entries_of_every_kind_in_that_period_only(
    site: WorkflowSite,
) -> None:
    """The dashboard's "N updates await review": an action's update, a KPI's value and a
    risk's update once submitted; not a draft, a returned or approved one, another period's
    or another plan's."""
    contributor, lead = site.users["contributor"], site.users["lead"]
    q3 = site.period(Q3)

    def awaiting() -> int:
        return awaiting_review_count(plan_record=site.plan, period=q3)

    action = update_submit(actor=contributor, entry=_draft(site), expected_version=1)
    value = _draft(site, ref="1.K1", status="amber", value="60", commentary=None)
    value = update_submit(actor=contributor, entry=value, expected_version=1)
    risk = update_save_draft(
        actor=contributor, subject=site.risk(), period=q3, expected_version=0, status="red"
    )
    assert awaiting() == 2  # the risk's update is a draft yet
    risk = update_submit(actor=contributor, entry=risk, expected_version=1)
    _draft(site, ref="1.Q1")  # a draft
    assert awaiting() == 3
    assert awaiting_review_count(plan_record=site.plan, period=site.period(Q2)) == 0
    other_q3 = site.period(Q3, plan=site.other_plan)
    assert awaiting_review_count(plan_record=site.other_plan, period=other_q3) == 0

    update_return(actor=lead, entry=action, expected_version=2, comment="Which partners?")
    update_approve(actor=lead, entry=risk, expected_version=2)
    assert awaiting() == 1
    assert isinstance(value, KpiValue) and value.state == EntryState.SUBMITTED
