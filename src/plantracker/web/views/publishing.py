"""A lead publishes a closed period's report, or takes it off the public pages (ADR 0081).

``/plans/<slug>/<period>/publish/`` and ``.../unpublish/``: GET asks to confirm, saying
what the public will see; POST with the confirmation calls the service. A viewer or a
contributor gets 403, another organisation 404 (``plan_and_period``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from plantracker.tracker.models import Period, PeriodState, PlanRecord
from plantracker.tracker.selectors.publishing import period_publications
from plantracker.tracker.services.publishing import (
    publication_publish,
    publication_withdraw,
    published_formats,
)
from plantracker.web.forms.publishing import ConfirmForm
from plantracker.web.views.common import ErrorLink, crumbs, plan_and_period, require_lead
from plantracker.web.views.refusals import service_refusal


def _confirm(
    request: HttpRequest,
    record: PlanRecord,
    period: Period,
    *,
    action: str,
    errors: list[ErrorLink] | None = None,
    status: int = 200,
) -> HttpResponse:
    versions = period_publications(period=period)
    context: dict[str, Any] = {
        "record": record,
        "period": period,
        "action": action,
        "closed": period.state == PeriodState.CLOSED,
        "versions": versions,
        "shown": [v for v in versions if v.withdrawn_at is None],
        "formats": published_formats(),
        "names_shown": record.published_names == "shown",
        "public_url": reverse(
            "web:published-report", args=[record.organisation.slug, record.slug, period.code]
        ),
        "errors": errors or [],
        "crumbs": crumbs(record, period),
        "section": "plans",
    }
    return render(request, "web/workflow/publish.html", context, status=status)


def _act(request: HttpRequest, slug: str, period: str, action: str) -> HttpResponse:
    record, chosen = plan_and_period(request, slug, period)
    user = require_lead(request, record)
    if request.method != "POST" or not ConfirmForm(request.POST).is_valid():
        return _confirm(request, record, chosen, action=action)
    with service_refusal() as refused:
        if action == "publish":
            publication = publication_publish(actor=user, period=chosen)
            message = (
                f"The report of {chosen.label} is published (version {publication.number}); "
                "its public page shows it once its files are built"
            )
        else:
            count = publication_withdraw(actor=user, period=chosen)
            message = (
                f"The report of {chosen.label} is no longer published "
                f"({count} version{'s' if count != 1 else ''} withdrawn)"
            )
    if refused:
        chosen.refresh_from_db()
        return _confirm(
            request,
            record,
            chosen,
            action=action,
            errors=[ErrorLink("main-content", text) for text in refused.messages],
            status=refused.status,
        )
    messages.success(request, message)
    return redirect(reverse("web:period", args=[record.slug, chosen.code]) + "#publishing")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publish(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    return _act(request, slug, period, "publish")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def unpublish(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    return _act(request, slug, period, "unpublish")
