"""Direction of travel (docs/rules.md#kpi-direction and
docs/rules.md#status-direction)."""

from __future__ import annotations

from decimal import Decimal

from plantracker.domain.exact import EXACT, percent_of
from plantracker.domain.model import Better, Direction, Kpi, Rules, Status
from plantracker.domain.rating import comparison_point

_RANK = {Status.RED: 0, Status.AMBER: 1, Status.GREEN: 2, Status.BLUE: 2}


def status_rank(status: Status | None) -> int | None:
    """Rank red < amber < green, blue counting as green; None when not rated
    (docs/rules.md#status-direction)."""
    return _RANK.get(Status(status)) if status is not None else None


def status_direction(previous: Status | None, current: Status | None) -> Direction | None:
    """Direction of a roll-up, action, measure or risk (docs/rules.md#status-direction).

    Compares status ranks with the previous period's; either side not rated (``none``,
    ``na``, ``missing``, or no previous period) → None (ADR 0007).
    """
    before, now = status_rank(previous), status_rank(current)
    if before is None or now is None:
        return None
    if now > before:
        return Direction.IMPROVING
    if now < before:
        return Direction.WORSENING
    return Direction.SAME


def value_direction(
    value: Decimal | None,
    previous: Decimal | None,
    better: Better,
    target: Decimal | None,
    dot_band: Decimal,
) -> Direction | None:
    """Direction of a KPI's value against an earlier one (docs/rules.md#kpi-direction).

    Either value absent → None. A change of at most ``|prev|·dot_band/100`` is ``same``;
    otherwise ``improving`` when the value moved the better way. For ``closer`` the better
    way is nearer the current period's ``t`` (equally far → ``same``, no ``t`` → None);
    the ``dot_band`` applies to ``closer`` too (ADR 0004).
    """
    if value is None or previous is None:
        return None
    if better is Better.CLOSER:
        if target is None:
            return None
        if not _moved(value, previous, dot_band):
            return Direction.SAME
        now = EXACT.abs(EXACT.subtract(value, target))
        before = EXACT.abs(EXACT.subtract(previous, target))
        if now < before:
            return Direction.IMPROVING
        return Direction.WORSENING if now > before else Direction.SAME
    if not _moved(value, previous, dot_band):
        return Direction.SAME
    went_up = value > previous
    return Direction.IMPROVING if went_up == (better is Better.HIGHER) else Direction.WORSENING


def _moved(value: Decimal, previous: Decimal, dot_band: Decimal) -> bool:
    """True when the change is more than ``|prev|·dot_band/100``."""
    return EXACT.abs(EXACT.subtract(value, previous)) > percent_of(previous, dot_band)


def kpi_direction(
    kpi: Kpi, period_id: str, earlier_period_id: str | None, rules: Rules
) -> Direction | None:
    """A KPI's direction in ``period_id`` against ``earlier_period_id``.

    Used with the previous period (the short direction) and with the period one year
    earlier (the long direction, ADR 0003). No earlier period → None.
    """
    if earlier_period_id is None:
        return None
    current = kpi.values.get(period_id)
    earlier = kpi.values.get(earlier_period_id)
    return value_direction(
        current.value if current is not None else None,
        earlier.value if earlier is not None else None,
        kpi.effective_better,
        comparison_point(kpi, period_id),
        rules.dot_band,
    )
