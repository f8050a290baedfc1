"""Small factories for domain tests: build the frozen dataclasses directly.

Numbers are written as text (``"58.6"``) and become Decimals from that text, as the plan
file reader does. Nothing here reads YAML: the domain is tested on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from hypothesis import strategies as st

from plantracker.domain.model import (
    Action,
    Aim,
    Baseline,
    Better,
    Box,
    FeedbackMeasure,
    Kpi,
    KpiValue,
    Narrative,
    Period,
    Plan,
    QualityMeasure,
    Recommendation,
    Risk,
    Rules,
    Status,
    Target,
    Update,
)

Number = str | int | Decimal | None


def quarters(first_year: int = 2017, count: int = 8) -> tuple[Period, ...]:
    """UK financial-year quarters from April of ``first_year``: ``2017-18-Q1`` onwards."""
    starts = [(4, 1, 6, 30), (7, 1, 9, 30), (10, 1, 12, 31), (1, 1, 3, 31)]
    periods = []
    for n in range(count):
        year, quarter = first_year + n // 4, n % 4
        sm, sd, em, ed = starts[quarter]
        calendar_year = year + 1 if quarter == 3 else year
        periods.append(
            Period(
                id=f"{year}-{(year + 1) % 100:02d}-Q{quarter + 1}",
                label=f"Q{quarter + 1} {year}/{(year + 1) % 100:02d}",
                start=date(calendar_year, sm, sd),
                end=date(calendar_year, em, ed),
            )
        )
    return tuple(periods)


PERIODS = quarters()
IDS = tuple(period.id for period in PERIODS)
# The seed's two quarters and the ones a year before them.
Q1, Q2 = "2018-19-Q1", "2018-19-Q2"
YEAR_BEFORE_Q2 = "2017-18-Q2"


def dec(number: Number) -> Decimal | None:
    if number is None or isinstance(number, Decimal):
        return number
    return Decimal(str(number))


def value(
    number: Number,
    status: Status | None = None,
    reason: str | None = None,
    *,
    display: str | None = None,
    commentary: str | None = None,
) -> KpiValue:
    return KpiValue(
        value=dec(number), display=display, status=status, reason=reason, commentary=commentary
    )


def kpi(
    ref: str = "1.K1",
    *,
    values: Mapping[str, Number | KpiValue] | None = None,
    target: Number = None,
    baseline: Number = None,
    targets: Mapping[str, Number] | None = None,
    aim: Aim = Aim.INCREASE,
    better: Better | None = None,
    tolerance: Number = None,
    tolerance_points: Number = None,
    expected: Sequence[str] | None = None,
    from_period: str | None = None,
    until_period: str | None = None,
) -> Kpi:
    entries = {
        period_id: entry if isinstance(entry, KpiValue) else value(entry)
        for period_id, entry in (values or {}).items()
    }
    per_period = {period_id: dec(t) for period_id, t in (targets or {}).items()}
    return Kpi(
        ref=ref,
        title=f"KPI {ref}",
        from_period=from_period,
        until_period=until_period,
        expected=tuple(expected) if expected is not None else None,
        aim=aim,
        better=better,
        baseline=Baseline(label="March 2018", value=dec(baseline)),
        target=Target(label="March 2019", value=dec(target)),
        targets=MappingProxyType({k: v for k, v in per_period.items() if v is not None}),
        tolerance=dec(tolerance),
        tolerance_points=dec(tolerance_points),
        values=MappingProxyType(entries),
    )


def update(status: Status, commentary: str | None = None) -> Update:
    return Update(status=status, commentary=commentary)


def _updates(updates: Mapping[str, Status | Update] | None) -> Mapping[str, Update]:
    return MappingProxyType(
        {
            period_id: entry if isinstance(entry, Update) else Update(status=entry)
            for period_id, entry in (updates or {}).items()
        }
    )


def action(
    ref: str = "1.A1",
    updates: Mapping[str, Status | Update] | None = None,
    *,
    due: date | None = None,
    expected: Sequence[str] | None = None,
    from_period: str | None = None,
    until_period: str | None = None,
) -> Action:
    return Action(
        ref=ref,
        title=f"Action {ref}",
        due=due,
        expected=tuple(expected) if expected is not None else None,
        from_period=from_period,
        until_period=until_period,
        updates=_updates(updates),
    )


def quality(
    ref: str = "1.Q1",
    updates: Mapping[str, Status | Update] | None = None,
    *,
    expected: Sequence[str] | None = None,
    from_period: str | None = None,
    until_period: str | None = None,
) -> QualityMeasure:
    return QualityMeasure(
        ref=ref,
        title=f"Quality {ref}",
        expected=tuple(expected) if expected is not None else None,
        from_period=from_period,
        until_period=until_period,
        updates=_updates(updates),
    )


def feedback(
    ref: str = "1.F1",
    updates: Mapping[str, Status | Update] | None = None,
    *,
    expected: Sequence[str] | None = None,
    from_period: str | None = None,
    until_period: str | None = None,
) -> FeedbackMeasure:
    return FeedbackMeasure(
        ref=ref,
        title=f"Feedback {ref}",
        expected=tuple(expected) if expected is not None else None,
        from_period=from_period,
        until_period=until_period,
        updates=_updates(updates),
    )


def rec(
    number: int = 1,
    *,
    actions: Sequence[Action] = (),
    kpis: Sequence[Kpi] = (),
    quality: Sequence[QualityMeasure] = (),
    feedback: Sequence[FeedbackMeasure] = (),
    title: str | None = None,
) -> Recommendation:
    return Recommendation(
        number=number,
        title=title or f"Recommendation {number}",
        aim=f"Aim of recommendation {number}",
        actions=tuple(actions),
        kpis=tuple(kpis),
        quality=tuple(quality),
        feedback=tuple(feedback),
    )


def risk(title: str = "Risk", updates: Mapping[str, Status | Update] | None = None) -> Risk:
    return Risk(title=title, mitigation="Mitigation", updates=_updates(updates))


def narrative(
    boxes: Mapping[Box, Status] | None = None, reasons: Mapping[Box, str] | None = None
) -> Narrative:
    return Narrative(
        boxes=MappingProxyType(dict(boxes or {})),
        box_reasons=MappingProxyType(dict(reasons or {})),
    )


def plan(
    *recommendations: Recommendation,
    risks: Sequence[Risk] = (),
    narratives: Mapping[str, Narrative] | None = None,
    periods: Sequence[Period] = PERIODS,
    rules: Rules | None = None,
) -> Plan:
    return Plan(
        title="Test plan",
        organisation="Test Council",
        rules=rules or Rules(),
        periods=tuple(periods),
        recommendations=tuple(recommendations),
        risks=tuple(risks),
        narrative=MappingProxyType(dict(narratives or {})),
    )


# --- hypothesis: arbitrary (valid) plans -------------------------------------------------

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
    periods = quarters(2017, draw(st.integers(1, 6)))
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
        recommendations.append(rec(number, **items))  # type: ignore[arg-type]
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
