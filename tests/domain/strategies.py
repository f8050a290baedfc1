"""Hypothesis strategies for the domain tests: arbitrary valid plans, built with
tests/builders.py."""

from __future__ import annotations

from hypothesis import strategies as st
from tests.builders import (
    action,
    feedback,
    kpi,
    narrative,
    plan,
    quality,
    quarters,
    recommendation,
    risk,
    value,
)

from plantracker.domain.model import Aim, Better, Box, Kpi, Plan, Rules, Status, Update

_statuses = st.sampled_from(list(Status))
_numbers = st.decimals(
    allow_nan=False, allow_infinity=False, places=2, min_value=-1000, max_value=1000
)


@st.composite
def _span(draw: st.DrawFn, ids: tuple[str, ...]) -> dict[str, object]:
    """Optional ``from`` / ``until`` / ``expected`` drawn from the plan's period ids."""
    return {
        "from_period": draw(st.none() | st.sampled_from(ids)),
        "until_period": draw(st.none() | st.sampled_from(ids)),
        "expected": draw(st.none() | st.lists(st.sampled_from(ids), unique=True)),
    }


@st.composite
def _update_maps(draw: st.DrawFn, ids: tuple[str, ...]) -> dict[str, Update]:
    chosen = draw(st.lists(st.sampled_from(ids), unique=True))
    return {
        period_id: Update(draw(_statuses), draw(st.none() | st.sampled_from(["", "said"])))
        for period_id in chosen
    }


@st.composite
def _kpi(draw: st.DrawFn, ref: str, ids: tuple[str, ...]) -> Kpi:
    chosen = draw(st.lists(st.sampled_from(ids), unique=True))
    entries = {
        period_id: value(
            draw(st.none() | _numbers),
            draw(st.none() | _statuses),
            draw(st.none() | st.just("reason")),
        )
        for period_id in chosen
    }
    use_points = draw(st.booleans())
    return kpi(
        ref,
        values=entries,
        target=draw(st.none() | _numbers),
        baseline=draw(st.none() | _numbers),
        targets={period_id: draw(_numbers) for period_id in draw(st.lists(st.sampled_from(ids)))},
        better=draw(st.none() | st.sampled_from(list(Better))),
        aim=draw(st.sampled_from([Aim.INCREASE, Aim.DECREASE])),
        tolerance=None if use_points else draw(st.none() | _numbers.map(abs)),
        tolerance_points=draw(_numbers.map(abs)) if use_points else None,
        **draw(_span(ids)),  # type: ignore[arg-type]
    )


@st.composite
def plans(draw: st.DrawFn, max_recommendations: int = 4, max_items: int = 4) -> Plan:
    """A plan of 1–6 quarters with random items, updates, values, overrides and boxes."""
    periods = quarters(draw(st.integers(1, 6)), first_year=2017)
    ids = tuple(period.id for period in periods)
    recommendations = []
    for number in range(1, draw(st.integers(0, max_recommendations)) + 1):
        items: dict[str, list[object]] = {}
        for kind, make in (("actions", action), ("quality", quality), ("feedback", feedback)):
            items[kind] = [
                make(  # type: ignore[operator]
                    f"{number}.{kind[0].upper()}{i}",
                    draw(_update_maps(ids)),
                    **draw(_span(ids)),
                    **(
                        {"due": draw(st.none() | st.sampled_from([p.end for p in periods]))}
                        if kind == "actions"
                        else {}
                    ),
                )
                for i in range(draw(st.integers(0, max_items)))
            ]
        items["kpis"] = [
            draw(_kpi(f"{number}.K{i}", ids)) for i in range(draw(st.integers(0, max_items)))
        ]
        recommendations.append(recommendation(number, **items))  # type: ignore[arg-type]
    risks = [risk(f"Risk {i}", draw(_update_maps(ids))) for i in range(draw(st.integers(0, 2)))]
    narratives = {
        period_id: narrative(
            draw(st.dictionaries(st.sampled_from(list(Box)), _statuses)),
            draw(st.dictionaries(st.sampled_from(list(Box)), st.just("reason"))),
        )
        for period_id in draw(st.lists(st.sampled_from(ids), unique=True))
    }
    return plan(
        *draw(st.permutations(recommendations)),
        risks=risks,
        narratives=narratives,
        periods=periods,
        rules=Rules(
            kpi_tolerance=draw(st.decimals(0, 50, places=1)),
            dot_band=draw(st.decimals(0, 10, places=1)),
            rollup_green=draw(st.decimals(1, 100, places=1)),
            rollup_red=draw(st.decimals(1, 100, places=1)),
        ),
    )
