"""Two-factor for password sign-in (ADR 0075): setting it up with an authenticator app's
code, signing in with a code or a recovery code, django-axes locking out code guessing,
admins required to use it by a setting, and an organisation admin's own sign-in provider."""

from __future__ import annotations

import re
from typing import Any

import pyotp
import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client
from django.urls import reverse
from tests.web.conftest import PASSWORD, Site
from tests.web.test_accounts import sign_in
from tests.web.test_pages import text

from plantracker.tracker.models import OrganisationProvider

pytestmark = pytest.mark.django_db


def _turn_on(client: Client) -> tuple[pyotp.TOTP, list[str]]:
    """Set two-factor up as a person would: read the key off the page, answer with the
    app's code; the recovery codes shown once."""
    page = client.get(reverse("web:two-factor-set-up")).content.decode()
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page)
    assert key is not None
    totp = pyotp.TOTP(key.group(1).replace(" ", ""))
    done = client.post(reverse("web:two-factor-set-up"), {"code": totp.now()})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([^<]+)</code></li>", done.content.decode())
    assert "Two-factor is on" in text(done) and len(codes) >= 8
    return totp, codes


def test_a_person_turns_two_factor_on_and_then_needs_a_code(site: Site) -> None:
    client = Client()
    assert sign_in(client, "lead@example.org", PASSWORD).status_code == 302
    wrong = client.post(reverse("web:two-factor-set-up"), {"code": "000000"})
    assert wrong.status_code == 400
    assert "The code is not right" in text(wrong)
    totp, codes = _turn_on(client)
    assert "On" in text(client.get(reverse("web:two-factor")))

    # Signing in again: the password alone does not sign in.
    fresh = Client()
    step = sign_in(fresh, "lead@example.org", PASSWORD)
    assert step["Location"] == reverse("web:two-factor-code")
    assert fresh.get(reverse("web:plan-list")).status_code == 302
    assert "Enter your code" in text(fresh.get(reverse("web:two-factor-code")))
    bad = fresh.post(reverse("web:two-factor-code"), {"code": "123456"})
    assert bad.status_code == 400 and "The code is not right" in text(bad)
    good = fresh.post(reverse("web:two-factor-code"), {"code": totp.now()})
    assert good["Location"] == reverse("web:plan-list")
    assert fresh.get(reverse("web:plan-list")).status_code == 200

    # A recovery code works once.
    for attempt, expected in ((1, 302), (2, 400)):
        other = Client()
        sign_in(other, "lead@example.org", PASSWORD)
        response = other.post(reverse("web:two-factor-code"), {"code": codes[0]})
        assert response.status_code == expected, attempt

    # Turned off, the password is enough again.
    client.post(reverse("web:two-factor-off"))
    assert sign_in(Client(), "lead@example.org", PASSWORD)["Location"] == reverse("web:plan-list")


def test_guessing_codes_locks_the_account_out_like_wrong_passwords(site: Site) -> None:
    owner = Client()
    sign_in(owner, "viewer@example.org", PASSWORD)
    _turn_on(owner)
    guesser = Client()
    sign_in(guesser, "viewer@example.org", PASSWORD)
    responses = [
        guesser.post(reverse("web:two-factor-code"), {"code": f"{n:06d}"}) for n in range(5)
    ]
    assert responses[-1].status_code == 429
    assert "Too many attempts to sign in" in text(responses[-1])
    # Locked out: neither the right password nor then the right code signs in.
    again = sign_in(Client(), "viewer@example.org", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in guesser.session


def test_admins_must_set_up_two_factor_when_the_setting_says_so(site: Site, settings: Any) -> None:
    settings.TWO_FACTOR_FOR_ADMINS = True
    viewer = Client()
    sign_in(viewer, "viewer@example.org", PASSWORD)
    assert viewer.get(reverse("web:plan-list")).status_code == 200
    admin = Client()
    sign_in(admin, "admin@example.org", PASSWORD)
    sent = admin.get(reverse("web:user-list"))
    assert sent["Location"] == reverse("web:two-factor-set-up")
    assert "Admins of this service must use two-factor" in text(admin.get(sent["Location"]))
    _turn_on(admin)
    assert admin.get(reverse("web:user-list")).status_code == 200
    refused = admin.post(reverse("web:two-factor-off"))
    assert refused.status_code == 403


def test_an_admin_registers_their_organisations_provider_and_nobody_elses(
    site: Site,
) -> None:
    admin = site.client("admin")
    empty = admin.post(reverse("web:sign-in-provider"), {"issuer": "http://evil.example/x"})
    assert empty.status_code == 400
    page = text(empty)
    assert "Enter the name people will see" in page
    assert "The issuer's address must start with https://" in page
    assert "Enter the client ID" in page
    assert not SocialApp.objects.exists()

    saved = admin.post(
        reverse("web:sign-in-provider"),
        {
            "name": "Example County account",
            "issuer": "https://login.microsoftonline.com/tenant-id/v2.0",
            "client_id": "app-id",
            "secret": "s3cret",
        },
    )
    assert saved["Location"] == reverse("web:sign-in-provider")
    app = SocialApp.objects.get()
    assert (app.provider, app.provider_id, app.client_id, app.secret) == (
        "openid_connect",
        f"org-{site.plan.organisation.slug}",
        "app-id",
        "s3cret",
    )
    assert app.settings["server_url"] == "https://login.microsoftonline.com/tenant-id/v2.0"
    mine = text(admin.get(reverse("web:sign-in-provider")))
    assert f"/accounts/oidc/org-{site.plan.organisation.slug}/login/callback/" in mine
    assert "s3cret" not in admin.get(reverse("web:sign-in-provider")).content.decode()
    # The sign-in page offers it.
    assert "Sign in with Example County account" in text(Client().get(reverse("web:login")))

    # Another organisation's admin sees only their own (none), and non-admins get 403.
    outsider = text(site.client("outsider").get(reverse("web:sign-in-provider")))
    assert "Example County account" not in outsider
    assert "No provider is set up for your organisation" in outsider
    assert site.client("lead").get(reverse("web:sign-in-provider")).status_code == 403
    assert site.client("lead").post(reverse("web:sign-in-provider-remove")).status_code == 403
    site.client("outsider").post(reverse("web:sign-in-provider-remove"))
    assert SocialApp.objects.count() == 1

    admin.post(reverse("web:sign-in-provider-remove"))
    assert not SocialApp.objects.exists() and not OrganisationProvider.objects.exists()


def test_password_sign_in_can_be_turned_off(site: Site, settings: Any) -> None:
    settings.PASSWORD_SIGN_IN = False
    page = Client().get(reverse("web:login")).content.decode()
    assert 'name="password"' not in page
    refused = sign_in(Client(), "lead@example.org", PASSWORD)
    assert refused.status_code == 403
    assert "Sign in with your council account" in text(refused)


def test_a_two_factor_step_refused_says_why_after_the_redirect(site: Site) -> None:
    """A step out of order or one that has nothing to do redirects with a message: never a
    page that silently shows something else."""
    # The code step without a password first: back to sign in, told why.
    stray = Client()
    to_sign_in = stray.get(reverse("web:two-factor-code"), follow=True)
    assert to_sign_in.redirect_chain[-1][0] == reverse("web:login")
    assert "Important Sign in with your password first" in text(to_sign_in)

    client = Client()
    sign_in(client, "lead@example.org", PASSWORD)
    # Recovery codes and turning off while two-factor is off.
    renew = client.post(reverse("web:two-factor-recovery-codes"), follow=True)
    assert "Two-factor is off for this account: set it up first" in text(renew)
    off = client.post(reverse("web:two-factor-off"), follow=True)
    assert "Two-factor was already off for your account" in text(off)
    # Setting it up again once it is on.
    _turn_on(client)
    again = client.get(reverse("web:two-factor-set-up"), follow=True)
    assert again.redirect_chain[-1][0] == reverse("web:two-factor")
    assert "Important Two-factor is already on for your account" in text(again)
