"""Domain objects → column values of the tracker's tables (the write half of ADR 0014).

Each function returns the field values of one row, keyed by attribute name, for
``plan_import``'s keyed sync. Every column of the row is given, also those of other item
kinds (as null), so that a row changing kind is left with no stale columns.
"""

from __future__ import annotations

from typing import Any

from plantracker.domain import model as domain
from plantracker.domain.model import Action, Box, Kpi, Measure, Plan
from plantracker.tracker.models.choices import EntryState

Row = dict[str, Any]


def plan_row(plan: Plan) -> Row:
    rules = plan.rules
    return {
        "title": plan.title,
        "kpi_tolerance": rules.kpi_tolerance,
        "dot_band": rules.dot_band,
        "rollup_green": rules.rollup_green,
        "rollup_red": rules.rollup_red,
        "contact_name": plan.contact.name if plan.contact is not None else None,
        "contact_role": plan.contact.role if plan.contact is not None else None,
        "contact_email": plan.contact.email if plan.contact is not None else None,
        "purpose": plan.purpose,
        "order_note": plan.order_note,
        "published_names": plan.published_names.value,
        "glossary": [[term, meaning] for term, meaning in plan.glossary.items()],
        "risk_scale": risk_scale_json(plan.risk_scale),
    }


def risk_scale_json(scale: domain.RiskScale) -> dict[str, Any] | None:
    """The plan's risk scale as stored (docs/plan-file.md#risk-scale); None for the default."""
    if scale == domain.RiskScale():
        return None
    return {
        "likelihood": list(scale.likelihood),
        "impact": list(scale.impact),
        "bands": [[band.status.value, band.low, band.high] for band in scale.bands],
    }


def period_row(period: domain.Period, position: int) -> Row:
    return {
        "code": period.id,
        "position": position,
        "label": period.label,
        "short_label": period.short_label,
        "start": period.start,
        "end": period.end,
        "scrutiny": period.scrutiny,
        "due": period.due,
    }


def recommendation_row(recommendation: domain.Recommendation, position: int) -> Row:
    return {
        "number": recommendation.number,
        "position": position,
        "title": recommendation.title,
        "aim": recommendation.aim,
        "lead": recommendation.lead,
    }


_KPI_EMPTY: Row = {
    "aim": None,
    "better": None,
    "unit": None,
    "has_baseline": False,
    "baseline_label": None,
    "baseline_value": None,
    "baseline_display": None,
    "baseline_status": None,
    "has_target": False,
    "target_label": None,
    "target_date": None,
    "target_value": None,
    "target_display": None,
    "tolerance": None,
    "tolerance_points": None,
    "source": None,
    "disclosure": None,
    "comparators_label": None,
    "comparators_england": None,
    "comparators_region": None,
    "comparators_neighbours": None,
}


def item_row(
    item: domain.Item,
    *,
    position: int,
    recommendation_id: int,
    period_ids: dict[str, int],
) -> Row:
    """Columns of one item; ``period_ids`` maps period codes to Period primary keys."""
    row: Row = {
        "ref": item.ref,
        "kind": item.kind.value,
        "position": position,
        "recommendation_id": recommendation_id,
        "title": item.title,
        "owner": item.owner,
        "from_period_id": None if item.from_period is None else period_ids[item.from_period],
        "until_period_id": None if item.until_period is None else period_ids[item.until_period],
        "expected": None if item.expected is None else list(item.expected),
        "due": item.due if isinstance(item, Action) else None,
        "frequency": item.frequency if isinstance(item, Measure) else None,
        "method": item.method if isinstance(item, Measure) else None,
        **_KPI_EMPTY,
    }
    if isinstance(item, Kpi):
        row.update(_kpi_columns(item))
    return row


def _kpi_columns(kpi: Kpi) -> Row:
    baseline, target, comparators = kpi.baseline, kpi.target, kpi.comparators
    return {
        "aim": kpi.aim.value,
        "better": None if kpi.better is None else kpi.better.value,
        "unit": kpi.unit.value,
        "has_baseline": baseline is not None,
        "baseline_label": baseline.label if baseline else None,
        "baseline_value": baseline.value if baseline else None,
        "baseline_display": baseline.display if baseline else None,
        "baseline_status": baseline.status.value if baseline and baseline.status else None,
        "has_target": target is not None,
        "target_label": target.label if target else None,
        "target_date": target.date if target else None,
        "target_value": target.value if target else None,
        "target_display": target.display if target else None,
        "tolerance": kpi.tolerance,
        "tolerance_points": kpi.tolerance_points,
        "source": kpi.source,
        "disclosure": None if kpi.disclosure is None else kpi.disclosure.value,
        "comparators_label": comparators.label if comparators else None,
        "comparators_england": comparators.england if comparators else None,
        "comparators_region": comparators.region if comparators else None,
        "comparators_neighbours": comparators.neighbours if comparators else None,
    }


def update_row(update: domain.Update) -> Row:
    return {
        "status": update.status.value,
        "commentary": update.commentary,
        "state": EntryState.APPROVED,
    }


def kpi_value_row(value: domain.KpiValue) -> Row:
    return {
        "value": value.value,
        "display": value.display,
        "status": None if value.status is None else value.status.value,
        "reason": value.reason,
        "commentary": value.commentary,
        "computed_from": value.computed_from,
        "state": EntryState.APPROVED,
    }


def risk_row(risk: domain.Risk, position: int) -> Row:
    return {
        "position": position,
        "title": risk.title,
        "mitigation": risk.mitigation,
        "owner": risk.owner,
        "controls": risk.controls,
        "target_score": risk.target_score,
        "target_date": risk.target_date,
    }


def risk_update_row(update: domain.Update) -> Row:
    """A risk update's row: an update's, plus its score and override reason if any."""
    if not isinstance(update, domain.RiskUpdate):
        return {**update_row(update), "likelihood": None, "impact": None, "reason": None}
    return {
        **update_row(update),
        "likelihood": update.likelihood,
        "impact": update.impact,
        "reason": update.reason,
    }


def narrative_row(narrative: domain.Narrative) -> Row:
    row: Row = {
        "headlines": list(narrative.headlines),
        "decisions": list(narrative.decisions),
        "milestones": list(narrative.milestones),
        "next_steps": list(narrative.next_steps),
        "committee_recommendations": list(narrative.committee_recommendations),
        "deep_dives": list(narrative.deep_dives),
        "commentary": [
            [number, list(paragraphs)] for number, paragraphs in narrative.commentary.items()
        ],
    }
    for box in Box:
        status = narrative.boxes.get(box)
        row[box.value] = None if status is None else status.value
        row[f"{box.value}_reason"] = narrative.box_reasons.get(box)
    return row
