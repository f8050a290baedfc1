"""The public pages of a published report in a real browser with JavaScript turned off
(ADR 0081): the organisation's list, the report page as published, under revision, and a
superseded version, each with axe's zero violations; the PDF downloads. The only PDF the
publishing tests render."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:No directory at"),
]

if not Path("/usr/bin/chromium").exists():  # pragma: no cover - the machine set-up installs it
    pytest.skip(
        "Debian's chromium is not installed (scripts/setup-system)", allow_module_level=True
    )

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page  # noqa: E402
from tests.builders import Q2  # noqa: E402
from tests.web.plans import web_plan  # noqa: E402

from plantracker.tracker.models import Period, PlanRecord, Role, User  # noqa: E402
from plantracker.tracker.services import (  # noqa: E402
    member_add,
    period_close,
    period_reopen,
    plan_import,
)
from plantracker.tracker.services.publishing import publication_publish  # noqa: E402

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _close_and_publish(settings: Any, lead: User, period: Period) -> None:
    """Close ``period`` (its own report files stay queued for a worker that never runs
    here) and publish it, the publication's files built at once."""
    queued = settings.TASKS
    period_close(actor=lead, period=period, expected_version=period.version)
    settings.TASKS = IMMEDIATE
    publication_publish(actor=lead, period=Period.objects.get(pk=period.pk))
    settings.TASKS = queued


@pytest.fixture
def published(transactional_db: None, settings: Any) -> tuple[PlanRecord, User]:
    record = plan_import(plan=web_plan(), slug="cip")
    lead = member_add(
        email="lead@example.org", role=Role.LEAD, plan=record, organisation=record.organisation
    ).user
    _close_and_publish(settings, lead, Period.objects.get(plan=record, code=Q2))
    return record, lead


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A reader with JavaScript turned off."""
    context = browser.new_context(
        viewport={"width": 1200, "height": 900}, java_script_enabled=False, accept_downloads=True
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def checker(browser: Browser) -> Iterator[Page]:
    """axe itself is a script: it checks each page the reader reaches in a second tab."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context.new_page()
    context.close()


class _Axe:
    def __init__(self, checker: Page) -> None:
        self.checker = checker
        self.axe = Axe()

    def check(self, page: Page, name: str) -> None:
        self.checker.goto(page.url)
        results = self.axe.run(self.checker)
        assert results.violations_count == 0, f"{name} ({page.url}):\n{results.generate_report()}"


def test_the_public_pages_work_without_javascript_and_pass_axe(
    page: Page,
    checker: Page,
    live_server: Any,
    published: tuple[PlanRecord, User],
    settings: Any,
) -> None:
    record, lead = published
    axe = _Axe(checker)
    base = f"{live_server.url}/published/{record.organisation.slug}/"
    page.goto(base)
    axe.check(page, "published index")
    page.get_by_role("link", name="Q2 July – September 2018").click()
    assert page.get_by_role("heading", level=1).first.inner_text() == "Children's Improvement Plan"
    assert page.get_by_text("Published by Example County Council").first.is_visible()
    axe.check(page, "published report")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this report as PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    # Reopened: the page says it is under revision.
    period = Period.objects.get(plan=record, code=Q2)
    period_reopen(
        actor=lead, period=period, reason="A figure was wrong", expected_version=period.version
    )
    page.reload()
    assert page.get_by_text("Under revision").first.is_visible()
    axe.check(page, "published report under revision")

    # Published again (HTML alone, to render no second PDF): the first is superseded.
    settings.PUBLISHED_FORMATS = ("html",)
    period.refresh_from_db()
    _close_and_publish(settings, lead, period)
    # The pages may be cached for minutes (Cache-Control: public): ask past this browser's.
    page.goto(f"{base}?again")
    axe.check(page, "published index with a superseded version")
    page.get_by_role("link", name="Q2 July – September 2018, version 1").click()
    assert page.get_by_text("Superseded").first.is_visible()
    axe.check(page, "superseded version")
    page.get_by_role("link", name="Read the current version").click()
    page.reload()
    assert page.get_by_text("(version 2)").first.is_visible()
