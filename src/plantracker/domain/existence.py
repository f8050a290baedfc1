"""Whether an item exists in a period (docs/rules.md#existence).

An item exists only in its ``from`` and ``until`` periods and the ones between; outside them
it is not counted at all (not even as ``none``), raises no problem and has no direction.
"""

from __future__ import annotations

from plantracker.domain.model import Item
from plantracker.domain.periods import PeriodIndex


def exists_in(item: Item, index: int, periods: PeriodIndex) -> bool:
    """True when ``item`` exists in the period at position ``index`` of ``periods``
    (docs/rules.md#existence)."""
    if item.from_period is not None and index < periods.index(item.from_period):
        return False
    return item.until_period is None or index <= periods.index(item.until_period)
