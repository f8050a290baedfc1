"""A person's two-factor page (ADR 0075): set it up with an authenticator app, see and renew
the recovery codes, turn it off (unless the deployment requires it of admins)."""

from __future__ import annotations

import re

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from plantracker.tracker.models import User
from plantracker.tracker.selectors.two_factor import (
    has_two_factor,
    must_use_two_factor,
    recovery_codes_left,
)
from plantracker.tracker.services.two_factor import (
    recovery_codes_renew,
    two_factor_disable,
    two_factor_enable,
)
from plantracker.web.forms.accounts import TwoFactorSetUpForm
from plantracker.web.views.common import Crumb, form_status
from plantracker.web.views.refusals import service_refusal

SECRET_SESSION_KEY = "plantracker.2fa.secret"


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    return user


def _required(user: User) -> bool:
    return bool(settings.TWO_FACTOR_FOR_ADMINS) and must_use_two_factor(user)


def _crumbs() -> list[Crumb]:
    return [Crumb("Two-factor", reverse("web:two-factor"))]


@login_required
@require_safe
@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "web/two_factor/index.html",
        {
            "enabled": has_two_factor(user),
            "required": _required(user),
            "codes_left": len(recovery_codes_left(user)),
        },
    )


def _qr_svg(url: str) -> str:
    """The QR code as inline SVG, labelled for screen readers (the key is also written out)."""
    svg = get_mfa_adapter().build_totp_svg(url)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", svg)
    return svg.replace(
        "<svg ", '<svg role="img" aria-label="QR code holding the key below" class="app-qr" ', 1
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def set_up(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if has_two_factor(user):
        messages.error(request, "Two-factor is already on for your account")
        return redirect("web:two-factor")
    secret = request.session.get(SECRET_SESSION_KEY)
    if not isinstance(secret, str) or not secret:
        secret = request.session[SECRET_SESSION_KEY] = generate_totp_secret()
    form = TwoFactorSetUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_refusal() as refused:
            codes = two_factor_enable(user=user, secret=secret, code=form.cleaned_data["code"])
        if not refused:
            request.session.pop(SECRET_SESSION_KEY, None)
            return render(
                request,
                "web/two_factor/recovery_codes.html",
                {"codes": codes, "new": True, "crumbs": _crumbs()},
            )
        refused.on_form(form)
    url = get_mfa_adapter().build_totp_url(user, secret)
    return render(
        request,
        "web/two_factor/set_up.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            # qrcode draws the address as paths: no text of the person reaches the markup.
            "qr": mark_safe(_qr_svg(url)),
            "required": _required(user),
            "crumbs": _crumbs(),
            "first_field": "id_code",
        },
        status=form_status(form.errors),
    )


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; the old ones stop working."""
    with service_refusal() as refused:
        codes = recovery_codes_renew(user=_user(request))
    if refused:
        messages.error(request, " ".join(refused.messages))
        return redirect("web:two-factor")
    return render(
        request,
        "web/two_factor/recovery_codes.html",
        {"codes": codes, "new": False, "crumbs": _crumbs()},
    )


@login_required
@require_POST
def turn_off(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if _required(user):
        raise PermissionDenied("Admins must keep two-factor on here")
    if two_factor_disable(user=user):
        messages.success(request, "Two-factor is off: signing in needs only your password")
    else:
        messages.error(request, "Two-factor was already off for your account")
    return redirect("web:two-factor")
