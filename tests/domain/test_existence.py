"""Items exist only from their ``from`` to their ``until`` period (docs/rules.md#existence)."""

from __future__ import annotations

import pytest
from tests.builders import Q1, Q2, action, plan

from plantracker.domain.existence import exists_in
from plantracker.domain.periods import PeriodIndex, UnknownPeriod

INDEX = PeriodIndex(plan())
Q3 = "2018-19-Q3"


@pytest.mark.parametrize(
    ("from_period", "until_period", "period", "exists"),
    [
        (None, None, Q2, True),
        (Q2, None, Q1, False),
        (Q2, None, Q2, True),
        (Q2, None, Q3, True),
        (None, Q2, Q2, True),
        (None, Q2, Q3, False),
        (None, Q1, Q2, False),
        (Q1, Q3, Q2, True),
        (Q2, Q2, Q2, True),
        (Q2, Q2, Q1, False),
        (Q3, Q1, Q2, False),  # an empty span: the item exists nowhere
    ],
)
def test_from_until(
    from_period: str | None, until_period: str | None, period: str, exists: bool
) -> None:
    item = action(from_period=from_period, until_period=until_period)
    assert exists_in(item, INDEX.index(period), INDEX) is exists


def test_an_undeclared_bound_is_a_clear_error() -> None:
    with pytest.raises(UnknownPeriod, match="2030-31-Q1"):
        exists_in(action(from_period="2030-31-Q1"), INDEX.index(Q2), INDEX)
