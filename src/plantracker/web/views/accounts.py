"""Signing in and out (Django auth; django-axes counts failures and locks out), with single
sign-on buttons and the two-factor step (ADR 0075)."""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from plantracker.tracker.models import User
from plantracker.tracker.selectors.two_factor import has_two_factor
from plantracker.tracker.services.two_factor import two_factor_check
from plantracker.web.forms.accounts import SignInForm, TwoFactorCodeForm
from plantracker.web.sso import (
    SIGNED_IN_WITH_SESSION_KEY,
    password_sign_in_allowed,
    provider_buttons,
    provider_sign_out,
)
from plantracker.web.two_factor import PENDING_GONE, pending_end, pending_get, pending_start
from plantracker.web.views.common import form_status

PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


@method_decorator(never_cache, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class: type[AuthenticationForm] = SignInForm
    redirect_authenticated_user = True
    # FormView treats PUT as POST; signing in is a POST and nothing else.
    http_method_names = ["get", "head", "post", "options"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "first_field": "id_username",
            "providers": provider_buttons(self.request),
            "password_sign_in": password_sign_in_allowed(),
        }

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        response = super().render_to_response(context, **kwargs)
        # The buttons post here and are redirected to the provider: Chromium applies
        # form-action to the redirect, so each provider's origin is allowed on this page.
        origins = sorted({button.origin for button in context["providers"] if button.origin})
        if origins:
            response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
        return response

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not password_sign_in_allowed():
            # Unbound: the password is never checked.
            form = self.form_class(request=request)
            form.cleaned_data = {}
            form.add_error(None, "Sign in with your council account: passwords are not used here")
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 403
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        # A wrong password is a form error like any other: the form again, as a 400. A
        # lockout (the fifth wrong one) is django-axes' 429, its middleware's answer.
        response = super().form_invalid(form)
        response.status_code = form_status(form.errors)
        return response

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if isinstance(user, User) and has_two_factor(user):
            # The password was right; the account is signed in once its code is too.
            pending_start(self.request, user, self.get_success_url())
            return redirect("web:two-factor-code")
        self.request.session.pop(SIGNED_IN_WITH_SESSION_KEY, None)  # a password this time
        return super().form_valid(form)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_code(request: HttpRequest) -> HttpResponse:
    """The second step of a password sign-in: the app's code or a recovery code. Wrong codes
    count as failed sign-ins for django-axes, so the lockout covers guessing them."""
    pending = pending_get(request)
    if pending is None:
        pending_end(request)
        messages.error(request, PENDING_GONE)
        return redirect("web:login")
    credentials = {"username": pending.user.username}
    if not AxesProxyHandler.is_allowed(request, credentials):
        pending_end(request)
        return render(request, "web/locked_out.html", status=429)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor_check(user=pending.user, code=form.cleaned_data["code"]):
            pending_end(request)
            request.session.pop(SIGNED_IN_WITH_SESSION_KEY, None)
            login(request, pending.user, backend=PASSWORD_BACKEND)
            return HttpResponseRedirect(pending.next_url or "/")
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if not AxesProxyHandler.is_allowed(request, credentials):
            pending_end(request)
            return render(request, "web/locked_out.html", status=429)
        form.add_error("code", "The code is not right: enter the app's current code")
    return render(
        request,
        "web/two_factor/code.html",
        {"form": form, "first_field": "id_code"},
        status=form_status(form.errors),
    )


class SignOutView(auth_views.LogoutView):
    """Sign out by POST only (a link could be followed by a prefetcher or another site).

    After a single sign-on the provider's session is offered for ending too, where the
    provider has an end-session address; a link, as a redirect from this form would be
    refused by the page's form-action policy."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        provider_id = request.session.get(SIGNED_IN_WITH_SESSION_KEY)
        provider = provider_sign_out(request, str(provider_id)) if provider_id else None
        response = super().post(request, *args, **kwargs)
        if provider is None:
            return response
        return render(request, "web/signed_out.html", {"provider": provider})
