"""Two-factor for password sign-in (ADR 0075): the half-signed-in state between the password
and the code, and the middleware that sends admins without two-factor to set it up when the
deployment requires it (``TWO_FACTOR_FOR_ADMINS``)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from plantracker.tracker.models import User
from plantracker.tracker.selectors.two_factor import has_two_factor, must_use_two_factor
from plantracker.web.sso import SIGNED_IN_WITH_SESSION_KEY

PENDING_SESSION_KEY = "plantracker.2fa.pending"
CHECKED_SESSION_KEY = "plantracker.2fa.checked"
# The code must follow the password within this many seconds.
PENDING_SECONDS = 5 * 60
# What the code step says to someone who reached it without a password or too late.
PENDING_GONE = (
    "Sign in with your password first: the code must follow it within "
    f"{PENDING_SECONDS // 60} minutes"
)


@dataclass(frozen=True)
class Pending:
    """A person who gave the right password and still owes a code."""

    user: User
    next_url: str


def pending_start(request: HttpRequest, user: User, next_url: str) -> None:
    request.session[PENDING_SESSION_KEY] = {
        "user": user.pk,
        "next": next_url,
        "until": time.time() + PENDING_SECONDS,
    }


def pending_get(request: HttpRequest) -> Pending | None:
    """The pending sign-in, or None when there is none or it is too old."""
    data = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(data, dict) or float(data.get("until", 0)) < time.time():
        return None
    pk = data.get("user")
    if not isinstance(pk, int):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        return None
    return Pending(user=user, next_url=str(data.get("next") or ""))


def pending_end(request: HttpRequest) -> None:
    request.session.pop(PENDING_SESSION_KEY, None)


def _exempt(path: str) -> bool:
    prefixes = (
        reverse("web:two-factor"),
        reverse("web:logout"),
        f"/{settings.STATIC_URL.lstrip('/')}",
        reverse("web:healthz"),
    )
    return path.startswith(prefixes)


class TwoFactorRequiredMiddleware:
    """With ``TWO_FACTOR_FOR_ADMINS``, an admin signed in with a password and without
    two-factor reaches only the pages that set it up (and sign out). Checked once per
    session; people signed in through a provider are left to the provider's own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.TWO_FACTOR_FOR_ADMINS and self._must_set_up(request):
            return redirect("web:two-factor-set-up")
        return self.get_response(request)

    def _must_set_up(self, request: HttpRequest) -> bool:
        user = request.user
        if not (isinstance(user, User) and user.is_authenticated):
            return False
        session = request.session
        if session.get(CHECKED_SESSION_KEY) or session.get(SIGNED_IN_WITH_SESSION_KEY):
            return False
        if must_use_two_factor(user) and not has_two_factor(user):
            return not _exempt(request.path)
        session[CHECKED_SESSION_KEY] = True
        return False
