"""Which reported KPI values were computed (ADR 0016): the mark a page shows
beside a value that ``statutory apply`` wrote, read as reported (approved, or the approved
copy while a revision is in review), so the mark always belongs to the value shown."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q

from plantracker.domain.computed import DataQuality, QualityFlag, mark_quality, quality_flag
from plantracker.tracker.models import EntryState, KpiValue, PlanRecord
from plantracker.tracker.models.workflow import as_reported


def review_flag(quality: DataQuality | str | None) -> QualityFlag | None:
    """Whether a computed value is flagged for review (ADR 0074), by the deployment's
    threshold (``settings.STATUTORY_ERROR_THRESHOLD``, percent): the one place the Review
    page and ``statutory apply`` ask. ``quality`` is the value's data quality or its whole
    mark (``computed_from``)."""
    if isinstance(quality, str):
        quality = mark_quality(quality)
    return quality_flag(quality, settings.STATUTORY_ERROR_THRESHOLD)


def computed_values(*, plan_record: PlanRecord, ref: str) -> dict[str, str]:
    """Period id → ``statutory:<indicator>`` for each reported value of KPI ``ref`` that was
    computed; periods whose value a person entered are absent. One query."""
    rows = (
        KpiValue.objects.filter(item__plan=plan_record, item__ref=ref)
        .filter(Q(state=EntryState.APPROVED) | Q(approved_copy__isnull=False))
        .select_related("period")
    )
    found: dict[str, str] = {}
    for row in rows:
        computed_from = as_reported(row).computed_from
        if computed_from:
            found[row.period.code] = computed_from
    return found
