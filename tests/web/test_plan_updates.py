"""A lead's Plan updates view (ADR 0069), without a browser: every item of the period with
filters, an update entered on the owner's behalf through the same form as My updates
(recorded as such, shown on the item and review pages), approved by another lead only;
a single lead is told who can add a second; the item page links its owner, deputy and the
leads to its update."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from tests.tracker.workflow_site import Q3, WorkflowSite, make_workflow_site
from tests.web.page_text import page_text

from plantracker.tracker.models import Membership, Update
from plantracker.tracker.services import item_owners_set, role_revoke, update_save_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    return make_workflow_site()


def _url(query: str = "") -> str:
    url = reverse("web:plan-updates", args=["cip", Q3])
    return f"{url}?{query}" if query else url


def _names(page: str) -> set[str]:
    return set(
        re.findall(r"(?:Action|KPI|Quality measure|Feedback measure) \d+\.\w+|Risk \d+", page)
    )


def test_every_item_of_the_period_with_filters(site: WorkflowSite) -> None:
    lead = site.client("lead")
    everything = page_text(lead.get(_url()))
    assert "Plan updates for" in everything
    assert {"Action 1.A1", "KPI 1.K1", "Action 2.A1", "Risk 1"} <= _names(everything)
    assert "Owner: " in everything and "(contributor@example.org)" in everything

    contributor = site.users["contributor"].pk
    theirs = _names(page_text(lead.get(_url(f"owner={contributor}"))))
    assert "Action 1.A1" in theirs and "Risk 1" in theirs and "Action 2.A1" not in theirs
    unlinked = _names(page_text(lead.get(_url("owner=none"))))
    assert "Action 2.A1" in unlinked and "Action 1.A1" not in unlinked
    second = _names(page_text(lead.get(_url("recommendation=2"))))
    assert "Action 2.A1" in second and "Action 1.A1" not in second and "Risk 1" not in second
    assert _names(page_text(lead.get(_url("recommendation=0")))) == {"Risk 1"}
    assert _names(page_text(lead.get(_url("show=mine")))) == set()
    assert "No item or risk of this period matches the filters" in page_text(
        lead.get(_url("show=mine"))
    )

    # Missing: nothing approved or awaiting review; a draft still counts as missing.
    update_save_draft(
        actor=site.users["contributor"],
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=0,
        status="amber",
    )
    missing = _names(page_text(lead.get(_url("show=missing"))))
    assert "Action 1.A1" in missing and "Action 2.A1" in missing


def test_an_unknown_filter_is_said_and_ignored(site: WorkflowSite) -> None:
    response = site.client("lead").get(_url("owner=999999&show=everything"))
    assert response.status_code == 200
    page = page_text(response)
    assert "Select a valid choice" in page
    assert "Action 2.A1" in page


def test_a_lead_enters_an_update_on_the_owners_behalf(site: WorkflowSite) -> None:
    lead = site.client("lead")
    key = f"item-{site.item('1.A1').pk}"
    query = f"owner={site.users['contributor'].pk}"
    response = lead.post(
        _url(query),
        {
            f"{key}-version": "0",
            f"{key}-status": "amber",
            f"{key}-commentary": "From the owner's email of Monday",
            "action": f"submit:{key}",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_url(query)}#{key}"  # the filters kept
    entry = Update.objects.get(item=site.item("1.A1"), period=site.period(Q3))
    assert (entry.state, entry.on_behalf, entry.author, entry.entered_for) == (
        "submitted",
        True,
        site.users["lead"],
        site.users["contributor"],
    )
    behalf = "entered by lead@example.org on behalf of contributor@example.org"

    # The review page: this lead may not approve it; another lead may.
    review = page_text(lead.get(reverse("web:review", args=["cip", Q3])))
    assert behalf in review
    assert "You submitted this update; another lead must approve it" in review
    assert "Approve Action 1.A1" not in review
    other = page_text(site.client("lead2").get(reverse("web:review", args=["cip", Q3])))
    assert "Approve Action 1.A1" in other

    # The owner and the item page see who entered it for whom, by name (ADR 0070).
    mine = page_text(site.client("contributor").get(reverse("web:my-updates", args=["cip", Q3])))
    assert "Entered by lead on behalf of contributor." in mine
    item_page = page_text(site.client("contributor").get(reverse("web:item", args=["cip", "1.A1"])))
    assert "Entered on the owner's behalf" in item_page
    assert "entered by lead on behalf of contributor" in item_page
    audit = page_text(site.client("lead2").get(reverse("web:item-audit", args=["cip", "1.A1"])))
    assert "draft saved on behalf of contributor@example.org" in audit
    # Viewers see names, not staff email addresses (ADR 0070).
    viewer_page = page_text(site.client("viewer").get(reverse("web:item", args=["cip", "1.A1"])))
    assert "entered by lead on behalf of contributor" in viewer_page
    assert "lead@example.org" not in viewer_page


def test_submit_all_on_the_plan_view_leaves_an_owners_draft_alone(site: WorkflowSite) -> None:
    contributor = site.users["contributor"]
    update_save_draft(
        actor=contributor,
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=0,
        status="amber",
        commentary="Half written",
    )
    key = f"item-{site.item('2.A1').pk}"
    mine = f"item-{site.item('1.A1').pk}"
    response = site.client("lead").post(
        _url(),
        {
            f"{key}-version": "0",
            f"{key}-status": "green",
            f"{mine}-version": "1",
            f"{mine}-status": "amber",
            f"{mine}-commentary": "Half written",
            "action": "submit-all",
        },
    )
    assert response.status_code == 302
    states = dict(Update.objects.filter(period=site.period(Q3)).values_list("item__ref", "state"))
    assert states == {"1.A1": "draft", "2.A1": "submitted"}


def test_a_single_lead_is_told_who_can_add_a_second(site: WorkflowSite) -> None:
    role_revoke(membership=Membership.objects.get(user=site.users["lead2"]))
    key = f"item-{site.item('2.A1').pk}"
    lead = site.client("lead")
    lead.post(_url(), {f"{key}-version": "0", f"{key}-status": "green", "action": "draft"})
    # The owner-less item's draft, submitted by someone else still is the lead's words.
    entry = Update.objects.get(item=site.item("2.A1"), period=site.period(Q3))
    assert entry.on_behalf and entry.entered_for is None
    lead.post(_url(), {f"{key}-version": "1", f"{key}-status": "green", "action": f"submit:{key}"})
    page = page_text(lead.get(reverse("web:review", args=["cip", Q3])))
    assert "You are this plan's only lead" in page
    assert "Your organisation's admins can make someone a lead of this plan" in page
    assert "admin@example.org" in page
    assert "This plan has no other lead, so nobody can approve it yet" in page


def test_the_item_page_links_its_owner_deputy_and_leads_to_its_update(
    site: WorkflowSite,
) -> None:
    item_owners_set(
        actor=site.users["lead"],
        item=site.item("1.A1"),
        owner=site.users["contributor"],
        deputy=site.users["other"],
    )
    url = reverse("web:item", args=["cip", "1.A1"])
    mine = reverse("web:my-updates", args=["cip", Q3])
    plan_view = reverse("web:plan-updates", args=["cip", Q3])
    anchor = f"#item-{site.item('1.A1').pk}"
    for who, target in (("contributor", mine), ("other", mine), ("lead", plan_view)):
        html = site.client(who).get(url).content.decode()
        assert f'href="{target}{anchor}"' in html, who
    assert "Update this item for" not in page_text(site.client("viewer").get(url))
