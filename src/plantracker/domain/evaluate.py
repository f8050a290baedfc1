"""Everything the rules compute for one period (docs/rules.md).

``evaluate(plan, period_id)`` walks the plan once, rating every item that exists in the
period and in the period before it, and returns the ``PeriodResult`` that the summary JSON,
the reports and the web pages all read. Periods are indexed once (``PeriodIndex``), so the
cost grows linearly with the number of items.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from types import MappingProxyType
from typing import NamedTuple

from plantracker.domain.direction import kpi_direction, status_direction
from plantracker.domain.existence import exists_in
from plantracker.domain.item_status import item_status, risk_status
from plantracker.domain.model import (
    STATUS_ORDER,
    Action,
    Box,
    Item,
    Kind,
    Kpi,
    Measure,
    NaReason,
    Narrative,
    Period,
    Plan,
    Recommendation,
    Risk,
    RiskScale,
    Rules,
    Status,
)
from plantracker.domain.periods import PeriodIndex
from plantracker.domain.problems import box_problems, item_problems, risk_problems
from plantracker.domain.rating import kpi_rating
from plantracker.domain.results import (
    BoxResult,
    Counts,
    ItemResult,
    PeriodResult,
    Problem,
    RecommendationResult,
    RiskResult,
)
from plantracker.domain.risk_score import assess, position
from plantracker.domain.rollup import count_statuses, rollup_status


class Reuse:
    """What evaluating a period found for each recommendation, kept for the next evaluation
    of the same period (ADR 0089).

    A recommendation's result, the previous statuses of its items and its items' problems
    are a function of the recommendation, the plan's rules and periods and the period alone
    (docs/rules.md#roll-up-status). Domain objects are immutable, so when the next plan
    evaluated holds the very same recommendation object (``is``: a reader that rebuilds
    only what changed hands back the unchanged ones) under equal rules, periods and period,
    its results are taken from here instead of computed again; any other recommendation is
    evaluated. Only the last evaluation is kept; the totals, boxes, risks and the
    most-concern ranking are always computed afresh from the recommendations' results.
    """

    __slots__ = ("_kept",)

    def __init__(self) -> None:
        self._kept: tuple[Hashable, dict[int, _Evaluated]] | None = None

    def recall(self, context: Hashable) -> dict[int, _Evaluated]:
        kept = self._kept
        return kept[1] if kept is not None and kept[0] == context else {}

    def keep(self, context: Hashable, evaluated: dict[int, _Evaluated]) -> None:
        self._kept = (context, evaluated)  # one assignment: a reader sees the old or the new


class _Evaluated(NamedTuple):
    """One recommendation's share of a period's evaluation."""

    recommendation: Recommendation  # held, so that its ``id`` is not given to another
    result: RecommendationResult
    previous_by_kind: Mapping[Kind, tuple[Status, ...]]
    problems: tuple[Problem, ...]


def evaluate(plan: Plan, period_id: str, reuse: Reuse | None = None) -> PeriodResult:
    """Rate, count, roll up and check the plan for ``period_id`` (docs/rules.md).

    ``reuse`` (ADR 0089) takes the results of recommendations unchanged since it last
    evaluated this period, and keeps this evaluation's for the next: the result is equal to
    evaluating without it. Raises ``UnknownPeriod`` (naming the plan's periods) when the
    plan has no such period.
    """
    periods = PeriodIndex(plan)
    index = periods.index(period_id)
    period = plan.periods[index]
    previous_index = periods.previous(index)
    context = _Context(plan.rules, periods, index, previous_index, periods.year_earlier(index))

    same = (plan.rules, plan.periods, period_id)
    before = reuse.recall(same) if reuse is not None else {}
    evaluated: dict[int, _Evaluated] = {}
    # The previous period's statuses by kind, for its roll-ups (the boxes' "previous").
    previous_by_kind: dict[Kind, list[Status]] = {kind: [] for kind in Kind}
    results: list[RecommendationResult] = []
    rec_problems: list[Problem] = []
    for rec in plan.recommendations:
        found = before.get(id(rec))
        if found is None or found.recommendation is not rec:
            found = _evaluated(rec, context, period)
        evaluated[id(rec)] = found
        results.append(found.result)
        for kind in Kind:
            previous_by_kind[kind].extend(found.previous_by_kind[kind])
        rec_problems.extend(found.problems)
    if reuse is not None:
        reuse.keep(same, evaluated)
    recommendations = tuple(results)
    totals = {
        kind: count_statuses(
            (item.status for rec in recommendations for item in rec.items[kind]), plan.rules
        )
        for kind in Kind
    }

    risks = tuple(_risk(risk, period_id, context, plan.risk_scale) for risk in plan.risks)
    previous_period = plan.periods[previous_index] if previous_index is not None else None
    boxes = _boxes(plan, period.id, totals, risks, previous_period, previous_by_kind)
    problems: list[Problem] = []
    for box in Box:
        problems.extend(box_problems(boxes[box], period))
    problems.extend(rec_problems)
    for number, risk in enumerate(risks, start=1):
        problems.extend(risk_problems(risk, number, period))

    return PeriodResult(
        plan=plan,
        period=period,
        previous_period=previous_period,
        boxes=MappingProxyType(boxes),
        totals=MappingProxyType(totals),
        recommendations=recommendations,
        risks=risks,
        problems=tuple(problems),
        most_concern=most_concern(recommendations),
    )


def most_concern(recommendations: tuple[RecommendationResult, ...]) -> tuple[int, ...]:
    """Recommendations with red items, most red items first (docs/rules.md#most-concern).

    Ties: more red KPIs first, then plan order (the sort is stable).
    """
    with_red = [rec for rec in recommendations if rec.red_items > 0]
    with_red.sort(key=lambda rec: (-rec.red_items, -rec.kinds[Kind.KPI][Status.RED]))
    return tuple(rec.number for rec in with_red)


class _Context:
    """The period positions and rules shared while evaluating one period."""

    def __init__(
        self,
        rules: Rules,
        periods: PeriodIndex,
        index: int,
        previous: int | None,
        year_earlier: int | None,
    ) -> None:
        self.rules = rules
        self.periods = periods
        self.index = index
        self.period_id = periods.ids[index]
        self.previous = previous
        self.year_earlier = year_earlier

    def exists(self, item: Item, index: int | None) -> bool:
        return index is not None and exists_in(item, index, self.periods)

    def shown_status(self, item: Item, index: int) -> Status:
        """The status ``item`` shows at position ``index`` (docs/rules.md#override,
        docs/rules.md#item-status)."""
        if isinstance(item, Kpi):
            return kpi_rating(item, self.periods.ids[index], self.rules).status
        if isinstance(item, (Action, Measure)):
            return item_status(item, self.periods, index).status
        raise TypeError(f"not an action, KPI or measure: {item!r}")


def _evaluated(rec: Recommendation, context: _Context, period: Period) -> _Evaluated:
    """Everything the period's evaluation needs of one recommendation."""
    previous_by_kind: dict[Kind, list[Status]] = {kind: [] for kind in Kind}
    result = _recommendation(rec, context, previous_by_kind)
    problems = tuple(
        problem
        for kind in Kind
        for item in result.items[kind]
        for problem in item_problems(item, period)
    )
    return _Evaluated(
        rec,
        result,
        MappingProxyType({kind: tuple(found) for kind, found in previous_by_kind.items()}),
        problems,
    )


def _recommendation(
    rec: Recommendation, context: _Context, previous_by_kind: dict[Kind, list[Status]]
) -> RecommendationResult:
    """Rate the recommendation's items; append their previous statuses to
    ``previous_by_kind`` (items that existed then, whether or not they exist now)."""
    items: dict[Kind, tuple[ItemResult, ...]] = {}
    previous_statuses: list[Status] = []
    for kind in Kind:
        results: list[ItemResult] = []
        for item in rec.items(kind):
            previous = (
                context.shown_status(item, context.previous)
                if context.previous is not None and context.exists(item, context.previous)
                else None
            )
            if previous is not None:
                previous_statuses.append(previous)
                previous_by_kind[kind].append(previous)
            if context.exists(item, context.index):
                results.append(_item(item, kind, rec.number, previous, context))
        items[kind] = tuple(results)
    kinds = {
        kind: count_statuses((result.status for result in items[kind]), context.rules)
        for kind in Kind
    }
    status = rollup_status(
        _sum_counts(counts.by_status for counts in kinds.values()), context.rules
    )
    previous_status = (
        count_statuses(previous_statuses, context.rules).status
        if context.previous is not None
        else None
    )
    return RecommendationResult(
        recommendation=rec,
        status=status,
        previous_status=previous_status,
        direction=status_direction(previous_status, status),
        kinds=MappingProxyType(kinds),
        items=MappingProxyType(items),
    )


def _item(
    item: Item, kind: Kind, number: int, previous: Status | None, context: _Context
) -> ItemResult:
    if isinstance(item, Kpi):
        rating = kpi_rating(item, context.period_id, context.rules)
        # ``previous`` is None also when the item did not exist in the previous period.
        before = context.previous
        previous_id = (
            context.periods.ids[before] if before is not None and previous is not None else None
        )
        year = context.year_earlier
        year_id = (
            context.periods.ids[year] if year is not None and context.exists(item, year) else None
        )
        return ItemResult(
            item=item,
            kind=kind,
            recommendation=number,
            status=rating.status,
            calculated=rating.calculated,
            overridden=rating.overridden,
            reason=rating.reason,
            direction=kpi_direction(item, context.period_id, previous_id, context.rules),
            long_direction=kpi_direction(item, context.period_id, year_id, context.rules),
            previous_status=previous,
            commentary=rating.commentary,
            value=rating.value,
            display=rating.display,
            target_value=rating.target,
            na_reason=rating.na_reason,
        )
    if not isinstance(item, (Action, Measure)):
        raise TypeError(f"not an action, KPI or measure: {item!r}")
    outcome = item_status(item, context.periods, context.index)
    return ItemResult(
        item=item,
        kind=kind,
        recommendation=number,
        status=outcome.status,
        calculated=outcome.status,
        overridden=False,
        reason=None,
        direction=status_direction(previous, outcome.status),
        long_direction=None,
        previous_status=previous,
        commentary=outcome.commentary,
        # An action or measure is ``na`` only when its update says so (docs/rules.md#na-reasons).
        na_reason=NaReason.NOT_APPLICABLE if outcome.status is Status.NA else None,
    )


def _risk(risk: Risk, period_id: str, context: _Context, scale: RiskScale) -> RiskResult:
    outcome = risk_status(risk, period_id)
    previous_id = context.periods.ids[context.previous] if context.previous is not None else None
    previous = risk_status(risk, previous_id).status if previous_id is not None else None
    # A scored risk (docs/rules.md#risk-scores): the position now and before, and the RAG
    # its bands derive; an unscored update's given status stands as before.
    assessment = assess(risk, period_id, scale)
    before = position(risk, previous_id)
    return RiskResult(
        risk=risk,
        status=outcome.status,
        previous_status=previous,
        direction=status_direction(previous, outcome.status),
        commentary=outcome.commentary,
        likelihood=assessment.position.likelihood if assessment else None,
        impact=assessment.position.impact if assessment else None,
        previous_likelihood=before.likelihood if before else None,
        previous_impact=before.impact if before else None,
        derived=assessment.derived if assessment else None,
        overridden=assessment.overridden if assessment else False,
        reason=assessment.reason if assessment else None,
    )


def _sum_counts(many: Iterable[Mapping[Status, int]]) -> dict[Status, int]:
    total = dict.fromkeys(STATUS_ORDER, 0)
    for by_status in many:
        for status, count in by_status.items():
            total[status] += count
    return total


def _boxes(
    plan: Plan,
    period_id: str,
    totals: Mapping[Kind, Counts],
    risks: tuple[RiskResult, ...],
    previous_period: Period | None,
    previous_by_kind: Mapping[Kind, list[Status]],
) -> dict[Box, BoxResult]:
    """The overview boxes (docs/rules.md#overview-boxes): overall = all items of the four
    kinds together, progress = actions, risks = risks, finance = ``na``; each compared with
    the previous period's reported status."""
    rules = plan.rules
    calculated = {
        Box.OVERALL: rollup_status(_sum_counts(c.by_status for c in totals.values()), rules),
        Box.PROGRESS: totals[Kind.ACTION].status,
        Box.RISKS: count_statuses((risk.status for risk in risks), rules).status,
        Box.FINANCE: Status.NA,
    }
    previous: dict[Box, Status | None] = dict.fromkeys(Box)
    if previous_period is not None:
        narrative = plan.narrative.get(previous_period.id)
        before = {
            Box.OVERALL: count_statuses(
                (status for kind in Kind for status in previous_by_kind[kind]), rules
            ).status,
            Box.PROGRESS: count_statuses(previous_by_kind[Kind.ACTION], rules).status,
            Box.RISKS: count_statuses(
                (risk.previous_status for risk in risks if risk.previous_status is not None),
                rules,
            ).status,
            Box.FINANCE: Status.NA,
        }
        previous = {box: _reported(box, before[box], narrative) for box in Box}
    narrative = plan.narrative.get(period_id)
    # Why a calculated ``na`` is na (docs/rules.md#na-reasons): finance is never rated here.
    reasons: dict[Box, NaReason | None] = {
        Box.OVERALL: Counts(
            count=sum(c.count for c in totals.values()),
            by_status=MappingProxyType(_sum_counts(c.by_status for c in totals.values())),
            status=calculated[Box.OVERALL],
        ).na_reason,
        Box.PROGRESS: totals[Kind.ACTION].na_reason,
        Box.RISKS: (NaReason.NOT_APPLICABLE if not risks else NaReason.NOT_YET_AVAILABLE),
        Box.FINANCE: NaReason.NOT_APPLICABLE,
    }
    return {box: _box(box, calculated[box], narrative, previous[box], reasons[box]) for box in Box}


def _reported(box: Box, calculated: Status | None, narrative: Narrative | None) -> Status | None:
    """The status a period reported for ``box``: hand-set if it was, else calculated."""
    if calculated is None:
        return None
    if narrative is not None and box in narrative.boxes:
        return Status(narrative.boxes[box])
    return calculated


def _box(
    box: Box,
    calculated: Status,
    narrative: Narrative | None,
    previous: Status | None,
    calculated_reason: NaReason | None,
) -> BoxResult:
    """An overview box (docs/rules.md#overview-boxes): a hand-set status is an override when
    it differs from the calculated one; its reason is ``<box>_reason``."""
    status = _reported(box, calculated, narrative) or calculated
    overridden = status is not calculated
    reason: str | None = None
    if overridden and narrative is not None:
        reason = narrative.box_reasons.get(box)
    return BoxResult(
        box=box,
        status=status,
        calculated=calculated,
        overridden=overridden,
        reason=reason,
        previous=previous,
        direction=status_direction(previous, status),
        na_reason=(
            None
            if status is not Status.NA
            else calculated_reason
            if not overridden and calculated_reason is not None
            else NaReason.NOT_APPLICABLE
        ),
    )
