"""The record of inspectors' visits to a plan (ADR 0080): every page an inspector opened,
latest first, a page at a time, for the plan's leads and its organisation's admins (anyone
else who reads the plan: 403; another organisation: 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from plantracker.tracker.permissions import can_read_inspector_visits
from plantracker.tracker.selectors.inspections import inspector_visits
from plantracker.web.access import request_plan
from plantracker.web.views.common import crumbs

PAGE_SIZE = 100


@login_required
@require_safe
def inspector_visits_page(request: HttpRequest, slug: str) -> HttpResponse:
    record = request_plan(request, slug)
    if not can_read_inspector_visits(request.user, record):
        raise PermissionDenied("Only the plan's leads and the organisation's admins see this")
    page = Paginator(inspector_visits(plan_record=record), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/inspector_visits.html",
        {
            "record": record,
            "page": page,
            "visits": page.object_list,
            "crumbs": crumbs(record),
            "section": "plans",
        },
    )
