"""Signing in and out (Django auth; django-axes counts failures and locks out)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache

from plantracker.web.forms.accounts import SignInForm


@method_decorator(never_cache, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "web/login.html"
    form_class: type[AuthenticationForm] = SignInForm
    redirect_authenticated_user = True
    # FormView treats PUT as POST; signing in is a POST and nothing else.
    http_method_names = ["get", "head", "post", "options"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "first_field": "id_username"}


class SignOutView(auth_views.LogoutView):
    """Sign out by POST only (a link could be followed by a prefetcher or another site)."""
