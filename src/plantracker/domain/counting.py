"""Percentages as reports print them (docs/rules.md#counts)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` as a whole-number percentage, rounded half up (5/8 → 63;
    docs/rules.md#counts).

    An empty whole gives 0: there is nothing to be a share of.
    """
    if whole <= 0:
        return 0
    share = Decimal(part) * 100 / Decimal(whole)
    return int(share.quantize(Decimal(1), rounding=ROUND_HALF_UP))
