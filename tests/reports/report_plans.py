"""Plans built in code for the report tests: every shape a valid plan can take."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

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
    Status,
    Target,
    Unit,
    Update,
)

_CYCLE = (Status.GREEN, Status.AMBER, Status.RED, Status.GREEN, Status.BLUE, Status.GREEN)


def periods(count: int) -> tuple[Period, ...]:
    """``count`` quarters from 2018-19 Q1, the last with a scrutiny date."""
    result = []
    for index in range(count):
        year, quarter = 2018 + index // 4, index % 4 + 1
        start_month = (3 * (quarter - 1) + 4 - 1) % 12 + 1
        start_year = year + (1 if quarter == 4 else 0)
        end_month = start_month + 2
        end_day = 30 if end_month in (6, 9) else 31
        result.append(
            Period(
                id=f"{year}-{(year + 1) % 100:02d}-Q{quarter}",
                label=f"Q{quarter} {year}/{(year + 1) % 100:02d}",
                start=date(start_year, start_month, 1),
                end=date(start_year, end_month, end_day),
                scrutiny=date(start_year, end_month, 28) if index == count - 1 else None,
            )
        )
    return tuple(result)


def _updates(ids: tuple[str, ...], seed: int) -> dict[str, Update]:
    return {
        pid: Update(
            status=_CYCLE[(seed + offset) % len(_CYCLE)],
            commentary=f"Update {offset} on item {seed}" if (seed + offset) % 4 else None,
        )
        for offset, pid in enumerate(ids)
    }


def recommendation(
    number: int,
    ids: tuple[str, ...],
    *,
    actions: int = 2,
    kpis: int = 2,
    quality: int = 1,
    feedback: int = 1,
) -> Recommendation:
    """A recommendation with the given number of items of each kind, updated every period."""
    target_date = date(2030, 3, 31)
    return Recommendation(
        number=number,
        title=f"Workstream {number}",
        aim=f"Improve outcome {number} <for> children & families",
        lead="Director" if number % 2 else None,
        actions=tuple(
            Action(
                ref=f"{number}.A{i}",
                title=f"Action {i} of {number}",
                owner=f"Owner {i}",
                updates=_updates(ids, number * 7 + i),
            )
            for i in range(1, actions + 1)
        ),
        kpis=tuple(
            Kpi(
                ref=f"{number}.K{i}",
                title=f"Indicator {i} of {number}",
                aim=Aim.INCREASE if i % 2 else Aim.DECREASE,
                better=Better.HIGHER if i % 2 else Better.LOWER,
                unit=Unit.PERCENT if i % 2 else Unit.COUNT,
                baseline=Baseline(label="March 2018", value=Decimal(50), status=Status.RED),
                target=Target(label="March 2030", date=target_date, value=Decimal(60 + i)),
                values={
                    pid: KpiValue(
                        value=Decimal(45 + 3 * offset + (number + i) % 9),
                        status=Status.GREEN if (number + i + offset) % 11 == 0 else None,
                        reason="Agreed by the board" if (number + i) % 2 else None,
                    )
                    for offset, pid in enumerate(ids)
                },
            )
            for i in range(1, kpis + 1)
        ),
        quality=tuple(
            QualityMeasure(
                ref=f"{number}.Q{i}",
                title=f"Audit measure {i} of {number}",
                frequency="Quarterly",
                method="Monthly audits",
                updates=_updates(ids, number * 5 + i),
            )
            for i in range(1, quality + 1)
        ),
        feedback=tuple(
            FeedbackMeasure(
                ref=f"{number}.F{i}",
                title=f"Feedback measure {i} of {number}",
                frequency="Annually",
                method="Survey",
                updates=_updates(ids, number * 3 + i),
            )
            for i in range(1, feedback + 1)
        ),
    )


def plan(
    *,
    recommendations: int = 3,
    period_count: int = 2,
    narrative: bool = True,
    kinds: dict[int, dict[str, int]] | None = None,
) -> Plan:
    """A valid plan; ``kinds`` sets item counts per recommendation number."""
    span = periods(period_count)
    ids = tuple(p.id for p in span)
    recs = tuple(
        recommendation(number, ids, **(kinds or {}).get(number, {}))
        for number in range(1, recommendations + 1)
    )
    narratives = {}
    if narrative:
        narratives[ids[-1]] = Narrative(
            headlines=("Updates are complete",),
            decisions=("Agree the refresh",),
            milestones=("Board meets in November",),
            next_steps=("Refresh the plan",),
            deep_dives=tuple(n for n in (1, 2) if n <= recommendations),
            commentary={1: ("Progress is steady.",)},
            boxes={Box.FINANCE: Status.GREEN},
            box_reasons={},
        )
    return Plan(
        title="Test Improvement Plan",
        organisation="Test Council",
        periods=span,
        recommendations=recs,
        risks=(
            Risk(
                title="Outcomes may not improve",
                mitigation="Monitoring",
                updates={pid: Update(Status.AMBER) for pid in ids},
            ),
        ),
        narrative=narratives,
    )
