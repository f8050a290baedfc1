"""What every page's header needs: the person's organisation and whether they manage users."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from plantracker.tracker.models import Organisation
from plantracker.tracker.permissions import can_manage_users
from plantracker.tracker.services import user_organisation


@dataclass(frozen=True)
class Navigation:
    organisation: Organisation | None
    manages_users: bool


def _navigation(request: HttpRequest) -> Navigation:
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return Navigation(organisation=None, manages_users=False)
    organisation = user_organisation(user)
    manages = organisation is not None and can_manage_users(user, organisation)
    return Navigation(organisation=organisation, manages_users=manages)


def navigation(request: HttpRequest) -> dict[str, object]:
    """``site`` in every template; looked up only when a template uses it (two queries)."""
    return {"site": SimpleLazyObject(lambda: _navigation(request))}
