"""A period's rules result for the summary and report endpoints: the tracker's
``period_result``, so a closed period answers from its snapshot exactly as the web does,
evaluated once per data version (``counted_period_result``, ADR 0064)."""

from __future__ import annotations

from typing import Any

from plantracker.domain.results import PeriodResult
from plantracker.domain.summary import summary_dict
from plantracker.tracker.models import Period, PlanRecord
from plantracker.tracker.selectors.cached import counted_period_result


def period_result(record: PlanRecord, period: Period) -> PeriodResult:
    """What the period reports: its snapshot once closed, the approved entries while open."""
    return counted_period_result(plan_record=record, period_code=period.code)


def period_summary(record: PlanRecord, period: Period) -> dict[str, Any]:
    """Exactly what ``plantracker summary SLUG --period ID --json`` prints."""
    return summary_dict(period_result(record, period))
