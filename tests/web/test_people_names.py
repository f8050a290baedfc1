"""People on the web pages are named as the audit trail names them (ADR 0070): by the name on
their account for every reader; their email address beside it only for the plan's leads and
admins. One update a lead entered on its owner's behalf, with evidence, returned by another
lead, read by a viewer, the owner and a lead on each page that names them."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from tests.tracker.workflow_site import Q3, WorkflowSite, make_workflow_site

from plantracker.tracker.models import Update
from plantracker.tracker.services import update_return, update_send
from plantracker.tracker.services.evidence import evidence_link_add

pytestmark = pytest.mark.django_db

ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def _named(site: WorkflowSite) -> None:
    for who, first, last in (
        ("lead", "Lee", "Lead"),
        ("lead2", "Rita", "Reviewer"),
        ("contributor", "Cara", "Owner"),
    ):
        user = site.users[who]
        user.first_name, user.last_name = first, last
        user.save()


def test_viewers_and_contributors_read_names_leads_read_addresses_too() -> None:
    site = make_workflow_site()
    _named(site)
    lead, lead2 = site.users["lead"], site.users["lead2"]
    item, period = site.item("1.A1"), site.period(Q3)
    entry = update_send(
        actor=lead,
        subject=item,
        period=period,
        expected_version=0,
        submit=True,
        status="amber",
        commentary="Figures from the owner's email",
    )
    assert isinstance(entry, Update) and entry.on_behalf
    evidence_link_add(
        actor=lead,
        item=item,
        period=period,
        url="https://example.org/minutes",
        description="Minutes",
    )
    item_url = reverse("web:item", args=["cip", "1.A1"])
    evidence_url = reverse("web:evidence", args=["cip", Q3, "1.A1"])

    # A lead reads the name with the address: the Review page, Plan updates, evidence, item.
    reviewer = Client()
    reviewer.force_login(lead2)
    review = _text(reviewer, reverse("web:review", args=["cip", Q3]))
    assert (
        "Submitted by Lee Lead (lead@example.org) on" in review
        and "entered by Lee Lead (lead@example.org) on behalf of "
        "Cara Owner (contributor@example.org)"
        in review
    )
    plan_view = _text(reviewer, reverse("web:plan-updates", args=["cip", Q3]))
    assert "(Cara Owner (contributor@example.org))" in plan_view  # 1.A1's owner
    assert "Entered by Lee Lead (lead@example.org) on behalf of Cara Owner" in plan_view
    assert "Lee Lead (lead@example.org)" in _text(reviewer, evidence_url)
    item_html = reviewer.get(item_url).content.decode()
    assert (
        '<a class="govuk-link" href="mailto:contributor@example.org">'
        "Cara Owner (contributor@example.org)</a>" in item_html
    )

    update_return(
        actor=lead2, entry=entry, expected_version=entry.version, comment="Which partners?"
    )

    # A viewer and the owner read names, and no address but their own (in the header).
    for who in ("viewer", "contributor"):
        client = Client()
        client.force_login(site.users[who])
        own = {f"{who}@example.org"}
        item_page = _text(client, item_url)
        assert "Owner's account Cara Owner" in item_page
        assert "entered by Lee Lead on behalf of Cara Owner" in item_page
        assert "returned by Rita Reviewer on" in item_page
        evidence = _text(client, evidence_url)
        assert "Lee Lead" in evidence
        pages = [item_page, evidence]
        if who == "contributor":
            mine = _text(client, reverse("web:my-updates", args=["cip", Q3]))
            assert "Entered by Lee Lead on behalf of Cara Owner." in mine
            assert "Returned by Rita Reviewer on" in mine
            pages.append(mine)
        for page in pages:
            assert set(ADDRESS.findall(page)) <= own, who


def test_the_person_tag_reads_the_pages_decision_and_asks_the_database_nothing(
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    """Whether addresses are shown is decided once a request (``staff_emails``, from the
    reader's access and the page's plan); naming many people costs no query."""
    site = make_workflow_site()
    _named(site)
    people = [site.users[who] for who in ("lead", "lead2", "contributor")] * 20
    shown = Template("{% load web %}{% for p in people %}{% person p mailto=True %};{% endfor %}")
    with django_assert_num_queries(0):
        names = shown.render(Context({"people": people, "staff_emails": False}))
        addresses = shown.render(Context({"people": people, "staff_emails": True}))
        alone = shown.render(Context({"people": people}))  # no decision: names only
    assert names.split(";")[:3] == ["Lee Lead", "Rita Reviewer", "Cara Owner"]
    assert not ADDRESS.findall(names) and alone == names
    assert addresses.startswith(
        '<a class="govuk-link" href="mailto:lead@example.org">Lee Lead (lead@example.org)</a>;'
    )
