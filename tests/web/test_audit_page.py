"""The audit page (ADR 0070): what changed — a word-level difference for texts, old → new in
the plan's words for values and statuses — filtered by item, period, person, kind and dates
with a GET form, paged through every change, and the filtered view as CSV. Viewers see
names, never staff email addresses; another organisation gets 404."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.tracker.workflow_site import Q3, WorkflowSite, make_workflow_site
from tests.web.page_text import page_text

from plantracker.tracker.services import item_owners_set, period_close, update_save_draft
from plantracker.web.views import audit as audit_views

pytestmark = pytest.mark.django_db

URL = reverse("web:plan-audit", args=["cip"])
CSV_URL = reverse("web:plan-audit-csv", args=["cip"])


@pytest.fixture
def site() -> WorkflowSite:
    site = make_workflow_site()
    contributor = site.users["contributor"]
    entry = update_save_draft(
        actor=contributor,
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=0,
        status="amber",
        commentary="Take-up is poor so far in the north",
    )
    update_save_draft(
        actor=contributor,
        subject=site.item("1.A1"),
        period=site.period(Q3),
        expected_version=entry.version,
        status="green",
        commentary="Take-up is good so far in the north and south",
    )
    update_save_draft(
        actor=site.users["lead"],
        subject=site.item("1.Q1"),
        period=site.period(Q3),
        expected_version=0,
        status="red",
        commentary="=HYPERLINK(evil)",
    )
    # The service's reason names the accounts by address: "owner set: other@example.org".
    lead, other = site.users["lead"], site.users["other"]
    item_owners_set(actor=lead, item=site.item("2.A1"), owner=other, deputy=contributor)
    return site


def _csv(response: Any) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_a_texts_change_is_shown_word_by_word_and_a_status_in_the_plans_words(
    site: WorkflowSite,
) -> None:
    response = site.client("viewer").get(URL, {"item": "1.A1", "kind": "updates"})
    html = response.content.decode()
    assert response.status_code == 200
    assert (
        '<del><span class="govuk-visually-hidden">[removed: </span>poor'
        '<span class="govuk-visually-hidden">]</span></del>' in html
    )
    assert '<ins><span class="govuk-visually-hidden">[added: </span>good' in html
    page = page_text(response)
    # Screen readers and print read the change in words; unchanged words are shown once.
    assert (
        "Take-up is [removed: poor ] [added: good ] so far in the north [added: and south ]" in page
    )
    assert "Status : Amber → Green" in page
    assert "State : — → Draft" in page
    # The item's updates of every period: the two drafts and the plan's imported ones.
    assert "Showing changes 1 to 4 of 4 that match the filter" in page


def test_filters_narrow_the_page_and_the_csv_alike(site: WorkflowSite) -> None:
    lead = site.client("lead")
    contributor = site.users["contributor"]
    today = timezone.localdate()
    filters = {
        "person": contributor.pk,
        "period": Q3,
        "since_day": today.day,
        "since_month": today.month,
        "since_year": today.year,
    }
    page = page_text(lead.get(URL, filters))
    assert "Showing changes 1 to 2 of 2 that match the filter" in page
    rows = _csv(lead.get(CSV_URL, filters))
    assert {row["who"] for row in rows} == {"contributor@example.org"}
    assert {row["what"] for row in rows} == {"Action 1.A1, 2018-19-Q3"}
    assert {row["kind"] for row in rows} == {"updates"}

    yesterday = today - timedelta(days=1)
    before = {"until_day": yesterday.day, "until_month": yesterday.month}
    before["until_year"] = yesterday.year
    assert "No changes are recorded that match the filter" in page_text(
        lead.get(URL, {"person": contributor.pk, **before})
    )
    assert _csv(lead.get(CSV_URL, {"person": contributor.pk, **before})) == []


def test_every_change_is_paged_through_and_the_csv_has_every_row(
    site: WorkflowSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 5)  # a small plan, many pages
    viewer = site.client("viewer")
    first = viewer.get(URL, {"kind": "plan"})
    found = re.search(r"Showing changes 1 to 5 of (\d+)", page_text(first))
    assert found is not None
    total = int(found.group(1))
    assert total > 10
    html = first.content.decode()
    assert 'href="?kind=plan&amp;page=2" rel="next"' in html
    assert 'aria-label="Page 1" aria-current="page"' in html
    second = page_text(viewer.get(URL, {"kind": "plan", "page": 2}))
    assert f"Showing changes 6 to 10 of {total}" in second
    assert "Previous page" in second
    rows = _csv(viewer.get(CSV_URL, {"kind": "plan"}))
    assert len({(row["when"], row["what"], row["action"]) for row in rows}) <= total
    assert {row["kind"] for row in rows} == {"plan"}
    assert len(rows) >= total  # every change, not a page of them


def test_a_viewer_sees_names_and_no_staff_email_on_the_page_or_in_the_csv(
    site: WorkflowSite,
) -> None:
    viewer = site.client("viewer")
    page = viewer.get(URL).content.decode()
    page = page.replace("viewer@example.org", "")  # the header names the reader's own account
    assert "@example.org" not in page
    assert f'<option value="{site.users["contributor"].pk}">contributor</option>' in page
    assert "owner set: other, deputy contributor" in page
    body = viewer.get(CSV_URL).content.decode()
    assert "@" not in body and "contributor" in body
    # Leads and admins, who manage the accounts, see the addresses.
    for who in ("lead", "admin"):
        page = site.client(who).get(URL).content.decode()
        assert "owner set: other@example.org, deputy contributor@example.org" in page


def test_a_formula_is_never_handed_to_a_spreadsheet(site: WorkflowSite) -> None:
    rows = _csv(site.client("viewer").get(CSV_URL, {"item": "1.Q1"}))
    news = [row["new"] for row in rows]
    assert "'=HYPERLINK(evil)" in news
    for row in rows:
        assert not any(value.startswith(("=", "+", "-", "@")) for value in row.values())


def test_a_bad_filter_is_refused_saying_what_and_another_organisation_gets_404(
    site: WorkflowSite,
) -> None:
    lead = site.client("lead")
    bad = lead.get(URL, {"item": "9.Z9", "since_day": 31, "since_month": 2, "since_year": 2019})
    assert bad.status_code == 400
    page = page_text(bad)
    assert "There is a problem" in page
    assert "Choose an item of this plan" in page
    assert "The start date must be a real date: day, month and year" in page
    assert 'href="#id_since_day"' in bad.content.decode()
    # The filter can be corrected in place: everyone is still in the person list.
    assert f'<option value="{site.users["contributor"].pk}">' in bad.content.decode()
    refused = lead.get(CSV_URL, {"since_day": 3})
    assert refused.status_code == 400
    assert "The start date must include a month" in refused.content.decode()

    outsider = site.client("outsider")
    assert outsider.get(URL).status_code == 404
    assert outsider.get(CSV_URL).status_code == 404
    assert outsider.get(reverse("web:item-audit", args=["cip", "1.A1"])).status_code == 404


def test_hostile_filters_are_refused_or_ignored_never_a_server_error(site: WorkflowSite) -> None:
    viewer = site.client("viewer")
    hostile: list[dict[str, Any]] = [
        {"person": "99999999999999999999"},
        {"person": "1\x00"},
        {"kind": "<script>"},
        {"period": "2018-19-Q\x003"},
        {"since_day": "１", "since_month": "٤", "since_year": "2018"},  # other digits
        {"since_day": "1", "since_month": "1", "since_year": "123456"},
        {"until_day": "-1", "until_month": "1", "until_year": "2019"},
        {"page": "-3"},
        {"page": "x" * 1000},
    ]
    for query in hostile:
        for url in (URL, CSV_URL):
            response = viewer.get(url, query)
            assert response.status_code in (200, 400), (url, query, response.status_code)
            assert b"Traceback" not in response.content


def test_the_period_page_names_who_closed_it_as_the_trail_does(site: WorkflowSite) -> None:
    """ADR 0070 beyond the trail: a closed period's page names the lead who closed it, by
    address only to leads and admins."""
    period = site.period(Q3)
    period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    url = reverse("web:period", args=["cip", Q3])
    viewer_page = site.client("viewer").get(url).content.decode()
    assert re.search(r"by lead\.\s", viewer_page)
    assert "lead@example.org" not in viewer_page
    assert "by lead@example.org." in site.client("lead").get(url).content.decode()
