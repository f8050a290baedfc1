"""KPI rating and overrides (docs/rules.md#kpi-rating, docs/rules.md#override)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.builders import Q1, Q2, kpi, value

from plantracker.domain.direction import status_rank
from plantracker.domain.model import Aim, Better, Kpi, Rules, Status
from plantracker.domain.rating import (
    calculated_status,
    comparison_point,
    kpi_rating,
    rate_value,
    tolerance_band,
)

G, A, R = Status.GREEN, Status.AMBER, Status.RED
HIGHER, LOWER, CLOSER = Better.HIGHER, Better.LOWER, Better.CLOSER


def rate(v: str, better: Better, **kwargs: object) -> Status:
    """Rate value ``v`` in Q2 for a KPI built from ``kwargs``."""
    return kpi_rating(kpi(values={Q2: v}, better=better, **kwargs), Q2, Rules()).status


@pytest.mark.parametrize(
    ("better", "target", "v", "expected"),
    [
        # higher, t = 100, band 10 (the plan's 10 %)
        (HIGHER, "100", "100", G),
        (HIGHER, "100", "100.01", G),
        (HIGHER, "100", "99.99", A),
        (HIGHER, "100", "90", A),  # exactly at the tolerance
        (HIGHER, "100", "89.99", R),  # one hundredth beyond
        # lower, t = 20, band 2
        (LOWER, "20", "20", G),
        (LOWER, "20", "19.99", G),
        (LOWER, "20", "20.9", A),  # re-referrals: 20.9 % against 20 % is amber
        (LOWER, "20", "22", A),
        (LOWER, "20", "22.01", R),
        # closer, t = 50, band 5 (green within b, amber within 2b)
        (CLOSER, "50", "50", G),
        (CLOSER, "50", "55", G),
        (CLOSER, "50", "45", G),
        (CLOSER, "50", "55.01", A),
        (CLOSER, "50", "44.99", A),
        (CLOSER, "50", "60", A),
        (CLOSER, "50", "40", A),
        (CLOSER, "50", "60.01", R),
        (CLOSER, "50", "39.99", R),
        # zero target: the band is 10 % of 0, so nothing is amber
        (HIGHER, "0", "0", G),
        (HIGHER, "0", "0.01", G),
        (HIGHER, "0", "-0.01", R),
        (LOWER, "0", "0", G),
        (LOWER, "0", "0.01", R),
        (CLOSER, "0", "0", G),
        (CLOSER, "0", "-0.01", R),
        # negative target: the band is 10 % of |t| = 1
        (HIGHER, "-10", "-10", G),
        (HIGHER, "-10", "-11", A),
        (HIGHER, "-10", "-11.01", R),
        (LOWER, "-10", "-10.5", G),
        (LOWER, "-10", "-9", A),
        (LOWER, "-10", "-8.99", R),
        (CLOSER, "-10", "-11", G),
        (CLOSER, "-10", "-8", A),
        (CLOSER, "-10", "-7.99", R),
        # exact decimals: 1.1 − 10 % is 0.99 on paper (0.9900000000000001 in floats)
        (HIGHER, "1.1", "0.99", A),
        (HIGHER, "1.1", "0.98", R),
        (LOWER, "0.9", "0.99", A),
        # the seed's EET row: 58.6 % against 65 % is amber (58.5 is the edge)
        (HIGHER, "65", "58.6", A),
        (HIGHER, "65", "58.5", A),
        (HIGHER, "65", "58.49", R),
        # written digits do not matter to the comparison
        (HIGHER, "65.00", "58.50", A),
    ],
)
def test_rating_boundaries(better: Better, target: str, v: str, expected: Status) -> None:
    assert rate(v, better, target=target) is expected


@pytest.mark.parametrize(
    ("kwargs", "v", "expected"),
    [
        # tolerance_points: a band of 5 units of the KPI, not 5 % of t
        ({"tolerance_points": "5"}, "60", A),
        ({"tolerance_points": "5"}, "59.99", R),
        # the KPI's own tolerance (in % of t) replaces the plan's 10 %
        ({"tolerance": "20"}, "52", A),
        ({"tolerance": "20"}, "51.99", R),
        ({"tolerance": "0"}, "64.99", R),
        # the plan's default: 10 % of 65 = 6.5
        ({}, "58.5", A),
        ({}, "58.49", R),
    ],
)
def test_tolerance_sources(kwargs: dict[str, str], v: str, expected: Status) -> None:
    assert rate(v, HIGHER, target="65", **kwargs) is expected


def test_plan_kpi_tolerance_applies_when_the_kpi_has_none() -> None:
    item = kpi(values={Q2: "52"}, target="65")
    assert kpi_rating(item, Q2, Rules(kpi_tolerance=Decimal(20))).status is A
    assert kpi_rating(item, Q2, Rules()).status is R


@pytest.mark.parametrize(
    ("kwargs", "expected_band"),
    [
        ({}, "6.5"),
        ({"tolerance": "5"}, "3.25"),
        ({"tolerance_points": "3"}, "3"),
        ({"tolerance_points": "0"}, "0"),
    ],
)
def test_tolerance_band(kwargs: dict[str, str], expected_band: str) -> None:
    assert tolerance_band(kpi(**kwargs), Decimal("-65"), Rules()) == Decimal(expected_band)


@pytest.mark.parametrize(
    ("kwargs", "period", "expected_t"),
    [
        # per-period target for this period wins
        ({"targets": {Q2: "60"}, "target": "65", "baseline": "70"}, Q2, "60"),
        # a per-period target for another period does not apply: the plan target does
        ({"targets": {Q2: "60"}, "target": "65", "baseline": "70"}, Q1, "65"),
        # no target value ("Increase"): the baseline is the comparison point
        ({"targets": {Q2: "60"}, "baseline": "70"}, Q1, "70"),
        ({"baseline": "0"}, Q2, "0"),
        # nothing to compare with: a data-only indicator
        ({}, Q2, None),
    ],
)
def test_comparison_point(kwargs: dict[str, object], period: str, expected_t: str | None) -> None:
    t = comparison_point(kpi(**kwargs), period)
    assert t == (Decimal(expected_t) if expected_t is not None else None)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (Q2, G),  # 60 against the per-period target 60
        (Q1, A),  # 60 against the plan target 65: within 6.5
    ],
)
def test_per_period_target_then_plan_target(period: str, expected: Status) -> None:
    item = kpi(values={Q1: "60", Q2: "60"}, targets={Q2: "60"}, target="65", baseline="70")
    assert kpi_rating(item, period, Rules()).status is expected


def test_baseline_when_target_has_no_value() -> None:
    # "Increase" on the seed's CSE table: 4 against a baseline of 4 is green, 20 against
    # 22 is amber (within 2.2), 5 against 205 is red.
    for v, expected in (("4", G), ("20", A), ("5", R)):
        baseline = {"4": "4", "20": "22", "5": "205"}[v]
        assert rate(v, HIGHER, baseline=baseline) is expected


@pytest.mark.parametrize(
    ("aim", "better", "v", "expected"),
    [
        (Aim.INCREASE, None, "11", G),
        (Aim.DECREASE, None, "11", A),  # decrease → lower: 11 ≤ 10 + 1
        (Aim.DECREASE, None, "9", G),
        (Aim.MAINTAIN, LOWER, "1.9", G),  # CP plans over 2 years: maintain, better lower
        (Aim.MAINTAIN, LOWER, "2.54", R),
    ],
)
def test_better_follows_aim(aim: Aim, better: Better | None, v: str, expected: Status) -> None:
    target = "2.30" if aim is Aim.MAINTAIN else "10"
    item = kpi(values={Q2: v}, target=target, aim=aim, better=better)
    assert kpi_rating(item, Q2, Rules()).status is expected


@pytest.mark.parametrize(
    ("entry", "expected_kpi", "shown", "calculated", "overridden", "reason"),
    [
        # no entry for the period
        (None, {}, Status.MISSING, Status.MISSING, False, None),
        (None, {"expected": [Q1]}, Status.NONE, Status.NONE, False, None),
        (None, {"expected": [Q1, Q2]}, Status.MISSING, Status.MISSING, False, None),
        # a null value is not available; a given na agrees with it
        (value(None), {}, Status.NA, Status.NA, False, None),
        (value(None, Status.NA), {}, Status.NA, Status.NA, False, None),
        (value(None, display="NYA"), {}, Status.NA, Status.NA, False, None),
        # status none: none both calculated and shown, with or without a value
        (value(None, Status.NONE), {}, Status.NONE, Status.NONE, False, None),
        (value("50", Status.NONE), {}, Status.NONE, Status.NONE, False, None),
        # a rated status on a null value is an override of na
        (value(None, Status.RED, "known to be poor"), {}, R, Status.NA, True, "known to be poor"),
        # a given status equal to the calculated one changes nothing
        (value("58.6", A, "why"), {}, A, A, False, None),
        # a different given status stands, with the calculated one and the reason
        (
            value("58.6", G, "Rated green by the service"),
            {},
            G,
            A,
            True,
            "Rated green by the service",
        ),
        (value("58.6", G), {}, G, A, True, None),  # accepted; reported as a problem
        (value("58.6", Status.BLUE, "done"), {}, Status.BLUE, A, True, "done"),
        (value("58.6", Status.MISSING), {}, Status.MISSING, A, True, None),
        # ADR 0005: a given na on an entry that has a value is an override
        (value("58.6", Status.NA, "data suspect"), {}, Status.NA, A, True, "data suspect"),
        # no comparison point: na, and a given status overrides it
        (value("58.6"), {"target": None}, Status.NA, Status.NA, False, None),
        (value("58.6", G, "by eye"), {"target": None}, G, Status.NA, True, "by eye"),
    ],
)
def test_entries_and_overrides(
    entry: object,
    expected_kpi: dict[str, object],
    shown: Status,
    calculated: Status,
    overridden: bool,
    reason: str | None,
) -> None:
    kwargs: dict[str, object] = {"target": "65", **expected_kpi}
    values = {Q2: entry} if entry is not None else {}
    rating = kpi_rating(kpi(values=values, **kwargs), Q2, Rules())
    assert (rating.status, rating.calculated, rating.overridden, rating.reason) == (
        shown,
        calculated,
        overridden,
        reason,
    )


@pytest.mark.parametrize("given_status", list(Status))
def test_every_given_status_against_an_amber_value(given_status: Status) -> None:
    rating = kpi_rating(kpi(values={Q2: value("58.6", given_status)}, target="65"), Q2, Rules())
    if given_status is Status.NONE:
        assert (rating.status, rating.calculated, rating.overridden) == (Status.NONE,) * 2 + (
            False,
        )
    else:
        assert rating.status is given_status
        assert rating.calculated is A
        assert rating.overridden is (given_status is not A)


def test_rating_keeps_value_display_target_and_commentary() -> None:
    entry = value("62.4", display="62.4 (519)", commentary="Rising")
    rating = kpi_rating(kpi(values={Q2: entry}, target="56", aim=Aim.DECREASE), Q2, Rules())
    assert rating.value == Decimal("62.4")
    assert rating.display == "62.4 (519)"
    assert rating.target == Decimal("56")
    assert rating.commentary == "Rising"
    assert rating.status is R


# --- properties ------------------------------------------------------------------------

numbers = st.decimals(
    allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9
)
statuses = st.sampled_from(list(Status))


@st.composite
def kpis(draw: st.DrawFn) -> Kpi:
    use_points = draw(st.booleans())
    entry = draw(
        st.none()
        | st.builds(
            value,
            st.none() | numbers,
            st.none() | statuses,
            st.none() | st.text(max_size=5),
        )
    )
    return kpi(
        values={Q2: entry} if entry is not None else {},
        target=draw(st.none() | numbers),
        baseline=draw(st.none() | numbers),
        targets=draw(st.sampled_from([{}, {Q2: draw(numbers)}])),
        aim=draw(st.sampled_from([Aim.INCREASE, Aim.DECREASE])),
        better=draw(st.none() | st.sampled_from(list(Better))),
        tolerance=None if use_points else draw(st.none() | numbers.map(abs)),
        tolerance_points=draw(numbers.map(abs)) if use_points else None,
        expected=draw(st.none() | st.sampled_from([[Q1], [Q2], []])),
    )


@given(kpis(), numbers.map(abs))
@pytest.mark.slow
def test_no_kpi_crashes_the_rating(item: Kpi, kpi_tolerance: Decimal) -> None:
    rating = kpi_rating(item, Q2, Rules(kpi_tolerance=kpi_tolerance))
    assert rating.status in Status
    assert rating.overridden is (rating.status is not rating.calculated)
    entry = item.values.get(Q2)
    if entry is None or entry.status is None:
        assert not rating.overridden
    if rating.overridden:
        assert entry is not None and entry.status is rating.status


@given(
    st.sampled_from([HIGHER, LOWER, CLOSER]),
    numbers,
    numbers.map(abs),
    numbers,
    numbers,
)
def test_a_better_value_never_rates_worse(
    better: Better, t: Decimal, band: Decimal, a: Decimal, b: Decimal
) -> None:
    """Monotonic: moving the better way never lowers the status's rank."""
    low, high = sorted((a, b))
    if better is HIGHER:
        worse, better_value = low, high
    elif better is LOWER:
        worse, better_value = high, low
    else:
        worse, better_value = sorted((a, b), key=lambda v: (abs(v - t), v))[::-1]
    rank_better = status_rank(rate_value(better_value, t, band, better))
    rank_worse = status_rank(rate_value(worse, t, band, better))
    assert rank_better is not None and rank_worse is not None
    assert rank_better >= rank_worse


def test_calculated_status_of_annual_indicator_between_values() -> None:
    item = kpi(values={Q2: value(None, Status.NONE)}, target="10")
    assert calculated_status(item, Q2, item.values[Q2], Rules()) is Status.NONE
