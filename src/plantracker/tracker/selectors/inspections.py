"""Inspectors (ADR 0080): the plan an inspector is opening, the record of their visits,
and the roles whose last day has passed."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from plantracker.tracker.models import InspectorVisit, Membership, PlanRecord, Role, User


def inspected_plan(*, user: User, slug: str) -> PlanRecord | None:
    """The plan ``slug`` when ``user`` holds an inspector's role in force on it (on the plan
    or on every plan of its organisation); None otherwise. One query."""
    inspecting = Membership.objects.current().filter(user_id=user.pk, role=Role.INSPECTOR)
    return (
        PlanRecord.objects.filter(slug=slug)
        .filter(
            Q(pk__in=inspecting.filter(plan__isnull=False).values("plan_id"))
            | Q(organisation_id__in=inspecting.filter(plan__isnull=True).values("organisation_id"))
        )
        .first()
    )


def inspector_visits(*, plan_record: PlanRecord) -> QuerySet[InspectorVisit]:
    """Every page inspectors opened on the plan, latest first, with who opened it."""
    return InspectorVisit.objects.filter(plan=plan_record).select_related("user")


def ended_inspections(*, user: User) -> list[Membership]:
    """``user``'s inspector roles whose last day has passed, with their plan and
    organisation, for the plan list to say why a plan is no longer there."""
    today = timezone.localdate()
    return list(
        Membership.objects.filter(user_id=user.pk, role=Role.INSPECTOR, ends_on__lt=today)
        .select_related("plan", "organisation")
        .order_by("-ends_on")
    )
