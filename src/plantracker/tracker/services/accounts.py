"""Accounts: adding users, granting and revoking roles (ADR 0013).

A user belongs to one organisation (ADR 0013): every grant is in the organisation of the
user's existing memberships. These services do not check who is asking; views call
``plantracker.tracker.permissions.can_manage_users`` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from plantracker.tracker.auth import normalise_username
from plantracker.tracker.models import Membership, Organisation, PlanRecord, Role, User
from plantracker.tracker.services.errors import ServiceError


def email_errors(email: str) -> list[str]:
    try:
        validate_email(email)
    except ValidationError:
        return [f"'{email}' is not a valid email address"]
    return []


@dataclass(frozen=True)
class UserAdded:
    user: User
    created: bool


@transaction.atomic
def user_add(*, email: str, password: str | None = None) -> UserAdded:
    """The account whose username is ``email`` (lower-case), created if new.

    ``password`` (checked against the password validators) replaces the current one; a new
    account without one cannot sign in until a password is set.
    """
    username = normalise_username(email)
    errors = email_errors(username)
    if errors:
        raise ServiceError(errors)
    user = User.objects.filter(username=username).first()
    created = user is None
    if user is None:
        user = User(username=username, email=username)
    if password is not None:
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise ServiceError([f"password: {message}" for message in exc.messages]) from exc
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.save()
    return UserAdded(user=user, created=created)


def user_organisation(user: User) -> Organisation | None:
    """The organisation ``user`` belongs to, or None before their first role."""
    membership = Membership.objects.filter(user=user).select_related("organisation").first()
    return None if membership is None else membership.organisation


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: Role,
    organisation: Organisation | None = None,
    plan: PlanRecord | None = None,
    ends_on: date | None = None,
) -> Membership:
    """Give ``user`` ``role`` on ``plan``, or on every plan of ``organisation``.

    One role per user and scope: a second grant for the same scope replaces the first.
    ``admin`` is organisation-wide, so an admin grant with a plan applies to the plan's
    organisation. Refused for a user of another organisation. An inspector's role needs
    ``ends_on``, its last day, after today; no other role takes one (ADR 0080).
    """
    role = Role(role)
    _check_ends_on(role, ends_on)
    if plan is not None:
        if organisation is not None and plan.organisation_id != organisation.pk:
            raise ServiceError(f"plan '{plan.slug}' is not a plan of {organisation.name}")
        organisation = plan.organisation
    if organisation is None:
        raise ServiceError("a role needs an organisation or a plan")
    if role is Role.ADMIN:
        plan = None
    home = user_organisation(user)
    if home is not None and home.pk != organisation.pk:
        raise ServiceError(
            f"{user.username} belongs to {home.name}; a user belongs to one organisation"
        )
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, plan=plan, defaults={"role": role, "ends_on": ends_on}
    )
    return membership


def _check_ends_on(role: Role, ends_on: date | None) -> None:
    if role is not Role.INSPECTOR:
        if ends_on is not None:
            raise ServiceError("only an inspector's role has a last day; leave it empty")
        return
    if ends_on is None:
        raise ServiceError("an inspector's role needs a last day of access")
    today = timezone.localdate()
    if ends_on <= today:
        raise ServiceError(
            f"an inspector's last day of access must be after today ({today.day} {today:%B %Y})"
        )


@transaction.atomic
def role_revoke(*, membership: Membership) -> None:
    membership.delete()


@dataclass(frozen=True)
class MemberAdded:
    user: User
    created: bool
    membership: Membership


@transaction.atomic
def member_add(
    *,
    email: str,
    role: Role,
    plan: PlanRecord | None = None,
    organisation: Organisation | None = None,
    password: str | None = None,
    ends_on: date | None = None,
) -> MemberAdded:
    """``user_add`` and ``role_grant`` in one transaction: a refused role leaves no account.

    For an existing account the role is granted (or replaces the role of the same scope) and
    the password is changed only when one is given.
    """
    added = user_add(email=email, password=password)
    membership = role_grant(
        user=added.user, role=role, organisation=organisation, plan=plan, ends_on=ends_on
    )
    return MemberAdded(user=added.user, created=added.created, membership=membership)


@transaction.atomic
def user_set_active(*, user: User, active: bool) -> User:
    """Deactivate (``active=False``) or reactivate an account; roles and history are kept.

    A deactivated account cannot sign in (Django's ModelBackend refuses inactive users) and
    its sessions stop working on their next request. Added for the web's users page.
    """
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
    return user
