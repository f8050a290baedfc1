"""A plan file imported over a plan cannot change what a closed period holds
(docs/rules.md#snapshots, ADR 0014: a closed period changes only when a lead reopens it, with a
reason)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType

import pytest
from tests.tracker.workflow_site import Q1, Q2, WorkflowSite, make_workflow_site

from plantracker.domain.model import KpiValue, Plan, Status, Update
from plantracker.tracker.models import EntryState, Period
from plantracker.tracker.models import Update as UpdateRow
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.services import (
    ServiceError,
    period_close,
    period_reopen,
    plan_import,
    update_save_draft,
    update_submit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    site = make_workflow_site()
    period = site.period(Q1)
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    return site


def _with_action_update(plan: Plan, code: str, update: Update) -> Plan:
    first = plan.recommendations[0]
    action = first.actions[0]
    action = replace(action, updates=MappingProxyType({**action.updates, code: update}))
    first = replace(first, actions=(action, *first.actions[1:]))
    return replace(plan, recommendations=(first, *plan.recommendations[1:]))


def test_a_file_changing_a_closed_period_is_refused_and_nothing_is_written(
    site: WorkflowSite,
) -> None:
    before = plan_domain(plan_record=site.plan)
    changed = _with_action_update(before, Q1, Update(Status.RED, "rewritten after closing"))
    changed = replace(changed, title="A new title")
    with pytest.raises(ServiceError) as refused:
        plan_import(plan=changed, slug="cip")
    assert (
        refused.value.messages[0]
        == f"{Q1} is closed; the file would change Action 1.A1: its update"
    )
    assert "reopen" in refused.value.messages[-1]
    # Nothing of the file was written, not even the parts outside the closed period.
    assert plan_domain(plan_record=site.plan) == before


def test_removing_an_entry_or_the_period_itself_is_refused(site: WorkflowSite) -> None:
    before = plan_domain(plan_record=site.plan)
    kpi = before.recommendations[0].kpis[0]
    assert Q1 in kpi.values
    values = MappingProxyType({k: v for k, v in kpi.values.items() if k != Q1})
    first = replace(before.recommendations[0], kpis=(replace(kpi, values=values),))
    without_value = replace(before, recommendations=(first, *before.recommendations[1:]))
    with pytest.raises(ServiceError) as refused:
        plan_import(plan=without_value, slug="cip")
    assert (
        f"{Q1} is closed; the file would remove KPI {kpi.ref}: its value" in refused.value.messages
    )
    # Digits count: 58.60 is not 58.6 (docs/rules.md#exact-numbers).
    old = kpi.values[Q1].value
    assert old is not None
    retyped = MappingProxyType({**kpi.values, Q1: KpiValue(Decimal(f"{old:.3f}"))})
    first = replace(before.recommendations[0], kpis=(replace(kpi, values=retyped),))
    with pytest.raises(ServiceError):
        plan_import(
            plan=replace(before, recommendations=(first, *before.recommendations[1:])), slug="cip"
        )


def test_an_unchanged_closed_period_imports_and_a_reopened_one_takes_changes(
    site: WorkflowSite,
) -> None:
    before = plan_domain(plan_record=site.plan)
    # The open period may change while Q1 is closed.
    changed = _with_action_update(before, Q2, Update(Status.GREEN, "done"))
    plan_import(plan=changed, slug="cip")
    assert plan_domain(plan_record=site.plan).recommendations[0].actions[0].updates[Q2] == Update(
        Status.GREEN, "done"
    )
    # Once a lead reopens Q1, the file may change it.
    period = Period.objects.get(pk=site.period(Q1).pk)
    period_reopen(
        actor=site.users["lead"],
        period=period,
        reason="correcting an update",
        expected_version=period.version,
    )
    fixed = _with_action_update(changed, Q1, Update(Status.AMBER, "corrected"))
    plan_import(plan=fixed, slug="cip")
    assert plan_domain(plan_record=site.plan).recommendations[0].actions[0].updates[Q1] == Update(
        Status.AMBER, "corrected"
    )


def _close(site: WorkflowSite, code: str) -> None:
    period = site.period(code)
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)


def test_rewording_a_risk_or_reordering_commentary_is_not_a_change(site: WorkflowSite) -> None:
    plan = plan_domain(plan_record=site.plan)
    numbers = [r.number for r in plan.recommendations[:2]]
    q2 = plan.narrative[Q2]
    two = MappingProxyType({numbers[0]: ("First.",), numbers[1]: ("Second.",)})
    plan = replace(plan, narrative=MappingProxyType({Q2: replace(q2, commentary=two)}))
    plan_import(plan=plan, slug="cip")
    _close(site, Q2)
    risk = plan.risks[0]
    assert Q2 in risk.updates  # the risk has an update in the closed period
    reordered = MappingProxyType({numbers[1]: ("Second.",), numbers[0]: ("First.",)})
    again = replace(
        plan,
        risks=(replace(risk, title="The same risk, reworded"), *plan.risks[1:]),
        narrative=MappingProxyType({Q2: replace(q2, commentary=reordered)}),
    )
    plan_import(plan=again, slug="cip")
    assert plan_domain(plan_record=site.plan).risks[0].title == "The same risk, reworded"


def test_a_closed_periods_label_or_dates_cannot_change(site: WorkflowSite) -> None:
    plan = plan_domain(plan_record=site.plan)
    periods = tuple(
        replace(period, label="Renamed") if period.id == Q1 else period for period in plan.periods
    )
    with pytest.raises(ServiceError) as refused:
        plan_import(plan=replace(plan, periods=periods), slug="cip")
    assert (
        refused.value.messages[0]
        == f"period {Q1} is closed; the file would change its label or dates"
    )


@pytest.mark.parametrize("closed", [True, False])
def test_a_revision_in_review_survives_a_reimport_of_the_exported_plan(
    closed: bool,
) -> None:
    site = make_workflow_site()
    contributor, lead = site.users["contributor"], site.users["lead"]
    action = site.item("1.A1")
    entry = UpdateRow.objects.get(item=action, period=site.period(Q2))
    assert entry.state == EntryState.APPROVED
    # The owner revises the approved update and submits the revision for review.
    revised = update_save_draft(
        actor=contributor,
        subject=action,
        period=site.period(Q2),
        expected_version=entry.version,
        status="green",
        commentary="Slipped again",
    )
    update_submit(actor=contributor, entry=revised, expected_version=revised.version)
    if closed:
        _close(site, Q2)
    exported = plan_domain(plan_record=site.plan)  # what `plantracker export` writes
    assert exported.recommendations[0].actions[0].updates[Q2].commentary != "Slipped again"
    plan_import(plan=exported, slug="cip", user=lead)
    kept = UpdateRow.objects.get(pk=entry.pk)
    assert (kept.state, kept.status, kept.commentary) == (
        EntryState.SUBMITTED,
        "green",
        "Slipped again",
    )
    assert plan_domain(plan_record=site.plan) == exported
