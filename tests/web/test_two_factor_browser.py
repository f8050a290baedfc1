"""Two-factor and an organisation's single sign-on page in a real browser (ADR 0075): an
admin turns two-factor on with an authenticator app's code (computed here with pyotp from
the key the page shows), keeps the recovery codes, opens the organisation's single sign-on
page, then signs in again with password and code. axe-core checks every page reached.
"""

from __future__ import annotations

import pyotp
import pytest
from tests.web.plans import web_plan
from tests.web.test_browser import CHROMIUM, Visit

from plantracker.tracker.models import Role
from plantracker.tracker.services import member_add, plan_import

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:No directory at"),
]

if not CHROMIUM.exists():  # pragma: no cover - the machine set-up installs it
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

from playwright.sync_api import Browser, expect  # noqa: E402

PASSWORD = "a-long-enough-password-9"


@pytest.fixture
def admin(transactional_db: None) -> str:
    record = plan_import(plan=web_plan(), slug="cip")
    member_add(
        email="admin@example.org",
        role=Role.ADMIN,
        organisation=record.organisation,
        password=PASSWORD,
    )
    return "admin@example.org"


def test_an_admin_turns_on_two_factor_and_signs_in_with_a_code(
    browser: Browser, live_server: object, admin: str
) -> None:
    base = str(live_server)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    visit = Visit(page)

    def password_step() -> None:
        page.goto(f"{base}/accounts/login/")
        page.get_by_label("Email address").fill(admin)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()

    password_step()
    page.get_by_role("link", name="Two-factor").click()
    expect(page.get_by_text("Off", exact=True)).to_be_visible()
    visit.check("two-factor", screenshot=False)
    page.get_by_role("button", name="Set up two-factor").click()
    expect(page.get_by_role("img", name="QR code holding the key below")).to_be_visible()
    visit.check("two-factor-set-up", screenshot=False)
    totp = pyotp.TOTP(page.locator("#totp-key").inner_text().replace(" ", ""))
    page.get_by_label("Code from your app").fill("000000")
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    visit.check("two-factor-set-up-errors", screenshot=False)
    page.get_by_label("Code from your app").fill(totp.now())
    page.get_by_role("button", name="Turn on two-factor").click()
    expect(page.get_by_role("heading", name="Two-factor is on")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    visit.check("two-factor-recovery-codes", screenshot=False)
    page.get_by_role("button", name="I have kept my codes").click()

    # The organisation's own provider, from the users page.
    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="single sign-on for Example County Council").click()
    expect(page.get_by_role("heading", name="Single sign-on")).to_be_visible()
    visit.check("sign-in-provider", screenshot=False)
    page.get_by_label("Issuer").fill("http://login.example/tenant")
    page.get_by_role("button", name="Save the provider").click()
    expect(
        page.get_by_role("link", name="The issuer's address must start with https://")
    ).to_be_visible()
    visit.check("sign-in-provider-errors", screenshot=False)

    page.get_by_role("button", name="Sign out").click()
    password_step()
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    visit.check("two-factor-code", screenshot=False)
    page.get_by_label("Code", exact=True).fill("123456")
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("link", name="The code is not right: enter the app's current code")
    ).to_be_visible()
    visit.check("two-factor-code-errors", screenshot=False)
    page.get_by_label("Code", exact=True).fill(totp.now())
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Improvement plans")).to_be_visible()
    context.close()
