"""Direction of travel (docs/rules.md#kpi-direction, docs/rules.md#status-direction)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import Q1, Q2, YEAR_BEFORE_Q2, kpi, value

from plantracker.domain.direction import kpi_direction, status_direction, value_direction
from plantracker.domain.model import Better, Direction, Rules, Status

UP, SAME, DOWN = Direction.IMPROVING, Direction.SAME, Direction.WORSENING
HIGHER, LOWER, CLOSER = Better.HIGHER, Better.LOWER, Better.CLOSER
G, A, R, B = Status.GREEN, Status.AMBER, Status.RED, Status.BLUE


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (R, A, UP),
        (A, G, UP),
        (R, G, UP),
        (R, B, UP),
        (G, A, DOWN),
        (A, R, DOWN),
        (B, R, DOWN),
        (R, R, SAME),
        (A, A, SAME),
        (G, G, SAME),
        (G, B, SAME),  # blue counts as green
        (B, G, SAME),
        (B, B, SAME),
        # ADR 0007: either side not rated → no direction
        (Status.NONE, G, None),
        (G, Status.NONE, None),
        (Status.NA, A, None),
        (A, Status.NA, None),
        (Status.MISSING, R, None),
        (R, Status.MISSING, None),
        (None, G, None),  # no previous period
        (None, None, None),
    ],
)
def test_status_direction(
    previous: Status | None, current: Status | None, expected: Direction | None
) -> None:
    assert status_direction(previous, current) is expected


def d(text: str | None) -> Decimal | None:
    return Decimal(text) if text is not None else None


@pytest.mark.parametrize(
    ("better", "previous", "v", "t", "expected"),
    [
        # dot_band 2 % of |prev| = 2 for prev 100
        (HIGHER, "100", "102", None, SAME),
        (HIGHER, "100", "98", None, SAME),
        (HIGHER, "100", "102.01", None, UP),
        (HIGHER, "100", "97.99", None, DOWN),
        (LOWER, "100", "102.01", None, DOWN),
        (LOWER, "100", "97.99", None, UP),
        (LOWER, "100", "101", None, SAME),
        # previous 0: any change counts
        (HIGHER, "0", "0", None, SAME),
        (HIGHER, "0", "0.01", None, UP),
        (LOWER, "0", "0.01", None, DOWN),
        # negative previous: the band is 2 % of |prev|
        (HIGHER, "-10", "-10.2", None, SAME),
        (HIGHER, "-10", "-10.21", None, DOWN),
        (HIGHER, "-10", "-9.79", None, UP),
        # absent values
        (HIGHER, None, "5", None, None),
        (HIGHER, "5", None, None, None),
        # closer: against the current t
        (CLOSER, "40", "45", "50", UP),
        (CLOSER, "45", "40", "50", DOWN),
        (CLOSER, "40", "60", "50", SAME),  # equally far on the other side
        (CLOSER, "60", "45", "50", UP),
        (CLOSER, "40", "45", None, None),  # no t
        # ADR 0004: the dot_band applies to closer too (0.8 of 40 → same)
        (CLOSER, "40", "40.8", "50", SAME),
        (CLOSER, "40", "40.81", "50", UP),
    ],
)
def test_value_direction(
    better: Better, previous: str | None, v: str | None, t: str | None, expected: Direction | None
) -> None:
    assert value_direction(d(v), d(previous), better, d(t), Decimal(2)) is expected


def test_dot_band_comes_from_the_plan_rules() -> None:
    item = kpi(values={Q1: "100", Q2: "104"}, target="200")
    assert kpi_direction(item, Q2, Q1, Rules()) is UP
    assert kpi_direction(item, Q2, Q1, Rules(dot_band=Decimal(5))) is SAME


def test_closer_measures_both_values_against_the_current_target() -> None:
    # Q1's own target (10) would make 45 farther than 40; against Q2's (50) it is nearer.
    item = kpi(values={Q1: "40", Q2: "45"}, targets={Q1: "10", Q2: "50"}, better=CLOSER)
    assert kpi_direction(item, Q2, Q1, Rules()) is UP


@pytest.mark.parametrize(
    ("values", "earlier", "expected"),
    [
        ({Q1: "60", Q2: "58.6"}, Q1, DOWN),
        ({Q1: value(None, display="NYA"), Q2: "58.6"}, Q1, None),
        ({Q2: "58.6"}, Q1, None),  # no entry in the previous period
        ({Q1: "60"}, Q1, None),  # no entry now
        ({Q2: "58.6"}, None, None),  # no earlier period
        # the year-earlier comparison uses the same rule
        ({YEAR_BEFORE_Q2: "50", Q1: "60", Q2: "58.6"}, YEAR_BEFORE_Q2, UP),
        # a value with status none is still a value to compare
        ({Q1: value("60", Status.NONE), Q2: "66"}, Q1, UP),
    ],
)
def test_kpi_direction(values: dict, earlier: str | None, expected: Direction | None) -> None:
    item = kpi(values=values, target="65")
    assert kpi_direction(item, Q2, earlier, Rules()) is expected


numbers = st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**6), max_value=10**6)


@given(
    st.sampled_from(list(Better)),
    st.none() | numbers,
    st.none() | numbers,
    st.none() | numbers,
    numbers.map(abs),
)
def test_value_direction_never_crashes(
    better: Better,
    previous: Decimal | None,
    v: Decimal | None,
    t: Decimal | None,
    dot_band: Decimal,
) -> None:
    direction = value_direction(v, previous, better, t, dot_band)
    if v is None or previous is None:
        assert direction is None
    if v is not None and v == previous and (better is not CLOSER or t is not None):
        assert direction is SAME


@given(st.sampled_from([*Status, None]), st.sampled_from([*Status, None]))
def test_status_direction_is_antisymmetric(a: Status | None, b: Status | None) -> None:
    forward, backward = status_direction(a, b), status_direction(b, a)
    flip = {UP: DOWN, DOWN: UP, SAME: SAME, None: None}
    assert backward is flip[forward]
