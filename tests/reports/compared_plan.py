"""The example plan with published comparators set on a few deep-dive KPIs (ADR 0017).

Built with ``dataclasses.replace`` on the loaded example, so the report tests do not depend
on how the plan file spells comparators. Recommendation 10's compared KPIs share one
published period (it goes in the column headings), recommendation 9's do not (each cell
names its period), recommendation 6 has none (its table has no comparator columns).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from functools import cache

from tests.builders import filled_plan
from tests.reports.example_report import EXAMPLE, PERIOD

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Comparators, Plan
from plantracker.planfile import load_plan
from plantracker.reports.build import build_report
from plantracker.reports.model import Report

COMPARATORS: dict[str, Comparators] = {
    # A rate, every figure published.
    "10.K4": Comparators("2023-24", Decimal("41.6"), Decimal("44.3"), Decimal("47.9")),
    # The region's figure not published; an England figure written with a trailing zero.
    "10.K6": Comparators("2023-24", Decimal("22.0"), None, Decimal("21.4")),
    # Published for different years: each cell says which.
    "9.K2": Comparators("2022-23", Decimal("54.0"), Decimal("55.1"), Decimal("52.3")),
    "9.K5": Comparators("2023-24", None, None, None),
}
"""KPI ref → its comparators; every other KPI has none (10.K7 sits in a compared table)."""


def with_comparators(plan: Plan, comparators: dict[str, Comparators]) -> Plan:
    """``plan`` with ``comparators`` set on the KPIs they name."""
    return replace(
        plan,
        recommendations=tuple(
            replace(
                rec,
                kpis=tuple(
                    replace(kpi, comparators=comparators[kpi.ref])
                    if kpi.ref in comparators
                    else kpi
                    for kpi in rec.kpis
                ),
            )
            for rec in plan.recommendations
        ),
    )


@cache
def compared_plan() -> Plan:
    return with_comparators(load_plan(EXAMPLE), COMPARATORS)


@cache
def compared_report() -> Report:
    return build_report(evaluate(compared_plan(), PERIOD))


def compared_history() -> Plan:
    """The widest compared tables: five periods (so a year-on-year column too), published
    periods that differ (named in every cell), wide figures and figures not published."""
    return with_comparators(
        filled_plan(recommendations=2, period_count=5),
        {
            "1.K1": Comparators("2023-24", Decimal("12345.67"), Decimal("54.0"), None),
            "1.K2": Comparators("2022-23", None, Decimal("1234567.8"), Decimal("9.95")),
            "2.K2": Comparators("2023-24", Decimal("41.6"), None, Decimal("47.9")),
        },
    )
