"""Every page an inspector opens is recorded (ADR 0080): after each request of a plan's
page (a URL of the web app with the plan's slug), when the person holds an inspector's
role in force on that plan, the visit is written through ``inspector_visit_record``. No
other role is recorded, and the API does not serve inspectors at all.

Asked of the request's access (``web.access``), which the page read already: a reader who
holds no inspector's role in force anywhere costs no query."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from plantracker.tracker.models import User
from plantracker.tracker.selectors.inspections import inspected_plan
from plantracker.tracker.services.inspections import inspector_visit_record
from plantracker.web.access import page_plan, request_access


class InspectorVisitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        user = getattr(request, "user", None)
        if (
            match is None
            or match.namespace != "web"
            or not isinstance(match.kwargs.get("slug"), str)
            or not isinstance(user, User)
            or not user.is_active
            or user.is_superuser
        ):
            return response
        # The reader's access, read by the page already (``request_access``): most readers
        # inspect nothing, and their pages cost no query here.
        access = request_access(request)
        if not access.inspector:
            return response
        slug = match.kwargs["slug"]
        plan = page_plan(request)
        if plan is None or plan.slug != slug:
            plan = inspected_plan(user=user, slug=slug)
        if plan is not None and access.inspects(plan):
            inspector_visit_record(
                user=user,
                plan=plan,
                path=request.get_full_path(),
                method=request.method or "GET",
                status=response.status_code,
            )
        return response
