"""Assigning owners and deputies (ADR 0068): a lead's work, audited, and a deputy may update."""

from __future__ import annotations

import pytest
from tests.tracker.workflow_site import Q2, WorkflowSite, make_workflow_site

from plantracker.tracker.models import EntryState, Item, Update
from plantracker.tracker.permissions import can_update_item
from plantracker.tracker.selectors.update_rows import my_update_rows
from plantracker.tracker.services import (
    InvalidInput,
    NotAllowed,
    item_owners_set,
    owners_assign,
    risk_owner_set,
    update_send,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    return make_workflow_site()


def _ids(site: WorkflowSite, *refs: str) -> list[int]:
    return [site.item(ref).pk for ref in refs]


def test_a_lead_assigns_several_items_and_the_audit_trail_names_them(site: WorkflowSite) -> None:
    other = site.users["other"]
    done = owners_assign(
        actor=site.users["lead"],
        plan=site.plan,
        user=other,
        item_ids=_ids(site, "2.A1", "2.K1", "3.Q1"),
        risk_ids=[site.risk().pk],
        replace=False,
    )
    assert done.linked == 4
    owned = set(Item.objects.filter(owner_user=other).values_list("ref", flat=True))
    assert owned == {"2.A1", "2.K1", "3.Q1"}
    assert site.risk().owner_user == other
    last = site.item("2.K1").history.first()
    assert last.history_user == site.users["lead"]
    assert last.history_change_reason == "owner assigned: other@example.org"


def test_replace_unlinks_what_is_no_longer_ticked(site: WorkflowSite) -> None:
    contributor = site.users["contributor"]
    done = owners_assign(
        actor=site.users["lead"],
        plan=site.plan,
        user=contributor,
        item_ids=_ids(site, "1.A1", "2.A2"),
        risk_ids=[],
        replace=True,
    )
    assert (done.linked, done.unlinked) == (1, 3)  # 2.A2 added; 1.K1, 1.Q1 and the risk gone
    owned = set(Item.objects.filter(owner_user=contributor).values_list("ref", flat=True))
    assert owned == {"1.A1", "2.A2"}
    assert site.risk().owner_user is None


@pytest.mark.parametrize("who", ["contributor", "viewer", "admin"])
def test_only_a_lead_assigns_owners(site: WorkflowSite, who: str) -> None:
    with pytest.raises(NotAllowed, match="Only a lead"):
        owners_assign(
            actor=site.users[who],
            plan=site.plan,
            user=site.users["other"],
            item_ids=_ids(site, "2.A1"),
            risk_ids=[],
            replace=False,
        )
    with pytest.raises(NotAllowed):
        item_owners_set(
            actor=site.users[who], item=site.item("2.A1"), owner=site.users["other"], deputy=None
        )
    with pytest.raises(NotAllowed):
        risk_owner_set(actor=site.users[who], risk=site.risk(), owner=None)
    assert site.item("2.A1").owner_user is None


def test_a_lead_of_another_organisation_is_refused(site: WorkflowSite) -> None:
    with pytest.raises(NotAllowed):
        item_owners_set(
            actor=site.users["outsider"], item=site.item("2.A1"), owner=None, deputy=None
        )


def test_an_item_of_another_plan_is_refused_and_nothing_written(site: WorkflowSite) -> None:
    foreign = site.item("2.A1", plan=site.other_plan).pk
    with pytest.raises(InvalidInput, match="Not items of"):
        owners_assign(
            actor=site.users["lead"],
            plan=site.plan,
            user=site.users["other"],
            item_ids=[*_ids(site, "2.A2"), foreign],
            risk_ids=[],
            replace=False,
        )
    assert site.item("2.A2").owner_user is None


@pytest.mark.parametrize("who", ["viewer", "admin", "outsider"])
def test_the_owner_must_be_able_to_give_updates(site: WorkflowSite, who: str) -> None:
    with pytest.raises(InvalidInput, match="no contributor or lead role"):
        item_owners_set(
            actor=site.users["lead"], item=site.item("2.A1"), owner=site.users[who], deputy=None
        )


def test_the_deputy_must_be_another_person(site: WorkflowSite) -> None:
    other = site.users["other"]
    with pytest.raises(InvalidInput, match="other than the owner"):
        item_owners_set(actor=site.users["lead"], item=site.item("2.A1"), owner=other, deputy=other)


def test_a_deputy_may_update_the_item_and_sees_it_in_my_updates(site: WorkflowSite) -> None:
    deputy = site.users["other"]
    item = site.item("1.A1")
    assert not can_update_item(deputy, item)
    item = item_owners_set(
        actor=site.users["lead"], item=item, owner=site.users["contributor"], deputy=deputy
    )
    assert can_update_item(deputy, site.item("1.A1"))
    rows = my_update_rows(user=deputy, plan_record=site.plan, period=site.period(Q2))
    assert "Action 1.A1" in [row.name for row in rows]
    update_send(
        actor=deputy,
        subject=site.item("1.A1"),
        period=site.period(Q2),
        expected_version=None,
        status="green",
        commentary="Entered by the deputy while the owner is away.",
        submit=True,
    )
    entry = Update.objects.get(item=item, period=site.period(Q2))
    assert entry.state == EntryState.SUBMITTED
    assert entry.commentary == "Entered by the deputy while the owner is away."
