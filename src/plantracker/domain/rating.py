"""KPI rating and overrides (docs/rules.md#kpi-rating, docs/rules.md#override).

Pure functions of one KPI, one period id and the plan's ``Rules``. All arithmetic is exact
(``plantracker.domain.exact``): values are Decimals built from the text as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from plantracker.domain.exact import EXACT, percent_of
from plantracker.domain.model import Better, Kpi, KpiValue, NaReason, Rules, Status


@dataclass(frozen=True)
class KpiRating:
    """A KPI's outcome in one period.

    ``status`` is shown; ``calculated`` is what the rule gives. They differ exactly when
    ``overridden``; then ``reason`` is the entry's reason (None → a problem).
    """

    status: Status
    calculated: Status
    overridden: bool
    reason: str | None
    value: Decimal | None
    display: str | None
    target: Decimal | None
    commentary: str | None
    na_reason: NaReason | None = None  # set exactly when ``status`` is ``na``


def comparison_point(kpi: Kpi, period_id: str) -> Decimal | None:
    """The comparison point ``t`` (docs/rules.md#kpi-comparison-point).

    The per-period target if the KPI gives one for ``period_id``, else the plan target's
    value, else the baseline value (a target of "Increase" means "better than the
    baseline"), else None (a data-only indicator, rated ``na``).
    """
    per_period = kpi.targets.get(period_id)
    if per_period is not None:
        return per_period
    if kpi.target is not None and kpi.target.value is not None:
        return kpi.target.value
    if kpi.baseline is not None and kpi.baseline.value is not None:
        return kpi.baseline.value
    return None


def tolerance_band(kpi: Kpi, t: Decimal, rules: Rules) -> Decimal:
    """The band ``b`` (docs/rules.md#kpi-tolerance).

    ``tolerance_points`` units of the KPI itself when given; otherwise ``|t|·tol/100`` with
    ``tol`` the KPI's ``tolerance``, else the plan's ``kpi_tolerance``.
    """
    if kpi.tolerance_points is not None:
        return kpi.tolerance_points
    tolerance = kpi.tolerance if kpi.tolerance is not None else rules.kpi_tolerance
    return percent_of(t, tolerance)


def rate_value(value: Decimal, t: Decimal, band: Decimal, better: Better) -> Status:
    """Rate ``value`` against ``t`` with band ``band`` (docs/rules.md#kpi-rating).

    higher: green if v ≥ t, amber if v ≥ t − b; lower: green if v ≤ t, amber if v ≤ t + b;
    closer: green if |v − t| ≤ b, amber if |v − t| ≤ 2b; red otherwise.
    """
    if better is Better.HIGHER:
        if value >= t:
            return Status.GREEN
        return Status.AMBER if value >= EXACT.subtract(t, band) else Status.RED
    if better is Better.LOWER:
        if value <= t:
            return Status.GREEN
        return Status.AMBER if value <= EXACT.add(t, band) else Status.RED
    distance = EXACT.abs(EXACT.subtract(value, t))
    if distance <= band:
        return Status.GREEN
    return Status.AMBER if distance <= EXACT.add(band, band) else Status.RED


def calculated_status(kpi: Kpi, period_id: str, entry: KpiValue | None, rules: Rules) -> Status:
    """The rule's status for the KPI's entry in ``period_id`` (docs/rules.md#kpi-rating).

    No entry → ``missing`` (``none`` when the period is not in ``expected``); a value of
    null → ``na``; a given ``status: none`` → ``none``; no comparison point → ``na``.
    """
    if entry is None:
        if kpi.expected is not None and period_id not in kpi.expected:
            return Status.NONE
        return Status.MISSING
    if entry.status == Status.NONE:
        return Status.NONE
    if entry.value is None:
        return Status.NA
    t = comparison_point(kpi, period_id)
    if t is None:
        return Status.NA
    return rate_value(entry.value, t, tolerance_band(kpi, t, rules), kpi.effective_better)


def kpi_na_reason(kpi: Kpi, period_id: str, entry: KpiValue | None) -> NaReason:
    """Why a KPI is ``na`` in ``period_id`` (docs/rules.md#na-reasons).

    A null value ("NYA") → not yet available; no comparison point → no target (a data-only
    indicator); a value the rule could rate but set ``na`` by hand → not applicable.
    """
    if entry is None or entry.value is None:
        return NaReason.NOT_YET_AVAILABLE
    if comparison_point(kpi, period_id) is None:
        return NaReason.NO_TARGET
    return NaReason.NOT_APPLICABLE


def kpi_rating(kpi: Kpi, period_id: str, rules: Rules) -> KpiRating:
    """The KPI's shown and calculated status in ``period_id`` (docs/rules.md#override).

    A given status equal to the calculated one changes nothing; a different one stands and
    the KPI is overridden, keeping the calculated status and the reason. A given ``na`` on
    an entry that has a value is an override like any other (ADR 0005).
    """
    entry = kpi.values.get(period_id)
    calculated = calculated_status(kpi, period_id, entry, rules)
    given = entry.status if entry is not None else None
    shown = calculated if given is None else Status(given)
    overridden = shown is not calculated
    return KpiRating(
        status=shown,
        calculated=calculated,
        overridden=overridden,
        reason=entry.reason if overridden and entry is not None else None,
        value=entry.value if entry is not None else None,
        display=entry.display if entry is not None else None,
        target=comparison_point(kpi, period_id),
        commentary=entry.commentary if entry is not None else None,
        na_reason=kpi_na_reason(kpi, period_id, entry) if shown is Status.NA else None,
    )
