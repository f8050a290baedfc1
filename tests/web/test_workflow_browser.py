"""The quarterly cycle in a real browser: a contributor submits, the lead
returns it with a comment, the contributor resubmits, the lead approves, closes the period
and downloads the PDF. axe-core checks every page reached: zero violations.

Reuses the browser fixture of tests/conftest.py and the example plan with one account
per role and the axe checker of tests/web/test_browser.py (which skips the module when
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

from plantracker.tracker.models import Item, Period, Update, User
from plantracker.tracker.services import item_owner_link

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:No directory at"),
]

from playwright.sync_api import Page, expect  # noqa: E402
from tests.tasks import run_worker  # noqa: E402

SLUG = "childrens-improvement-plan"
Q2 = "2018-19-Q2"
OWNER = "Head of Service, Leaving Care"


@pytest.fixture
def owned(example: None) -> dict[str, int]:  # noqa: F811 - the imported fixture
    """The contributor owns the Leaving Care items (9.A1 Care Leaver Offer, 9.K2 ...)."""
    contributor = User.objects.get(username="contributor@example.org")
    for item in Item.objects.filter(plan__slug=SLUG, owner=OWNER):
        item_owner_link(item=item, user=contributor)
    return {ref: Item.objects.get(plan__slug=SLUG, ref=ref).pk for ref in ("9.A1", "9.K2")}


def _sign_out(tab: Page) -> None:
    tab.get_by_role("button", name="Sign out").click()


def test_the_quarterly_cycle(page: Page, live_server: object, owned: dict[str, int]) -> None:  # noqa: F811
    base = str(live_server)
    visit = Visit(page)
    action = page.locator(f"#item-{owned['9.A1']}")
    kpi = page.locator(f"#item-{owned['9.K2']}")

    # The contributor finds their updates from the dashboard.
    sign_in(page, base, "contributor@example.org")
    page.goto(f"{base}/plans/{SLUG}/{Q2}/")
    visit.check("workflow-dashboard-contributor", screenshot=False)
    page.get_by_role("link", name=re.compile(r"^Your updates for Q2")).click()
    expect(page.get_by_role("heading", name=re.compile(r"^Your updates for Q2"))).to_be_visible()
    visit.check("my-updates")

    # An override without a reason: the GOV.UK error summary, the input kept.
    kpi.get_by_label("Value").fill("60")
    kpi.get_by_label("Reason for setting the status by hand").fill("")
    kpi.get_by_label("Status", exact=True).select_option("green")
    page.get_by_role("button", name="Save all drafts").first.click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(kpi.get_by_label("Value")).to_have_value("60")
    visit.check("my-updates-error")
    kpi.get_by_label("Reason for setting the status by hand").fill("A tiny cohort this quarter")
    page.get_by_role("button", name="Save all drafts").first.click()
    expect(page.get_by_text("KPI 9.K2 saved as a draft")).to_be_visible()
    expect(kpi.get_by_text("set by hand; the rules calculate amber")).to_be_visible()

    action.get_by_label("Status", exact=True).select_option("amber")
    action.get_by_label("Commentary").fill("Two employers have offered placements")
    action.get_by_role("button", name=re.compile(r"^Submit for review")).click()
    expect(page.get_by_text("Action 9.A1 submitted for review")).to_be_visible()
    expect(action.get_by_text("Awaiting review")).to_be_visible()
    visit.check("my-updates-submitted", screenshot=False)
    _sign_out(page)

    # The lead returns it with a comment.
    sign_in(page, base, "lead@example.org")
    page.goto(f"{base}/plans/{SLUG}/{Q2}/")
    expect(page.get_by_text("1 update awaits review")).to_be_visible()
    visit.check("workflow-dashboard-lead", screenshot=False)
    page.get_by_role("link", name="Review updates").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Review updates"))).to_be_visible()
    visit.check("review")
    action.get_by_label("Comment for the owner").fill("Name the employers, please")
    action.get_by_role("button", name=re.compile(r"^Return with comment")).click()
    expect(page.get_by_text("returned to its owner with your comment")).to_be_visible()
    visit.check("review-returned", screenshot=False)
    _sign_out(page)

    # The contributor sees the comment and resubmits.
    sign_in(page, base, "contributor@example.org")
    page.goto(f"{base}/plans/{SLUG}/{Q2}/updates/")
    expect(action.get_by_text("Name the employers, please")).to_be_visible()
    visit.check("my-updates-returned", screenshot=False)
    action.get_by_label("Commentary").fill("The council and the NHS trust have offered placements")
    action.get_by_role("button", name=re.compile(r"^Submit for review")).click()
    expect(page.get_by_text("Action 9.A1 submitted for review")).to_be_visible()
    _sign_out(page)

    # The lead approves, edits the narrative, closes the period and downloads the PDF.
    sign_in(page, base, "lead@example.org")
    page.goto(f"{base}/plans/{SLUG}/{Q2}/review/")
    action.get_by_role("button", name=re.compile(r"^Approve")).click()
    expect(page.get_by_text("Action 9.A1, 2018-19-Q2 approved")).to_be_visible()
    visit.check("review-approved", screenshot=False)
    assert Update.objects.get(item_id=owned["9.A1"], period__code=Q2).state == "approved"

    page.goto(f"{base}/plans/{SLUG}/{Q2}/narrative/")
    visit.check("narrative")
    page.get_by_label("Next steps").fill("Agree the placements scheme with the NHS trust")
    page.get_by_role("button", name="Save the narrative").click()
    expect(page.get_by_text("The narrative of Q2 July – September 2018 is saved")).to_be_visible()

    page.goto(f"{base}/plans/{SLUG}/audit/items/9.A1/")
    # What changed, word by word: the new words marked as added.
    added = page.locator("ins", has_text="The council and the NHS trust").first
    expect(added).to_be_visible()
    visit.check("item-audit")
    # The whole plan's trail with filters: a date that does not exist is an error, corrected.
    page.goto(f"{base}/plans/{SLUG}/audit/?kind=updates&since_day=31&since_month=2&since_year=2019")
    expect(page.locator("#since-error")).to_contain_text("The start date must be a real date")
    visit.check("audit-filter-error", screenshot=False)
    page.locator("#id_since_day").fill("1")
    page.locator("#id_since_month").fill("4")
    page.locator("#id_since_year").fill("2018")
    page.get_by_label("Who").select_option(label="contributor@example.org")  # a lead sees it
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#audit-count")).to_contain_text("that match the filter")
    expect(page.locator("tbody tr").first).to_contain_text("contributor@example.org")
    visit.check("audit-filtered")

    page.goto(f"{base}/plans/{SLUG}/{Q2}/period/")
    visit.check("period")
    page.get_by_role("button", name=re.compile(r"^Close Q2")).click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Are you sure you want to close Q2"))
    ).to_be_visible()
    visit.check("period-close-confirm", screenshot=False)
    page.get_by_role("button", name=re.compile(r"^Yes, close Q2")).click()
    expect(page.get_by_text("is closed; its report is fixed")).to_be_visible()
    expect(page.get_by_role("heading", name="Reopen the period")).to_be_visible()
    visit.check("period-closed")
    assert Period.objects.get(plan__slug=SLUG, code=Q2).state == "closed"

    page.goto(f"{base}/plans/{SLUG}/{Q2}/")
    expect(page.get_by_text("these figures are the ones it reported")).to_be_visible()
    visit.check("dashboard-closed", screenshot=False)
    # Closing queued the period's report files; the background worker builds them (ADR 0067).
    assert run_worker() >= 1
    with page.expect_download(timeout=180_000) as download_info:
        page.get_by_role("link", name=re.compile(r"^PDF")).click()
    download = download_info.value
    assert download.suggested_filename == f"{SLUG}-{Q2}.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
