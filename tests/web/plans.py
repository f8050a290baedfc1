"""Domain plans for the web tests, built by hand so the pages can be checked against known
statuses without a plan file: every kind of item, an override with its reason, a KPI with
a display text, an action gone blue, a missing update, risks and a narrative."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.builders import Q1, Q2, Q3, frozen, quarter

from plantracker.domain.model import (
    Action,
    Aim,
    Baseline,
    Box,
    FeedbackMeasure,
    Kpi,
    KpiValue,
    Narrative,
    Plan,
    QualityMeasure,
    Recommendation,
    Risk,
    Status,
    Target,
    Unit,
    Update,
)

PERIODS = (
    quarter(Q1, label="Q1 April – June 2018"),
    quarter(Q2, label="Q2 July – September 2018", scrutiny=date(2018, 12, 7)),
    # Declared ahead and still empty: the plan opens on Q2, the latest period with data.
    quarter(Q3, label="Q3 October – December 2018"),
)


def _recommendation(number: int, copy: int) -> Recommendation:
    """Recommendation ``number`` of copy ``copy``: 3 actions, 2 KPIs, 1 quality, 1 feedback."""
    p = f"{number}." if copy == 0 else f"{number}.{copy}."
    return Recommendation(
        number=number,
        title=f"Workstream {number}",
        aim=f"Improve outcome {number} for children and families",
        lead="Head of Service",
        actions=(
            Action(
                ref=f"{p}A1",
                title="Agree the multi-agency protocol",
                owner="Service Manager",
                due=date(2018, 12, 31),
                updates=frozen(
                    {
                        Q1: Update(Status.GREEN, "Draft protocol shared with partners"),
                        Q2: Update(Status.RED, "Partners have not yet signed the protocol"),
                    }
                ),
            ),
            Action(
                ref=f"{p}A2",
                title="Train all team managers",
                updates=frozen({Q1: Update(Status.BLUE, "All managers trained")}),
            ),
            Action(
                ref=f"{p}A3",
                title="Audit the new assessments",
                updates=frozen({Q1: Update(Status.AMBER, "Audit tool being designed")}),
            ),
        ),
        kpis=(
            Kpi(
                ref=f"{p}K1",
                title="Care leavers in education, employment or training",
                owner="Performance Team",
                aim=Aim.INCREASE,
                unit=Unit.PERCENT,
                baseline=Baseline(label="2017/18", value=Decimal("52.1")),
                target=Target(label="March 2019", value=Decimal("65")),
                values=frozen(
                    {
                        Q1: KpiValue(Decimal("55.0")),
                        Q2: KpiValue(
                            Decimal("58.6"),
                            status=Status.GREEN,
                            reason="Rated green by the service: the cohort is small",
                            commentary="Up for the second quarter running",
                        ),
                    }
                ),
            ),
            Kpi(
                ref=f"{p}K2",
                title="Re-referrals within 12 months",
                aim=Aim.DECREASE,
                unit=Unit.PERCENT,
                target=Target(value=Decimal("20"), display="20% or fewer"),
                values=frozen({Q1: KpiValue(Decimal("19.5")), Q2: KpiValue(None, display="NYA")}),
            ),
        ),
        quality=(
            QualityMeasure(
                ref=f"{p}Q1",
                title="Audits graded good or better",
                frequency="Quarterly",
                method="Directorate audits",
                updates=frozen({Q2: Update(Status.GREEN, "86% graded good or better")}),
            ),
        ),
        feedback=(
            FeedbackMeasure(
                ref=f"{p}F1",
                title="Young people say they were listened to",
                frequency="Six-monthly",
                method="Survey",
                expected=(Q2,),
                updates=frozen({Q2: Update(Status.AMBER, "71% agreed")}),
            ),
        ),
    )


def web_plan(
    *,
    title: str = "Children's Improvement Plan",
    organisation: str = "Example County Council",
    scale: int = 1,
) -> Plan:
    """A plan of 3 recommendations per ``scale`` (so 21 items at scale 1)."""
    recommendations = tuple(
        _recommendation(number=copy * 3 + n, copy=copy) for copy in range(scale) for n in (1, 2, 3)
    )
    return Plan(
        title=title,
        organisation=organisation,
        periods=PERIODS,
        recommendations=recommendations,
        risks=(
            Risk(
                title="Activity does not deliver the expected outcomes",
                mitigation="Outcomes are monitored every quarter",
                owner="Director",
                updates=frozen({Q1: Update(Status.AMBER), Q2: Update(Status.AMBER)}),
            ),
        ),
        narrative=frozen(
            {
                Q2: Narrative(
                    headlines=("Q2 reporting completed",),
                    decisions=("Whether to fund a dedicated team",),
                    milestones=("The board receives the plan in November",),
                    next_steps=("Agree the protocol with partners",),
                    deep_dives=(1,),
                    commentary=frozen({1: ("Partners are engaged but slow to sign.",)}),
                    boxes=frozen({Box.FINANCE: Status.NA}),
                )
            }
        ),
    )
