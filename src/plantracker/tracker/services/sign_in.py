"""An organisation's own OpenID Connect provider (ADR 0075), kept as allauth's ``SocialApp``
record linked to the organisation by ``OrganisationProvider``.

Changes who can sign in, not what a plan counts: no data version (ADR 0062).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.db import transaction

from plantracker.tracker.models import Organisation, OrganisationProvider
from plantracker.tracker.services.workflow_errors import InvalidInput

PROVIDER = "openid_connect"
NAME_MAX = 40  # SocialApp.name
CLIENT_MAX = 191  # SocialApp.client_id and secret


def provider_id_for(organisation: Organisation) -> str:
    """The provider id in the sign-in URLs: ``/accounts/oidc/org-<slug>/login/``."""
    return f"org-{organisation.slug}"


def _issuer_problem(issuer: str) -> str | None:
    parts = urlsplit(issuer)
    if not parts.scheme or not parts.netloc:
        return (
            "Enter the issuer as a full address, like "
            "https://login.microsoftonline.com/<tenant>/v2.0"
        )
    if parts.scheme == "http" and parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        return "The issuer's address must start with https://"
    if parts.scheme not in ("http", "https"):
        return "The issuer's address must start with https://"
    if parts.query or parts.fragment:
        return "The issuer's address has no ? or # part"
    return None


def organisation_provider_set(
    *,
    organisation: Organisation,
    name: str,
    issuer: str,
    client_id: str,
    secret: str,
) -> SocialApp:
    """Register or change the organisation's provider. A blank ``secret`` keeps the stored
    one (the page never shows it back); a new provider needs one."""
    name, issuer, client_id = name.strip(), issuer.strip().rstrip("/"), client_id.strip()
    existing = (
        OrganisationProvider.objects.select_related("app").filter(organisation=organisation).first()
    )
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Enter the name people will see, like Example Council account"
    elif len(name) > NAME_MAX:
        errors["name"] = f"The name must be {NAME_MAX} characters or fewer"
    problem = _issuer_problem(issuer)
    if problem:
        errors["issuer"] = problem
    if not client_id:
        errors["client_id"] = "Enter the client ID (the application ID) from the provider"
    elif len(client_id) > CLIENT_MAX:
        errors["client_id"] = f"The client ID must be {CLIENT_MAX} characters or fewer"
    if not secret and existing is None:
        errors["secret"] = "Enter the client secret from the provider"
    elif len(secret) > CLIENT_MAX:
        errors["secret"] = f"The client secret must be {CLIENT_MAX} characters or fewer"
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        app = existing.app if existing is not None else SocialApp(provider=PROVIDER)
        app.provider_id = provider_id_for(organisation)
        app.name = name
        app.client_id = client_id
        if secret:
            app.secret = secret
        app.settings = {"server_url": issuer, **settings.OIDC_APP_SETTINGS}
        app.save()
        if existing is None:
            OrganisationProvider.objects.create(organisation=organisation, app=app)
    return app


def organisation_provider_remove(*, organisation: Organisation) -> bool:
    """Remove the organisation's provider (its people sign in with passwords, or the
    deployment's provider); False when it had none."""
    with transaction.atomic():
        link = OrganisationProvider.objects.filter(organisation=organisation).first()
        if link is None:
            return False
        SocialApp.objects.filter(pk=link.app_id).delete()
    return True
