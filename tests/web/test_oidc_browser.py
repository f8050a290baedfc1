"""Single sign-on against a real OpenID Connect provider (ADR 0075), in a real browser.

The npm ``oidc-provider`` package (tests/oidc/, installed by ``make setup``) runs under Node
on 127.0.0.1 for the module; Debian's Chromium walks the whole redirect flow: a person
plantracker knows signs in and out (ending the provider's session too); an unknown or
unverified email is refused without an account being made; a tampered state, a nonce other
than the one sent, an ID token altered after signing and an expired one are all refused.
axe-core checks every plantracker page reached: zero violations.
"""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
from tests.web.plans import web_plan
from tests.web.test_browser import CHROMIUM, Visit

from plantracker.tracker.models import Role, User
from plantracker.tracker.services import member_add, plan_import

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:No directory at"),
]

from playwright.sync_api import Browser, Page, expect  # noqa: E402

OIDC = Path(__file__).resolve().parents[1] / "oidc"
NAME = "Test Council account"
CLIENT_ID = "plantracker"
CLIENT_SECRET = "plantracker-test-secret"  # tests/oidc/provider.mjs's static client

if not CHROMIUM.exists() or shutil.which("node") is None:  # pragma: no cover - setup-system
    pytest.skip("Debian's chromium or Node is not installed", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def issuer(live_server: Any) -> Iterator[str]:
    """The provider, started once for the module with plantracker's live server as its
    client's redirect URI."""
    if not (OIDC / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("tests/oidc/node_modules is missing: run make setup (npm ci in tests/oidc)")
    base = str(live_server)
    port = _free_port()
    process = subprocess.Popen(
        [
            "node",
            str(OIDC / "provider.mjs"),
            str(port),
            f"{base}/accounts/oidc/council/login/callback/",
            f"{base}/accounts/login/",
        ],
        cwd=OIDC,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:  # the warnings it prints first, then "listening"
        lines.append(line)
        if line.startswith("listening "):
            break
    else:
        process.wait(timeout=10)
        pytest.fail("the OpenID Connect provider did not start:\n" + "".join(lines))
    try:
        yield line.split(" ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def council(issuer: str, settings: Any, transactional_db: None) -> str:
    """The deployment's provider from settings, and a plan with a lead plantracker knows."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "council",
                    "name": NAME,
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": issuer, **settings.OIDC_APP_SETTINGS},
                }
            ]
        }
    }
    record = plan_import(plan=web_plan(), slug="cip")
    for email, role in (("lead@example.org", Role.LEAD), ("unverified@example.org", Role.VIEWER)):
        member_add(
            email=email,
            role=role,
            plan=record if role is Role.LEAD else None,
            organisation=record.organisation,
            password="a-long-enough-password-9",
        )
    return issuer


@pytest.fixture
def fresh(browser: Browser) -> Iterator[Any]:
    """New pages, each in its own browser context (no cookies: a new provider session)."""
    contexts = []

    def new_page() -> Page:
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def start(page: Page, base: str, visit: Visit | None = None) -> None:
    page.goto(f"{base}/accounts/login/")
    if visit is not None:
        visit.check("sign-in-with-provider", screenshot=False)
    page.get_by_role("button", name=f"Sign in with {NAME}").click()


def at_provider(page: Page, email: str) -> None:
    """The provider's own (development) sign-in and consent pages."""
    page.get_by_placeholder("Enter any login").fill(email)
    page.get_by_placeholder("and password").fill("anything")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()


def spoil_next_token(issuer: str, how: str) -> None:
    request = urllib.request.Request(f"{issuer}/_test/next-token", data=how.encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 204


def _with_param(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    assert name in query, f"{name} not in {url}"
    query[name] = value
    return urlunsplit(parts._replace(query=urlencode(query)))


@pytest.fixture
def sso_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """What plantracker.web.sso logs (plantracker's loggers do not propagate to the root)."""
    logger = logging.getLogger("plantracker.web.sso")
    logger.addHandler(caplog.handler)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)


def refused(page: Page, visit: Visit, name: str, log: pytest.LogCaptureFixture, why: str) -> None:
    """The "did not work" page, nobody signed in, and the log saying why."""
    expect(page.get_by_role("heading", name="Signing in did not work")).to_be_visible()
    assert page.get_by_role("button", name="Sign out").count() == 0
    visit.check(name, screenshot=False)
    assert why in log.text, log.text
    log.clear()


def test_a_known_person_signs_in_and_out_and_nobody_else_gets_in(
    council: str, fresh: Any, live_server: Any
) -> None:
    base = str(live_server)
    users_before = User.objects.count()

    page = fresh()
    visit = Visit(page)
    start(page, base, visit)
    at_provider(page, "Lead@Example.org")
    expect(page.get_by_role("heading", name="Improvement plans")).to_be_visible()
    expect(page.get_by_text("lead@example.org", exact=True)).to_be_visible()
    visit.check("plan-list-after-single-sign-on", screenshot=False)

    # Signing out ends plantracker's session, then offers the provider's end-session page.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="You have signed out of plantracker")).to_be_visible()
    visit.check("signed-out", screenshot=False)
    page.get_by_role("button", name=f"Sign out of {NAME}").click()
    page.get_by_role("button", name="Yes, sign me out").click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    assert page.url.startswith(f"{base}/accounts/login/")
    # The provider's session ended too: it asks who you are again.
    start(page, base)
    expect(page.get_by_placeholder("Enter any login")).to_be_visible()

    # Someone the provider knows and plantracker does not: refused, no account made.
    page = fresh()
    visit = Visit(page)
    start(page, base)
    at_provider(page, "stranger@example.org")
    expect(
        page.get_by_role("heading", name="You do not have access to plantracker")
    ).to_be_visible()
    expect(page.get_by_text("Ask your organisation's admin for access")).to_be_visible()
    visit.check("no-access", screenshot=False)
    # An address the provider has not verified matches nobody, even a known one.
    page = fresh()
    start(page, base)
    at_provider(page, "unverified@example.org")
    expect(page.get_by_text("did not say that this email address is verified")).to_be_visible()
    assert User.objects.count() == users_before
    assert not User.objects.filter(username="stranger@example.org").exists()


def test_a_tampered_or_stale_sign_in_is_refused(
    council: str, fresh: Any, live_server: Any, sso_log: pytest.LogCaptureFixture
) -> None:
    base = str(live_server)

    # A callback carrying another browser's state (a sign-in started elsewhere, as in a
    # login CSRF): this browser's session never sent it.
    other = fresh()
    callbacks: list[str] = []
    other.on(
        "request",
        lambda request: (
            callbacks.append(request.url) if "/login/callback/?" in request.url else None
        ),
    )
    start(other, base)
    at_provider(other, "lead@example.org")
    expect(other.get_by_role("heading", name="Improvement plans")).to_be_visible()
    page = fresh()
    visit = Visit(page)
    start(page, base)
    expect(page.get_by_placeholder("Enter any login")).to_be_visible()
    sso_log.clear()
    page.goto(callbacks[-1])
    refused(page, visit, "sign-in-failed-state", sso_log, "single sign-on failed")

    # A nonce other than the one sent: the authorisation request is made again with another,
    # which the provider puts in the ID token as asked.
    page = fresh()
    visit = Visit(page)
    requests: list[str] = []
    page.on(
        "request",
        lambda request: (
            requests.append(request.url) if request.url.startswith(f"{council}/auth?") else None
        ),
    )
    start(page, base)
    expect(page.get_by_placeholder("Enter any login")).to_be_visible()
    page.goto(_with_param(requests[0], "nonce", "not-the-nonce-sent"))
    at_provider(page, "lead@example.org")
    refused(page, visit, "sign-in-failed-nonce", sso_log, "nonce is not the one this sign-in sent")

    # An ID token whose email was changed after the provider signed it.
    page = fresh()
    visit = Visit(page)
    spoil_next_token(council, "tampered")
    start(page, base)
    at_provider(page, "lead@example.org")
    refused(page, visit, "sign-in-failed-tampered", sso_log, "Signature verification failed")

    # An ID token that expired (issued two hours before, valid for one).
    page = fresh()
    visit = Visit(page)
    spoil_next_token(council, "expired")
    start(page, base)
    at_provider(page, "lead@example.org")
    refused(page, visit, "sign-in-failed-expired", sso_log, "Signature has expired")

    # After all that, an honest sign-in still works.
    page = fresh()
    start(page, base)
    at_provider(page, "lead@example.org")
    expect(page.get_by_role("heading", name="Improvement plans")).to_be_visible()
