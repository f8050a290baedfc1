"""Two-factor for password sign-in (ADR 0075): a TOTP authenticator and recovery codes,
stored and checked by allauth.mfa's models.

Changes how a person signs in, not what a plan counts: no data version (ADR 0062).
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
from django.db import transaction

from plantracker.tracker.models import User
from plantracker.tracker.services.workflow_errors import InvalidInput, StateConflict

CODE_FORMAT = "Enter the 6-digit code from your authenticator app"


def two_factor_enable(*, user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor on with ``secret`` once ``code`` proves the person's app holds it;
    the recovery codes to show them once."""
    code = "".join(code.split())
    if not (len(code) == 6 and code.isdigit()):
        raise InvalidInput({"code": CODE_FORMAT})
    if not validate_totp_code(secret, code):
        raise InvalidInput(
            {"code": "The code is not right: check the app's clock, then enter its current code"}
        )
    with transaction.atomic():
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            raise StateConflict("Two-factor is already on for this account")
        TOTP.activate(user, secret)
        Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
        codes = RecoveryCodes.activate(user)
    return codes.get_unused_codes()


def two_factor_disable(*, user: User) -> bool:
    """Turn two-factor off (authenticator and recovery codes); False when it was off."""
    with transaction.atomic():
        deleted, _ = Authenticator.objects.filter(
            user=user,
            type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES],
        ).delete()
    return deleted > 0


def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes in place of the old ones (all of which stop working)."""
    with transaction.atomic():
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            raise StateConflict("Two-factor is off for this account: set it up first")
        Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
        codes = RecoveryCodes.activate(user)
    return codes.get_unused_codes()


def two_factor_check(*, user: User, code: str) -> bool:
    """Whether ``code`` is the account's current TOTP code or one of its unused recovery
    codes; a recovery code is used up, and a TOTP code is refused a second time."""
    code = "".join(code.split())
    if not code:
        return False
    with transaction.atomic():
        for authenticator in Authenticator.objects.select_for_update(of=("self",)).filter(
            user=user,
            type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES],
        ):
            if authenticator.wrap().validate_code(code):
                authenticator.record_usage()
                return True
    return False
