"""Linking the plan's owners and leads to user accounts (ADR 0068).

The plan file names owners as text ("Head of Early Help"); a link says which account that
is, so that the person sees the item among their updates and receives reminders. An item
may also have a deputy account, who may update it as its owner may.

Assigning owners is plan work: a lead of the plan does it (ADR 0013), on a person's page,
on an item's page, through the API, or an operator with ``plantracker user add --owns``
(``actor`` None: the command line runs as the installation's operator). The person must
hold a role that lets them give updates on the plan (contributor or lead). Each change is
audited with who made it and why, and adds one to the plan's data version: the plan file
exported from the plan names the owners' accounts (docs/plan-file.md#owners).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Model

from plantracker.tracker.models import (
    Item,
    Membership,
    PlanRecord,
    Recommendation,
    Risk,
    Role,
    User,
)
from plantracker.tracker.permissions import can_edit, plan_roles
from plantracker.tracker.services.data_version import data_version_bump
from plantracker.tracker.services.errors import ServiceError
from plantracker.tracker.services.workflow_errors import InvalidInput, NotAllowed

REASON = "owner assigned"


def _check_member(user: User | None, plan: PlanRecord) -> None:
    if user is None:
        return
    if not Membership.objects.filter(user=user, organisation_id=plan.organisation_id).exists():
        raise ServiceError(
            f"{user.username} is not a member of {plan.organisation.name}; grant a role first"
        )


def _check_lead(actor: User | None, plan: PlanRecord) -> None:
    """A lead of the plan (or the operator) assigns owners; anybody else is refused."""
    if actor is not None and not can_edit(actor, plan):
        raise NotAllowed(f"Only a lead of {plan.title} assigns its owners")


def _check_may_own(user: User | None, plan: PlanRecord, field: str) -> None:
    """An owner or deputy must be able to give the item's updates: a contributor or lead of
    the plan, with an active account."""
    if user is None:
        return
    if not user.is_active:
        raise InvalidInput({field: f"{user.username}'s account is deactivated"})
    if not plan_roles(user, plan) & {Role.LEAD, Role.CONTRIBUTOR}:
        raise InvalidInput(
            {
                field: f"{user.username} has no contributor or lead role on {plan.title}; "
                "ask your organisation's admin to give them one"
            }
        )


def _save(row: Model, actor: User | None, fields: list[str], reason: str) -> None:
    row.version += 1  # type: ignore[attr-defined]
    row._history_user = actor  # type: ignore[attr-defined]
    row._change_reason = reason  # type: ignore[attr-defined]
    row.save(update_fields=[*fields, "version"])


@transaction.atomic
def item_owner_link(*, item: Item, user: User | None) -> Item:
    """Link ``item`` to its owner's account (None unlinks)."""
    _check_member(user, item.plan)
    item.owner_user = user
    _save(item, None, ["owner_user"], REASON)
    data_version_bump(plan_ids=[item.plan_id])
    return item


@transaction.atomic
def risk_owner_link(*, risk: Risk, user: User | None) -> Risk:
    """Link ``risk`` to its owner's account (None unlinks)."""
    _check_member(user, risk.plan)
    risk.owner_user = user
    _save(risk, None, ["owner_user"], REASON)
    data_version_bump(plan_ids=[risk.plan_id])
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


@dataclass(frozen=True)
class OwnersAssigned:
    """What ``owners_assign`` changed: how many items and risks it linked and unlinked."""

    linked: int
    unlinked: int


@transaction.atomic
def owners_assign(
    *,
    actor: User | None,
    plan: PlanRecord,
    user: User,
    item_ids: Collection[int],
    risk_ids: Collection[int],
    replace: bool,
) -> OwnersAssigned:
    """Make ``user`` the owner of the plan's items ``item_ids`` and risks ``risk_ids``.

    With ``replace`` the person owns exactly those afterwards (a person's page: the boxes
    left unticked are unlinked); without it they are added to what the person owns. An item
    whose deputy was ``user`` keeps no deputy once ``user`` owns it. An id not of the plan
    is refused (InvalidInput) and nothing is written.
    """
    _check_lead(actor, plan)
    _check_may_own(user, plan, "owner")
    items = {i.pk: i for i in Item.objects.select_for_update(of=("self",)).filter(plan=plan)}
    risks = {r.pk: r for r in Risk.objects.select_for_update(of=("self",)).filter(plan=plan)}
    unknown = [str(pk) for pk in item_ids if pk not in items]
    unknown += [f"risk {pk}" for pk in risk_ids if pk not in risks]
    if unknown:
        raise InvalidInput({"items": f"Not items of {plan.title}: {', '.join(unknown)}"})
    linked = unlinked = 0
    wanted_items, wanted_risks = set(item_ids), set(risk_ids)
    reason = f"owner assigned: {user.username}"
    for pk, item in sorted(items.items()):
        if pk in wanted_items and item.owner_user_id != user.pk:
            item.owner_user = user
            fields = ["owner_user"]
            if item.deputy_user_id == user.pk:
                item.deputy_user = None
                fields.append("deputy_user")
            _save(item, actor, fields, reason)
            linked += 1
        elif replace and pk not in wanted_items and item.owner_user_id == user.pk:
            item.owner_user = None
            _save(item, actor, ["owner_user"], f"owner unassigned: {user.username}")
            unlinked += 1
    for pk, risk in sorted(risks.items()):
        if pk in wanted_risks and risk.owner_user_id != user.pk:
            risk.owner_user = user
            _save(risk, actor, ["owner_user"], reason)
            linked += 1
        elif replace and pk not in wanted_risks and risk.owner_user_id == user.pk:
            risk.owner_user = None
            _save(risk, actor, ["owner_user"], f"owner unassigned: {user.username}")
            unlinked += 1
    if linked or unlinked:
        data_version_bump(plan_ids=[plan.pk])
    return OwnersAssigned(linked=linked, unlinked=unlinked)


@transaction.atomic
def item_owners_set(
    *, actor: User | None, item: Item, owner: User | None, deputy: User | None
) -> Item:
    """Set ``item``'s owner and deputy accounts (None: nobody); the deputy may update the
    item as the owner may (ADR 0068) and must be another person."""
    _check_lead(actor, item.plan)
    _check_may_own(owner, item.plan, "owner")
    _check_may_own(deputy, item.plan, "deputy")
    if deputy is not None and owner is not None and deputy.pk == owner.pk:
        raise InvalidInput({"deputy": "Choose a deputy other than the owner"})
    locked = Item.objects.select_for_update(of=("self",)).select_related("plan").get(pk=item.pk)
    owner_id = owner.pk if owner is not None else None
    deputy_id = deputy.pk if deputy is not None else None
    if (locked.owner_user_id, locked.deputy_user_id) == (owner_id, deputy_id):
        return locked
    locked.owner_user = owner
    locked.deputy_user = deputy
    who = owner.username if owner is not None else "nobody"
    reason = f"owner set: {who}" + (f", deputy {deputy.username}" if deputy else "")
    _save(locked, actor, ["owner_user", "deputy_user"], reason)
    data_version_bump(plan_ids=[locked.plan_id])
    return locked


@transaction.atomic
def risk_owner_set(*, actor: User | None, risk: Risk, owner: User | None) -> Risk:
    """Set ``risk``'s owner account (None: nobody)."""
    _check_lead(actor, risk.plan)
    _check_may_own(owner, risk.plan, "owner")
    locked = Risk.objects.select_for_update(of=("self",)).select_related("plan").get(pk=risk.pk)
    if locked.owner_user_id == (owner.pk if owner is not None else None):
        return locked
    locked.owner_user = owner
    who = owner.username if owner is not None else "nobody"
    _save(locked, actor, ["owner_user"], f"owner set: {who}")
    data_version_bump(plan_ids=[locked.plan_id])
    return locked
