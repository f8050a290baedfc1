"""Synthetic plans for benchmarks and load tests.

``synth_plan(scale, seed)`` builds a valid domain ``Plan`` about ``scale`` times the size of
the example plan (10 recommendations holding 68 actions, 44 KPIs, 16 quality and 19 feedback
measures, one risk), with eight quarters of history. It exercises what the rules handle:
every one of the seven statuses, overrides with and without a reason, ``from`` / ``until``
/ ``expected``, text displays, per-period targets, ``tolerance_points``, ``closer`` KPIs,
completed actions that stay blue, and a narrative with deep dives for every period. The same
``seed`` always gives the same plan (one ``random.Random(seed)`` drives every choice).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import TypeVar

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

M = TypeVar("M", QualityMeasure, FeedbackMeasure)

PERIOD_COUNT = 8
FIRST_YEAR, FIRST_QUARTER = 2017, 3  # 2017-18-Q3 … 2019-20-Q2

# The example plan's (actions, KPIs, quality, feedback) per recommendation, in its order:
# cycling through it gives N times the example's totals at scale N.
EXAMPLE_MIX: tuple[tuple[int, int, int, int], ...] = (
    (7, 5, 1, 3),
    (4, 5, 3, 1),
    (5, 0, 1, 1),
    (5, 2, 3, 5),
    (4, 1, 2, 1),
    (6, 2, 1, 1),
    (6, 7, 1, 2),
    (15, 9, 1, 2),
    (10, 5, 1, 1),
    (6, 8, 2, 2),
)
EVERY_STATUS: tuple[Status, ...] = tuple(Status)

_QUARTER_MONTHS = {1: (4, 6), 2: (7, 9), 3: (10, 12), 4: (1, 3)}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_THEMES = (
    "Early Help",
    "Reassessment",
    "Children with Disabilities",
    "Transition",
    "Homelessness",
    "Connected People",
    "Sufficiency",
    "Exploitation",
    "Education and Employment",
    "Management Oversight",
    "Permanence",
    "Voice of the Child",
    "Workforce",
    "Missing Children",
    "Health Assessments",
)
_VERBS = ("Review", "Agree", "Train", "Audit", "Introduce", "Publish", "Improve", "Extend")
_OBJECTS = (
    "the threshold document with partner agencies",
    "supervision recording on children's records",
    "the step-up and step-down protocol",
    "placement sufficiency planning",
    "return home interviews for missing children",
    "the pathway plan template for care leavers",
    "the quality assurance framework",
    "multi-agency training on neglect",
    "the offer of work experience for children in care",
    "management oversight of assessments",
)
_MEASURES = (
    "Children seen alone at visits",
    "Assessments completed within 45 days",
    "Re-referrals within 12 months",
    "Care leavers in education, employment or training",
    "Children with three or more placements",
    "Plans reviewed within timescale",
    "Supervision recorded within the month",
    "Cases audited as good or better",
)
_ROLES = (
    "Head of Service",
    "Service Manager",
    "Team Manager",
    "Performance Manager",
    "Principal Social Worker",
    "Quality Assurance Lead",
)
_FREQUENCIES = ("Quarterly", "Monthly", "Six-monthly", "Annual")
_METHODS = (
    "Regular directorate audits",
    "Survey of children and young people",
    "Feedback forms after review meetings",
    "Focus groups with staff",
)
_COMMENTS = (
    "On track; the next milestone is planned for the coming quarter.",
    "Slippage because of staff vacancies; a recovery plan is agreed.",
    "Work has not started: the partner agency has not yet agreed the approach.",
    "Complete; the change is embedded in practice.",
    "Good progress, with findings shared at the practice forum.",
    "Delayed by the system supplier's release date.",
)


@dataclass(frozen=True)
class _Quarter:
    year: int  # the financial year's first calendar year
    quarter: int

    @property
    def id(self) -> str:
        return f"{self.year}-{(self.year + 1) % 100:02d}-Q{self.quarter}"

    def next(self) -> _Quarter:
        if self.quarter == 4:
            return _Quarter(self.year + 1, 1)
        return _Quarter(self.year, self.quarter + 1)

    def period(self) -> Period:
        first, last = _QUARTER_MONTHS[self.quarter]
        calendar_year = self.year + 1 if self.quarter == 4 else self.year
        start = date(calendar_year, first, 1)
        following = date(calendar_year + (last == 12), last % 12 + 1, 1)
        end = following - timedelta(days=1)
        label = f"Q{self.quarter} {_MONTHS[first - 1]} – {_MONTHS[last - 1]} {calendar_year}"
        return Period(
            id=self.id,
            label=label,
            start=start,
            end=end,
            scrutiny=end + timedelta(days=68),
            due=end + timedelta(days=21),
        )


def synth_periods(count: int = PERIOD_COUNT) -> tuple[Period, ...]:
    quarter = _Quarter(FIRST_YEAR, FIRST_QUARTER)
    periods = []
    for _ in range(count):
        periods.append(quarter.period())
        quarter = quarter.next()
    return tuple(periods)


def synth_plan(scale: int, seed: int = 0) -> Plan:
    """A valid plan about ``scale`` times the example's size; the same seed, the same plan."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    return _Synth(random.Random(seed), scale).plan()


class _Synth:
    def __init__(self, rng: random.Random, scale: int) -> None:
        self.rng = rng
        self.scale = scale
        self.periods = synth_periods()
        self.ids = tuple(period.id for period in self.periods)

    def plan(self) -> Plan:
        count = 10 * self.scale
        recommendations = tuple(
            self.recommendation(number, EXAMPLE_MIX[(number - 1) % len(EXAMPLE_MIX)])
            for number in range(1, count + 1)
        )
        risks = tuple(self.risk(index) for index in range(self.scale))
        narrative = {period_id: self.narrative(count) for period_id in self.ids}
        return Plan(
            title=f"Synthetic Improvement Plan (scale {self.scale})",
            organisation="Synthetic County Council",
            periods=self.periods,
            recommendations=recommendations,
            risks=risks,
            narrative=MappingProxyType(narrative),
        )

    # -- text -----------------------------------------------------------------------------

    def owner(self) -> str:
        return f"{self.rng.choice(_ROLES)}, {self.rng.choice(_THEMES)}"

    def comment(self) -> str:
        return self.rng.choice(_COMMENTS)

    # -- items ----------------------------------------------------------------------------

    def span(self) -> tuple[str | None, str | None]:
        """Most items run throughout; some start late or end early (``from`` / ``until``)."""
        roll = self.rng.random()
        if roll < 0.08:
            return self.ids[self.rng.randrange(1, len(self.ids))], None
        if roll < 0.12:
            return None, self.ids[self.rng.randrange(len(self.ids) - 3, len(self.ids) - 1)]
        return None, None

    def live(self, start: str | None, end: str | None) -> list[str]:
        first = self.ids.index(start) if start else 0
        last = self.ids.index(end) if end else len(self.ids) - 1
        return list(self.ids[first : last + 1])

    def recommendation(self, number: int, mix: tuple[int, int, int, int]) -> Recommendation:
        actions, kpis, quality, feedback = mix
        theme = _THEMES[(number - 1) % len(_THEMES)]
        return Recommendation(
            number=number,
            title=theme if number <= len(_THEMES) else f"{theme} {number}",
            aim=f"Make sure that {theme.lower()} work is timely, recorded and overseen "
            f"(recommendation {number}).",
            lead=f"Assistant Director, {theme}" if self.rng.random() < 0.8 else None,
            actions=tuple(
                self.action(f"{number}.A{index}", number, index) for index in range(1, actions + 1)
            ),
            kpis=tuple(
                self.kpi(f"{number}.K{index}", index, forced=number == 1)
                for index in range(1, kpis + 1)
            ),
            quality=tuple(
                self.measure(QualityMeasure, f"{number}.Q{index}")
                for index in range(1, quality + 1)
            ),
            feedback=tuple(
                self.measure(FeedbackMeasure, f"{number}.F{index}")
                for index in range(1, feedback + 1)
            ),
        )

    def action(self, ref: str, number: int, index: int) -> Action:
        start, end = self.span()
        periods = self.live(start, end)
        updates: dict[str, Update] = {}
        for position, period_id in enumerate(periods):
            if self.rng.random() < 0.04:
                continue  # no update given: missing
            status = self.rng.choices(
                (Status.GREEN, Status.AMBER, Status.RED, Status.BLUE, Status.NONE, Status.NA),
                weights=(55, 25, 6, 4, 6, 4),
            )[0]
            commentary = self.comment() if status in (Status.RED, Status.AMBER) else None
            if status is Status.AMBER and self.rng.random() < 0.1:
                commentary = None  # a problem the data-quality annex reports
            updates[period_id] = Update(status=status, commentary=commentary)
            if status is Status.BLUE and position < len(periods) - 1:
                break  # completed: stays blue without further updates
        if number == 1 and index <= len(EVERY_STATUS):
            # Recommendation 1's first actions show every status in the latest period.
            status = EVERY_STATUS[index - 1]
            updates.pop(self.ids[-1], None)
            if status is not Status.MISSING:
                updates[self.ids[-1]] = Update(status=status, commentary=self.comment())
            start, end = None, None
        # Most actions are due after the latest period; a few are overdue (a problem).
        if self.rng.random() < 0.85:
            due: date | None = date(2020, self.rng.choice((3, 9)), 30)
        else:
            due = self.periods[self.rng.randrange(len(self.periods) - 1)].end
        return Action(
            ref=ref,
            title=f"{self.rng.choice(_VERBS)} {self.rng.choice(_OBJECTS)}",
            owner=self.owner(),
            from_period=start,
            until_period=end,
            due=due if self.rng.random() < 0.9 else None,
            updates=MappingProxyType(updates),
        )

    def measure(self, kind: type[M], ref: str) -> M:
        start, end = self.span()
        periods = self.live(start, end)
        frequency = self.rng.choice(_FREQUENCIES)
        expected: tuple[str, ...] | None = None
        if frequency == "Six-monthly":
            expected = tuple(periods[1::2])
        elif frequency == "Annual":
            expected = tuple(period_id for period_id in periods if period_id.endswith("Q4"))
        due = expected if expected is not None else periods
        updates: dict[str, Update] = {}
        for period_id in due:
            if self.rng.random() < 0.05:
                continue
            status = self.rng.choices(
                (Status.GREEN, Status.AMBER, Status.RED, Status.NA), weights=(60, 28, 8, 4)
            )[0]
            commentary = self.comment() if status is not Status.GREEN else None
            updates[period_id] = Update(status=status, commentary=commentary)
        return kind(
            ref=ref,
            title=f"{self.rng.choice(_MEASURES)}: audit of practice",
            owner=self.owner() if self.rng.random() < 0.7 else None,
            from_period=start,
            until_period=end,
            expected=expected,
            frequency=frequency,
            method=self.rng.choice(_METHODS),
            updates=MappingProxyType(updates),
        )

    def kpi(self, ref: str, index: int, *, forced: bool = False) -> Kpi:
        rng = self.rng
        start, end = self.span()
        if forced and index <= 2:
            start, end = None, None  # recommendation 1's first KPIs carry forced overrides
        periods = self.live(start, end)
        kind = rng.choices(("higher", "lower", "closer", "maintain"), weights=(50, 30, 10, 10))[0]
        aim, better = {
            "higher": (Aim.INCREASE, None),
            "lower": (Aim.DECREASE, None),
            "closer": (Aim.MAINTAIN, Better.CLOSER),
            "maintain": (Aim.MAINTAIN, Better.LOWER),
        }[kind]
        unit = rng.choice((Unit.PERCENT, Unit.PERCENT, Unit.COUNT, Unit.RATE, Unit.NUMBER))
        places = 1 if unit is Unit.PERCENT else rng.choice((0, 0, 1, 2))
        level = rng.uniform(20, 80) if unit is Unit.PERCENT else rng.uniform(5, 500)
        step = level * 0.04

        def exact(value: float) -> Decimal:
            return Decimal(f"{value:.{places}f}")

        baseline_value = exact(level)
        baseline = Baseline(
            label="March 2017",
            value=baseline_value,
            display=f"{baseline_value} ({rng.randint(50, 900)})" if rng.random() < 0.1 else None,
            status=rng.choice((Status.RED, Status.AMBER, Status.GREEN, None)),
        )
        sign = -1 if better is Better.LOWER else 1
        target: Target | None
        if rng.random() < 0.12:
            target = Target(label="March 2020", display="Better than the baseline")
        else:
            target = Target(
                label="March 2020",
                date=date(2020, 3, 31),
                value=exact(level + sign * level * 0.1),
                display="Align with the regional target" if rng.random() < 0.05 else None,
            )
        targets: dict[str, Decimal] = {}
        if target.value is not None and rng.random() < 0.2:
            for position, period_id in enumerate(periods):
                targets[period_id] = exact(
                    level + sign * level * 0.1 * (position + 1) / len(periods)
                )
        tolerance = points = None
        roll = rng.random()
        if roll < 0.15:
            tolerance = Decimal(rng.choice((5, 15, 20)))
        elif roll < 0.3:
            points = Decimal(rng.choice(("2", "5", "2.5")))
        values: dict[str, KpiValue] = {}
        current = level
        annual = rng.random() < 0.08
        for period_id in periods:
            current += rng.uniform(-step, step * 1.2) * sign
            roll = rng.random()
            if annual and not period_id.endswith("Q4"):
                values[period_id] = KpiValue(value=None, status=Status.NONE)
            elif roll < 0.03:
                continue  # no entry: missing
            elif roll < 0.07:
                values[period_id] = KpiValue(value=None, display="NYA")
            elif roll < 0.09:
                # A given rated status on an entry without a value is always an override.
                values[period_id] = KpiValue(
                    value=None,
                    display="Reported late",
                    status=Status.GREEN,
                    reason="Rated by the service from its own records." if roll < 0.08 else None,
                )
            elif roll < 0.14:
                given = rng.choice((Status.GREEN, Status.AMBER, Status.RED))
                values[period_id] = KpiValue(
                    value=exact(current),
                    status=given,
                    reason="Rated by hand at the performance clinic."
                    if rng.random() < 0.6
                    else None,
                    commentary=self.comment(),
                )
            else:
                value = exact(current)
                values[period_id] = KpiValue(
                    value=value,
                    display=f"{value} ({rng.randint(10, 999)})" if rng.random() < 0.05 else None,
                )
        if forced and index <= 2:
            # Overrides in the latest period, one with a reason and one without (a problem).
            values[self.ids[-1]] = KpiValue(
                value=None,
                display="Reported late",
                status=Status.GREEN if index == 1 else Status.RED,
                reason="Rated by the service from its own records." if index == 1 else None,
            )
        return Kpi(
            ref=ref,
            title=f"{rng.choice(_MEASURES)} ({index})",
            owner=self.owner(),
            from_period=start,
            until_period=end,
            aim=aim,
            better=better,
            unit=unit,
            baseline=baseline,
            target=target,
            targets=MappingProxyType(targets),
            tolerance=tolerance,
            tolerance_points=points,
            values=MappingProxyType(values),
        )

    # -- risks and narrative --------------------------------------------------------------

    def risk(self, index: int) -> Risk:
        updates = {
            period_id: Update(status=self.rng.choice((Status.GREEN, Status.AMBER, Status.RED)))
            for period_id in self.ids
        }
        return Risk(
            title=f"Risk {index + 1}: activity may not deliver the expected outcomes",
            mitigation="Outcomes are monitored monthly and reported to the Improvement Board.",
            owner=self.owner(),
            updates=MappingProxyType(updates),
        )

    def narrative(self, recommendations: int) -> Narrative:
        rng = self.rng
        dives = tuple(sorted(rng.sample(range(1, recommendations + 1), 3)))
        boxes: dict[Box, Status] = {Box.FINANCE: Status.NA}
        reasons: dict[Box, str] = {}
        if rng.random() < 0.5:
            boxes[Box.PROGRESS] = rng.choice((Status.GREEN, Status.AMBER))
            if rng.random() < 0.7:
                reasons[Box.PROGRESS] = "Set by the plan lead after the quarterly review."
        return Narrative(
            headlines=(
                "Updates for the quarter are complete.",
                f"Recommendation {dives[0]} needs the board's attention.",
            ),
            decisions=("The board agreed the refreshed milestones.",),
            milestones=("The plan goes to the Joint Chairs Group next month.",),
            next_steps=("Collect next quarter's updates before the scrutiny meeting.",),
            deep_dives=dives,
            commentary=MappingProxyType(
                {number: (self.comment(), self.comment()) for number in dives}
            ),
            boxes=MappingProxyType(boxes),
            box_reasons=MappingProxyType(reasons),
        )
