"""Writes: typed keyword-only functions, each one transaction (CONVENTIONS "Writes in
services, reads in selectors"). They raise ServiceError with one message per problem."""

from plantracker.tracker.services.accounts import (
    MemberAdded,
    UserAdded,
    member_add,
    role_grant,
    role_revoke,
    user_add,
    user_organisation,
)
from plantracker.tracker.services.errors import ServiceError
from plantracker.tracker.services.owners import (
    item_owner_link,
    recommendation_lead_link,
    risk_owner_link,
)
from plantracker.tracker.services.plan_import import plan_import, slug_for_title

__all__ = [
    "MemberAdded",
    "ServiceError",
    "UserAdded",
    "item_owner_link",
    "member_add",
    "plan_import",
    "recommendation_lead_link",
    "risk_owner_link",
    "role_grant",
    "role_revoke",
    "slug_for_title",
    "user_add",
    "user_organisation",
]
