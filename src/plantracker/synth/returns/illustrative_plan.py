"""A small illustrative plan to go with synthetic returns (``synth_returns`` writes plan.yaml).

One recommendation with a KPI per statutory indicator, each with ``source:
statutory:<indicator>``, and the quarterly periods of the last collection year, so that
``plantracker statutory apply`` can be shown end to end on synthetic data only. Its
baselines and targets are round illustrative numbers of the order of published national
figures — never a real authority's — and say so in their labels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from plantracker.domain.model import (
    Aim,
    Baseline,
    Better,
    Kpi,
    Narrative,
    Period,
    Plan,
    Recommendation,
    Target,
    Unit,
)
from plantracker.planfile import plan_to_yaml
from plantracker.statutory.definitions import DEFINITIONS
from plantracker.statutory.plan_values import SOURCE_PREFIX

ILLUSTRATIVE = "Illustrative"


@dataclass(frozen=True)
class _Aim:
    aim: Aim
    better: Better | None = None
    baseline: str | None = None
    target: str | None = None


# What a plan would plausibly aim for; the numbers are illustrative, not anyone's figures.
# A count of children on a plan is watched, not targeted: it has neither.
_AIMS: dict[str, _Aim] = {
    "re_referrals_12m": _Aim(Aim.DECREASE, baseline="24", target="21"),
    "repeat_cp_plans": _Aim(Aim.DECREASE, baseline="25", target="22"),
    "repeat_cp_plans_2y": _Aim(Aim.DECREASE, baseline="8", target="6"),
    "cp_plans_2y_plus": _Aim(Aim.DECREASE, baseline="4", target="3"),
    "cp_number": _Aim(Aim.MAINTAIN, Better.CLOSER),
    "cp_rate": _Aim(Aim.MAINTAIN, Better.CLOSER, baseline="40", target="40"),
    "care_leavers_eet": _Aim(Aim.INCREASE, baseline="55", target="60"),
    "care_leavers_he": _Aim(Aim.INCREASE, baseline="6", target="8"),
}

_MONTHS = ("April – June", "July – September", "October – December", "January – March")


def quarters(end_year: int) -> tuple[Period, ...]:
    """The four quarters of the collection year ending 31 March ``end_year``."""
    first = end_year - 1
    code = f"{first}-{end_year % 100:02d}"
    starts = (date(first, 4, 1), date(first, 7, 1), date(first, 10, 1), date(end_year, 1, 1))
    ends = (date(first, 6, 30), date(first, 9, 30), date(first, 12, 31), date(end_year, 3, 31))
    return tuple(
        Period(
            id=f"{code}-Q{n}",
            label=f"Q{n} {months} {start.year}",
            start=start,
            end=end,
        )
        for n, (months, start, end) in enumerate(zip(_MONTHS, starts, ends, strict=True), 1)
    )


def _kpi(position: int, name: str, end_year: int) -> Kpi:
    definition = DEFINITIONS[name]
    aim = _AIMS[name]
    return Kpi(
        ref=f"1.K{position}",
        title=definition.title,
        aim=aim.aim,
        better=aim.better,
        unit=Unit(definition.unit),
        baseline=(
            Baseline(label=f"{ILLUSTRATIVE}, March {end_year - 1}", value=Decimal(aim.baseline))
            if aim.baseline
            else None
        ),
        target=(
            Target(
                label=f"{ILLUSTRATIVE}, March {end_year}",
                date=date(end_year, 3, 31),
                value=Decimal(aim.target),
            )
            if aim.target
            else None
        ),
        source=f"{SOURCE_PREFIX}{name}",
    )


def illustrative_plan(la: str, end_year: int) -> Plan:
    """The illustrative plan of synthetic authority ``la`` for collection year ``end_year``."""
    recommendation = Recommendation(
        number=1,
        title="Statutory indicators",
        aim=(
            "Illustrative only: follow the children's services measures computed from the "
            f"statutory returns (CIN census, SSDA903) of synthetic authority {la}."
        ),
        kpis=tuple(_kpi(n, name, end_year) for n, name in enumerate(DEFINITIONS, 1)),
    )
    periods = quarters(end_year)
    return Plan(
        title=f"Synthetic improvement plan (illustrative), authority {la}",
        organisation=f"Synthetic authority {la}",
        periods=periods,
        recommendations=(recommendation,),
        # The year-end report's deep dive shows the KPI table: values beside their targets.
        narrative={periods[-1].id: Narrative(deep_dives=(1,))},
    )


HEADER = """\
# SYNTHETIC, ILLUSTRATIVE PLAN written by `plantracker statutory synth` beside synthetic
# returns. Authority {la} is not a real authority and no figure here is a real one: the
# baselines and targets are round illustrative numbers. Every KPI is computed from the
# returns (source: statutory:<indicator>); see docs/statutory.md "Into the plan".
"""


def illustrative_plan_yaml(la: str, end_year: int) -> str:
    """The plan file's text, with a header saying what it is."""
    return HEADER.format(la=la) + plan_to_yaml(illustrative_plan(la, end_year))
