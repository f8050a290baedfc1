"""Hand-built domain plans for the tracker tests: every field of the domain model used,
including the cases a database could quietly lose (``58.60``, ``None`` beside ``""``,
``expected: []``, an empty baseline, a reason without a hand-set status, comparators with
only a label)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.builders import Q1, Q2, Q3, frozen, quarter

from plantracker.domain.model import (
    Action,
    Aim,
    Baseline,
    Better,
    Box,
    Comparators,
    FeedbackMeasure,
    Kpi,
    KpiValue,
    Narrative,
    Plan,
    QualityMeasure,
    Recommendation,
    Risk,
    Rules,
    Status,
    Target,
    Unit,
    Update,
)


def rich_plan(*, title: str = "Rich Plan", organisation: str = "Rich Borough Council") -> Plan:
    periods = (
        quarter(Q1, label="Q1 April – June 2018"),
        quarter(
            Q2,
            label="Q2 July – September 2018",
            short_label="Q2 18/19",
            scrutiny=date(2018, 12, 7),
            due=date(2018, 10, 15),
        ),
        quarter(Q3, label="Q3"),
    )
    actions = (
        Action(
            ref="1.10",
            title="Care Leaver Offer",
            owner="Head of Service",
            due=date(2018, 9, 30),
            updates=frozen(
                {
                    Q1: Update(Status.GREEN, ""),
                    Q2: Update(Status.RED, "Take-up has been poor"),
                }
            ),
        ),
        Action(ref="1.1", title="Later action", from_period=Q2, until_period=Q3, expected=()),
    )
    kpis = (
        Kpi(
            ref="1.K1",
            title="Care leavers in EET",
            owner="",
            expected=(Q2, Q1),
            aim=Aim.INCREASE,
            unit=Unit.PERCENT,
            baseline=Baseline(
                label="March 2018", value=Decimal("58.60"), display="58.60%", status=Status.AMBER
            ),
            target=Target(
                label="March 2019", date=date(2019, 3, 31), value=Decimal("65.0"), display="65%"
            ),
            targets=frozen({Q1: Decimal("1E+2"), Q2: Decimal("60.00")}),
            tolerance=Decimal("7.50"),
            source="Local data",
            comparators=Comparators(
                label="2023-24", england=Decimal("54.0"), region=Decimal("55.10"), neighbours=None
            ),
            values=frozen(
                {
                    Q1: KpiValue(value=Decimal("-0.0")),
                    Q2: KpiValue(
                        value=Decimal("58.60"),
                        display="58.6%",
                        status=Status.GREEN,
                        reason="Agreed by the board",
                        commentary="Close to target",
                    ),
                    Q3: KpiValue(value=None, display="NYA", status=Status.NONE),
                }
            ),
        ),
        Kpi(
            ref="1.K2",
            title="CP plans lasting over 2 years",
            aim=Aim.MAINTAIN,
            better=Better.LOWER,
            unit=Unit.COUNT,
            baseline=Baseline(),
            tolerance_points=Decimal("5"),
            comparators=Comparators(label="2024"),
        ),
        Kpi(ref="1.K3", title="Data only", aim=Aim.DECREASE, better=Better.CLOSER),
    )
    quality = (
        QualityMeasure(
            ref="1.Q1",
            title="Audits good or better",
            frequency="Quarterly",
            method="Directorate audits",
            expected=(Q2,),
            updates=frozen({Q2: Update(Status.GREEN, "86% good or better")}),
        ),
    )
    feedback = (FeedbackMeasure(ref="1.F1", title="Young people say", frequency=None, method=""),)
    empty = Recommendation(number=3, title="Empty", aim="Nothing yet", lead=None)
    return Plan(
        title=title,
        organisation=organisation,
        rules=Rules(
            kpi_tolerance=Decimal("10.0"),
            dot_band=Decimal("2"),
            rollup_green=Decimal("75"),
            rollup_red=Decimal("25.00"),
        ),
        periods=periods,
        recommendations=(
            Recommendation(
                number=10,
                title="EET",
                aim="Initiate a scheme of work experience",
                lead="Director",
                actions=actions,
                kpis=kpis,
                quality=quality,
                feedback=feedback,
            ),
            empty,
        ),
        risks=(
            Risk(
                title="Activity will not deliver outcomes",
                mitigation="Rigorous monitoring",
                updates=frozen({Q2: Update(Status.AMBER)}),
            ),
            Risk(title="Second risk", mitigation="", owner="Head of Finance"),
        ),
        narrative=frozen(
            {
                Q1: Narrative(),
                Q2: Narrative(
                    headlines=("Q2 reporting completed", "Second headline"),
                    decisions=("Note the report",),
                    milestones=(),
                    next_steps=("Q3 reporting",),
                    deep_dives=(10, 3),
                    commentary=frozen({10: ("First paragraph", "Second"), 3: ()}),
                    boxes=frozen({Box.PROGRESS: Status.AMBER, Box.FINANCE: Status.NA}),
                    box_reasons=frozen({Box.OVERALL: "Unused", Box.PROGRESS: "Slippage"}),
                ),
            }
        ),
    )
