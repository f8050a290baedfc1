"""Review with comments: an approval's optional comment is kept (on the update, in its
audit trail) and shown on the item's page; returning needs a comment and says so; "You
returned it earlier" is said only to the lead who did. The item's page links its owner to
their update."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.tracker.workflow_site import Q3, WorkflowSite, make_workflow_site
from tests.web.page_text import page_text

from plantracker.tracker.models import Update
from plantracker.tracker.services import update_return, update_send

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    return make_workflow_site()


def _submitted(site: WorkflowSite, ref: str = "1.A1") -> Update:
    entry = update_send(
        actor=site.users["contributor"],
        subject=site.item(ref),
        period=site.period(Q3),
        expected_version=0,
        submit=True,
        status="amber",
        commentary="Two partners have signed",
    )
    assert isinstance(entry, Update)
    return entry


def _review(client: Client, entry: Update, action: str, comment: str = "") -> Any:
    key = f"item-{entry.item_id}"
    return client.post(
        reverse("web:review", args=["cip", Q3]),
        {
            "prefix": key,
            f"{key}-entry": f"update-{entry.pk}-{entry.version}",
            f"{key}-action": action,
            f"{key}-comment": comment,
        },
    )


def test_an_approval_comment_is_kept_and_shown_on_the_item_page(site: WorkflowSite) -> None:
    entry = _submitted(site)
    lead = site.client("lead")
    response = _review(lead, entry, "approve", "Good progress; name them next time")
    assert response.status_code == 302
    assert "approved with your comment" in page_text(lead.get(response["Location"]))
    entry.refresh_from_db()
    assert entry.state == "approved"
    assert entry.review_comment == "Good progress; name them next time"
    last = entry.history.order_by("-history_id").first()  # type: ignore[attr-defined]
    assert last.review_comment == "Good progress; name them next time"
    assert last.history_change_reason == "approved with a comment"
    page = page_text(site.client("viewer").get(reverse("web:item", args=["cip", "1.A1"])))
    assert "Comments from the review" in page
    assert "approved by lead on" in page and "lead@example.org" not in page
    assert "Good progress; name them next time" in page


def test_returning_without_a_comment_says_what_is_missing(site: WorkflowSite) -> None:
    entry = _submitted(site)
    response = _review(site.client("lead"), entry, "return")
    assert response.status_code == 400
    assert "Say what needs to change before it can be returned" in page_text(response)
    entry.refresh_from_db()
    assert entry.state == "submitted"


def test_returned_earlier_is_said_only_to_the_lead_who_returned_it(site: WorkflowSite) -> None:
    entry = _submitted(site)
    update_return(
        actor=site.users["lead"], entry=entry, expected_version=entry.version, comment="Which?"
    )
    update_send(
        actor=site.users["contributor"],
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=entry.version + 1,
        submit=True,
        status="amber",
        commentary="Health and the police",
    )
    url = reverse("web:review", args=["cip", Q3])
    assert "You returned it earlier: “Which?”" in page_text(site.client("lead").get(url))
    other = page_text(site.client("lead2").get(url))
    assert "You returned it earlier" not in other
    assert "Returned earlier by lead@example.org: “Which?”" in other


def test_bulk_approval_takes_one_comment_and_offers_select_all(site: WorkflowSite) -> None:
    first, second = _submitted(site, "1.A1"), _submitted(site, "1.Q1")
    lead = site.client("lead")
    url = reverse("web:review", args=["cip", Q3])
    html = lead.get(url).content.decode()
    assert "Select all 2 updates you may approve" in html and "web/review.js" in html
    tokens = [f"update-{e.pk}-{e.version}" for e in (first, second)]
    response = lead.post(url, {"action": "bulk", "entry": tokens, "comment": "Thank you"})
    assert response.status_code == 302
    for entry in (first, second):
        entry.refresh_from_db()
        assert (entry.state, entry.review_comment) == ("approved", "Thank you")


def test_a_revision_drops_the_approval_comment(site: WorkflowSite) -> None:
    entry = _submitted(site)
    _review(site.client("lead"), entry, "approve", "Well done")
    entry.refresh_from_db()
    update_send(
        actor=site.users["contributor"],
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=entry.version,
        submit=False,
        status="green",
    )
    entry.refresh_from_db()
    assert entry.state == "draft" and entry.review_comment is None
    # The owner's page does not mistake it for a return.
    assert "Returned by" not in page_text(
        site.client("contributor").get(reverse("web:my-updates", args=["cip", Q3]))
    )


def test_the_item_page_links_its_owner_to_their_update(site: WorkflowSite) -> None:
    entry = _submitted(site)
    update_return(
        actor=site.users["lead"], entry=entry, expected_version=entry.version, comment="Which?"
    )
    item_url = reverse("web:item", args=["cip", "1.A1"])
    owner = site.client("contributor").get(item_url).content.decode()
    link = f"{reverse('web:my-updates', args=['cip', Q3])}#item-{site.item('1.A1').pk}"
    assert link in owner and "it was returned to you" in owner
    assert link not in site.client("viewer").get(item_url).content.decode()


def test_closing_lists_what_the_report_leaves_out_and_asks_first(site: WorkflowSite) -> None:
    entry = _submitted(site)
    lead = site.client("lead")
    url = reverse("web:period", args=["cip", Q3])
    version = site.period(Q3).version
    asked = lead.post(url, {"action": "close", "version": version})
    assert asked.status_code == 200
    html = asked.content.decode()
    page = page_text(asked)
    assert "Are you sure you want to close" in page
    assert f"{reverse('web:review', args=['cip', Q3])}#item-{entry.item_id}" in html
    assert "Awaiting review (1)" in page and "Action 1.A1" in page
    assert "No update given" in page  # the items nobody has updated
    assert site.period(Q3).state == "open"  # nothing closed yet
    done = lead.post(url, {"action": "close", "confirm": "yes", "version": version})
    assert done.status_code == 302
    assert site.period(Q3).state == "closed"
    narrative = lead.get(reverse("web:narrative", args=["cip", Q3])).content.decode()
    assert "<textarea" not in narrative and "Save the narrative" not in narrative
    assert "Commentary per recommendation" in narrative


def test_the_owners_dashboard_shows_what_was_returned_first(site: WorkflowSite) -> None:
    entry = _submitted(site)
    dashboard = reverse("web:dashboard-period", args=["cip", Q3])
    assert "Returned to you" not in page_text(site.client("contributor").get(dashboard))
    update_return(
        actor=site.users["lead"], entry=entry, expected_version=entry.version, comment="Which?"
    )
    html = site.client("contributor").get(dashboard).content.decode()
    page = page_text(site.client("contributor").get(dashboard))
    assert "Returned to you: 1" in page
    assert page.index("Returned to you") < page.index("Your updates for")
    link = f"{reverse('web:my-updates', args=['cip', Q3])}#item-{entry.item_id}"
    assert link in html and "Action 1.A1, " + Q3 in page
    assert "Returned to you" not in page_text(site.client("lead2").get(dashboard))


def test_small_things_due_hint_and_api_tokens_link(site: WorkflowSite) -> None:
    lead = site.client("lead")
    period = site.period(Q3)
    page = page_text(lead.get(reverse("web:period", args=["cip", Q3])))
    assert "14 1 2019" not in page
    example = period.end + timedelta(days=21)
    assert f"For example, {example.day} {example.month} {example.year}" in page
    assert 'href="/account/api-tokens/"' in lead.get(reverse("web:plan-list")).content.decode()


def test_a_kpi_under_review_shows_its_proposed_status_beside_the_approved(
    site: WorkflowSite,
) -> None:
    def send(value: str, version: int) -> Any:
        return update_send(
            actor=site.users["contributor"],
            subject=site.item("1.K1"),
            period=site.period(Q3),
            expected_version=version,
            submit=True,
            value=value,
        )

    entry = send("70", 0)  # 70 against 65: green
    lead = site.client("lead")
    key = f"item-{entry.item_id}"
    lead.post(
        reverse("web:review", args=["cip", Q3]),
        {
            "prefix": key,
            f"{key}-entry": f"kpi-{entry.pk}-{entry.version}",
            f"{key}-action": "approve",
        },
    )
    entry.refresh_from_db()
    send("40", entry.version)  # a revision: red
    page = page_text(lead.get(reverse("web:review", args=["cip", Q3])))
    assert "Replaces the approved update: Green (approved; proposed: red)" in page
