"""Inspectors' visits (ADR 0080): every page an inspector opens on a plan they inspect is
recorded, for the plan's leads and its organisation's admins to read. A visit is no plan
data: nothing a plan counts changes with it, so the data version stays (ADR 0062)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from plantracker.tracker.models import InspectorVisit, PlanRecord, User

PATH_LIMIT = 2000


@transaction.atomic
def inspector_visit_record(
    *, user: User, plan: PlanRecord, path: str, method: str, status: int
) -> InspectorVisit:
    """Record that inspector ``user`` opened ``path`` of ``plan`` and got ``status``. The
    caller has found that ``user`` holds an inspector's role in force on ``plan``
    (``selectors.inspections.inspected_plan``)."""
    return InspectorVisit.objects.create(
        user=user,
        plan=plan,
        visited_at=timezone.now(),
        path=path[:PATH_LIMIT],
        method=method[:10],
        status=status,
    )
