"""Who may do what (ADR 0013); views and the API ask these functions.

A user reaches a plan through a membership of its organisation: on that plan, or on every
plan of the organisation (``plan`` null). Roles:

- viewer: reads the plan;
- contributor: reads the plan, gives updates for the items and risks linked to them;
- lead: everything on the plan (narrative, periods, review, updates of any item);
- admin: reads every plan of the organisation and manages its users and roles; plan work
  needs a lead role as well, so that every edit is by someone accountable for the plan;
- inspector (ADR 0080): reads the plan as a viewer does, evidence and audit trail included,
  until the role's last day (``Membership.ends_on``); after it the role grants nothing, so
  the plan is a 404 like any plan the person cannot view. Never writes; not in the API.

Superusers (the operators of the installation) may do everything. Inactive and anonymous
users may do nothing. A plan the user cannot view must be answered with 404, not 403, so
that another organisation's slugs are not disclosed (``selectors.plan_for_user``).
"""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from plantracker.tracker.models import (
    Item,
    Membership,
    Organisation,
    PlanRecord,
    Risk,
    Role,
    User,
)

AnyUser = User | AnonymousUser


def _signed_in(user: AnyUser) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def is_operator(user: AnyUser) -> bool:
    """An active superuser: runs the installation and may do everything."""
    return bool(user.is_superuser and user.is_active)


def plan_roles(user: AnyUser, plan: PlanRecord) -> frozenset[Role]:
    """The roles ``user`` holds on ``plan`` (organisation-wide ones included); one query."""
    if not _signed_in(user):
        return frozenset()
    roles = (
        Membership.objects.current()
        .filter(
            Q(plan=plan) | Q(plan__isnull=True, organisation_id=plan.organisation_id),
            user_id=user.pk,
        )
        .values_list("role", flat=True)
    )
    return frozenset(Role(role) for role in roles)


def can_view(user: AnyUser, plan: PlanRecord) -> bool:
    """Any role reaching the plan lets its holder read it."""
    return is_operator(user) or bool(plan_roles(user, plan))


def can_edit(user: AnyUser, plan: PlanRecord) -> bool:
    """Lead work on the plan: narrative, periods, review, re-import, every item's update."""
    return is_operator(user) or Role.LEAD in plan_roles(user, plan)


def can_contribute(user: AnyUser, plan: PlanRecord) -> bool:
    """May give updates on this plan (for linked items, or any item as a lead)."""
    if is_operator(user):
        return True
    return bool(plan_roles(user, plan) & {Role.LEAD, Role.CONTRIBUTOR})


def can_update_item(user: AnyUser, item: Item) -> bool:
    """A lead of the plan, or a contributor linked to the item as its owner or deputy
    (ADR 0068)."""
    roles = plan_roles(user, item.plan)
    if is_operator(user) or Role.LEAD in roles:
        return True
    return Role.CONTRIBUTOR in roles and user.pk in (item.owner_user_id, item.deputy_user_id)


def can_update_risk(user: AnyUser, risk: Risk) -> bool:
    """A lead of the plan, or a contributor linked to the risk as its owner."""
    roles = plan_roles(user, risk.plan)
    if is_operator(user) or Role.LEAD in roles:
        return True
    return Role.CONTRIBUTOR in roles and risk.owner_user_id == user.pk


def can_manage_users(user: AnyUser, organisation: Organisation) -> bool:
    """Admins of the organisation add users, grant and revoke roles, link owners."""
    if is_operator(user):
        return True
    if not _signed_in(user):
        return False
    return Membership.objects.filter(
        user_id=user.pk, organisation=organisation, plan__isnull=True, role=Role.ADMIN
    ).exists()


def can_import(user: AnyUser, organisation: Organisation, plan: PlanRecord | None) -> bool:
    """A new plan is an admin's to add; replacing a plan's contents is its lead's work."""
    if plan is not None:
        return can_edit(user, plan)
    return can_manage_users(user, organisation)


def can_read_staff_emails(user: AnyUser, plan: PlanRecord) -> bool:
    """Whether the audit trail names people with their email addresses (ADR 0070): the plan's
    leads and its organisation's admins, who assign work and manage the accounts; everyone
    else who reads the plan sees names only."""
    return is_operator(user) or bool(plan_roles(user, plan) & {Role.LEAD, Role.ADMIN})


# A period's evidence pack (ADR 0080): the plan's inspectors, leads and its organisation's
# admins; not viewers or contributors, who read each piece of evidence on its page but have
# no need of the whole plan's files in one download.
EVIDENCE_PACK_ROLES = frozenset({Role.INSPECTOR, Role.LEAD, Role.ADMIN})
# The record of the pages inspectors opened (ADR 0080): the plan's leads and its
# organisation's admins, who gave the inspectors their access.
INSPECTOR_VISITS_ROLES = frozenset({Role.LEAD, Role.ADMIN})


def can_download_evidence_pack(user: AnyUser, plan: PlanRecord) -> bool:
    return is_operator(user) or bool(plan_roles(user, plan) & EVIDENCE_PACK_ROLES)


def can_read_inspector_visits(user: AnyUser, plan: PlanRecord) -> bool:
    return is_operator(user) or bool(plan_roles(user, plan) & INSPECTOR_VISITS_ROLES)
