"""The ``summary --json`` document (docs/rules.md#summary-json).

Built from a ``PeriodResult`` only, so it cannot disagree with the reports. Every kind in
every scope carries ``count``, the seven statuses and ``status``; values are JSON numbers
or null, never strings. Keys may be added (``calculated``, ``boxes``, ``percent``,
``most_concern`` were), never removed.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from plantracker.domain.model import STATUS_ORDER, Kind, NaReason, Status
from plantracker.domain.results import BoxResult, Counts, ItemResult, PeriodResult, RiskResult


def json_number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: an int when whole (``60``), else a float (``58.6``)."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    number = float(value)
    # A number with more digits than a float holds would print as Infinity, which is not
    # JSON; the whole part is then the honest approximation.
    return number if math.isfinite(number) else int(value)


def counts_dict(counts: Counts) -> dict[str, Any]:
    """``count``, the seven statuses, ``status`` and (added) whole-number ``percent``."""
    document: dict[str, Any] = {"count": counts.count}
    for status in STATUS_ORDER:
        document[status.value] = counts[status]
    document["status"] = counts.status.value
    document["percent"] = {status.value: counts.percent(status) for status in STATUS_ORDER}
    document["na_reason"] = _reason(counts.na_reason)
    return document


def _status(status: Status | None) -> str | None:
    return status.value if status is not None else None


def _reason(reason: NaReason | None) -> str | None:
    return reason.value if reason is not None else None


def box_dict(box: BoxResult) -> dict[str, Any]:
    return {
        "status": box.status.value,
        "previous": _status(box.previous),
        "direction": box.direction.value if box.direction is not None else None,
        "calculated": box.calculated.value,
        "overridden": box.overridden,
        "reason": box.reason,
        "na_reason": _reason(box.na_reason),
    }


def kpi_dict(item: ItemResult) -> dict[str, Any]:
    return {
        "ref": item.ref,
        "recommendation": item.recommendation,
        "value": json_number(item.value),
        "status": item.status.value,
        "calculated": item.calculated.value,
        "overridden": item.overridden,
        "direction": item.direction.value if item.direction is not None else None,
        "title": item.title,
        "display": item.display,
        "target": json_number(item.target_value),
        "reason": item.reason,
        "previous": _status(item.previous_status),
        "long_direction": item.long_direction.value if item.long_direction is not None else None,
        "na_reason": _reason(item.na_reason),
    }


def summary_dict(result: PeriodResult) -> dict[str, Any]:
    """The period's counts, statuses and directions as the summary JSON document
    (docs/rules.md#summary-json)."""
    previous = result.previous_period
    return {
        "plan": result.plan.title,
        "period": result.period.id,
        "period_label": result.period.label,
        "previous_period": previous.id if previous is not None else None,
        "overall": box_dict(result.overall),
        "boxes": {box.value: box_dict(outcome) for box, outcome in result.boxes.items()},
        "totals": {kind.value: counts_dict(result.totals[kind]) for kind in Kind},
        "recommendations": [
            {
                "number": rec.number,
                "title": rec.recommendation.title,
                "status": rec.status.value,
                "previous": _status(rec.previous_status),
                "direction": rec.direction.value if rec.direction is not None else None,
                "na_reason": _reason(rec.na_reason),
                **{kind.value: counts_dict(rec.kinds[kind]) for kind in Kind},
            }
            for rec in result.recommendations
        ],
        "most_concern": list(result.most_concern),
        "kpis": [kpi_dict(item) for item in result.items(Kind.KPI)],
        "risks": [
            {
                "title": risk.risk.title,
                "status": risk.status.value,
                "previous": _status(risk.previous_status),
                "direction": risk.direction.value if risk.direction is not None else None,
                **risk_score_dict(risk),
            }
            for risk in result.risks
        ],
        "problems": [
            {"where": problem.where, "message": problem.message} for problem in result.problems
        ],
    }


def risk_score_dict(risk: RiskResult) -> dict[str, object]:
    """A scored risk's fields (docs/rules.md#risk-scores); nothing for a risk that is not
    scored now or in the period before and has no target, so a plan without scores has
    exactly the summary it had before."""
    fields: dict[str, object] = {}
    if risk.score is not None or risk.previous_score is not None:
        fields.update(
            likelihood=risk.likelihood,
            impact=risk.impact,
            score=risk.score,
            previous_likelihood=risk.previous_likelihood,
            previous_impact=risk.previous_impact,
            previous_score=risk.previous_score,
            derived=_status(risk.derived),
            overridden=risk.overridden,
            reason=risk.reason,
        )
    if risk.risk.target_score is not None:
        fields["target_score"] = risk.risk.target_score
        target_date = risk.risk.target_date
        fields["target_date"] = target_date.isoformat() if target_date else None
    return fields
