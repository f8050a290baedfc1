"""Period positions, the previous period and the period one year earlier (ADR 0003)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.builders import (
    IDS,
    action,
    kpi,
    narrative,
    plan,
    quality,
    quarters,
    recommendation,
    risk,
)

from plantracker.domain.model import Period, Plan, Status
from plantracker.domain.periods import (
    PeriodIndex,
    UnknownPeriod,
    default_period,
    one_year_before,
)


def test_unknown_period_names_the_plans_periods() -> None:
    index = PeriodIndex(plan(periods=quarters(2, first_year=2018)))
    with pytest.raises(UnknownPeriod) as raised:
        index.index("2018-19-Q3")
    assert str(raised.value) == (
        "unknown period '2018-19-Q3'; the plan's periods are: 2018-19-Q1, 2018-19-Q2"
    )
    assert raised.value.known == ("2018-19-Q1", "2018-19-Q2")


def test_unknown_period_in_a_plan_without_periods() -> None:
    with pytest.raises(UnknownPeriod, match="declares no periods"):
        PeriodIndex(plan(periods=())).index("2018-19-Q1")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2018, 7, 1), date(2017, 7, 1)),
        (date(2020, 2, 29), date(2019, 2, 28)),
        (date(2021, 3, 1), date(2020, 3, 1)),
    ],
)
def test_one_year_before(day: date, expected: date) -> None:
    assert one_year_before(day) == expected


def test_quarters_one_year_earlier_is_four_quarters_back() -> None:
    index = PeriodIndex(plan())
    assert [index.year_earlier(i) for i in range(8)] == [None] * 4 + [0, 1, 2, 3]
    assert index.previous(0) is None
    assert index.previous(5) == 4
    assert IDS[index.year_earlier(index.index("2018-19-Q2")) or 0] == "2017-18-Q2"


def _months(n: int) -> tuple[Period, ...]:
    periods = []
    for i in range(n):
        start = date(2018 + (i // 12), i % 12 + 1, 1)
        following = date(2018 + ((i + 1) // 12), (i + 1) % 12 + 1, 1)
        periods.append(Period(f"M{i}", f"Month {i}", start, following - timedelta(days=1)))
    return tuple(periods)


def test_monthly_periods_one_year_earlier_is_twelve_back() -> None:
    index = PeriodIndex(plan(periods=_months(14)))
    assert index.year_earlier(12) == 0
    assert index.year_earlier(13) == 1
    assert index.year_earlier(11) is None


def test_no_period_starting_a_year_earlier_means_none() -> None:
    # Periods that do not line up with the calendar a year back have no long direction.
    periods = tuple(
        Period(
            f"P{i}",
            f"P{i}",
            date(2018, 1, 1) + timedelta(days=100 * i),
            date(2018, 1, 1) + timedelta(days=100 * i + 99),
        )
        for i in range(6)
    )
    index = PeriodIndex(plan(periods=periods))
    assert [index.year_earlier(i) for i in range(6)] == [None] * 6


# --- the period a plan opens on -----------------------------------------------------------

FAR_FUTURE = date(2030, 1, 1)


# (case, plan, today, the period it opens on)
DEFAULT_PERIOD_CASES: list[tuple[str, Plan, date, str | None]] = [
    ("no periods", plan(periods=()), FAR_FUTURE, None),
    ("nothing reported, before every period", plan(), date(2016, 1, 1), "2017-18-Q1"),
    ("nothing reported, on a period's first day", plan(), date(2018, 7, 1), "2018-19-Q2"),
    ("nothing reported, within a period", plan(), date(2018, 8, 15), "2018-19-Q2"),
    ("nothing reported, after every period", plan(), FAR_FUTURE, "2018-19-Q4"),
    (
        "a KPI value",
        plan(recommendation(kpis=[kpi(values={"2018-19-Q1": 5})])),
        FAR_FUTURE,
        "2018-19-Q1",
    ),
    (
        "the latest of several",
        plan(
            recommendation(
                actions=[action(updates={"2018-19-Q2": Status.GREEN})],
                kpis=[kpi(values={"2017-18-Q3": 5})],
            )
        ),
        FAR_FUTURE,
        "2018-19-Q2",
    ),
    (
        "reported wins over today",
        plan(recommendation(quality=[quality(updates={"2017-18-Q2": Status.AMBER})])),
        date(2018, 8, 15),
        "2017-18-Q2",
    ),
    (
        "a risk update",
        plan(risks=[risk(updates={"2017-18-Q4": Status.RED})]),
        FAR_FUTURE,
        "2017-18-Q4",
    ),
    ("a narrative", plan(narratives={"2018-19-Q3": narrative()}), FAR_FUTURE, "2018-19-Q3"),
    (
        "a KPI value not available (na) is reported",
        plan(recommendation(kpis=[kpi(values={"2018-19-Q1": None})])),
        FAR_FUTURE,
        "2018-19-Q1",
    ),
]


@pytest.mark.parametrize(
    ("built", "today", "expected"),
    [
        pytest.param(built, today, expected, id=case)
        for case, built, today, expected in DEFAULT_PERIOD_CASES
    ],
)
def test_default_period(built: Plan, today: date, expected: str | None) -> None:
    found = default_period(built, today=today)
    assert (found.id if found else None) == expected
