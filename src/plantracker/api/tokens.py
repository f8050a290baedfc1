"""Writes and reads of API tokens: make (the secret shown once), revoke, authenticate.

These are the API app's own services (CONVENTIONS "Writes in services"): the web page and
the ``token`` command call them, and they raise the tracker's ``ServiceError`` so every edge
shows refusals the same way.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from plantracker.api.models import ApiToken
from plantracker.tracker.models import User
from plantracker.tracker.services import ServiceError

# A recognisable prefix lets secret scanners (and people) tell a plantracker token apart.
SECRET_PREFIX = "pt_"
SECRET_BYTES = 32  # 256 random bits
SHOWN_PREFIX_LENGTH = len(SECRET_PREFIX) + 6
NAME_MAX_LENGTH = ApiToken._meta.get_field("name").max_length or 100
# last_used is a hint for people, not an audit: writing it on every call would make each
# read a write, so it is refreshed at most once a minute.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedToken:
    """A new token and its secret; the secret exists nowhere else once this is dropped."""

    token: ApiToken
    secret: str


def token_hash(secret: str) -> str:
    """The stored form of a secret: SHA-256, hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _clean_name(name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise ServiceError("token name: give a name that says what the token is for")
    if len(cleaned) > NAME_MAX_LENGTH:
        raise ServiceError(f"token name: at most {NAME_MAX_LENGTH} characters")
    return cleaned


@transaction.atomic
def token_create(*, user: User, name: str) -> CreatedToken:
    """A new token for ``user``; refused for an inactive account."""
    if not user.is_active:
        raise ServiceError(f"{user.username}: the account is deactivated; it cannot have tokens")
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(
        user=user,
        name=_clean_name(name),
        prefix=secret[:SHOWN_PREFIX_LENGTH],
        hashed=token_hash(secret),
    )
    return CreatedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens (revoking a revoked token changes nothing)."""
    token = ApiToken.objects.select_for_update(of=("self",)).filter(pk=token_id, user=user).first()
    if token is None:
        raise ServiceError(f"token {token_id}: {user.username} has no such token")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The user's tokens, newest first, revoked ones included (they show when)."""
    return ApiToken.objects.filter(user=user).order_by("-created", "-pk")


def token_user(*, secret: str) -> User | None:
    """The active user whose unrevoked token ``secret`` is, else None; notes its use."""
    if not secret.startswith(SECRET_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(hashed=token_hash(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used is None or now - token.last_used >= LAST_USED_RESOLUTION:
        # update(): no history row and no race with a concurrent revoke's save().
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user
