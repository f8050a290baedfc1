"""The plan's periods, indexed once (docs/plan-file.md#periods; docs/rules.md#kpi-direction).

Rules look periods up thousands of times per evaluation, so the plan's period list is turned
into dictionaries once here instead of being scanned for every item.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from plantracker.domain.model import Action, Item, Kind, Kpi, Measure, Period, Plan


class UnknownPeriod(LookupError):
    """A period id that the plan does not declare."""

    def __init__(self, period_id: str, known: tuple[str, ...]) -> None:
        self.period_id = period_id
        self.known = known
        super().__init__(period_id, known)

    def __str__(self) -> str:
        if not self.known:
            return f"unknown period {self.period_id!r}: the plan declares no periods"
        return f"unknown period {self.period_id!r}; the plan's periods are: " + ", ".join(
            self.known
        )


def one_year_before(day: date) -> date:
    """The same day one year earlier; 29 February becomes 28 February (ADR 0003)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def item_entries(item: Item) -> Mapping[str, object]:
    """An item's entries by period id: a KPI's values, an action's or measure's updates."""
    if isinstance(item, Kpi):
        return item.values
    if isinstance(item, (Action, Measure)):
        return item.updates
    return {}


def reported_period_ids(plan: Plan) -> frozenset[str]:
    """Periods for which the plan holds anything reported: an update, value or narrative."""
    ids: set[str] = set(plan.narrative)
    for risk in plan.risks:
        ids.update(risk.updates)
    for recommendation in plan.recommendations:
        for kind in Kind:
            for item in recommendation.items(kind):
                ids.update(item_entries(item))
    return frozenset(ids)


def default_period(plan: Plan, today: date | None = None) -> Period | None:
    """The period a plan opens on: the latest one with anything reported; None when the
    plan declares no periods (ADR 0030).

    A plan declares its periods ahead (all four quarters of a year), so the last declared
    period is often still empty; a plan with nothing reported yet opens on the latest period
    that has begun, else its first.
    """
    return current_period(plan.periods, reported_period_ids(plan), today)


def current_period(
    periods: tuple[Period, ...], reported: frozenset[str], today: date | None = None
) -> Period | None:
    """``default_period`` of a plan with these ``periods``, of which those in ``reported``
    have anything reported."""
    if not periods:
        return None
    for period in reversed(periods):
        if period.id in reported:
            return period
    today = today or date.today()
    for period in reversed(periods):
        if period.start <= today:
            return period
    return periods[0]


class PeriodIndex:
    """Positions of a plan's periods in plan order (oldest first)."""

    def __init__(self, plan: Plan) -> None:
        self.periods: tuple[Period, ...] = plan.periods
        self.ids: tuple[str, ...] = tuple(period.id for period in plan.periods)
        self._position = {period_id: index for index, period_id in enumerate(self.ids)}
        self._by_start: dict[date, int] = {}
        for index, period in enumerate(plan.periods):
            self._by_start.setdefault(period.start, index)

    def __len__(self) -> int:
        return len(self.periods)

    def __contains__(self, period_id: object) -> bool:
        return period_id in self._position

    def index(self, period_id: str) -> int:
        """The position of ``period_id``; raises ``UnknownPeriod`` naming the plan's periods."""
        try:
            return self._position[period_id]
        except KeyError:
            raise UnknownPeriod(period_id, self.ids) from None

    def position(self, period_id: str | None) -> int | None:
        """The position of ``period_id``, or None when it is None or not declared."""
        if period_id is None:
            return None
        return self._position.get(period_id)

    def previous(self, index: int) -> int | None:
        """The period just before in the plan's order (docs/rules.md#kpi-direction)."""
        return index - 1 if index > 0 else None

    def year_earlier(self, index: int) -> int | None:
        """The period one year earlier: the one starting on the same day a year before.

        The long direction compares with it (docs/rules.md#long-direction); ADR 0003 defines
        that period.
        """
        wanted = one_year_before(self.periods[index].start)
        found = self._by_start.get(wanted)
        if found is None or found >= index:
            return None
        return found
