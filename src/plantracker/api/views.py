"""The *API tokens* page: a signed-in person lists, makes and revokes their own tokens.

A new token's secret is shown once, in the response to the form that made it, and never
again (only its hash is stored). The response is not cached anywhere.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from plantracker.api.tokens import (
    NAME_MAX_LENGTH,
    CreatedToken,
    token_create,
    token_revoke,
    tokens_of,
)
from plantracker.tracker.models import User
from plantracker.tracker.services import ServiceError


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Token name",
        max_length=NAME_MAX_LENGTH,
        help_text="What will use it, so you know which to revoke, e.g. 'Performance warehouse'.",
        error_messages={"required": "Enter a name for the token"},
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    return user


def _page(
    request: HttpRequest, form: TokenForm, created: CreatedToken | None = None
) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": list(tokens_of(user=user)),
            "api_docs": reverse("api-v1:openapi-view"),
            "api_root": request.build_absolute_uri("/api/v1/"),
            "first_field": "id_name",
            "section": "tokens",
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            created = token_create(user=_user(request), name=form.cleaned_data["name"])
        except ServiceError as exc:
            for message in exc.messages:
                form.add_error("name", message)
        else:
            return _page(request, TokenForm(), created)
    return _page(request, form)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = token_revoke(user=_user(request), token_id=pk)
    except ServiceError:
        # Another person's token, or none: the same answer, so ids disclose nothing.
        raise Http404("There is no such token among yours") from None
    messages.success(request, f"The token '{token.name}' was revoked: it no longer works")
    return redirect("api-tokens:list")
