"""Reads for two-factor (ADR 0075)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

from plantracker.tracker.models import Membership, Role, User


def has_two_factor(user: User) -> bool:
    """Whether the account has a TOTP authenticator (password sign-in asks for its code)."""
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def recovery_codes_left(user: User) -> list[str]:
    """The account's unused recovery codes."""
    authenticator = Authenticator.objects.filter(
        user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES
    ).first()
    return [] if authenticator is None else RecoveryCodes(authenticator).get_unused_codes()


def must_use_two_factor(user: User) -> bool:
    """Admins (organisation admins, staff, operators) when the deployment requires it."""
    return (
        user.is_superuser
        or user.is_staff
        or Membership.objects.filter(user_id=user.pk, role=Role.ADMIN).exists()
    )
