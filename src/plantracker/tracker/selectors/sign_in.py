"""Reads for single sign-on (ADR 0075): whom a provider's verified email signs in, and which
organisation owns a provider registered in the database."""

from __future__ import annotations

from allauth.socialaccount.models import SocialApp

from plantracker.tracker.auth import normalise_username
from plantracker.tracker.models import Organisation, OrganisationProvider, User


def sign_in_user(*, email: str, organisation: Organisation | None) -> User | None:
    """The active account whose username is ``email``; with ``organisation``, only one
    holding a role in it (an organisation's provider vouches for its own people only)."""
    users = User.objects.filter(username=normalise_username(email), is_active=True)
    if organisation is not None:
        users = users.filter(memberships__organisation=organisation)
    return users.distinct().first()


def is_deactivated(*, email: str) -> bool:
    """Whether ``email`` is the username of an account an admin deactivated."""
    return User.objects.filter(username=normalise_username(email), is_active=False).exists()


def provider_organisation(*, provider_id: str) -> Organisation | None:
    """The organisation that registered the provider ``provider_id``; None for the
    deployment's own provider (from settings) or an unknown one."""
    link = (
        OrganisationProvider.objects.select_related("organisation")
        .filter(app__provider_id=provider_id)
        .first()
    )
    return None if link is None else link.organisation


def organisation_provider(*, organisation: Organisation) -> SocialApp | None:
    """The organisation's own provider record, if it registered one."""
    link = OrganisationProvider.objects.select_related("app").filter(organisation=organisation)
    first = link.first()
    return None if first is None else first.app
