"""The published version of a period's report (ADR 0081): the same report model, built
from the same results, with what a public reader must not see taken out first.

Two things differ from the signed-in report, both decided here and nowhere else, so every
format of the published version agrees:

- owners' and recommendation leads' names are left out unless the plan's
  ``published_names`` is ``shown`` (docs/plan-file.md#published-names);
- the figures of a KPI marked ``disclosure: suppress`` (docs/plan-file.md#disclosure) that
  the one suppression rule withholds (``plantracker.domain.disclosure``) — its value, its
  previous values, the points of its trend chart and its baseline — are printed as the
  rule's marker and explained under the KPI table.

The statuses, directions and counts are the rules' results on the plan as it is: only
what is printed changes (a withheld value is still rated; its rating reveals no count).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from types import MappingProxyType
from typing import TypeVar

from plantracker.domain.disclosure import SUPPRESSED, SUPPRESSED_MEANING, value_withheld
from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import (
    Baseline,
    Item,
    Kind,
    Kpi,
    KpiValue,
    Plan,
    PublishedNames,
    Recommendation,
)
from plantracker.domain.results import ItemResult, PeriodResult
from plantracker.reports.build import build_report
from plantracker.reports.model import DeepDive, KpiTable, Report

_I = TypeVar("_I", bound=Item)


def published_report(plan: Plan, period_id: str) -> Report:
    """The report of ``plan`` for ``period_id`` as the public page and its files show it."""
    result = evaluate(plan, period_id)
    previous = (
        evaluate(plan, result.previous_period.id) if result.previous_period is not None else None
    )
    shown = redacted_plan(plan)
    report = build_report(_with_plan(result, shown), previous)
    upto = {period.id for period in plan.periods[: plan.period_index(period_id) + 1]}
    return _with_notes(report, shown, upto)


def redacted_plan(plan: Plan) -> Plan:
    """``plan`` with the names and the withheld figures a published report leaves out."""
    names = plan.published_names is PublishedNames.SHOWN
    recommendations = tuple(_recommendation(rec, names) for rec in plan.recommendations)
    risks = tuple(r if names else replace(r, owner=None) for r in plan.risks)
    return replace(plan, recommendations=recommendations, risks=risks)


def _recommendation(rec: Recommendation, names: bool) -> Recommendation:
    def item(found: _I) -> _I:
        return found if names else replace(found, owner=None)

    return replace(
        rec,
        lead=rec.lead if names else None,
        actions=tuple(item(i) for i in rec.actions),
        kpis=tuple(_kpi(item(k)) for k in rec.kpis),
        quality=tuple(item(i) for i in rec.quality),
        feedback=tuple(item(i) for i in rec.feedback),
    )


def _withheld_entry(entry: KpiValue) -> KpiValue:
    return replace(entry, value=None, display=SUPPRESSED)


def _kpi(kpi: Kpi) -> Kpi:
    values = {
        period_id: _withheld_entry(entry) if value_withheld(kpi, entry) else entry
        for period_id, entry in kpi.values.items()
    }
    baseline = kpi.baseline
    if baseline is not None and value_withheld(kpi, KpiValue(baseline.value, baseline.display)):
        baseline = Baseline(label=baseline.label, display=SUPPRESSED, status=baseline.status)
    return replace(kpi, values=MappingProxyType(values), baseline=baseline)


def _withheld_refs(plan: Plan, upto: set[str]) -> frozenset[str]:
    """The KPIs with a figure the report prints as the marker: a value of a period up to
    the reported one, or the baseline."""
    return frozenset(
        kpi.ref
        for rec in plan.recommendations
        for kpi in rec.kpis
        if any(_marked(entry) for period_id, entry in kpi.values.items() if period_id in upto)
        or (kpi.baseline is not None and kpi.baseline.display == SUPPRESSED)
    )


def _marked(entry: KpiValue) -> bool:
    return entry.display == SUPPRESSED and entry.value is None


def _with_plan(result: PeriodResult, plan: Plan) -> PeriodResult:
    """``result`` reading the redacted plan: its items, recommendations and risks, and a
    withheld value of the period printed as the marker."""
    by_number = {rec.number: rec for rec in plan.recommendations}
    by_ref = {
        shown.ref: shown
        for rec in plan.recommendations
        for kind in Kind
        for shown in rec.items(kind)
    }

    def item(found: ItemResult) -> ItemResult:
        shown = by_ref[found.ref]
        if isinstance(shown, Kpi):
            entry = shown.values.get(result.period.id)
            if entry is not None and _marked(entry):
                return replace(found, item=shown, value=None, display=SUPPRESSED)
        return replace(found, item=shown)

    recommendations = tuple(
        replace(
            rec,
            recommendation=by_number[rec.number],
            items={kind: tuple(item(i) for i in rec.items[kind]) for kind in Kind},
        )
        for rec in result.recommendations
    )
    # The rules give one result per risk, in the plan's order.
    risk_results = tuple(
        replace(r, risk=shown) for r, shown in zip(result.risks, plan.risks, strict=True)
    )
    return replace(result, plan=plan, recommendations=recommendations, risks=risk_results)


def _with_notes(report: Report, plan: Plan, upto: set[str]) -> Report:
    """The marker explained under every KPI table that prints it."""
    withheld = _withheld_refs(plan, upto)
    if not withheld:
        return report

    def noted(table: KpiTable | None) -> KpiTable | None:
        if table is None:
            return None
        rows = tuple(replace(row, withheld=row.ref in withheld) for row in table.rows)
        if not any(row.withheld for row in rows):
            return table
        return replace(table, rows=rows, disclosure_note=SUPPRESSED_MEANING)

    dives = tuple(_noted_dive(dive, noted) for dive in report.deep_dives)
    return replace(report, deep_dives=dives, all_kpis=noted(report.all_kpis))


def _noted_dive(dive: DeepDive, noted: Callable[[KpiTable | None], KpiTable | None]) -> DeepDive:
    return replace(dive, kpis=noted(dive.kpis))
