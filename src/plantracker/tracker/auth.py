"""Sign-in helpers shared by settings: usernames are email addresses, compared lower-case."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

AXES_USERNAME_MAX_LENGTH = 255


def normalise_username(username: str) -> str:
    """The stored form of a username (an email address): trimmed, lower-case."""
    return username.strip().lower()


def axes_username(request: HttpRequest, credentials: Mapping[str, Any] | None = None) -> str:
    """The username django-axes counts failures against.

    Without this, ``Jane@x.gov.uk`` and ``jane@x.gov.uk`` would be separate counters for one
    account, doubling the guesses allowed before lockout.
    """
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "")
    # axes stores it in a 255-character column: PostgreSQL refuses a longer one (a 500 on
    # the sign-in page for anyone posting a long name), so count it under its first 255.
    return normalise_username(str(raw))[:AXES_USERNAME_MAX_LENGTH]
