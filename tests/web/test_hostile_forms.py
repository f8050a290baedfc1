"""Every form of the site, posted hostile values (docs/reliability.md#bad-input).

The forms are found by crawling the pages as each role sees them (tests/web/forms_found.py),
so a form added later is attacked too. hypothesis chooses, for each example, some of the
form's fields (hidden ones included: versions, ids) and a hostile value for each; the
others keep what the page holds. The answer is never a 500 or a traceback: the form comes
back with an error summary whose every entry links to (names) a field, or the input is
accepted (a redirect), or refused as a whole (400, 403, 404, 409, 413, 429). A page that
shows an error summary answers 4xx, so a script (or the browser's history) can tell it
from success.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.builders import Q3
from tests.web.conftest import Site
from tests.web.forms_found import Form, crawl
from tests.web.hostile import text_values

from plantracker.tracker.models import Item, Period
from plantracker.tracker.services import item_owner_link, update_save_draft, update_submit

EXAMPLES = 12  # per form and role: every form is attacked, each example is one request
ACCEPTED = {200, 302, 303, 400, 403, 404, 405, 409, 413, 429}
_ERROR_LINK = re.compile(r'<li><a href="#([^"]*)">', re.S)
_ID = re.compile(r'\sid="([^"]+)"')
_SUMMARY = re.compile(r'class="govuk-error-summary".*?</ul>', re.S)


def attack(client: Client, form: Form) -> None:
    """Post hostile values to ``form`` from hypothesis; check every answer."""
    names = sorted({f.name for f in form.fields if f.kind not in ("submit", "button")})
    if not names:
        return

    @settings(
        derandomize=True,  # the same examples every run: CI is never red by chance
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        chosen=st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True),
        data=st.data(),
    )
    def post(chosen: list[str], data: st.DataObject) -> None:
        values = form.data()
        for name in chosen:
            values[name] = data.draw(text_values, label=name)
        response = client.post(form.action, values)
        where = f"POST {form.action} (form on {form.page}) with {sorted(chosen)}"
        assert response.status_code in ACCEPTED, f"{where}: {response.status_code}"
        body = response.content.decode("utf-8", errors="replace")
        assert "Traceback" not in body, where
        summary = _SUMMARY.search(body)
        if summary is not None:
            # A form redisplayed because of bad input says so in its status too
            # (docs/reliability.md#bad-input): never a 200 with an error summary.
            assert 400 <= response.status_code < 500, f"{where}: {response.status_code} with errors"
            targets = _ERROR_LINK.findall(summary.group(0))
            assert targets, f"{where}: an error summary without a message"
            # Each message links to an element of the page (GOV.UK: the field to fix), so
            # following the link moves the reader there.
            ids = set(_ID.findall(body))
            stray = [target for target in targets if target not in ids]
            assert not stray, f"{where}: error links to no element on the page: {stray}"

    post()


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "lead", "contributor"])
def test_no_form_answers_hostile_input_with_an_error_or_a_traceback(site: Site, role: str) -> None:
    contributor = site.users["contributor"]
    items = list(Item.objects.filter(plan=site.plan))
    for item in items:
        item_owner_link(item=item, user=contributor)
    # Submitted updates, so the lead's review page has its forms too.
    period = Period.objects.get(plan=site.plan, code=Q3)
    for item in [item for item in items if item.kind != "kpis"][:2]:
        entry = update_save_draft(
            actor=contributor, subject=item, period=period, expected_version=0, status="green"
        )
        update_submit(actor=contributor, entry=entry, expected_version=entry.version)
    client = site.client(role)
    # A contributor's forms are on their updates pages, one per period.
    starts = ["/"] + [
        reverse("web:my-updates", args=[site.plan.slug, code])
        for code in site.plan.periods.values_list("code", flat=True)
    ]
    forms = crawl(client, starts)
    assert forms, f"no form found for {role}"
    for form in forms:
        attack(client, form)


@pytest.mark.slow
def test_the_sign_in_form_survives_hostile_input(site: Site) -> None:
    client = Client()
    (form,) = [form for form in crawl(client, ["/accounts/login/"]) if "login" in form.action]
    attack(client, form)


def test_a_sign_in_with_a_very_long_name_is_refused_not_a_500(site: Site) -> None:
    """PostgreSQL enforces django-axes' 255-character column where SQLite does not."""
    response = Client().post(
        "/accounts/login/", {"username": "x" * 100_000 + "@example.org", "password": "wrong"}
    )
    assert response.status_code == 400
    assert "Enter a correct email address and password" in response.content.decode()
