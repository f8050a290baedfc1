"""A small plan for the API tests, built by hand so each answer can be checked against
statuses worked out from docs/rules.md: one recommendation with every kind of item."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.builders import Q1, Q2, Q3, frozen, quarter

from plantracker.domain.model import (
    Action,
    Aim,
    Baseline,
    Comparators,
    FeedbackMeasure,
    Kpi,
    KpiValue,
    Plan,
    QualityMeasure,
    Recommendation,
    Risk,
    Status,
    Target,
    Unit,
    Update,
)


def api_plan(
    title: str = "Children's Improvement Plan", organisation: str = "Example County"
) -> Plan:
    """Q2: 1.A1 red, 1.A2 green, 1.K1 58.6 against 65 (amber: within 10 %), 1.K2 missing,
    1.Q1 amber, 1.F1 green; the risk amber. Q3 is declared and empty."""
    return Plan(
        title=title,
        organisation=organisation,
        periods=(
            quarter(Q1, label="Q1 April – June 2018"),
            quarter(Q2, label="Q2 July – September 2018"),
            quarter(Q3, label="Q3 October – December 2018"),
        ),
        recommendations=(
            Recommendation(
                number=1,
                title="Care leavers",
                aim="More care leavers in education, employment or training",
                lead="Assistant Director",
                actions=(
                    Action(
                        ref="1.A1",
                        title="Care Leaver Offer",
                        owner="Head of Leaving Care",
                        due=date(2019, 3, 31),
                        updates=frozen(
                            {
                                Q1: Update(Status.GREEN),
                                Q2: Update(Status.RED, "Poor take-up of the offer"),
                            }
                        ),
                    ),
                    Action(
                        ref="1.A2",
                        title="Work experience scheme",
                        owner="Head of Service",
                        updates=frozen({Q2: Update(Status.GREEN)}),
                    ),
                ),
                kpis=(
                    Kpi(
                        ref="1.K1",
                        title="Care leavers in EET",
                        owner="Head of Leaving Care",
                        aim=Aim.INCREASE,
                        unit=Unit.PERCENT,
                        baseline=Baseline(label="March 2018", value=Decimal("58.4")),
                        target=Target(label="March 2019", value=Decimal("65")),
                        comparators=Comparators(
                            label="2023-24", england=Decimal("54.0"), region=Decimal("55.1")
                        ),
                        values=frozen(
                            {Q1: KpiValue(Decimal("57.0")), Q2: KpiValue(Decimal("58.6"))}
                        ),
                    ),
                    Kpi(
                        ref="1.K2",
                        title="Offers of work experience",
                        aim=Aim.INCREASE,
                        unit=Unit.COUNT,
                        target=Target(label="March 2019", value=Decimal("20"), display="20 a year"),
                    ),
                ),
                quality=(
                    QualityMeasure(
                        ref="1.Q1",
                        title="Audits graded good",
                        frequency="Quarterly",
                        method="Audit",
                        updates=frozen({Q2: Update(Status.AMBER, "Half were good")}),
                    ),
                ),
                feedback=(
                    FeedbackMeasure(
                        ref="1.F1",
                        title="Care leavers' survey",
                        frequency="Annual",
                        method="Survey",
                        updates=frozen({Q2: Update(Status.GREEN)}),
                    ),
                ),
            ),
        ),
        risks=(
            Risk(
                title="Outcomes may not follow the activity",
                mitigation="Quarterly monitoring",
                updates=frozen({Q2: Update(Status.AMBER)}),
            ),
        ),
    )
