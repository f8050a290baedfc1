"""The pages in a real browser: Debian's Chromium driven by Playwright, axe on every page.

A person signs in, goes from the plan list to a KPI's history in three clicks, asks for
the PDF report, sees it being prepared and gets it once the background worker has built
it. axe-core checks every page reached (zero violations). An admin adding a user is part
of the whole quarterly cycle, tests/web/test_workflow_browser.py. With
PLANTRACKER_SCREENSHOTS=1 (``make guide-screenshots``) the run also writes the user guide's
screenshots to docs/guide/ (normal runs leave the tracked files alone).
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # The live server starts before the tests' settings: whitenoise notes ./var/static is absent.
    pytest.mark.filterwarnings("ignore:No directory at"),
]

CHROMIUM = Path("/usr/bin/chromium")
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"
PASSWORD = "correct-horse-battery-staple"
SLUG = "childrens-improvement-plan"

if not CHROMIUM.exists():  # pragma: no cover - the machine set-up installs it
    pytest.skip(
        "Debian's chromium is not installed (scripts/setup-system)", allow_module_level=True
    )

# DJANGO_ALLOW_ASYNC_UNSAFE is set while the module's browser runs by tests/conftest.py
# (never for the whole run: `check --deploy` in other tests' subprocesses refuses it).

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from PIL import Image  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402
from tests.tasks import run_worker  # noqa: E402

from plantracker.planfile import load_plan  # noqa: E402
from plantracker.tracker.models import Role  # noqa: E402
from plantracker.tracker.services import member_add, plan_import  # noqa: E402

# The module's Chromium, ``browser``, is a fixture of tests/conftest.py, shared with the
# other browser test modules (Playwright allows one per thread at a time).


@pytest.fixture
def example(transactional_db: None) -> None:
    record = plan_import(plan=load_plan(EXAMPLE), slug=SLUG)
    for role in Role:
        if role is Role.INSPECTOR:
            continue  # given on the Users pages by tests/web/test_inspector_browser.py
        member_add(
            email=f"{role.value}@example.org",
            role=role,
            plan=record if role in (Role.LEAD, Role.CONTRIBUTOR) else None,
            organisation=record.organisation,
            password=PASSWORD,
        )


@pytest.fixture
def page(browser: Browser, example: None) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page = context.new_page()
    yield page
    context.close()


class Visit:
    """Checks each page with axe and, when asked to, saves it for the user guide."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.axe = Axe()
        self.screenshots = os.environ.get("PLANTRACKER_SCREENSHOTS") == "1"

    def check(self, name: str, *, screenshot: bool = True, full_page: bool = True) -> None:
        """axe on the page as it is; with ``full_page`` False the guide's picture is the
        window's top (a long page's heading and first rows)."""
        results = self.axe.run(self.page)
        assert results.violations_count == 0, (
            f"{name} ({self.page.url}):\n{results.generate_report()}"
        )
        if self.screenshots and screenshot:
            GUIDE.mkdir(parents=True, exist_ok=True)
            if not full_page:
                self.page.evaluate("window.scrollTo(0, 0)")
            picture = Image.open(io.BytesIO(self.page.screenshot(full_page=full_page)))
            # 256 colours are plenty for a page of text and flat charts, at a third the size.
            picture.quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(
                GUIDE / f"{name}.png", optimize=True
            )


def sign_in(page: Page, base: str, email: str, visit: Visit | None = None) -> None:
    page.goto(f"{base}/accounts/login/")
    if visit is not None:
        visit.check("sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_from_the_plan_list_to_a_kpi_in_three_clicks_and_the_pdf(
    page: Page, live_server: object
) -> None:
    base = str(live_server)
    visit = Visit(page)
    sign_in(page, base, "viewer@example.org", visit)

    expect(page.get_by_role("heading", name="Improvement plans")).to_be_visible()
    visit.check("plan-list")

    page.get_by_role("link", name="Children's Improvement Plan").click()  # click 1
    expect(page.get_by_role("heading", name="Quarter overview")).to_be_visible()
    expect(page.get_by_text("Q2 July – September 2018 · Update for Scrutiny")).to_be_visible()
    visit.check("dashboard")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the tables scroll
    visit.check("dashboard-phone", screenshot=False)
    page.set_viewport_size({"width": 1200, "height": 900})

    page.get_by_role("link", name="9. EET opportunities for CLA").click()  # click 2
    expect(page.get_by_role("heading", name="EET opportunities for CLA", level=1)).to_be_visible()
    visit.check("recommendation")

    page.get_by_role("link", name=re.compile(r"^9\.K2 ")).click()  # click 3
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    history = page.get_by_role("table")
    expect(history).to_contain_text("58.6%")
    expect(history).to_contain_text("Set by hand; calculated amber")
    visit.check("kpi")

    page.get_by_role("link", name="Children's Improvement Plan").click()  # breadcrumb
    # Not built yet: a page says it is being prepared (ADR 0067) and refreshes itself.
    page.get_by_role("link", name=re.compile(r"^PDF")).click()
    expect(page.get_by_role("heading", name="The report is being prepared")).to_be_visible()
    visit.check("report-preparing", screenshot=False)
    # It asks again by itself (nothing is built yet, so the same page comes back).
    with page.expect_request(lambda request: request.url.endswith("/report.pdf"), timeout=60_000):
        pass
    expect(page.get_by_role("heading", name="The report is being prepared")).to_be_visible()
    # Back on the dashboard (so that no refresh meets the worker on the test's one database
    # connection), the background worker builds it; then the link downloads it.
    page.get_by_role("link", name="Back to Q2 July – September 2018").click()
    expect(page.get_by_role("heading", name="Quarter overview")).to_be_visible()
    assert run_worker() == 1
    with page.expect_download(timeout=180_000) as download_info:
        page.get_by_role("link", name=re.compile(r"^PDF")).click()
    download = download_info.value
    assert download.suggested_filename == f"{SLUG}-2018-19-Q2.pdf"
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_error_pages_are_accessible(page: Page, live_server: object) -> None:
    base = str(live_server)
    visit = Visit(page)
    sign_in(page, base, "viewer@example.org")
    response = page.goto(f"{base}/plans/no-such-plan/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    visit.check("not-found", screenshot=False)
    response = page.goto(f"{base}/users/")
    assert response is not None and response.status == 403
    visit.check("forbidden", screenshot=False)
    # A refusal after a redirect is told in the "Important" banner (two-factor's code step
    # without a password first): readable and accessible as the "Done" one is.
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/two-factor/code/")
    expect(page.get_by_role("alert")).to_contain_text("Sign in with your password first")
    expect(page.get_by_role("heading", name="Important")).to_be_visible()
    visit.check("refused-with-a-message", screenshot=False)
