"""A KPI's trajectory: its linear trend projected to the target date.

The report's deep dives (docs/rules.md#trajectory): for a KPI with three or more
values, the report says where the straight-line trend of its values reaches by the target
date, and whether that meets the target — "on course" or "will miss".

The trend is the least-squares line through the KPI's values in the periods up to and
including the reported one, each placed at its period's end date. Whether the projection
meets the target is decided by the KPI rating rule itself (``rating.rate_value`` with the
KPI's ``better`` and tolerance band): the projection is on course exactly when a value equal
to it would be rated green against the target.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Context, Decimal

from plantracker.domain.model import Kpi, Plan, Status
from plantracker.domain.rating import rate_value, tolerance_band

MIN_POINTS = 3
"""A line through two points is no trend: three values or more (docs/rules.md#trajectory)."""

# Division is the only inexact step (the slope); 40 digits keeps the rounding far below
# any digit a plan writes, and the on-course comparison uses the rating rule unchanged.
_CONTEXT = Context(prec=40)


@dataclass(frozen=True)
class Trajectory:
    """The fitted trend of a KPI and its projection at the target date."""

    points: tuple[tuple[date, Decimal], ...]  # (period end, value), oldest first
    origin: date  # day 0 of the fit: the first point's date
    intercept: Decimal  # trend value at ``origin``
    slope_per_day: Decimal
    target_date: date
    target: Decimal
    projected: Decimal  # trend value at ``target_date``
    on_course: bool

    def at(self, day: date) -> Decimal:
        """The trend's value on ``day``."""
        days = Decimal((day - self.origin).days)
        return _CONTEXT.add(self.intercept, _CONTEXT.multiply(self.slope_per_day, days))

    @property
    def verdict(self) -> str:
        """What the report prints: "on course" or "will miss"."""
        return "on course" if self.on_course else "will miss"


def kpi_points(plan: Plan, kpi: Kpi, period_id: str) -> tuple[tuple[date, Decimal], ...]:
    """The KPI's values in the periods up to and including ``period_id``, at period ends
    (docs/rules.md#trajectory).

    Entries with no value (``na``) or marked ``status: none`` (an annual indicator between
    its values) are not data points.
    """
    last = plan.period_index(period_id)
    points: list[tuple[date, Decimal]] = []
    for period in plan.periods[: last + 1]:
        entry = kpi.values.get(period.id)
        if entry is None or entry.value is None or entry.status == Status.NONE:
            continue
        points.append((period.end, entry.value))
    return tuple(points)


def kpi_trajectory(plan: Plan, kpi: Kpi, period_id: str) -> Trajectory | None:
    """The KPI's trajectory at ``period_id``, or None when there is nothing to project
    (docs/rules.md#trajectory).

    Needs at least ``MIN_POINTS`` values and a target with both a value and a date (a
    target of "Increase" has no value to meet; a target without a date has no point in time
    to project to).
    """
    target = kpi.target
    if target is None or target.value is None or target.date is None:
        return None
    points = kpi_points(plan, kpi, period_id)
    if len(points) < MIN_POINTS:
        return None
    origin = points[0][0]
    intercept, slope = _least_squares(
        [(Decimal((day - origin).days), value) for day, value in points]
    )
    days_to_target = Decimal((target.date - origin).days)
    projected = _CONTEXT.add(intercept, _CONTEXT.multiply(slope, days_to_target))
    band = tolerance_band(kpi, target.value, plan.rules)
    rating = rate_value(projected, target.value, band, kpi.effective_better)
    return Trajectory(
        points=points,
        origin=origin,
        intercept=intercept,
        slope_per_day=slope,
        target_date=target.date,
        target=target.value,
        projected=projected,
        on_course=rating is Status.GREEN,
    )


def _least_squares(xy: list[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal]:
    """Intercept and slope of the ordinary least-squares line through ``xy``.

    The x values are distinct period end dates, so their spread is never zero.
    """
    c = _CONTEXT
    n = Decimal(len(xy))
    sum_x = sum_y = Decimal(0)
    for x, y in xy:
        sum_x, sum_y = c.add(sum_x, x), c.add(sum_y, y)
    mean_x, mean_y = c.divide(sum_x, n), c.divide(sum_y, n)
    spread = Decimal(0)
    covariance = Decimal(0)
    for x, y in xy:
        dx = c.subtract(x, mean_x)
        spread = c.add(spread, c.multiply(dx, dx))
        covariance = c.add(covariance, c.multiply(dx, c.subtract(y, mean_y)))
    slope = c.divide(covariance, spread)
    intercept = c.subtract(mean_y, c.multiply(slope, mean_x))
    return intercept, slope
