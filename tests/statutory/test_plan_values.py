"""The values `statutory apply` will write into a plan's statutory KPIs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from plantracker.domain.model import Kpi, Plan, Recommendation
from plantracker.statutory import StatutoryError
from plantracker.statutory.indicators import Indicator
from plantracker.statutory.plan_values import computed_kpi_values, statutory_kpis

AS_OF = date(2025, 3, 31)


def _plan(*kpis: Kpi) -> Plan:
    return Plan(
        title="Synthetic plan",
        organisation="Synthetic Council",
        recommendations=(Recommendation(number=9, title="EET", aim="Aim", kpis=kpis),),
    )


RESULTS = {
    "care_leavers_eet": Indicator(
        "care_leavers_eet", "EET", "percent", 58, 99, Decimal("58.6"), False, ()
    ),
    "cp_number": Indicator("cp_number", "CP", "count", None, None, None, True, ()),
    "cp_rate": Indicator(
        "cp_rate", "CP rate", "rate", None, None, None, False, ("no population estimate",)
    ),
}


def test_only_statutory_kpis_get_values() -> None:
    plan = _plan(
        Kpi(ref="9.K1", title="Work experience offers"),
        Kpi(ref="9.K2", title="Care leavers in EET", source="statutory:care_leavers_eet"),
        Kpi(ref="9.K3", title="Children on a plan", source="statutory:cp_number"),
        Kpi(ref="9.K4", title="Rate", source="statutory:cp_rate"),
    )
    values = {v.ref: v for v in computed_kpi_values(plan, RESULTS, AS_OF)}
    assert list(values) == ["9.K2", "9.K3", "9.K4"]
    eet = values["9.K2"].value
    assert (eet.value, eet.display, eet.status) == (Decimal("58.6"), None, None)
    assert eet.commentary == (
        "Computed from the statutory returns, 12 months to 2025-03-31 (after 2024-03-31): 58 of 99."
    )
    suppressed = values["9.K3"].value
    assert (suppressed.value, suppressed.display) == (None, "c")
    missing = values["9.K4"].value
    assert missing.value is None and "no population estimate" in (missing.commentary or "")


def test_an_unknown_indicator_is_an_error() -> None:
    plan = _plan(Kpi(ref="9.K2", title="EET", source="statutory:care_leavers_neet"))
    with pytest.raises(StatutoryError, match=r"KPI 9\.K2: unknown statutory indicator"):
        statutory_kpis(plan)
