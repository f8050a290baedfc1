"""Computed KPI values (ADR 0016): ``statutory_apply`` writes through the update
workflow, marked ``computed_from``; a person's change clears the mark; all or nothing."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from tests.tracker.workflow_site import Q2, Q3, WorkflowSite, make_workflow_site

from plantracker.domain.model import KpiValue as DomainKpiValue
from plantracker.domain.model import Plan
from plantracker.planfile import load_plan_text, plan_to_yaml
from plantracker.statutory.plan_values import ComputedValue
from plantracker.tracker.models import EntryState, Item, KpiValue
from plantracker.tracker.models.workflow import as_reported
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.selectors.computed import computed_values
from plantracker.tracker.selectors.workflow import Entry, closed_period_plans, snapshot_plan
from plantracker.tracker.services import (
    InvalidInput,
    ServiceError,
    period_close,
    plan_import,
    update_approve,
    update_save_draft,
    update_submit,
)
from plantracker.tracker.services.statutory import Outcome, statutory_apply

pytestmark = pytest.mark.django_db

EET = "statutory:care_leavers_eet"
REFERRALS = "statutory:re_referrals_12m"
NOTE = "Computed from the statutory returns, 12 months to 2018-12-31: 60 of 100."


@pytest.fixture
def site() -> WorkflowSite:
    """The workflow site with 1.K1 computed from care_leavers_eet, 1.K2 from re-referrals."""
    made = make_workflow_site()
    for ref, source in (("1.K1", EET), ("1.K2", REFERRALS)):
        Item.objects.filter(plan=made.plan, ref=ref).update(source=source)
    return made


def _value(
    ref: str = "1.K1", value: str | None = "60.0", display: str | None = None
) -> ComputedValue:
    indicator = {"1.K1": "care_leavers_eet", "1.K2": "re_referrals_12m"}[ref]
    return ComputedValue(ref, indicator, DomainKpiValue(_decimal(value), display, commentary=NOTE))


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def _apply(
    site: WorkflowSite, *values: ComputedValue, who: str = "lead", period: str = Q3, **kw: bool
) -> list[Outcome]:
    applied = statutory_apply(
        actor=site.users[who],
        plan_record=site.plan,
        period=site.period(period),
        values=values or (_value(),),
        **kw,
    )
    return [a.outcome for a in applied]


def _entry(site: WorkflowSite, ref: str = "1.K1", period: str = Q3) -> KpiValue:
    return KpiValue.objects.get(item=site.item(ref), period=site.period(period))


def _approve(site: WorkflowSite, entry: Entry) -> Entry:
    return update_approve(actor=site.users["lead2"], entry=entry, expected_version=entry.version)


def _reported_value(site: WorkflowSite, ref: str = "1.K1", period: str = Q3) -> object:
    plan = plan_domain(plan_record=site.plan)
    kpi = next(k for r in plan.recommendations for k in r.kpis if k.ref == ref)
    found = kpi.values.get(period)
    return None if found is None else found.value


def test_values_are_submitted_marked_and_audited_then_reported_once_approved(
    site: WorkflowSite,
) -> None:
    assert _apply(site) == [Outcome.SUBMITTED]
    entry = _entry(site)
    lead = site.users["lead"]
    assert (entry.state, entry.computed_from, entry.submitted_by) == (
        EntryState.SUBMITTED,
        EET,
        lead,
    )
    assert (str(entry.value), entry.commentary, entry.status) == ("60.0", NOTE, None)
    history = list(entry.history.order_by("history_date", "history_id"))
    assert [(h.history_user, h.history_change_reason) for h in history] == [
        # The lead does not own the KPI: the value is entered on its owner's behalf (ADR 0069).
        (
            lead,
            "draft saved on behalf of contributor@example.org: "
            "computed from the statutory returns (care_leavers_eet)",
        ),
        (lead, "submitted for review: computed from the statutory returns (care_leavers_eet)"),
    ]
    assert _reported_value(site) is None  # waits for the lead's approval like any update
    with pytest.raises(ServiceError, match="another lead must approve it"):
        update_approve(actor=lead, entry=entry, expected_version=entry.version)
    _approve(site, entry)
    assert _reported_value(site) == Decimal("60.0")
    assert computed_values(plan_record=site.plan, ref="1.K1") == {Q3: EET}


def test_the_same_values_again_are_unchanged_and_record_nothing(site: WorkflowSite) -> None:
    _apply(site)
    assert _apply(site) == [Outcome.UNCHANGED]  # awaiting review, the same content: no refusal
    _approve(site, _entry(site))
    version, rows = _entry(site).version, _entry(site).history.count()
    assert _apply(site) == [Outcome.UNCHANGED]
    assert (_entry(site).version, _entry(site).history.count()) == (version, rows)
    # New figures make a revision: the approved value stays reported until it is approved.
    assert _apply(site, _value(value="61.5")) == [Outcome.SUBMITTED]
    entry = _entry(site)
    assert entry.approved_copy is not None and entry.approved_copy["value"] == "60.0"
    assert _reported_value(site) == Decimal("60.0")


def test_a_change_by_hand_clears_the_mark_and_the_approved_copy_keeps_it(
    site: WorkflowSite,
) -> None:
    _apply(site)
    entry = _approve(site, _entry(site))
    contributor = site.users["contributor"]  # linked owner of 1.K1
    # Saving the same content by hand is no change: nothing recorded, the mark stays.
    same = update_save_draft(
        actor=contributor,
        subject=site.item("1.K1"),
        period=site.period(Q3),
        expected_version=entry.version,
        value="60.0",
        commentary=NOTE,
    )
    assert (same.version, same.state, same.computed_from) == (entry.version, "approved", EET)
    revised = update_save_draft(
        actor=contributor,
        subject=site.item("1.K1"),
        period=site.period(Q3),
        expected_version=entry.version,
        value="62",
        commentary="Checked against the case records",
    )
    assert revised.computed_from is None
    assert revised.approved_copy is not None and revised.approved_copy["computed_from"] == EET
    # While the revision is in review the reported value and its mark are the approved ones.
    reported = as_reported(revised)
    assert (str(reported.value), reported.computed_from) == ("60.0", EET)
    assert computed_values(plan_record=site.plan, ref="1.K1") == {Q3: EET}
    revised = update_submit(actor=contributor, entry=revised, expected_version=revised.version)
    assert revised.history.latest("history_date").history_change_reason == "submitted for review"
    update_approve(actor=site.users["lead"], entry=revised, expected_version=revised.version)
    assert computed_values(plan_record=site.plan, ref="1.K1") == {}
    assert _reported_value(site) == Decimal("62")


def test_only_a_kpi_value_is_computed(site: WorkflowSite) -> None:
    with pytest.raises(InvalidInput) as refused:
        update_save_draft(
            actor=site.users["lead"],
            subject=site.item("1.A1"),
            period=site.period(Q3),
            expected_version=0,
            status="green",
            computed_from=EET,
        )
    assert "computed_from" in refused.value.errors


def test_a_value_entered_by_hand_is_replaced_only_when_asked(site: WorkflowSite) -> None:
    """1.K1 holds 58.6 in Q2, imported (entered by hand) and approved."""
    with pytest.raises(ServiceError) as refused:
        _apply(site, _value(value="57.0"), period=Q2)
    assert refused.value.messages == (
        f"KPI 1.K1, {Q2}: holds a value entered by hand (58.6) that differs from the computed "
        "57.0; give --replace-manual to replace it",
    )
    assert _entry(site, period=Q2).computed_from is None and _entry(site, period=Q2).version == 1
    # The same figure typed by hand is left alone (and unmarked).
    applied = statutory_apply(
        actor=site.users["lead"],
        plan_record=site.plan,
        period=site.period(Q2),
        values=[_value(value="58.6")],
    )
    assert (applied[0].outcome, applied[0].note) == (
        Outcome.UNCHANGED,
        "entered by hand with the same figure, approved",
    )
    assert _apply(site, _value(value="57.0"), period=Q2, replace_manual=True) == [Outcome.SUBMITTED]
    entry = _entry(site, period=Q2)
    assert (str(entry.value), entry.computed_from, entry.status, entry.reason) == (
        "57.0",
        EET,
        None,
        None,
    )
    assert entry.approved_copy is not None
    assert (entry.approved_copy["value"], entry.approved_copy["computed_from"]) == ("58.6", None)


def test_refusals_write_nothing_at_all(site: WorkflowSite) -> None:
    """The contributor owns 1.K1, not 1.K2: one refusal, and 1.K1 is not written either."""
    with pytest.raises(ServiceError) as refused:
        _apply(site, _value("1.K1"), _value("1.K2", value="21.0"), who="contributor")
    assert refused.value.messages == (
        f"KPI 1.K2, {Q3}: contributor@example.org may not update it (a lead of the plan may, "
        "or the contributor linked to the KPI as its owner)",
    )
    assert not KpiValue.objects.filter(period=site.period(Q3)).exists()
    with pytest.raises(ServiceError) as viewer:
        _apply(site, _value("1.K1"), _value("1.K2"), who="viewer")
    assert [m.split(":")[0] for m in viewer.value.messages] == [
        f"KPI 1.K1, {Q3}",
        f"KPI 1.K2, {Q3}",
    ]
    assert not KpiValue.objects.filter(period=site.period(Q3)).exists()


def test_an_entry_awaiting_review_with_other_content_is_refused(site: WorkflowSite) -> None:
    contributor = site.users["contributor"]
    typed = update_save_draft(
        actor=contributor,
        subject=site.item("1.K1"),
        period=site.period(Q3),
        expected_version=0,
        value="59",
    )
    update_submit(actor=contributor, entry=typed, expected_version=typed.version)
    with pytest.raises(ServiceError, match=r"KPI 1\.K1, 2018-19-Q3: a different value awaits"):
        _apply(site, _value("1.K1"), _value("1.K2"), replace_manual=True)
    assert not KpiValue.objects.filter(item=site.item("1.K2"), period=site.period(Q3)).exists()
    assert str(_entry(site).value) == "59"


def test_a_closed_period_is_refused(site: WorkflowSite) -> None:
    period = site.period(Q2)
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    with pytest.raises(ServiceError, match="is closed and its updates can no longer change"):
        _apply(site, _value("1.K1", value="58.6"), period=Q2)


def test_a_kpi_not_running_in_the_period_is_skipped(site: WorkflowSite) -> None:
    Item.objects.filter(pk=site.item("1.K2").pk).update(until_period=site.period(Q2))
    assert _apply(site, _value("1.K1"), _value("1.K2")) == [Outcome.SUBMITTED, Outcome.SKIPPED]
    assert not KpiValue.objects.filter(item=site.item("1.K2"), period=site.period(Q3)).exists()


def test_a_kpi_whose_source_is_another_is_refused(site: WorkflowSite) -> None:
    wrong = ComputedValue("1.K1", "cp_rate", DomainKpiValue(Decimal("40.1")))
    with pytest.raises(ServiceError, match=f"its source is {EET}, not statutory:cp_rate"):
        _apply(site, wrong)


def _with_q3(plan: Plan, entry: DomainKpiValue) -> Plan:
    """``plan`` with 1.K1's Q3 value replaced by ``entry``."""
    recommendation = plan.recommendations[0]
    kpi = recommendation.kpis[0]
    changed = replace(kpi, values={**kpi.values, Q3: entry})
    return replace(
        plan,
        recommendations=(
            replace(recommendation, kpis=(changed, *recommendation.kpis[1:])),
            *plan.recommendations[1:],
        ),
    )


def test_a_plan_file_without_the_mark_clears_it_and_the_exported_file_keeps_it(
    site: WorkflowSite,
) -> None:
    _apply(site)
    _approve(site, _entry(site))
    plan = plan_domain(plan_record=site.plan)
    computed = plan.recommendations[0].kpis[0].values[Q3]
    assert (str(computed.value), computed.computed_from) == ("60.0", EET)
    exported = plan_to_yaml(plan)
    assert f"computed_from: {EET}}}\n" in exported
    version = _entry(site).version
    plan_import(plan=load_plan_text(exported), slug="cip")  # the exported file: mark kept
    assert (_entry(site).computed_from, _entry(site).version) == (EET, version)
    # The same figure without the key is typed: the file says so, and the mark goes.
    plan_import(plan=_with_q3(plan, replace(computed, computed_from=None)), slug="cip")
    entry = _entry(site)
    assert (str(entry.value), entry.computed_from) == ("60.0", None)
    # A file that says the value is computed marks it again; one that changes it unmarked
    # leaves it typed.
    plan_import(plan=load_plan_text(exported), slug="cip")
    assert _entry(site).computed_from == EET
    plan_import(plan=_with_q3(plan, DomainKpiValue(Decimal("63"))), slug="cip")
    entry = _entry(site)
    assert (str(entry.value), entry.computed_from) == ("63", None)
    assert plan_domain(plan_record=site.plan).recommendations[0].kpis[0].values[Q3] == (
        DomainKpiValue(Decimal("63"))
    )


def test_the_snapshot_of_a_closed_period_keeps_the_mark(site: WorkflowSite) -> None:
    _apply(site)
    _approve(site, _entry(site))
    period = site.period(Q3)
    snapshot = period_close(
        actor=site.users["lead"], period=period, expected_version=period.version
    )
    assert f"computed_from: {EET}" in snapshot.plan_yaml
    kept = snapshot_plan(snapshot).recommendations[0].kpis[0].values[Q3]
    assert (str(kept.value), kept.computed_from) == ("60.0", EET)
    # Later changes do not reach the closed period's plan.
    Item.objects.filter(pk=site.item("1.K1").pk).update(source=None)
    KpiValue.objects.filter(pk=_entry(site).pk).update(computed_from=None)
    again = closed_period_plans(plan_record=site.plan)[Q3].recommendations[0].kpis[0]
    assert again.values[Q3].computed_from == EET
