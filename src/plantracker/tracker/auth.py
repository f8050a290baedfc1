"""Sign-in helpers shared by settings: usernames are email addresses, compared lower-case."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest


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
    return normalise_username(str(raw))
