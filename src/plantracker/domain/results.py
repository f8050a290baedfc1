"""What the rules compute for one period: the single source every output is drawn from.

``plantracker.domain.evaluate.evaluate(plan, period_id)`` returns a ``PeriodResult``; the
summary JSON, the reports in every format and the web pages all read it, so they cannot
disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from plantracker.domain.counting import percent
from plantracker.domain.model import (
    Box,
    Direction,
    Item,
    Kind,
    NaReason,
    Period,
    Plan,
    Recommendation,
    Risk,
    Status,
)


@dataclass(frozen=True)
class ItemResult:
    """One item's outcome in the period.

    ``status`` is what is shown; ``calculated`` what the rule gave; they differ only when
    ``overridden`` (then ``reason`` is the override's reason, possibly None → a problem).
    """

    item: Item
    kind: Kind
    recommendation: int
    status: Status
    calculated: Status
    overridden: bool
    reason: str | None
    direction: Direction | None
    long_direction: Direction | None
    previous_status: Status | None
    commentary: str | None
    value: Decimal | None = None  # KPIs only
    display: str | None = None  # KPIs only: text printed instead of the value
    target_value: Decimal | None = None  # KPIs only: the comparison point t used
    # Why the status is ``na`` (docs/rules.md#na-reasons); None for any other status.
    na_reason: NaReason | None = None

    @property
    def ref(self) -> str:
        return self.item.ref

    @property
    def title(self) -> str:
        return self.item.title


@dataclass(frozen=True)
class Counts:
    """Items of one scope by status, with the scope's roll-up status."""

    count: int
    by_status: Mapping[Status, int]  # all seven keys present
    status: Status

    def percent(self, status: Status) -> int:
        """Whole-number share of ``count``, rounded half up (docs/rules.md#counts)."""
        return percent(self.by_status[status], self.count)

    def __getitem__(self, status: Status) -> int:
        return self.by_status[status]

    @property
    def na_reason(self) -> NaReason | None:
        """Why the roll-up is ``na`` (docs/rules.md#na-reasons): no item at all → not
        applicable; items, none rated yet → not yet available; None when not ``na``."""
        if self.status is not Status.NA:
            return None
        return NaReason.NOT_APPLICABLE if self.count == 0 else NaReason.NOT_YET_AVAILABLE


@dataclass(frozen=True)
class RecommendationResult:
    recommendation: Recommendation
    status: Status  # roll-up of all its items of the four kinds
    previous_status: Status | None
    direction: Direction | None
    kinds: Mapping[Kind, Counts]
    items: Mapping[Kind, tuple[ItemResult, ...]]

    @property
    def number(self) -> int:
        return self.recommendation.number

    @property
    def na_reason(self) -> NaReason | None:
        """Why the roll-up is ``na`` (docs/rules.md#na-reasons), as for a kind's counts."""
        if self.status is not Status.NA:
            return None
        items = sum(counts.count for counts in self.kinds.values())
        return NaReason.NOT_APPLICABLE if items == 0 else NaReason.NOT_YET_AVAILABLE

    @property
    def red_items(self) -> int:
        return sum(counts[Status.RED] for counts in self.kinds.values())


@dataclass(frozen=True)
class RiskResult:
    risk: Risk
    status: Status
    previous_status: Status | None
    direction: Direction | None
    commentary: str | None
    # A scored risk (docs/rules.md#risk-scores): its position now and in the period before,
    # the RAG its bands derive, and whether the shown status overrides that (with a reason).
    # All None / False for a risk whose update is not scored.
    likelihood: int | None = None
    impact: int | None = None
    previous_likelihood: int | None = None
    previous_impact: int | None = None
    derived: Status | None = None
    overridden: bool = False
    reason: str | None = None

    @property
    def score(self) -> int | None:
        if self.likelihood is None or self.impact is None:
            return None
        return self.likelihood * self.impact

    @property
    def previous_score(self) -> int | None:
        if self.previous_likelihood is None or self.previous_impact is None:
            return None
        return self.previous_likelihood * self.previous_impact


@dataclass(frozen=True)
class BoxResult:
    """An overview box (overall, progress, risks, finance): reported status, maybe hand-set."""

    box: Box
    status: Status
    calculated: Status
    overridden: bool
    reason: str | None
    previous: Status | None
    direction: Direction | None
    # Why the status is ``na`` (docs/rules.md#na-reasons); None for any other status.
    na_reason: NaReason | None = None


@dataclass(frozen=True)
class Problem:
    """A data-quality warning: where (``KPI 9.K2, 2018-19-Q2``) and what is wrong."""

    where: str
    message: str


@dataclass(frozen=True)
class PeriodResult:
    plan: Plan
    period: Period
    previous_period: Period | None
    boxes: Mapping[Box, BoxResult]
    totals: Mapping[Kind, Counts]
    recommendations: tuple[RecommendationResult, ...]
    risks: tuple[RiskResult, ...]
    problems: tuple[Problem, ...]
    most_concern: tuple[int, ...]  # recommendation numbers with red items, most first

    @property
    def overall(self) -> BoxResult:
        return self.boxes[Box.OVERALL]

    def items(self, kind: Kind | None = None) -> tuple[ItemResult, ...]:
        """All item results in plan order, optionally of one kind."""
        kinds = [kind] if kind else list(Kind)
        return tuple(
            result for rec in self.recommendations for k in kinds for result in rec.items[k]
        )
