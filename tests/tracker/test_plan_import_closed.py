"""A plan file imported over a plan cannot change what a closed period holds (DESIGN.md
"Snapshots": a closed period changes only when a lead reopens it, with a reason)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType

import pytest
from tests.tracker.workflow_site import Q1, Q2, WorkflowSite, make_workflow_site

from plantracker.domain.model import KpiValue, Plan, Status, Update
from plantracker.tracker.models import Period
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.services import ServiceError, period_close, period_reopen, plan_import

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
    # Digits count: 58.60 is not 58.6 (DESIGN.md "Compare exactly").
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
