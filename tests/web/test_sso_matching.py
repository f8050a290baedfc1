"""Whom a single sign-on lets in (ADR 0075), decided by ``plantracker.web.sso.match`` from the
ID token's claims: the deployment's provider vouches for any organisation's people, an
organisation's own provider only for its own; unverified, unknown and deactivated
addresses are refused with the page that says why. The full redirect flow against a real
provider is tests/web/test_oidc_browser.py."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from tests.web.conftest import Site
from tests.web.test_pages import text

from plantracker.tracker.models import User
from plantracker.tracker.services.sign_in import organisation_provider_set, provider_id_for
from plantracker.web.sso import match

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(site: Site, settings: Any) -> dict[str, str]:
    """The deployment's provider and the first organisation's own."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "council",
                    "name": "Deployment account",
                    "client_id": "deployment",
                    "secret": "s",
                    "settings": {"server_url": "https://login.example/t/v2.0"},
                }
            ]
        }
    }
    organisation_provider_set(
        organisation=site.plan.organisation,
        name="Example County account",
        issuer="https://login.example/example-county/v2.0",
        client_id="county",
        secret="s",
    )
    return {"deployment": "council", "county": provider_id_for(site.plan.organisation)}


def _login(provider_id: str, **claims: object) -> SocialLogin:
    account = SocialAccount(provider=provider_id, uid="subject", extra_data={"id_token": claims})
    return SocialLogin(account=account, user=User())


def _match(provider_id: str, **claims: object) -> User | str:
    """The matched user, or the refusal page's text."""
    request = RequestFactory().get("/accounts/oidc/callback/")
    request.user = AnonymousUser()
    try:
        return match(request, _login(provider_id, **claims))
    except ImmediateHttpResponse as refusal:
        assert refusal.response.status_code == 403
        return text(refusal.response)


def test_the_deployments_provider_vouches_for_every_organisations_people(
    site: Site, providers: dict[str, str]
) -> None:
    found = _match(providers["deployment"], email="Admin@Other.Example.org", email_verified=True)
    assert found == site.outsider
    # Entra ID's own claim for a verified address.
    assert (
        _match(providers["deployment"], email="lead@example.org", xms_edov=True)
        == (site.users["lead"])
    )


def test_an_organisations_provider_vouches_only_for_its_own_people(
    site: Site, providers: dict[str, str]
) -> None:
    assert (
        _match(providers["county"], email="lead@example.org", email_verified=True)
        == (site.users["lead"])
    )
    refused = _match(providers["county"], email="admin@other.example.org", email_verified=True)
    assert isinstance(refused, str)
    assert "no plantracker account of yours has this email address" in refused
    assert "Ask your organisation's admin for access" in refused


def test_unverified_unknown_and_deactivated_addresses_are_refused(
    site: Site, providers: dict[str, str]
) -> None:
    unverified = _match(providers["deployment"], email="lead@example.org", email_verified=False)
    assert "did not say that this email address is verified" in str(unverified)
    unknown = _match(providers["deployment"], email="stranger@example.org", email_verified=True)
    assert "no plantracker account of yours" in str(unknown)
    assert "gave no email address" in str(_match(providers["deployment"], email_verified=True))
    site.users["viewer"].is_active = False
    site.users["viewer"].save()
    gone = _match(providers["deployment"], email="viewer@example.org", email_verified=True)
    assert "has been deactivated" in str(gone)
    assert not User.objects.filter(username="stranger@example.org").exists()
