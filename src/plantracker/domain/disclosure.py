"""Statistical disclosure control for published figures, as the DfE applies it.

The department's children's social care statistics show counts of 1 to 5 as "c"; a share
is withheld when its numerator or denominator is such a count, and also when what is left
(denominator − numerator) is, since printing both would give it away by subtraction.
Zero is shown: it reveals nobody.

The one rule, here in the domain so that both the statutory indicators
(``plantracker.statutory.suppression`` uses it) and the published report (a KPI marked
``disclosure: suppress``, docs/plan-file.md#disclosure, ADR 0081) apply it.
"""

from __future__ import annotations

import re
from decimal import Decimal

from plantracker.domain.model import Disclosure, Kpi, KpiValue, Unit

SMALLEST_SHOWN = 6
SUPPRESSED = "c"
SUPPRESSED_MEANING = (
    "c: withheld to protect privacy — a count of 1 to 5, or a share or rate derived from "
    "such a count (or whose remainder is one), as the DfE's published statistics do"
)

# A share's parts as a value's display text states them: "25% (3 of 12)".
_PARTS = re.compile(r"(?<![\d.])(\d+) of (\d+)(?![\d.])")


def is_small(n: int | None) -> bool:
    """A count of 1 to 5 (DfE: suppressed in published tables)."""
    return n is not None and 0 < n < SMALLEST_SHOWN


def suppress_count(n: int) -> bool:
    return is_small(n)


def suppress_share(numerator: int, denominator: int) -> bool:
    """Withhold a share whose parts, or the remainder, are counts of 1 to 5."""
    return is_small(numerator) or is_small(denominator) or is_small(denominator - numerator)


def suppress_rate(numerator: int) -> bool:
    """A rate over a population: only the count of children can identify anyone."""
    return is_small(numerator)


def stated_parts(display: str | None) -> tuple[int, int] | None:
    """The numerator and denominator a display text states as ``N of D``, if it does."""
    found = _PARTS.search(display or "")
    return (int(found[1]), int(found[2])) if found else None


def figure_withheld(unit: Unit, value: Decimal | None, display: str | None) -> bool:
    """Whether a figure of a KPI marked ``disclosure: suppress`` is withheld when published
    (docs/plan-file.md#disclosure, ADR 0081).

    A count (or a plain number that is whole) is withheld when it is 1 to 5. A share
    (percent) or rate is derived from counts the figure alone does not show: it is withheld
    when the parts its display text states (``N of D``) are, by ``suppress_share`` or
    ``suppress_rate``; and when it states none, since nothing shows it is safe. No figure
    (``value`` None) has nothing to withhold.
    """
    if value is None:
        return False
    if unit in (Unit.COUNT, Unit.NUMBER):
        whole = value == value.to_integral_value()
        return whole and suppress_count(int(value))
    parts = stated_parts(display)
    if parts is None:
        return True
    numerator, denominator = parts
    if unit is Unit.RATE:
        return suppress_rate(numerator)
    return suppress_share(numerator, denominator)


def value_withheld(kpi: Kpi, entry: KpiValue | None) -> bool:
    """Whether ``entry`` of ``kpi`` is withheld in the published report: only for a KPI
    marked ``disclosure: suppress``."""
    if kpi.disclosure is not Disclosure.SUPPRESS or entry is None:
        return False
    return figure_withheld(kpi.unit, entry.value, entry.display)
