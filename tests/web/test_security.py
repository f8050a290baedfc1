"""Security properties a person would notice only when they fail (docs/reliability.md#security).

- CSRF: every form of the site (found by crawling it as each role) refuses a post without
  its token with 403, and the sign-in form too.
- CSP: every page is served with a Content-Security-Policy that allows scripts only from
  the site itself, and no page carries an inline script or event handler that policy
  would block (GOV.UK Frontend pages must work under it).
- Sessions: a sign-in lasts 8 hours, or until the browser closes when so configured.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from tests.web.conftest import Site
from tests.web.forms_found import crawl, parse

from plantracker.tracker.models import Item
from plantracker.tracker.services import item_owner_link

ROLES = ("admin", "lead", "contributor", "viewer")
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
_EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def starts(site: Site) -> list[str]:
    return ["/"] + [
        reverse("web:my-updates", args=[site.plan.slug, code])
        for code in site.plan.periods.values_list("code", flat=True)
    ]


@pytest.fixture
def owned(site: Site) -> Site:
    for item in Item.objects.filter(plan=site.plan):
        item_owner_link(item=item, user=site.users["contributor"])
    return site


@pytest.mark.parametrize("role", ROLES)
def test_every_form_refuses_a_post_without_its_csrf_token(owned: Site, role: str) -> None:
    forms = crawl(owned.client(role), starts(owned))
    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(owned.users[role])

    for form in forms:
        data = {k: v for k, v in form.data().items() if k != "csrfmiddlewaretoken"}
        response = guarded.post(form.action, data)
        assert response.status_code == 403, f"POST {form.action} (on {form.page})"
    # Sign-out is a form too (and a cross-site sign-out is a nuisance worth refusing).
    assert guarded.post(reverse("web:logout")).status_code == 403


def test_the_sign_in_form_refuses_a_post_without_its_csrf_token(site: Site) -> None:
    guarded = Client(enforce_csrf_checks=True)
    response = guarded.post(
        reverse("web:login"), {"username": "lead@example.org", "password": "anything"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_every_page_has_a_strict_script_policy_and_no_inline_script(owned: Site, role: str) -> None:
    client = owned.client(role)
    pages = 0
    queue, seen = list(starts(owned)), set(starts(owned))
    while queue and pages < 120:
        page = queue.pop(0)
        response = client.get(page)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages += 1
        policy = response.get("Content-Security-Policy", "")
        scripts = re.search(r"script-src ([^;]*)", policy)
        assert scripts is not None, f"{page}: no script-src in {policy!r}"
        assert "'unsafe-inline'" not in scripts.group(1), page
        assert "'unsafe-eval'" not in scripts.group(1), page
        assert "frame-ancestors 'none'" in policy, page
        html = response.content.decode("utf-8")
        nonce = re.search(r"'nonce-([^']+)'", scripts.group(1))
        for tag in _INLINE_SCRIPT.findall(html):
            assert nonce and f'nonce="{nonce.group(1)}"' in tag, f"{page}: inline {tag}"
        assert not _EVENT_HANDLER.search(html), f"{page}: an inline event handler"
        links, _, _ = parse(page, html)
        for link in links:
            if link.startswith("/") and not link.startswith(("/static/", "/api/", "/admin/")):
                path = link.split("#")[0]
                if path and path not in seen and not re.search(r"\.\w+$", path):
                    seen.add(path)
                    queue.append(path)
    assert pages >= 3


def test_a_sign_in_lasts_eight_hours(site: Site) -> None:
    client = Client()
    response = client.post(
        reverse("web:login"),
        {"username": "lead@example.org", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60
    assert response.cookies["sessionid"]["httponly"]


def test_a_sign_in_can_end_when_the_browser_closes(site: Site, settings: object) -> None:
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # type: ignore[attr-defined]
    client = Client()
    response = client.post(
        reverse("web:login"),
        {"username": "lead@example.org", "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close()
    assert not response.cookies["sessionid"]["max-age"]  # a browser-session cookie
