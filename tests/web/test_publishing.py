"""Publishing a closed period's report (ADR 0081), without a browser: only a lead of the
plan publishes or unpublishes; the public pages need no sign-in, serve the files made at
publishing, leave owners' names out, say "under revision" and "superseded", answer 404
once withdrawn, and every step is in the audit trail."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from tests.tracker.workflow_site import Q2, Q3, WorkflowSite, make_workflow_site
from tests.web.page_text import page_text

from plantracker.tracker.models import Publication
from plantracker.tracker.selectors.audit import period_audit
from plantracker.tracker.services import period_close, period_reopen
from plantracker.tracker.services.publishing import publication_storage

pytestmark = pytest.mark.django_db

OWNERS = ("Service Manager", "Performance Team", "Head of Service")


@pytest.fixture
def site(settings: Any, reports_at_once: None) -> WorkflowSite:
    # HTML and Excel only: the one PDF of these tests is the browser test's.
    settings.PUBLISHED_FORMATS = ("html", "xlsx")
    made = make_workflow_site()
    period = made.period(Q2)
    period_close(actor=made.users["lead"], period=period, expected_version=period.version)
    return made


def _url(name: str, code: str = Q2) -> str:
    return reverse(f"web:{name}", args=["cip", code])


def _public(site: WorkflowSite, *parts: object) -> str:
    organisation = site.plan.organisation.slug
    if not parts:
        return reverse("web:published-index", args=[organisation])
    if len(parts) == 1:
        return reverse("web:published-report", args=[organisation, "cip", parts[0]])
    return reverse("web:published-version", args=[organisation, "cip", *parts])


@pytest.fixture
def publish(site: WorkflowSite, django_capture_on_commit_callbacks: Any) -> Iterator[Any]:
    def publish_as(who: str = "lead", code: str = Q2) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return site.client(who).post(_url("publish", code), {"confirm": "yes"})

    yield publish_as


def test_only_a_lead_of_the_plan_publishes_or_unpublishes(site: WorkflowSite, publish: Any) -> None:
    for who in ("viewer", "contributor"):
        assert site.client(who).get(_url("publish")).status_code == 403
        assert publish(who).status_code == 403
        assert site.client(who).post(_url("unpublish"), {"confirm": "yes"}).status_code == 403
    # Another organisation's lead does not learn the plan exists.
    assert publish("outsider").status_code == 404
    assert not Publication.objects.exists()
    # An open period is refused with a message, nothing published.
    refused = publish("lead", Q3)
    assert refused.status_code == 409
    assert "close it before publishing" in page_text(refused)
    assert not Publication.objects.exists()
    # The lead is asked first; the question says what the public will see.
    asked = site.client("lead").get(_url("publish"))
    assert asked.status_code == 200
    assert "names are left out" in page_text(asked)
    assert not Publication.objects.exists()
    # Nothing is published yet: the public addresses do not exist.
    assert Client().get(_public(site)).status_code == 404
    assert Client().get(_public(site, Q2)).status_code == 404


def test_a_published_report_is_public_fixed_revised_superseded_and_withdrawn(
    site: WorkflowSite, publish: Any
) -> None:
    done = publish()
    assert done.status_code == 302
    public = Client()  # nobody signed in
    index = public.get(_public(site))
    assert index.status_code == 200
    assert "Q2 July – September 2018" in page_text(index)
    page = public.get(_public(site, Q2))
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("public")
    body = page.content.decode()
    text = page_text(page)
    assert "Children's Improvement Plan" in text
    assert "Published by Example County Council" in text
    assert not any(owner in text for owner in OWNERS)
    assert "<script" not in body
    # Its links stay on the public pages (and its own anchors).
    links = re.findall(r'href="([^"#][^"]*)"', body)
    assert links and all(link.startswith("/published/") for link in links)
    workbook = public.get(links[0])
    assert workbook.status_code == 200
    assert workbook["Content-Disposition"].startswith("attachment")
    first = page.content

    # Reopening marks it under revision; the published files stay as they were.
    period = site.period(Q2)
    period_reopen(
        actor=site.users["lead"],
        period=period,
        reason="A value was wrong",
        expected_version=period.version,
    )
    revising = public.get(_public(site, Q2))
    assert "Under revision" in page_text(revising)
    assert "Under revision" in page_text(public.get(_public(site)))
    # The lead cannot publish again until it is closed.
    assert publish().status_code == 409

    period.refresh_from_db()
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    assert publish().status_code == 302
    current = public.get(_public(site, Q2))
    assert "version 2" in page_text(current)
    assert "Under revision" not in page_text(current)
    superseded = public.get(_public(site, Q2, 1))
    assert superseded.status_code == 200
    assert "Superseded" in page_text(superseded)
    assert "Read the current version" in page_text(superseded)
    # The earlier version's report is the one published then, byte for byte below its bar.
    assert first.split(b"</header>", 1)[1] == superseded.content.split(b"</header>", 1)[1]
    listed = page_text(public.get(_public(site)))
    assert "version 1" in listed and "superseded" in listed

    # Unpublishing takes every version off the public pages.
    asked = site.client("lead").get(_url("unpublish"))
    assert "page not found" in page_text(asked)
    with_confirmation = site.client("lead").post(_url("unpublish"), {"confirm": "yes"})
    assert with_confirmation.status_code == 302
    for address in (_public(site, Q2), _public(site, Q2, 1), _public(site, Q2, 2), _public(site)):
        assert public.get(address).status_code == 404

    # Each step is in the period's audit trail, by whom.
    trail = period_audit(plan_record=site.plan, period=site.period(Q2), emails=True)
    said = [(row.reason, row.who) for row in trail if row.what.startswith("Published report")]
    reasons = [reason for reason, _who in said]
    assert "published 2018-19-Q2, version 1" in reasons
    assert "published 2018-19-Q2, version 2" in reasons
    assert "superseded by version 2 of 2018-19-Q2" in reasons
    assert reasons.count("unpublished 2018-19-Q2") == 2
    assert all("lead@example.org" in str(who) for _reason, who in said)
    # The period page lists the versions for its readers.
    period_page = page_text(site.client("viewer").get(_url("period")))
    assert "Unpublished" in period_page


def test_a_published_file_gone_from_the_storage_is_a_404_not_an_error(
    site: WorkflowSite, publish: Any
) -> None:
    """After a restore into an empty storage (ADR 0081) the public address says "not
    found" until the report is published again, rather than failing."""
    assert publish().status_code == 302
    publication = Publication.objects.get()
    for name in publication.files.values():
        publication_storage().delete(name)
    public = Client()
    assert public.get(_public(site, Q2)).status_code == 404
    organisation = site.plan.organisation.slug
    workbook = reverse("web:published-file", args=[organisation, "cip", Q2, 1, "xlsx"])
    assert public.get(workbook).status_code == 404


def test_publishing_again_keeps_the_shown_version_until_the_new_one_is_built(
    site: WorkflowSite, publish: Any
) -> None:
    """The period's public page never goes blank while (or if) the worker builds the new
    version's files: the earlier version is superseded only once they are stored."""
    assert publish().status_code == 302
    period = site.period(Q2)
    period_reopen(
        actor=site.users["lead"],
        period=period,
        reason="A figure was wrong",
        expected_version=period.version,
    )
    period = site.period(Q2)
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    # Published again, its build not run yet (the worker has not got to it).
    again = site.client("lead").post(_url("publish"), {"confirm": "yes"})
    assert again.status_code == 302
    page = Client().get(_public(site, Q2))
    assert page.status_code == 200
    assert "Superseded" not in page_text(page)
    assert Publication.objects.filter(superseded_at__isnull=True).count() == 2
