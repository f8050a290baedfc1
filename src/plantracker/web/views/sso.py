"""Signing in with an OpenID Connect provider (ADR 0075): allauth's provider views with the
ID token checked in full (``plantracker.web.sso.CheckedOIDCAdapter``).

The redirect URI to register with a provider is ``/accounts/oidc/<provider id>/login/callback/``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from plantracker.web.sso import CheckedOIDCAdapter, new_nonce


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Start signing in with a provider: a POST from the sign-in page (a GET goes back to
    it, so no other site can start a sign-in by a link)."""
    if request.method != "POST":
        return redirect("web:login")
    query = request.GET.copy()
    # allauth adds ``auth_params`` to the authorisation request: the nonce goes there.
    query["auth_params"] = urlencode({"nonce": new_nonce(request, provider_id)})
    request.GET = query  # type: ignore[assignment]
    try:
        view = OAuth2LoginView.adapter_view(CheckedOIDCAdapter(request, provider_id))
        response: HttpResponse = view(request)
    except SocialApp.DoesNotExist:
        raise Http404("No such sign-in provider") from None
    return response


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Where the provider sends the person back (the redirect URI to register)."""
    try:
        view = OAuth2CallbackView.adapter_view(CheckedOIDCAdapter(request, provider_id))
        response: HttpResponse = view(request)
    except SocialApp.DoesNotExist:
        raise Http404("No such sign-in provider") from None
    return response
