"""The KPI trajectory note of the deep dives: linear trend projected to the target date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plantracker.domain.model import (
    Aim,
    Better,
    Kpi,
    KpiValue,
    Period,
    Plan,
    Recommendation,
    Status,
    Target,
)
from plantracker.domain.trajectory import MIN_POINTS, kpi_points, kpi_trajectory

START = date(2020, 1, 1)
STEP = 100  # days between period ends, so a steady change per period is a straight line


def _periods(n: int) -> tuple[Period, ...]:
    return tuple(
        Period(
            id=f"P{i}",
            label=f"Period {i}",
            start=START + timedelta(days=STEP * i - STEP + 1),
            end=START + timedelta(days=STEP * i),
        )
        for i in range(n)
    )


def _plan(kpi: Kpi, periods: int = 6) -> Plan:
    rec = Recommendation(number=1, title="R", aim="aim", kpis=(kpi,))
    return Plan(title="T", organisation="O", periods=_periods(periods), recommendations=(rec,))


def _kpi(
    values: dict[str, str | None],
    *,
    target: str | None = "100",
    target_day: int | None = 600,
    better: Better | None = None,
    aim: Aim = Aim.INCREASE,
    tolerance_points: str | None = None,
) -> Kpi:
    return Kpi(
        ref="1.K1",
        title="K",
        aim=aim,
        better=better,
        target=Target(
            value=Decimal(target) if target is not None else None,
            date=START + timedelta(days=target_day) if target_day is not None else None,
        ),
        tolerance_points=Decimal(tolerance_points) if tolerance_points else None,
        values={
            period: KpiValue(value=Decimal(v) if v is not None else None)
            for period, v in values.items()
        },
    )


def test_a_straight_line_projects_exactly() -> None:
    # 10, 20, 30 at days 0, 100, 200 → 70 at day 600.
    kpi = _kpi({"P0": "10", "P1": "20", "P2": "30"})
    trajectory = kpi_trajectory(_plan(kpi), kpi, "P2")
    assert trajectory is not None
    assert trajectory.projected == Decimal(70)
    assert trajectory.slope_per_day == Decimal("0.1")
    assert trajectory.at(START + timedelta(days=100)) == Decimal(20)
    assert not trajectory.on_course
    assert trajectory.verdict == "will miss"


def test_least_squares_through_scattered_points() -> None:
    # Points (0, 0), (100, 10), (200, 5): slope 0.025/day, intercept 2.5 → 17.5 at day 600.
    kpi = _kpi({"P0": "0", "P1": "10", "P2": "5"}, target="17.5")
    trajectory = kpi_trajectory(_plan(kpi), kpi, "P2")
    assert trajectory is not None
    assert trajectory.intercept == Decimal("2.5")
    assert trajectory.projected == Decimal("17.5")
    assert trajectory.on_course  # exactly at a "higher" target is green


@pytest.mark.parametrize(
    ("values", "target", "better", "aim", "points", "on_course"),
    [
        # higher: projected 70 against 70 meets it, against 70.01 misses
        (("10", "20", "30"), "70", None, Aim.INCREASE, None, True),
        (("10", "20", "30"), "70.01", None, Aim.INCREASE, None, False),
        # lower: falling 30, 20, 10 → -30 at day 600
        (("30", "20", "10"), "-30", None, Aim.DECREASE, None, True),
        (("30", "20", "10"), "-30.01", None, Aim.DECREASE, None, False),
        # closer: 70 projected; green within the band of 5 points either side
        (("10", "20", "30"), "75", Better.CLOSER, Aim.MAINTAIN, "5", True),
        (("10", "20", "30"), "75.01", Better.CLOSER, Aim.MAINTAIN, "5", False),
        (("10", "20", "30"), "65", Better.CLOSER, Aim.MAINTAIN, "5", True),
    ],
)
def test_on_course_follows_the_kpi_rating_rule(
    values: tuple[str, ...],
    target: str,
    better: Better | None,
    aim: Aim,
    points: str | None,
    on_course: bool,
) -> None:
    kpi = _kpi(
        {f"P{i}": v for i, v in enumerate(values)},
        target=target,
        better=better,
        aim=aim,
        tolerance_points=points,
    )
    trajectory = kpi_trajectory(_plan(kpi), kpi, f"P{len(values) - 1}")
    assert trajectory is not None
    assert trajectory.on_course is on_course


def test_two_values_are_no_trend() -> None:
    kpi = _kpi({"P0": "10", "P1": "20"})
    assert kpi_trajectory(_plan(kpi), kpi, "P1") is None


@pytest.mark.parametrize(
    ("target", "target_day"),
    [(None, 600), ("100", None)],
    ids=["no target value (Increase)", "no target date"],
)
def test_nothing_to_project_to(target: str | None, target_day: int | None) -> None:
    kpi = _kpi({"P0": "10", "P1": "20", "P2": "30"}, target=target, target_day=target_day)
    assert kpi_trajectory(_plan(kpi), kpi, "P2") is None


def test_no_target_at_all() -> None:
    kpi = Kpi(ref="1.K1", title="K", values={p: KpiValue(Decimal(1)) for p in ("P0", "P1", "P2")})
    assert kpi_trajectory(_plan(kpi), kpi, "P2") is None


def test_values_after_the_reported_period_are_not_used() -> None:
    kpi = _kpi({"P0": "10", "P1": "20", "P2": "30", "P3": "1000"})
    trajectory = kpi_trajectory(_plan(kpi), kpi, "P2")
    assert trajectory is not None
    assert trajectory.projected == Decimal(70)
    assert kpi_trajectory(_plan(kpi), kpi, "P1") is None


def test_missing_not_available_and_none_entries_are_skipped() -> None:
    kpi = _kpi({"P0": "10", "P1": None, "P3": "40", "P4": "50"})
    kpi = Kpi(
        **{
            **kpi.__dict__,
            "values": {**kpi.values, "P5": KpiValue(value=Decimal(999), status=Status.NONE)},
        }
    )
    points = kpi_points(_plan(kpi), kpi, "P5")
    assert [value for _, value in points] == [Decimal(10), Decimal(40), Decimal(50)]
    trajectory = kpi_trajectory(_plan(kpi), kpi, "P5")
    assert trajectory is not None
    # 10, 40, 50 at days 0, 300, 400: a slope of 0.1/day fits them exactly → 70 at day 600.
    assert trajectory.projected == Decimal(70)


@given(
    st.lists(
        st.decimals(min_value=-(10**6), max_value=10**6, places=2, allow_nan=False),
        min_size=MIN_POINTS,
        max_size=8,
    ),
    st.integers(min_value=-1000, max_value=5000),
)
def test_the_fit_passes_through_the_mean_point(values: list[Decimal], target_day: int) -> None:
    kpi = _kpi({f"P{i}": str(v) for i, v in enumerate(values)}, target_day=target_day)
    plan = _plan(kpi, periods=len(values))
    trajectory = kpi_trajectory(plan, kpi, f"P{len(values) - 1}")
    assert trajectory is not None
    mean_day = Decimal(sum(STEP * i for i in range(len(values)))) / len(values)
    mean_value = sum(values, Decimal(0)) / len(values)
    # Least squares always passes through (mean x, mean y).
    at_mean = trajectory.intercept + trajectory.slope_per_day * mean_day
    assert abs(at_mean - mean_value) < Decimal("1e-20")
