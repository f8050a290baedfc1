"""My notifications in a real browser (ADR 0077): a contributor reaches the page from the
header, turns approvals off and sees the choice kept. axe-core checks each state: zero
violations.

Reuses the browser fixtures of tests/web/test_browser.py (which skips the module when
Debian's chromium is missing).
"""

from __future__ import annotations

import pytest
from tests.web.test_browser import (  # noqa: F401 - fixtures used by name
    CHROMIUM,
    Visit,
    example,
    page,
    sign_in,
)

from plantracker.tracker.models import NotificationPreference

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:No directory at"),
]

from playwright.sync_api import Page, expect  # noqa: E402


def test_a_contributor_turns_approval_emails_off(
    page: Page,  # noqa: F811 - the imported fixture
    live_server: object,
) -> None:
    base = str(live_server)
    visit = Visit(page)
    sign_in(page, base, "contributor@example.org")
    page.get_by_role("link", name="My notifications").click()
    expect(page.get_by_role("heading", name="My notifications")).to_be_visible()
    approved = page.get_by_label("My updates approved")
    expect(approved).to_be_checked()
    visit.check("notifications", screenshot=False)

    approved.uncheck()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Your email choices were saved")).to_be_visible()
    expect(page.get_by_label("My updates approved")).not_to_be_checked()
    expect(page.get_by_label("Updates submitted for my review")).to_be_checked()
    visit.check("notifications-saved", screenshot=False)
    choice = NotificationPreference.objects.get(user__username="contributor@example.org")
    assert (choice.submitted, choice.approved) == (True, False)
