"""Reads of evidence (ADR 0078): what is attached to items' updates in a period."""

from __future__ import annotations

from django.db.models import Count

from plantracker.tracker.models import Evidence, Item, Period
from plantracker.tracker.selectors.workflow import ItemKeys


def evidence_counts(*, period: Period) -> dict[int, int]:
    """Each item's number of pieces of evidence attached (not removed) for ``period``; one
    query."""
    rows = (
        Evidence.objects.filter(period=period, removed_at__isnull=True)
        .values("item_id")
        .annotate(n=Count("pk"))
    )
    return {row["item_id"]: row["n"] for row in rows}


def evidence_list(*, item: Item | ItemKeys, period: Period | None = None) -> list[Evidence]:
    """``item``'s evidence (not removed), for ``period`` or every period, oldest first."""
    found = Evidence.objects.filter(item_id=item.pk, removed_at__isnull=True).select_related(
        "period", "added_by"
    )
    if period is not None:
        found = found.filter(period=period)
    return list(found.order_by("period__position", "added_at", "pk"))
