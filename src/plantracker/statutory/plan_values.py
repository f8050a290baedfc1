"""From computed indicators to KPI values of a plan: what ``statutory apply`` will write.

Pure: takes a domain Plan and the results of ``compute_indicators`` and returns the KPI
values to record, one per KPI whose ``source`` is ``statutory:<indicator>``. Writing them
(through the tracker's services, marked as computed, with the audit trail) is the apply
step's job, in the Django app.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from plantracker.domain.computed import DataQuality, computed_mark
from plantracker.domain.model import STATUTORY_PREFIX, Kpi, KpiValue, Plan
from plantracker.statutory.definitions import DEFINITIONS
from plantracker.statutory.errors import StatutoryError
from plantracker.statutory.indicators import Indicator, Window
from plantracker.statutory.suppression import SUPPRESSED

SOURCE_PREFIX = STATUTORY_PREFIX


@dataclass(frozen=True)
class ComputedValue:
    """The value for one KPI, and which indicator it came from."""

    ref: str
    indicator: str
    value: KpiValue


def indicator_of(kpi: Kpi) -> str | None:
    """The indicator a KPI is computed from, or None when its values are entered by hand."""
    if kpi.source is None or not kpi.source.startswith(SOURCE_PREFIX):
        return None
    return kpi.source[len(SOURCE_PREFIX) :]


def statutory_kpis(plan: Plan) -> list[tuple[Kpi, str]]:
    """Every KPI with a statutory source, in plan order; an unknown indicator is an error."""
    found: list[tuple[Kpi, str]] = []
    unknown: list[str] = []
    for recommendation in plan.recommendations:
        for kpi in recommendation.kpis:
            name = indicator_of(kpi)
            if name is None:
                continue
            if name not in DEFINITIONS:
                unknown.append(f"KPI {kpi.ref}: unknown statutory indicator {name!r}")
            else:
                found.append((kpi, name))
    if unknown:
        known = ", ".join(DEFINITIONS)
        raise StatutoryError("\n".join([*unknown, f"(known indicators: {known})"]))
    return found


def _commentary(result: Indicator, as_of: date) -> str:
    window = Window.to(as_of)
    period = f"12 months to {as_of.isoformat()} (after {window.start.isoformat()})"
    if result.suppressed:
        return f"Computed from the statutory returns, {period}: suppressed (a count of 1 to 5)."
    if result.value is None:
        why = "; ".join(result.notes) or "no data"
        return f"Not computed from the statutory returns, {period}: {why}."
    if result.unit == "count":
        return f"Computed from the statutory returns: {result.numerator} on {as_of.isoformat()}."
    return (
        f"Computed from the statutory returns, {period}: "
        f"{result.numerator} of {result.denominator}."
    )


def computed_kpi_values(
    plan: Plan,
    results: Mapping[str, Indicator],
    as_of: date,
    quality: Mapping[str, DataQuality | None] | None = None,
) -> list[ComputedValue]:
    """The values ``apply`` writes for the period ending ``as_of``, each marked
    ``computed_from`` with its indicator and, when ``quality`` knows it, the data quality of
    the returns it was computed from (plantracker.domain.computed, ADR 0074).

    A suppressed figure is recorded as not available with display ``SUPPRESSED``, "c" (the
    published convention, ``statutory.suppression``); a figure that could not be computed
    as not available, with the reason in the commentary.
    """
    values: list[ComputedValue] = []
    for kpi, name in statutory_kpis(plan):
        result = results[name]
        value = KpiValue(
            value=None if result.suppressed else result.value,
            display=SUPPRESSED if result.suppressed else None,
            commentary=_commentary(result, as_of),
            computed_from=computed_mark(name, (quality or {}).get(name)),
        )
        values.append(ComputedValue(kpi.ref, name, value))
    return values
