"""The *API tokens* page in Debian's Chromium: a person makes a token, uses it, revokes it;
axe-core finds no accessibility violation on the page in each state."""

from __future__ import annotations

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
PASSWORD = "correct-horse-battery-staple"

if not CHROMIUM.exists():  # pragma: no cover - the machine set-up installs it
    pytest.skip(
        "Debian's chromium is not installed (scripts/setup-system)", allow_module_level=True
    )

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from django.test import Client  # noqa: E402
from playwright.sync_api import Browser, Page  # noqa: E402
from tests.api.plans import api_plan  # noqa: E402

from plantracker.api.tokens import token_user  # noqa: E402
from plantracker.tracker.models import Role  # noqa: E402
from plantracker.tracker.services import member_add, plan_import  # noqa: E402


@pytest.fixture
def page(
    browser: Browser, transactional_db: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Page]:
    # Playwright's synchronous API runs an event loop in this thread; the database work here
    # is ordinary blocking code, which Django would otherwise refuse inside a loop. Set for
    # this test only: in the environment of the whole run it would reach the subprocesses
    # of other tests (the deployment check refuses it).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    record = plan_import(plan=api_plan(), slug="cip")
    member_add(
        email="viewer@example.org",
        role=Role.VIEWER,
        organisation=record.organisation,
        password=PASSWORD,
    )
    # tests/conftest.py's Chromium: one Playwright per thread at a time, shared by the
    # browser test modules.
    context = browser.new_context()
    yield context.new_page()
    context.close()


def _no_violations(page: Page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_person_makes_uses_and_revokes_a_token(page: Page, live_server: object) -> None:
    base = str(live_server)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "viewer@example.org")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/account/api-tokens/")
    _no_violations(page)

    page.click("button:has-text('Make a token')")  # no name: the error is shown
    assert page.locator(".govuk-error-summary").is_visible()
    _no_violations(page)

    page.fill("#id_name", "Performance warehouse")
    page.click("button:has-text('Make a token')")
    secret = page.input_value("#new-token")
    _no_violations(page)
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/v1/me").json()["username"] == "viewer@example.org"

    page.click("button:has-text('Revoke')")
    assert "was revoked" in page.content()
    assert token_user(secret=secret) is None
    _no_violations(page)
