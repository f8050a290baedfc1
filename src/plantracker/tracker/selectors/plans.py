"""Which plans, items and users a person may see (ADR 0013)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from plantracker.tracker.models import (
    Item,
    Membership,
    Organisation,
    PlanRecord,
    Risk,
    Role,
    User,
)
from plantracker.tracker.permissions import Access, AnyUser, is_operator


def plans_for_user(*, user: AnyUser, inspector: bool = True) -> QuerySet[PlanRecord]:
    """The plans ``user`` may view, with their organisation; one query when evaluated.

    Only roles in force count: an inspector's ends after its last day (ADR 0080). With
    ``inspector`` False an inspector's role does not count at all (the API's, ADR 0080).
    """
    plans = PlanRecord.objects.select_related("organisation").order_by(
        "organisation__name", "title"
    )
    if is_operator(user):
        return plans
    if not (user.is_authenticated and user.is_active):
        return plans.none()
    memberships = Membership.objects.current().filter(user_id=user.pk)
    if not inspector:
        memberships = memberships.exclude(role=Role.INSPECTOR)
    return plans.filter(
        Q(organisation_id__in=memberships.filter(plan__isnull=True).values("organisation_id"))
        | Q(pk__in=memberships.filter(plan__isnull=False).values("plan_id"))
    )


def plan_for_user(*, user: AnyUser, slug: str, inspector: bool = True) -> PlanRecord:
    """The plan ``slug`` if ``user`` may view it; otherwise Http404, exactly as for a slug
    that does not exist, so that another organisation's plans are not disclosed."""
    plan = plans_for_user(user=user, inspector=inspector).filter(slug=slug).first()
    if plan is None:
        raise Http404("No such plan")
    return plan


def plan_for_access(*, access: Access, slug: str, inspector: bool = True) -> PlanRecord:
    """``plan_for_user`` for a person whose access was read already (``access_of``): the plan
    ``slug`` with its organisation, one query, if ``access`` may view it (``Access.may_view``,
    the rule ``plans_for_user`` applies); otherwise Http404, as for a slug that does not exist."""
    try:
        plan = PlanRecord.objects.select_related("organisation").get(slug=slug)
    except PlanRecord.DoesNotExist:
        plan = None
    if plan is None or not access.may_view(plan, inspector=inspector):
        raise Http404("No such plan")
    return plan


def plan_by_slug(*, slug: str) -> PlanRecord | None:
    """The plan stored under ``slug`` for the command line, which runs as the operator."""
    return PlanRecord.objects.select_related("organisation").filter(slug=slug).first()


def items_owned_by(*, user: User, plan: PlanRecord) -> QuerySet[Item]:
    """Items of ``plan`` linked to ``user`` as owner or deputy (ADR 0068), in plan order."""
    return (
        Item.objects.filter(Q(owner_user=user) | Q(deputy_user=user), plan=plan)
        .select_related("recommendation")
        .order_by("recommendation__position", "kind", "position")
    )


def risks_owned_by(*, user: User, plan: PlanRecord) -> QuerySet[Risk]:
    return Risk.objects.filter(plan=plan, owner_user=user).order_by("position")


def organisation_users(*, organisation: Organisation) -> QuerySet[User]:
    """The organisation's users with their memberships (and plans) prefetched: two queries."""
    memberships = Membership.objects.filter(organisation=organisation).select_related("plan")
    return (
        User.objects.filter(memberships__organisation=organisation)
        .distinct()
        .order_by("username")
        .prefetch_related(Prefetch("memberships", queryset=memberships))
    )
