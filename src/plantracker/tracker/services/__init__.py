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
from plantracker.tracker.services.data_version import data_version_bump
from plantracker.tracker.services.errors import ServiceError
from plantracker.tracker.services.narrative import narrative_update
from plantracker.tracker.services.owners import (
    OwnersAssigned,
    item_owner_link,
    item_owners_set,
    owners_assign,
    recommendation_lead_link,
    risk_owner_link,
    risk_owner_set,
)
from plantracker.tracker.services.periods import period_close, period_open, period_reopen
from plantracker.tracker.services.plan_import import plan_import, slug_for_title
from plantracker.tracker.services.updates import (
    update_approve,
    update_bulk_approve,
    update_return,
    update_save_draft,
    update_send,
    update_submit,
)
from plantracker.tracker.services.workflow_errors import (
    ConflictError,
    InvalidInput,
    NotAllowed,
    StateConflict,
)

__all__ = [
    "ConflictError",
    "InvalidInput",
    "MemberAdded",
    "NotAllowed",
    "OwnersAssigned",
    "ServiceError",
    "StateConflict",
    "UserAdded",
    "data_version_bump",
    "item_owner_link",
    "item_owners_set",
    "member_add",
    "narrative_update",
    "owners_assign",
    "period_close",
    "period_open",
    "period_reopen",
    "plan_import",
    "recommendation_lead_link",
    "risk_owner_link",
    "risk_owner_set",
    "role_grant",
    "role_revoke",
    "slug_for_title",
    "update_approve",
    "update_bulk_approve",
    "update_return",
    "update_save_draft",
    "update_send",
    "update_submit",
    "user_add",
    "user_organisation",
]
