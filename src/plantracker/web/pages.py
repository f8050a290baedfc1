"""What each page shows, assembled from the domain's results; no database, no HTTP.

A view loads the domain Plan (one selector), then asks this module for its page. Statuses,
counts, percentages and directions all come from ``evaluate`` (a ``PeriodResult``) and the
report model that ``build_report`` makes of it, so a page agrees with the report a reader
downloads. This module only picks the period, finds items and orders rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.http import Http404

from plantracker.domain import model as domain
from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Kind, Kpi, Plan, Status
from plantracker.domain.periods import default_period, item_entries
from plantracker.domain.results import ItemResult, PeriodResult, RecommendationResult
from plantracker.reports.build import build_report, trend_chart
from plantracker.reports.model import (
    DirectionView,
    Donut,
    RecommendationSection,
    Report,
    TrendChart,
)
from plantracker.reports.text import direction_view, long_date, shown, value_movement

KIND_TITLES: dict[Kind, str] = {
    Kind.ACTION: "Actions",
    Kind.KPI: "Key performance indicators",
    Kind.QUALITY: "Quality measures",
    Kind.FEEDBACK: "Feedback measures",
}


# --- risk scores --------------------------------------------------------------------------


# --- periods ------------------------------------------------------------------------------


def period_or_404(plan: Plan, period_id: str | None) -> domain.Period:
    """The period named in the URL (404 if the plan has none such), or the default one."""
    if period_id is None:
        default = default_period(plan)
        if default is None:
            raise Http404("This plan has no reporting periods yet")
        return default
    return named_period_or_404(plan.periods, period_id)


def named_period_or_404(periods: tuple[domain.Period, ...], period_id: str) -> domain.Period:
    """The period of ``periods`` named in the URL; 404 if there is none such."""
    found = next((period for period in periods if period.id == period_id), None)
    if found is None:
        raise Http404("This plan has no such period")
    return found


@dataclass(frozen=True)
class PeriodNav:
    """The period switcher: every period, the chosen one, and its neighbours."""

    periods: tuple[domain.Period, ...]
    current: domain.Period
    previous: domain.Period | None
    next: domain.Period | None


def period_nav(plan: Plan, period: domain.Period) -> PeriodNav:
    index = plan.period_index(period.id)
    return PeriodNav(
        periods=plan.periods,
        current=period,
        previous=plan.periods[index - 1] if index > 0 else None,
        next=plan.periods[index + 1] if index + 1 < len(plan.periods) else None,
    )


# --- dashboard ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RecommendationRow:
    """A line of the dashboard's recommendations table."""

    section: RecommendationSection
    result: RecommendationResult


@dataclass(frozen=True)
class DashboardPage:
    result: PeriodResult
    report: Report
    nav: PeriodNav
    recommendations: tuple[RecommendationRow, ...]

    @property
    def donuts(self) -> tuple[Donut, ...]:
        return self.report.overall


def dashboard_page(
    plan: Plan,
    period: domain.Period,
    result: PeriodResult | None = None,
    previous: PeriodResult | None = None,
) -> DashboardPage:
    """The seed's quarter overview as a page: one evaluation (``result``, when the caller
    already has ``evaluate(plan, period.id)``; ``previous``, the previous period's of the
    same plan, else evaluated by ``build_report``), one report model of what the page shows
    (not the report's tables, ADR 0089)."""
    result = result if result is not None else evaluate(plan, period.id)
    report = build_report(result, previous, tables=False)
    rows = tuple(
        RecommendationRow(section=section, result=rec)
        for section, rec in zip(report.recommendations, result.recommendations, strict=True)
    )
    return DashboardPage(
        result=result, report=report, nav=period_nav(plan, period), recommendations=rows
    )


# --- recommendation -----------------------------------------------------------------------


@dataclass(frozen=True)
class Commentary:
    """The newest words on an item up to a period, and the period they were written for."""

    text: str
    period: domain.Period
    current: bool  # written for the period shown (else an earlier one)


@dataclass(frozen=True)
class ItemRow:
    result: ItemResult
    direction: DirectionView
    value: str | None  # KPIs: the value as printed
    target: str | None  # KPIs: the comparison point as printed
    commentary: Commentary | None


@dataclass(frozen=True)
class KindSection:
    kind: Kind
    title: str
    donut: Donut
    rows: tuple[ItemRow, ...]


@dataclass(frozen=True)
class RecommendationPage:
    result: RecommendationResult
    section: RecommendationSection
    nav: PeriodNav
    kinds: tuple[KindSection, ...]
    commentary: tuple[str, ...]  # the lead's commentary on the recommendation this period


def recommendation_only(plan: Plan, number: int) -> Plan:
    """The plan reduced to recommendation ``number`` (404 if it has none such).

    A recommendation's items, statuses, counts, roll-up and direction depend only on it, the
    plan's rules and periods (docs/rules.md#roll-up-status), so evaluating this small plan gives
    exactly the ``RecommendationResult`` the whole plan would, at a cost that does not grow
    with the plan (as ``item_plan`` does for an item).
    """
    found = next((rec for rec in plan.recommendations if rec.number == number), None)
    if found is None:
        raise Http404("This plan has no such recommendation")
    return replace(plan, recommendations=(found,), risks=(), narrative={})


def recommendation_page(plan: Plan, period: domain.Period, number: int) -> RecommendationPage:
    """One recommendation's page, from the plan reduced to it (``recommendation_only``)."""
    result = evaluate(recommendation_only(plan, number), period.id)
    rec = result.recommendations[0]
    section = build_report(result).recommendations[0]
    previous_id = result.previous_period.id if result.previous_period else None
    kinds = tuple(
        KindSection(
            kind=kind,
            title=KIND_TITLES[kind],
            donut=donut,
            rows=tuple(_item_row(plan, item, period, previous_id) for item in rec.items[kind]),
        )
        for kind, donut in zip(Kind, section.donuts, strict=True)
    )
    narrative = plan.narrative.get(period.id)
    return RecommendationPage(
        result=rec,
        section=section,
        nav=period_nav(plan, period),
        kinds=kinds,
        commentary=tuple(narrative.commentary.get(number, ())) if narrative else (),
    )


def _item_row(
    plan: Plan, item: ItemResult, period: domain.Period, previous_id: str | None
) -> ItemRow:
    kpi = item.item if isinstance(item.item, Kpi) else None
    return ItemRow(
        result=item,
        direction=_direction(item, previous_id),
        value=shown(item.value, item.display, kpi.unit) if kpi else None,
        target=_target_text(kpi, item) if kpi else None,
        commentary=latest_commentary(plan, item.item, period),
    )


def _direction(item: ItemResult, previous_id: str | None) -> DirectionView:
    """The arrow follows the value's movement for a KPI, the status's for anything else."""
    if isinstance(item.item, Kpi) and previous_id is not None:
        entry = item.item.values.get(previous_id)
        before = entry.value if entry is not None else None
        return direction_view(item.direction, value_movement(item.value, before))
    return direction_view(item.direction)


def _target_text(kpi: Kpi, item: ItemResult) -> str:
    if item.target_value is not None:
        target = kpi.target
        # The plan's own wording of its target ("Increase") when the point is the plan's.
        if target is not None and target.display and target.value == item.target_value:
            return target.display
        return shown(item.target_value, None, kpi.unit)
    if kpi.target is not None and kpi.target.display:
        return kpi.target.display
    return "None set"


def latest_commentary(plan: Plan, item: domain.Item, period: domain.Period) -> Commentary | None:
    """The item's commentary for ``period``, else the newest one given before it."""
    entries = item_entries(item)
    index = plan.period_index(period.id)
    for earlier in reversed(plan.periods[: index + 1]):
        entry = entries.get(earlier.id)
        text = getattr(entry, "commentary", None)
        if text and text.strip():
            return Commentary(text=text, period=earlier, current=earlier.id == period.id)
    return None


# --- item ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Located:
    item: domain.Item
    kind: Kind
    recommendation: domain.Recommendation


def find_item(plan: Plan, ref: str) -> Located | None:
    for recommendation in plan.recommendations:
        for kind in Kind:
            for item in recommendation.items(kind):
                if item.ref == ref:
                    return Located(item=item, kind=kind, recommendation=recommendation)
    return None


def locate_item(plan: Plan, ref: str) -> Located:
    located = find_item(plan, ref)
    if located is None:
        raise Http404("This plan has no item with that reference")
    return located


@dataclass(frozen=True)
class HistoryRow:
    period: domain.Period
    result: ItemResult
    direction: DirectionView
    value: str | None
    target: str | None
    commentary: str | None
    reason: str | None  # an override's reason
    computed_from: str | None = None  # "statutory:<indicator>": computed, not typed


@dataclass(frozen=True)
class ItemPage:
    located: Located
    latest: domain.Period
    history: tuple[HistoryRow, ...]  # newest first
    trend: TrendChart | None
    current: HistoryRow | None
    baseline: str | None  # KPIs: the baseline as printed
    target: str | None  # KPIs: the plan's target as printed, with its date or label
    comparators: str | None = None  # KPIs: the published figures beside it (ADR 0017)

    @property
    def item(self) -> domain.Item:
        return self.located.item

    @property
    def kpi(self) -> Kpi | None:
        return self.item if isinstance(self.item, Kpi) else None


def item_plan(plan: Plan, located: Located) -> Plan:
    """The plan reduced to one item (its recommendation holding only it).

    An item's status, override and direction depend only on the item, the plan's rules and
    periods, so evaluating this small plan gives exactly the ``ItemResult`` the whole plan
    would, for every period, at a cost that does not grow with the plan.
    """
    only: dict[str, tuple[domain.Item, ...]] = {field: () for field in _FIELD.values()}
    only[_FIELD[located.kind]] = (located.item,)
    recommendation = replace(located.recommendation, **only)  # type: ignore[arg-type]
    return replace(plan, recommendations=(recommendation,), risks=(), narrative={})


_FIELD = {
    Kind.ACTION: "actions",
    Kind.KPI: "kpis",
    Kind.QUALITY: "quality",
    Kind.FEEDBACK: "feedback",
}


def item_page(
    plan: Plan,
    ref: str,
    computed: Mapping[str, str] | None = None,
    reported: Mapping[str, Plan] | None = None,
    latest: domain.Period | None = None,
) -> ItemPage:
    """Every period's value, status, direction and commentary of one item, newest first,
    up to the plan's current period; for a KPI, its trend chart with the target line.
    ``computed`` marks the periods whose value was computed (period id → its source);
    ``reported`` gives the closed periods' plans as they reported them (their snapshots),
    so that each closed period reads as its report did, whatever changed later.
    ``latest`` is the whole plan's current period when ``plan`` holds only the item's
    recommendation (ADR 0089)."""
    located = locate_item(plan, ref)
    small = item_plan(plan, located)
    latest = latest if latest is not None else period_or_404(plan, None)
    rows: list[HistoryRow] = []
    last_result: PeriodResult | None = None
    last_item: ItemResult | None = None
    for period in plan.periods[: plan.period_index(latest.id) + 1]:
        evaluated = small
        snapshot = (reported or {}).get(period.id)
        if snapshot is not None:
            then = find_item(snapshot, ref)
            if then is None:  # not in the plan when that period was closed
                continue
            evaluated = item_plan(snapshot, then)
        result = evaluate(evaluated, period.id)
        found = result.recommendations[0].items[located.kind]
        if not found:  # the item does not exist in this period (from / until)
            continue
        item = found[0]
        previous_id = result.previous_period.id if result.previous_period else None
        kpi = item.item if isinstance(item.item, Kpi) else None
        rows.append(
            HistoryRow(
                period=period,
                result=item,
                direction=_direction(item, previous_id),
                value=shown(item.value, item.display, kpi.unit) if kpi else None,
                target=_target_text(kpi, item) if kpi else None,
                commentary=item.commentary,
                reason=item.reason if item.overridden else None,
                computed_from=(computed or {}).get(period.id) if kpi else None,
            )
        )
        last_result, last_item = result, item
    trend = None
    if last_result is not None and last_item is not None and located.kind is Kind.KPI:
        trend = trend_chart(last_result, last_item)
    history = tuple(reversed(rows))
    kpi = located.item if isinstance(located.item, Kpi) else None
    return ItemPage(
        located=located,
        latest=latest,
        history=history,
        trend=trend,
        current=history[0] if history else None,
        baseline=_baseline_text(kpi) if kpi else None,
        target=_plan_target_text(kpi) if kpi else None,
        comparators=_comparators_text(kpi) if kpi else None,
    )


def _baseline_text(kpi: Kpi) -> str | None:
    if kpi.baseline is None:
        return None
    return shown(kpi.baseline.value, kpi.baseline.display, kpi.unit, "Not available")


def _comparators_text(kpi: Kpi) -> str | None:
    """``England 22.4%, region 20.1%, statistical neighbours 23.0%``, written as the KPI's
    value is; None when the plan has no comparators for it."""
    compared = kpi.comparators
    if compared is None:
        return None
    return ", ".join(
        f"{name} {shown(value, None, kpi.unit, 'not published')}"
        for name, value in (
            ("England", compared.england),
            ("region", compared.region),
            ("statistical neighbours", compared.neighbours),
        )
    )


def _plan_target_text(kpi: Kpi) -> str | None:
    target = kpi.target
    if target is None:
        return None
    text = shown(target.value, target.display, kpi.unit, "Better than the baseline")
    when = target.label or (long_date(target.date) if target.date else None)
    return f"{text} ({when})" if when else text


# --- plan list ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSummary:
    """A plan's line on the plan list: its current period and overall status now."""

    period: domain.Period | None
    status: Status | None
    direction: DirectionView | None


def plan_summary(plan: Plan) -> PlanSummary:
    period = default_period(plan)
    if period is None:
        return PlanSummary(period=None, status=None, direction=None)
    overall = evaluate(plan, period.id).overall
    return PlanSummary(
        period=period, status=overall.status, direction=direction_view(overall.direction)
    )
