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

from dataclasses import dataclass
from datetime import date
from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

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

# Who reads staff email addresses (``can_read_staff_emails``, ADR 0070).
STAFF_EMAIL_ROLES = frozenset({Role.LEAD, Role.ADMIN})


def _signed_in(user: AnyUser) -> TypeGuard[User]:
    return isinstance(user, User) and user.is_authenticated and user.is_active


def is_operator(user: AnyUser) -> bool:
    """An active superuser: runs the installation and may do everything."""
    return bool(user.is_superuser and user.is_active)


@dataclass(frozen=True)
class Grant:
    """One membership as the rules read it: a role in an organisation, on one plan or (``plan_id``
    None) on all its plans, until ``ends_on`` (an inspector's last day) or for good."""

    organisation_id: int
    plan_id: int | None
    role: Role
    ends_on: date | None

    def current(self, today: date) -> bool:
        """In force ``today``, as ``MembershipQuerySet.current`` finds it."""
        return self.ends_on is None or self.ends_on >= today

    def reaches(self, plan: PlanRecord, today: date) -> bool:
        """In force ``today`` and on ``plan``."""
        if not self.current(today):
            return False
        if self.plan_id is None:
            return self.organisation_id == plan.organisation_id
        return self.plan_id == plan.pk


@dataclass(frozen=True)
class Access:
    """What one person may reach, from one read of their memberships (``access_of``).

    Every question a page asks of its reader (may they see this plan, which roles do they
    hold on it, do they manage the organisation's users, may they read staff addresses, do
    they inspect it) is answered from this, without another query: a web request reads it
    once (``plantracker.web.access``). ``plan_roles`` and ``can_manage_users`` are answered
    from it too, so that the rules are written once.
    """

    operator: bool
    grants: tuple[Grant, ...]
    # The organisation the person belongs to (their first membership's, as
    # ``services.user_organisation`` finds it), None before their first role.
    organisation: Organisation | None
    today: date

    def roles(self, plan: PlanRecord) -> frozenset[Role]:
        """``plan_roles``: the roles held on ``plan``, organisation-wide ones included."""
        return frozenset(grant.role for grant in self.grants if grant.reaches(plan, self.today))

    def may_view(self, plan: PlanRecord, *, inspector: bool = True) -> bool:
        """``plan`` is among ``selectors.plans_for_user(inspector=inspector)``: the
        operator's, or reached by a role in force (an inspector's only with ``inspector``)."""
        if self.operator:
            return True
        roles = self.roles(plan)
        return bool(roles if inspector else roles - {Role.INSPECTOR})

    def inspects(self, plan: PlanRecord) -> bool:
        """Holds an inspector's role in force on ``plan`` (ADR 0080)."""
        return Role.INSPECTOR in self.roles(plan)

    @property
    def inspector(self) -> bool:
        """Holds an inspector's role in force on some plan (ADR 0080)."""
        return any(
            grant.role == Role.INSPECTOR and grant.current(self.today) for grant in self.grants
        )

    def manages_users(self, organisation: Organisation) -> bool:
        """``can_manage_users``: the operator, or an admin of ``organisation``."""
        return self.operator or any(
            grant.role == Role.ADMIN
            and grant.plan_id is None
            and grant.organisation_id == organisation.pk
            for grant in self.grants
        )

    def staff_emails(self, plan: PlanRecord) -> bool:
        """``can_read_staff_emails`` (ADR 0070)."""
        return self.operator or bool(self.roles(plan) & STAFF_EMAIL_ROLES)


def access_of(user: AnyUser) -> Access:
    """``user``'s access: one query for a signed-in, active user (every membership, ended
    inspectors' included, with its organisation); none for anybody else, who reach nothing."""
    today = timezone.localdate()
    if not _signed_in(user):
        return Access(operator=False, grants=(), organisation=None, today=today)
    # Unordered: the model's ordering joins the user's and the plan's tables to sort by them.
    memberships = list(
        Membership.objects.filter(user_id=user.pk).select_related("organisation").order_by()
    )
    # ``user_organisation``'s: the first by the organisation's name (the model's ordering).
    first = min(memberships, key=lambda membership: membership.organisation.name, default=None)
    return Access(
        operator=is_operator(user),
        grants=tuple(
            Grant(
                organisation_id=membership.organisation_id,
                plan_id=membership.plan_id,
                role=Role(membership.role),
                ends_on=membership.ends_on,
            )
            for membership in memberships
        ),
        organisation=None if first is None else first.organisation,
        today=today,
    )


def plan_roles(user: AnyUser, plan: PlanRecord) -> frozenset[Role]:
    """The roles ``user`` holds on ``plan`` (organisation-wide ones included); one query."""
    if not _signed_in(user):
        return frozenset()
    return access_of(user).roles(plan)


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
    return access_of(user).manages_users(organisation)


def can_import(user: AnyUser, organisation: Organisation, plan: PlanRecord | None) -> bool:
    """A new plan is an admin's to add; replacing a plan's contents is its lead's work."""
    if plan is not None:
        return can_edit(user, plan)
    return can_manage_users(user, organisation)


def can_read_staff_emails(user: AnyUser, plan: PlanRecord) -> bool:
    """Whether the audit trail names people with their email addresses (ADR 0070): the plan's
    leads and its organisation's admins, who assign work and manage the accounts; everyone
    else who reads the plan sees names only."""
    return is_operator(user) or bool(plan_roles(user, plan) & STAFF_EMAIL_ROLES)


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
