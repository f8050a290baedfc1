"""Statistical disclosure control for published figures, as the DfE applies it.

The department's children's social care statistics show counts of 1 to 5 as "c"; a share
is withheld when its numerator or denominator is such a count, and also when what is left
(denominator − numerator) is, since printing both would give it away by subtraction.
Zero is shown: it reveals nobody.
"""

from __future__ import annotations

SMALLEST_SHOWN = 6
SUPPRESSED = "c"


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
