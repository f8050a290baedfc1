"""Which figures of a KPI marked ``disclosure: suppress`` a published report withholds
(docs/plan-file.md#disclosure): the statutory code's one rule, applied by unit. The rule
itself is the statutory indicators' (tests/statutory/test_suppression.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from plantracker.domain.disclosure import figure_withheld, stated_parts
from plantracker.domain.model import Unit
from plantracker.statutory import suppression


@pytest.mark.parametrize(
    ("unit", "value", "display", "withheld"),
    [
        (Unit.COUNT, "0", None, False),  # zero reveals nobody
        (Unit.COUNT, "3", None, True),
        (Unit.COUNT, "5", None, True),
        (Unit.COUNT, "6", None, False),
        (Unit.NUMBER, "4", None, True),  # a whole plain number is a count
        (Unit.NUMBER, "4.5", None, False),  # an average is not
        (Unit.PERCENT, "25", "25% (3 of 12)", True),  # small numerator
        (Unit.PERCENT, "90", "90% (36 of 40)", True),  # 4 left: given away by subtraction
        (Unit.PERCENT, "50", "50% (20 of 40)", False),
        (Unit.PERCENT, "50", None, True),  # no parts stated: nothing shows it is safe
        (Unit.RATE, "41.2", "41.2 (4 of 9700)", True),
        (Unit.RATE, "41.2", "41.2 (40 of 9700)", False),
        (Unit.COUNT, None, "NYA", False),  # no figure, nothing to withhold
    ],
)
def test_a_figure_is_withheld_by_the_one_rule(
    unit: Unit, value: str | None, display: str | None, withheld: bool
) -> None:
    figure = Decimal(value) if value is not None else None
    assert figure_withheld(unit, figure, display) is withheld


def test_the_statutory_code_uses_the_same_rule() -> None:
    from plantracker.domain import disclosure

    assert suppression.suppress_share is disclosure.suppress_share
    assert suppression.SUPPRESSED == disclosure.SUPPRESSED == "c"
    assert stated_parts("58.6% (41 of 70)") == (41, 70)
    assert stated_parts("66 (611)") is None
