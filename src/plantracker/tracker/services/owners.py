"""Linking the plan's owners and leads to user accounts.

The plan file names owners as text ("Head of Early Help"); a link says which account that
is, so that the person sees the item among their updates and receives reminders.
"""

from __future__ import annotations

from django.db import transaction

from plantracker.tracker.models import Item, Membership, PlanRecord, Recommendation, Risk, User
from plantracker.tracker.services.errors import ServiceError


def _check_member(user: User | None, plan: PlanRecord) -> None:
    if user is None:
        return
    if not Membership.objects.filter(user=user, organisation_id=plan.organisation_id).exists():
        raise ServiceError(
            f"{user.username} is not a member of {plan.organisation.name}; grant a role first"
        )


@transaction.atomic
def item_owner_link(*, item: Item, user: User | None) -> Item:
    """Link ``item`` to its owner's account (None unlinks)."""
    _check_member(user, item.plan)
    item.owner_user = user
    item.version += 1
    item.save(update_fields=["owner_user", "version"])
    return item


@transaction.atomic
def risk_owner_link(*, risk: Risk, user: User | None) -> Risk:
    """Link ``risk`` to its owner's account (None unlinks)."""
    _check_member(user, risk.plan)
    risk.owner_user = user
    risk.version += 1
    risk.save(update_fields=["owner_user", "version"])
    return risk


@transaction.atomic
def recommendation_lead_link(
    *, recommendation: Recommendation, user: User | None
) -> Recommendation:
    """Link ``recommendation`` to its lead's account (None unlinks)."""
    _check_member(user, recommendation.plan)
    recommendation.lead_user = user
    recommendation.version += 1
    recommendation.save(update_fields=["lead_user", "version"])
    return recommendation
