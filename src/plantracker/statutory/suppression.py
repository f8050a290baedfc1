"""Statistical disclosure control for published figures, as the DfE applies it.

The rule lives in the domain (``plantracker.domain.disclosure``), where the published
report applies it too (ADR 0081); the statutory indicators use it from here.
"""

from __future__ import annotations

from plantracker.domain.disclosure import (
    SMALLEST_SHOWN,
    SUPPRESSED,
    is_small,
    suppress_count,
    suppress_rate,
    suppress_share,
)

__all__ = [
    "SMALLEST_SHOWN",
    "SUPPRESSED",
    "is_small",
    "suppress_count",
    "suppress_rate",
    "suppress_share",
]
