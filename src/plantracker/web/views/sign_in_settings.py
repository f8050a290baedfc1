"""An organisation admin's single sign-on page (ADR 0075): their organisation's own OpenID
Connect provider. Only that organisation's admins reach it (403 for anybody else); there is
no id in the URL, so nobody reaches another organisation's provider."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from plantracker.tracker.selectors.sign_in import organisation_provider
from plantracker.tracker.services.sign_in import (
    organisation_provider_remove,
    organisation_provider_set,
    provider_id_for,
)
from plantracker.web.forms.accounts import OrganisationProviderForm
from plantracker.web.views.common import Crumb, form_status
from plantracker.web.views.refusals import service_refusal
from plantracker.web.views.users import _organisation


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@never_cache
def sign_in_provider(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    app = organisation_provider(organisation=organisation)
    initial = (
        {}
        if app is None
        else {
            "name": app.name,
            "issuer": app.settings.get("server_url", ""),
            "client_id": app.client_id,
        }
    )
    form = OrganisationProviderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with service_refusal() as refused:
            organisation_provider_set(organisation=organisation, **form.cleaned_data)
        if not refused:
            messages.success(request, "The sign-in provider was saved")
            return redirect("web:sign-in-provider")
        refused.on_form(form)
    callback = request.build_absolute_uri(
        reverse("openid_connect_callback", kwargs={"provider_id": provider_id_for(organisation)})
    )
    return render(
        request,
        "web/users/sign_in_provider.html",
        {
            "organisation": organisation,
            "app": app,
            "form": form,
            "callback": callback,
            "crumbs": [Crumb("Users", reverse("web:user-list"))],
            "section": "users",
            "first_field": "id_name",
        },
        status=form_status(form.errors),
    )


@login_required
@require_POST
def sign_in_provider_remove(request: HttpRequest) -> HttpResponse:
    organisation = _organisation(request)
    if organisation_provider_remove(organisation=organisation):
        messages.success(request, "The sign-in provider was removed")
    return redirect("web:sign-in-provider")
