"""Single sign-on with OpenID Connect through django-allauth's ``openid_connect`` provider
(ADR 0075).

- **Nobody is created by signing in.** The ID token's email, when the provider says it is
  verified (``email_verified``, or Entra ID's ``xms_edov``), must be the username of an
  active account an organisation admin added; an organisation's own provider vouches only
  for that organisation's members. Anyone else gets the "ask your organisation's admin"
  page (403). Roles stay plantracker's (ADR 0013).
- **The ID token is checked in full**: signature (from the provider's published keys, even
  though it came straight from the token endpoint), issuer, audience, expiry, and a nonce
  this module sends with each sign-in and keeps in the session.
- **Signing out** ends the local session and then offers the provider's end-session page
  when its discovery document names one.

allauth's own account pages are not used: the password sign-in stays
``plantracker.web.views.accounts.SignInView`` (django-axes in front of it).
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from plantracker.tracker.models import User
from plantracker.tracker.selectors.sign_in import (
    is_deactivated,
    provider_organisation,
    sign_in_user,
)

log = logging.getLogger(__name__)

PROVIDER = "openid_connect"
NONCE_SESSION_KEY = "plantracker.sso.nonce"
SIGNED_IN_WITH_SESSION_KEY = "plantracker.sso.provider"
# Entra ID's "email domain owner verified" optional claim, true or 1 when the tenant owns
# the address's domain (docs/deployment.md#single-sign-on-with-entra-id).
VERIFIED_CLAIMS = ("email_verified", "xms_edov")


@dataclass(frozen=True)
class ProviderButton:
    """One "Sign in with ..." button of the sign-in page."""

    name: str
    url: str
    origin: str


def provider_buttons(request: HttpRequest) -> list[ProviderButton]:
    """Every OpenID Connect provider of the deployment: the settings' one first, then each
    organisation's, by name."""
    apps = get_social_adapter().list_apps(request, provider=PROVIDER)
    apps.sort(key=lambda app: (app.pk is not None, app.name.lower()))
    return [
        ProviderButton(
            name=app.name,
            url=reverse("openid_connect_login", kwargs={"provider_id": app.provider_id}),
            origin=_origin(str(app.settings.get("server_url", ""))),
        )
        for app in apps
    ]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _is_verified(value: object) -> bool:
    return (
        value is True or value == 1 or (isinstance(value, str) and value.lower() in {"1", "true"})
    )


def _claims(sociallogin: SocialLogin) -> dict[str, Any]:
    data = sociallogin.account.extra_data or {}
    claims = data.get("id_token") or data.get("userinfo") or data
    return claims if isinstance(claims, dict) else {}


def refusal(
    request: HttpRequest, *, provider: str, email: str, reason: str, status: int = 403
) -> HttpResponse:
    """The page for a person the provider knows and plantracker does not let in."""
    return render(
        request,
        "web/no_access.html",
        {"provider": provider, "email": email, "reason": reason},
        status=status,
    )


def match(request: HttpRequest, sociallogin: SocialLogin) -> User:
    """The account this sign-in is for, or an ``ImmediateHttpResponse`` with the refusal."""
    app = sociallogin.account.get_provider().app
    claims = _claims(sociallogin)
    email = str(claims.get("email") or "").strip()
    name = app.name
    if not email:
        reason = "no-email"
    elif not any(_is_verified(claims.get(claim)) for claim in VERIFIED_CLAIMS):
        reason = "unverified"
    else:
        organisation = provider_organisation(provider_id=app.provider_id)
        if app.pk is not None and organisation is None:
            # A provider record in the database that no organisation owns vouches for nobody.
            reason = "unknown"
        else:
            user = sign_in_user(email=email, organisation=organisation)
            if user is not None and (not sociallogin.is_existing or sociallogin.user.pk == user.pk):
                return user
            reason = "inactive" if is_deactivated(email=email) else "unknown"
    log.info("single sign-on refused (%s) through %s", reason, app.provider_id)
    raise ImmediateHttpResponse(refusal(request, provider=name, email=email, reason=reason))


class SignInAdapter(DefaultSocialAccountAdapter):
    """Matches the provider's verified email to an existing account; never signs anyone up."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        user = match(request, sociallogin)
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        cause = exception.__cause__ if exception is not None else None
        log.warning(
            "single sign-on failed through %s: %s (%s%s)",
            getattr(provider, "sub_id", provider.id),
            error,
            exception,
            f": {cause}" if cause is not None else "",
        )
        raise ImmediateHttpResponse(
            refusal(request, provider=provider.name, email="", reason="failed", status=400)
        )


def remember_provider(sender: object, request: HttpRequest, **kwargs: Any) -> None:
    """On allauth's ``user_logged_in``: note which provider signed the person in (for signing
    out of it too); a password sign-in clears it. Connected in ``WebConfig.ready``."""
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        request.session[SIGNED_IN_WITH_SESSION_KEY] = sociallogin.account.provider


class ClosedAccountAdapter(DefaultAccountAdapter):
    """No self-service accounts: organisation admins add people (ADR 0013)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def get_login_stages(self) -> list[str]:
        """Signing in through a provider: its own two-factor applies (the council's
        conditional access), not plantracker's, which is for passwords (ADR 0075)."""
        stages: list[str] = super().get_login_stages()
        return [stage for stage in stages if not stage.startswith("allauth.mfa.")]


class CheckedOIDCAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter with the ID token's signature always checked and
    the nonce this sign-in sent compared."""

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        data: dict[str, Any] = jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )
        nonces = self.request.session.pop(NONCE_SESSION_KEY, {})
        expected = nonces.get(self.provider_id) if isinstance(nonces, dict) else None
        if not expected or not hmac.compare_digest(str(data.get("nonce", "")), expected):
            raise OAuth2Error("the ID token's nonce is not the one this sign-in sent")
        return data

    def complete_login(
        self, request: HttpRequest, app: SocialApp, token: Any, **kwargs: Any
    ) -> SocialLogin:
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("the provider sent no ID token")
        return super().complete_login(request, app, token, **kwargs)


@dataclass(frozen=True)
class ProviderSignOut:
    """Where to end the provider's session too, after the local one ended."""

    name: str
    url: str


def provider_sign_out(request: HttpRequest, provider_id: str) -> ProviderSignOut | None:
    """The provider's end-session URL (RP-initiated logout) when its discovery document
    names one; None when it names none or cannot be read."""
    adapter = CheckedOIDCAdapter(request, provider_id)
    try:
        app = adapter.get_provider().app
        endpoint = adapter.openid_config.get("end_session_endpoint")
    except (SocialApp.DoesNotExist, requests.RequestException, ValueError) as exc:
        log.warning("no end-session address for %s: %s", provider_id, exc)
        return None
    if not endpoint:
        return None
    back = request.build_absolute_uri(reverse("web:login"))
    query = urlencode({"client_id": app.client_id, "post_logout_redirect_uri": back})
    return ProviderSignOut(name=app.name, url=f"{endpoint}?{query}")


def password_sign_in_allowed() -> bool:
    """False where the deployment offers single sign-on only (``PASSWORD_SIGN_IN``)."""
    return bool(settings.PASSWORD_SIGN_IN)


def new_nonce(request: HttpRequest, provider_id: str) -> str:
    """A fresh nonce for a sign-in with ``provider_id``, kept in the session for the
    callback (one pending sign-in per provider)."""
    nonce = secrets.token_urlsafe(32)
    nonces = request.session.get(NONCE_SESSION_KEY)
    request.session[NONCE_SESSION_KEY] = {
        **(nonces if isinstance(nonces, dict) else {}),
        provider_id: nonce,
    }
    return nonce
