"""The reader of a request and the plan they opened, each read once a request.

A page asks many questions of its reader: may they see the plan (404 if not), which roles
they hold on it (the workflow's links, ``may_assign``), whether they manage the
organisation's users and which organisation it is (the header), whether the people on the
page are shown with their email addresses (``{% person %}``, ADR 0070), whether the visit is
an inspector's to record (``InspectorVisitMiddleware``, ADR 0080). Each used to be its own
query; ``request_access`` reads the person's memberships once (``access_of``) and every
question is answered from them. ``request_plan`` finds the URL's plan through it and
remembers it, so that the template tag and the middleware ask nothing more.

Kept on the request object only: a new request reads again, so a role granted or revoked
counts from the next page on.
"""

from __future__ import annotations

from django.http import HttpRequest

from plantracker.tracker.models import PlanRecord
from plantracker.tracker.permissions import Access, access_of
from plantracker.tracker.selectors.plans import plan_for_access

_ACCESS = "_plantracker_access"
_PLAN = "_plantracker_plan"


def request_access(request: HttpRequest) -> Access:
    """The reader's access, read at the first question of the request (one query)."""
    found: Access | None = request.__dict__.get(_ACCESS)
    if found is None:
        found = access_of(request.user)
        request.__dict__[_ACCESS] = found
    return found


def request_plan(request: HttpRequest, slug: str, *, inspector: bool = True) -> PlanRecord:
    """``plan_for_user`` for the request's reader: the plan ``slug`` with its organisation,
    Http404 unless they may view it; remembered as the page's plan."""
    plan = plan_for_access(access=request_access(request), slug=slug, inspector=inspector)
    request.__dict__[_PLAN] = plan
    return plan


def page_plan(request: HttpRequest) -> PlanRecord | None:
    """The plan ``request_plan`` found for this request, None before (or without) it."""
    found: PlanRecord | None = request.__dict__.get(_PLAN)
    return found


def staff_emails(request: HttpRequest) -> bool:
    """Whether this page shows people with their email addresses beside their names: only
    to the plan's leads, its organisation's admins and the operators (ADR 0070,
    ``can_read_staff_emails``). Names only on a page without a plan."""
    plan = page_plan(request)
    return plan is not None and request_access(request).staff_emails(plan)
