"""Exact decimal arithmetic for the rules (DESIGN.md "KPI rating": "Compare exactly").

The default decimal context rounds to 28 digits. Rules instead run in a context wide enough
that adding, subtracting and multiplying the plan's numbers never rounds, and they divide by
100 with ``scaleb(-2)`` (an exponent shift), so a boundary such as 0.99 against 1.1 at 10 %
falls exactly where the arithmetic on paper puts it.
"""

from __future__ import annotations

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation

EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation])


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``|amount| · percent / 100`` without rounding."""
    return EXACT.multiply(EXACT.abs(amount), percent).scaleb(-2, EXACT)
