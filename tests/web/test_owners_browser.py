"""Ownership in a real browser (ADR 0068): a lead assigns three items to a person from the
person's page, and the person then finds them among their updates. axe-core checks every
page reached: zero violations.

Reuses the browser fixtures of tests/web/test_browser.py (which skips the module when
Debian's chromium is missing).
"""

from __future__ import annotations

import re

import pytest
from tests.web.test_browser import (  # noqa: F401 - fixtures used by name
    CHROMIUM,
    Visit,
    example,
    page,
    sign_in,
)

from plantracker.tracker.models import Item

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:No directory at"),
]

from playwright.sync_api import Page, expect  # noqa: E402

SLUG = "childrens-improvement-plan"
Q2 = "2018-19-Q2"
REFS = ("1.A1", "1.K1", "2.A1")


def test_a_lead_assigns_three_items_and_the_owner_sees_them(
    page: Page,  # noqa: F811 - the imported fixture
    live_server: object,
) -> None:
    base = str(live_server)
    visit = Visit(page)
    sign_in(page, base, "lead@example.org")
    page.goto(f"{base}/plans/{SLUG}/{Q2}/")
    page.get_by_role("link", name="Assign owners").click()
    expect(page.get_by_role("heading", name="Owners")).to_be_visible()
    visit.check("owners")

    page.get_by_label("Search by email address").fill("contrib")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="lead@example.org")).to_have_count(0)
    visit.check("owners-search", screenshot=False)
    page.get_by_role("link", name="contributor@example.org").click()
    expect(
        page.get_by_role("heading", name="Items owned by contributor@example.org")
    ).to_be_visible()
    visit.check("owner-person")

    for ref in REFS:
        page.get_by_label(re.compile(rf"^\w[\w ]* {re.escape(ref)} ")).check()
    page.get_by_role("button", name="Save what contributor@example.org owns").click()
    expect(
        page.get_by_text("contributor@example.org now owns 3 more and 0 fewer items")
    ).to_be_visible()
    visit.check("owner-person-saved", screenshot=False)
    owned = Item.objects.filter(plan__slug=SLUG, owner_user__username="contributor@example.org")
    assert sorted(owned.values_list("ref", flat=True)) == list(REFS)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base, "contributor@example.org")
    page.goto(f"{base}/plans/{SLUG}/{Q2}/")
    page.get_by_role("link", name=re.compile(r"^Your updates for Q2")).click()
    for ref in REFS:
        expect(page.get_by_text(re.compile(rf"\b{re.escape(ref)}\b")).first).to_be_visible()
    visit.check("my-updates-assigned", screenshot=False)
