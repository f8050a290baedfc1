"""*My notifications*: a signed-in person turns their own optional emails on or off; the
essential ones are listed, and cannot be turned off (ADR 0077)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from plantracker.tracker.models import User
from plantracker.tracker.services.notifications import (
    notification_preferences_set,
    preferences_of,
)
from plantracker.web.forms.notifications import NotificationsForm
from plantracker.web.views.common import form_status


@login_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    if request.method == "POST":
        form = NotificationsForm(request.POST)
        if form.is_valid():
            notification_preferences_set(
                actor=user,
                submitted=form.cleaned_data["submitted"],
                approved=form.cleaned_data["approved"],
            )
            messages.success(request, "Your email choices were saved")
            return redirect("web:notifications")
    else:
        current = preferences_of(user)
        form = NotificationsForm(
            initial={"submitted": current.submitted, "approved": current.approved}
        )
    return render(
        request,
        "web/notifications.html",
        {"form": form, "email": user.email or user.username, "section": "notifications"},
        status=form_status(form.errors),
    )
