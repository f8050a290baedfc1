"""Exact decimal arithmetic for the rules (docs/rules.md#exact-numbers).

The default decimal context rounds to 28 digits. Rules instead run in a context wide enough
that adding, subtracting and multiplying the plan's numbers never rounds, and they divide by
100 with ``scaleb(-2)`` (an exponent shift), so a boundary such as 0.99 against 1.1 at 10 %
falls exactly where the arithmetic on paper puts it.
"""

from __future__ import annotations

from decimal import MAX_EMAX, MAX_PREC, MIN_EMIN, Context, Decimal, InvalidOperation

EXACT = Context(prec=MAX_PREC, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[InvalidOperation])

# The limits of a plan's numbers, the same wherever a number enters: the plan file and the
# workbook, the web form, the API and the statutory figures. Within them every value exports,
# snapshots and reads back with its digits, and a hostile number (thousands of digits, an
# exponent of a million) is refused before any arithmetic meets it.

MAX_DIGITS = 28
"""Significant digits the rules compute with exactly (the default decimal context)."""

MAX_MAGNITUDE = 60
"""Numbers beyond 10**±60 are refused: no indicator needs them, and arithmetic would round."""


def within_number_limits(value: Decimal) -> bool:
    """Whether ``value`` is finite, has at most ``MAX_DIGITS`` significant digits and lies
    between 1e-``MAX_MAGNITUDE`` and 1e``MAX_MAGNITUDE`` in size (or is zero):
    docs/plan-file.md#limits."""
    if not value.is_finite() or len(value.as_tuple().digits) > MAX_DIGITS:
        return False
    return not value or abs(value.adjusted()) <= MAX_MAGNITUDE


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    """``|amount| · percent / 100`` without rounding (docs/rules.md#exact-numbers)."""
    return EXACT.multiply(EXACT.abs(amount), percent).scaleb(-2, EXACT)
