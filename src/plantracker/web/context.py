"""What every page's template may ask of its reader: the header's organisation and whether
they manage users (``site``), and whether the people on the page are shown with their email
addresses (``staff_emails``, read by ``{% person %}``). Both lazily, from the request's
access (``web.access``): a template that uses neither costs nothing, one that uses both
costs the one query of the reader's memberships, shared with the view."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from plantracker.tracker.models import Organisation
from plantracker.web.access import request_access, staff_emails


@dataclass(frozen=True)
class Navigation:
    organisation: Organisation | None
    manages_users: bool


def _navigation(request: HttpRequest) -> Navigation:
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return Navigation(organisation=None, manages_users=False)
    access = request_access(request)
    organisation = access.organisation
    manages = organisation is not None and access.manages_users(organisation)
    return Navigation(organisation=organisation, manages_users=manages)


def navigation(request: HttpRequest) -> dict[str, object]:
    """``site`` and ``staff_emails`` in every template, each worked out at its first use."""
    return {
        "site": SimpleLazyObject(lambda: _navigation(request)),
        "staff_emails": SimpleLazyObject(lambda: staff_emails(request)),
    }
