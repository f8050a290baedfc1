"""A lead's owners pages (ADR 0068): a person's page, an item's owner and deputy, and who may
reach them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.tracker.workflow_site import Q2, WorkflowSite, make_workflow_site

from plantracker.tracker.models import Item, Risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    return make_workflow_site()


def _owned(site: WorkflowSite, who: str) -> set[str]:
    return set(Item.objects.filter(owner_user=site.users[who]).values_list("ref", flat=True))


def test_a_lead_finds_a_person_by_email_and_ticks_what_they_own(site: WorkflowSite) -> None:
    client = site.client("lead")
    people = client.get(reverse("web:owners", args=["cip"]), {"q": "OTHER@"})
    page = people.content.decode()
    assert "other@example.org" in page
    assert "contributor@example.org" not in page  # the search left them out
    assert "viewer@example.org" not in page  # a viewer cannot own items

    url = reverse("web:owner", args=["cip", site.users["other"].pk])
    page = client.get(url).content.decode()
    assert "Recommendation 1." in page and "Recommendation 2." in page and "Risks" in page
    assert "Owner: contributor@example.org" in page  # 1.A1's current owner is shown

    ids = [str(site.item(ref).pk) for ref in ("2.A1", "2.K1", "3.Q1")]
    response = client.post(url, {"items": ids, "risks": [str(site.risk().pk)]}, follow=True)
    assert "other@example.org now owns 4 more and 0 fewer items" in response.content.decode()
    assert _owned(site, "other") == {"2.A1", "2.K1", "3.Q1"}
    assert Risk.objects.get(pk=site.risk().pk).owner_user == site.users["other"]

    # Unticking one leaves it with no owner.
    client.post(url, {"items": ids[:2]})
    assert _owned(site, "other") == {"2.A1", "2.K1"}
    assert site.item("3.Q1").owner_user is None


def test_an_item_page_sets_its_owner_and_deputy(site: WorkflowSite) -> None:
    client = site.client("lead")
    item_page = client.get(reverse("web:item", args=["cip", "2.A1"])).content.decode()
    assert "None linked" in item_page
    url = reverse("web:item-owners", args=["cip", "2.A1"])
    assert url in item_page  # the lead's "Change" link
    response = client.post(
        url,
        {"owner": site.users["other"].pk, "deputy": site.users["contributor"].pk},
        follow=True,
    )
    page = response.content.decode()
    assert "The owner of 2.A1 was saved" in page
    assert "other@example.org" in page
    assert 'Deputy: <a class="govuk-link" href="mailto:contributor@example.org">' in page
    item = site.item("2.A1")
    assert (item.owner_user, item.deputy_user) == (site.users["other"], site.users["contributor"])

    # The deputy sees the item among their updates.
    mine = site.client("contributor").get(reverse("web:my-updates", args=["cip", Q2]))
    assert "2.A1" in mine.content.decode()


def test_the_same_person_cannot_be_owner_and_deputy(site: WorkflowSite) -> None:
    client = site.client("lead")
    other = site.users["other"].pk
    response = client.post(
        reverse("web:item-owners", args=["cip", "2.A1"]), {"owner": other, "deputy": other}
    )
    assert response.status_code == 400
    assert "Choose a deputy other than the owner" in response.content.decode()
    assert site.item("2.A1").owner_user is None


def test_a_viewer_cannot_be_chosen(site: WorkflowSite) -> None:
    response = site.client("lead").post(
        reverse("web:item-owners", args=["cip", "2.A1"]), {"owner": site.users["viewer"].pk}
    )
    assert response.status_code == 400
    assert "Choose one of the accounts listed" in response.content.decode()


@pytest.mark.parametrize("who", ["contributor", "viewer", "admin"])
def test_only_a_lead_reaches_the_owners_pages(site: WorkflowSite, who: str) -> None:
    client = site.client(who)
    other = site.users["other"].pk
    assert client.get(reverse("web:owners", args=["cip"])).status_code == 403
    url = reverse("web:owner", args=["cip", other])
    assert client.post(url, {"items": [str(site.item("2.A1").pk)]}).status_code == 403
    url = reverse("web:item-owners", args=["cip", "2.A1"])
    assert client.post(url, {"owner": other}).status_code == 403
    assert _owned(site, "other") == set()


def test_another_organisation_gets_404(site: WorkflowSite) -> None:
    client = site.client("outsider")
    assert client.get(reverse("web:owners", args=["cip"])).status_code == 404
    url = reverse("web:owner", args=["cip", site.users["other"].pk])
    assert client.post(url, {"items": [str(site.item("2.A1").pk)]}).status_code == 404
    # and a person of another organisation is not on this plan's pages
    lead = site.client("lead")
    url = reverse("web:owner", args=["cip", site.users["outsider"].pk])
    assert lead.get(url).status_code == 404
    assert _owned(site, "other") == set()


def test_a_viewer_sees_the_owners_name_not_their_address(site: WorkflowSite) -> None:
    page = site.client("viewer").get(reverse("web:item", args=["cip", "1.A1"])).content.decode()
    assert "contributor@example.org" not in page  # ADR 0070
    assert '<dd class="govuk-summary-list__value">contributor</dd>' in page
