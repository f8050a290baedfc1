"""Roll-ups, counts and half-up percentages (docs/rules.md#rollup,
docs/rules.md#counts)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantracker.domain.counting import percent
from plantracker.domain.model import RATED, Rules, Status
from plantracker.domain.rollup import count_statuses, rollup_status

G, A, R, B = Status.GREEN, Status.AMBER, Status.RED, Status.BLUE
N, NA, M = Status.NONE, Status.NA, Status.MISSING


def counts(**by_name: int) -> dict[Status, int]:
    return {Status(name): number for name, number in by_name.items()}


@pytest.mark.parametrize(
    ("by_status", "expected"),
    [
        ({}, NA),
        (counts(none=3, na=2, missing=1), NA),  # nothing rated
        (counts(green=3, amber=1), G),  # exactly 75 % green
        (counts(green=749, amber=251), A),  # 74.9 %: exact shares, never rounded up
        (counts(green=750, amber=250), G),
        (counts(green=2, amber=1), A),  # 66.7 %
        (counts(blue=3, amber=1), G),  # blue counts as green
        (counts(green=1, blue=2, amber=1), G),
        (counts(green=3, amber=1, none=10, missing=10), G),  # unrated items do not dilute
        (counts(red=1, green=3), R),  # exactly 25 % red
        (counts(red=1, green=4), A),  # 20 % red: not green, there is a red
        (counts(red=249, green=751), A),  # 24.9 %
        (counts(red=250, green=750), R),
        (counts(red=1, green=67), A),  # the seed's actions: 1 red of 68
        (counts(green=39, amber=24, red=1, blue=2, none=2), A),  # the seed's Q2 actions
        (counts(green=23, amber=3, red=17, na=1), R),  # the seed's Q2 KPIs
        (counts(green=6, amber=10), A),  # the seed's Q2 quality measures
        (counts(green=14, amber=4, red=1), A),  # the seed's Q2 feedback: 73.7 % green
        (counts(amber=5), A),
        (counts(red=1), R),
        (counts(blue=1), G),
    ],
)
def test_rollup_with_default_thresholds(by_status: dict[Status, int], expected: Status) -> None:
    assert rollup_status(by_status, Rules()) is expected


@pytest.mark.parametrize(
    ("rules", "by_status", "expected"),
    [
        (Rules(rollup_green=Decimal("66.67")), counts(green=2, amber=1), A),
        (Rules(rollup_green=Decimal("66.66")), counts(green=2, amber=1), G),
        (Rules(rollup_red=Decimal("33.33")), counts(red=1, green=2), R),
        (Rules(rollup_red=Decimal("33.34")), counts(red=1, green=2), A),
        (Rules(rollup_green=Decimal(50)), counts(green=1, amber=1), G),
        (Rules(rollup_red=Decimal(10)), counts(red=1, green=9), R),
        (Rules(rollup_red=Decimal(100)), counts(red=1, green=1), A),
    ],
)
def test_rollup_thresholds_from_the_plan(
    rules: Rules, by_status: dict[Status, int], expected: Status
) -> None:
    assert rollup_status(by_status, rules) is expected


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (5, 8, 63),  # 62.5 rounds half up
        (3, 8, 38),  # 37.5
        (1, 8, 13),  # 12.5
        (1, 68, 1),  # "1 of 68 actions (1%) is red"
        (39, 68, 57),
        (1, 3, 33),
        (2, 3, 67),
        (1, 200, 1),  # 0.5 → 1
        (1, 201, 0),
        (0, 5, 0),
        (5, 5, 100),
        (0, 0, 0),  # an empty kind
    ],
)
def test_percent_half_up(part: int, whole: int, expected: int) -> None:
    assert percent(part, whole) == expected


def test_counts_have_all_seven_statuses_and_the_rollup() -> None:
    result = count_statuses([G, G, A, N, M], Rules())
    assert result.count == 5
    assert dict(result.by_status) == {G: 2, A: 1, R: 0, B: 0, N: 1, NA: 0, M: 1}
    assert result.status is A  # 2 of 3 rated green
    assert result.percent(G) == 40


def test_an_empty_kind_is_count_zero_status_na() -> None:
    result = count_statuses([], Rules())
    assert result.count == 0
    assert set(result.by_status) == set(Status)
    assert result.status is NA
    assert all(result.percent(status) == 0 for status in Status)


@given(st.lists(st.sampled_from(list(Status)), max_size=300))
def test_counts_add_up_and_percentages_are_whole_numbers(statuses: list[Status]) -> None:
    result = count_statuses(statuses, Rules())
    assert result.count == len(statuses) == sum(result.by_status.values())
    for status in Status:
        assert result[status] == statuses.count(status)
        assert isinstance(result.percent(status), int)
        assert 0 <= result.percent(status) <= 100
    assert (result.status is NA) == (not any(status in RATED for status in statuses))


@given(
    st.dictionaries(st.sampled_from(list(Status)), st.integers(0, 10**6)),
    st.decimals(0, 100, places=3),
    st.decimals(0, 100, places=3),
)
def test_rollup_never_crashes_and_green_has_no_red(
    by_status: dict[Status, int], green: Decimal, red: Decimal
) -> None:
    status = rollup_status(by_status, Rules(rollup_green=green, rollup_red=red))
    assert status in {G, A, R, NA}
    if status is G:
        assert by_status.get(R, 0) == 0
