"""Build plans by hand for the tests: one place for every test that needs a domain ``Plan``
(or a plan file's text) without reading the example.

Start here when a test needs a plan:

- ``plan(recommendation(1, actions=[action("1.A1", {Q2: Status.RED})]))`` builds a small plan
  item by item; every builder takes keyword arguments and fills the rest with plain
  defaults (titles such as ``"KPI 1.K1"``, eight quarters from 2017-18 Q1).
- ``filled_plan(recommendations=3, period_count=2)`` builds a bigger plan in which every
  item of every kind is updated in every period (the report tests use it).
- ``PLAN_YAML`` is a small valid plan file; ``vary((old, new), ...)`` changes it line by line.
- ``exact(a) == exact(b)`` compares two plans down to ``58.60`` against ``58.6``.

Numbers are written as text (``"58.6"``) and become Decimals from that text, as the plan
file reader does. The named plans of one group of tests (``web_plan``, ``api_plan``,
``rich_plan``) stay beside those tests and are built from the pieces here.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import Enum
from types import MappingProxyType
from typing import Any

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
    RiskScale,
    RiskUpdate,
    Rules,
    Status,
    Target,
    Unit,
    Update,
)

Number = str | int | Decimal | None

# --- periods ------------------------------------------------------------------------------

# The seed's quarters, the one after them, and the one a year before Q2.
Q1, Q2, Q3 = "2018-19-Q1", "2018-19-Q2", "2018-19-Q3"
YEAR_BEFORE_Q2 = "2017-18-Q2"

_QUARTER_ID = re.compile(r"(\d{4})-(\d{2})-Q([1-4])")
# (start month, start day, end month, end day) of the four quarters of a financial year.
_QUARTER_DAYS = ((4, 1, 6, 30), (7, 1, 9, 30), (10, 1, 12, 31), (1, 1, 3, 31))


def quarter(
    period_id: str,
    *,
    label: str | None = None,
    scrutiny: date | None = None,
    due: date | None = None,
    short_label: str | None = None,
) -> Period:
    """The UK financial-year quarter ``period_id`` (``"2018-19-Q2"``: July to September
    2018), labelled ``"Q2 2018/19"`` unless ``label`` says otherwise."""
    match = _QUARTER_ID.fullmatch(period_id)
    assert match, f"{period_id!r} is not a quarter such as 2018-19-Q2"
    year, number = int(match[1]), int(match[3])
    start_month, start_day, end_month, end_day = _QUARTER_DAYS[number - 1]
    calendar_year = year + 1 if number == 4 else year
    return Period(
        id=period_id,
        label=label if label is not None else f"Q{number} {year}/{match[2]}",
        start=date(calendar_year, start_month, start_day),
        end=date(calendar_year, end_month, end_day),
        scrutiny=scrutiny,
        due=due,
        short_label=short_label,
    )


def quarters(
    count: int = 8, *, first_year: int = 2017, last_scrutiny: bool = False
) -> tuple[Period, ...]:
    """``count`` quarters from April of ``first_year`` (``2017-18-Q1`` onwards); with
    ``last_scrutiny`` the last one has a scrutiny date, the 28th of its last month."""
    result = []
    for n in range(count):
        year = first_year + n // 4
        period = quarter(f"{year}-{(year + 1) % 100:02d}-Q{n % 4 + 1}")
        if last_scrutiny and n == count - 1:
            period = dataclasses.replace(period, scrutiny=period.end.replace(day=28))
        result.append(period)
    return tuple(result)


PERIODS = quarters()
"""The default periods of ``plan()``: eight quarters, 2017-18 Q1 to 2018-19 Q4."""
IDS = tuple(period.id for period in PERIODS)


# --- numbers and mappings -----------------------------------------------------------------


def dec(number: Number) -> Decimal | None:
    """``number`` as a Decimal made from its text; ``None`` stays ``None``."""
    if number is None or isinstance(number, Decimal):
        return number
    return Decimal(str(number))


def frozen(mapping: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """A read-only copy of ``mapping``, as the domain model holds its mappings."""
    return MappingProxyType(dict(mapping))


# --- items, one builder per kind ----------------------------------------------------------


def value(
    number: Number,
    status: Status | None = None,
    reason: str | None = None,
    *,
    display: str | None = None,
    commentary: str | None = None,
) -> KpiValue:
    """A KPI's value for one period; ``status`` (with its ``reason``) overrides the rating."""
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
    """A KPI titled ``"KPI <ref>"``; ``values`` maps period ids to numbers or ``value()``s,
    ``targets`` to per-period targets (``None`` ones are left out)."""
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
    """An action's, measure's or risk's update for one period."""
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
    """An action titled ``"Action <ref>"``; ``updates`` maps period ids to a status or an
    ``update()``."""
    return Action(
        ref=ref,
        title=f"Action {ref}",
        due=due,
        expected=tuple(expected) if expected is not None else None,
        from_period=from_period,
        until_period=until_period,
        updates=_updates(updates),
    )


def _measure(
    kind: type[QualityMeasure] | type[FeedbackMeasure],
    word: str,
    ref: str,
    updates: Mapping[str, Status | Update] | None,
    expected: Sequence[str] | None,
    from_period: str | None,
    until_period: str | None,
) -> Any:
    return kind(
        ref=ref,
        title=f"{word} {ref}",
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
    """A quality measure titled ``"Quality <ref>"``."""
    made: QualityMeasure = _measure(
        QualityMeasure, "Quality", ref, updates, expected, from_period, until_period
    )
    return made


def feedback(
    ref: str = "1.F1",
    updates: Mapping[str, Status | Update] | None = None,
    *,
    expected: Sequence[str] | None = None,
    from_period: str | None = None,
    until_period: str | None = None,
) -> FeedbackMeasure:
    """A feedback measure titled ``"Feedback <ref>"``."""
    made: FeedbackMeasure = _measure(
        FeedbackMeasure, "Feedback", ref, updates, expected, from_period, until_period
    )
    return made


def recommendation(
    number: int = 1,
    *,
    actions: Sequence[Action] = (),
    kpis: Sequence[Kpi] = (),
    quality: Sequence[QualityMeasure] = (),
    feedback: Sequence[FeedbackMeasure] = (),
    title: str | None = None,
) -> Recommendation:
    """Recommendation ``number`` holding the given items."""
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
    """A risk with a mitigation and the given updates."""
    return Risk(title=title, mitigation="Mitigation", updates=_updates(updates))


def scored(
    likelihood: int,
    impact: int,
    status: Status | None = None,
    reason: str | None = None,
    scale: RiskScale | None = None,
) -> RiskUpdate:
    """A scored risk update (docs/rules.md#risk-scores): ``status`` defaults to the RAG the
    scale (default: the plan default) derives, as the readers fill it in."""
    derived = (scale or RiskScale()).status(likelihood * impact)
    return RiskUpdate(status or derived, likelihood=likelihood, impact=impact, reason=reason)


def narrative(
    boxes: Mapping[Box, Status] | None = None, reasons: Mapping[Box, str] | None = None
) -> Narrative:
    """One period's narrative: only the summary boxes set by hand, with their reasons."""
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
    title: str = "Test plan",
    organisation: str = "Test Council",
) -> Plan:
    """A plan of the given recommendations, over ``periods`` (default: ``PERIODS``)."""
    return Plan(
        title=title,
        organisation=organisation,
        rules=rules or Rules(),
        periods=tuple(periods),
        recommendations=tuple(recommendations),
        risks=tuple(risks),
        narrative=MappingProxyType(dict(narratives or {})),
    )


# --- bigger plans, every item updated in every period -------------------------------------

_CYCLE = (Status.GREEN, Status.AMBER, Status.RED, Status.GREEN, Status.BLUE, Status.GREEN)


def _cycled_updates(ids: tuple[str, ...], seed: int) -> dict[str, Update]:
    return {
        pid: Update(
            status=_CYCLE[(seed + offset) % len(_CYCLE)],
            commentary=f"Update {offset} on item {seed}" if (seed + offset) % 4 else None,
        )
        for offset, pid in enumerate(ids)
    }


def filled_recommendation(
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
                updates=_cycled_updates(ids, number * 7 + i),
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
                updates=_cycled_updates(ids, number * 5 + i),
            )
            for i in range(1, quality + 1)
        ),
        feedback=tuple(
            FeedbackMeasure(
                ref=f"{number}.F{i}",
                title=f"Feedback measure {i} of {number}",
                frequency="Annually",
                method="Survey",
                updates=_cycled_updates(ids, number * 3 + i),
            )
            for i in range(1, feedback + 1)
        ),
    )


def filled_plan(
    *,
    recommendations: int = 3,
    period_count: int = 2,
    narrative: bool = True,
    kinds: dict[int, dict[str, int]] | None = None,
) -> Plan:
    """A valid plan of ``period_count`` quarters from 2018-19 Q1 (the last one scrutinised)
    in which every item is updated in every period; ``kinds`` sets item counts per
    recommendation number (``{1: {"actions": 0, "kpis": 4}}``)."""
    span = quarters(period_count, first_year=2018, last_scrutiny=True)
    ids = tuple(p.id for p in span)
    recs = tuple(
        filled_recommendation(number, ids, **(kinds or {}).get(number, {}))
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


# --- plan file text -----------------------------------------------------------------------

PLAN_YAML = """\
format: 1
plan:
  title: Test plan
  organisation: Test Council
  rules: {kpi_tolerance: 10, dot_band: 2.5, rollup_green: 75, rollup_red: 25}
periods:
  - {id: 2018-19-Q1, label: "Q1 April – June 2018", start: 2018-04-01, end: 2018-06-30}
  - {id: 2018-19-Q2, label: Q2, start: 2018-07-01, end: 2018-09-30, scrutiny: 2018-12-07}
recommendations:
  - number: 1
    title: Early Help
    aim: Refer children at the right time.
    lead: Assistant Director
    actions:
      - ref: "1.10"
        title: Agree a protocol
        owner: Head of Early Help
        due: 2019-03-31
        updates:
          2018-19-Q1: {status: green}
          2018-19-Q2: {status: red, commentary: "Poor take-up"}
    kpis:
      - ref: 1.K1
        title: Assessments on time
        aim: increase
        unit: percent
        baseline: {label: March 2018, value: 58.4, display: "66 (611)", status: red}
        target: {label: March 2019, date: 2019-03-31, value: 65}
        values:
          2018-19-Q1: {value: 57.90}
          2018-19-Q2: {value: 58.60, status: green, reason: Rated by hand}
    quality:
      - ref: "1.Q1"
        title: Audits good or better
        frequency: Quarterly
        method: Audits
        expected: [2018-19-Q2]
        updates: {2018-19-Q2: {status: amber, commentary: Some good}}
    feedback: []
  - number: 9
    title: EET
    aim: Work experience for children in care.
risks:
  - title: Outcomes are not delivered
    mitigation: Monitoring
    updates: {2018-19-Q2: {status: amber}}
narrative:
  2018-19-Q2:
    headlines: [Updates complete]
    progress: amber
    progress_reason: The lead's view
    deep_dives: [1, 9]
    commentary: {1: [First paragraph], "9": [Second paragraph]}
"""
"""A small valid plan file that the plan file tests vary one line at a time."""


def vary(*changes: tuple[str, str], base: str = PLAN_YAML) -> str:
    """``base`` with each (old, new) replacement made; each ``old`` must occur exactly once."""
    text = base
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


# --- comparing plans ----------------------------------------------------------------------


def exact(value: object) -> object:
    """A comparable form of a domain object in which ``Decimal("58.60")`` differs from
    ``Decimal("58.6")`` and mapping order counts (dataclass ``==`` ignores both).

    Mappings keyed by period come back from the database in the plan's period order, so
    the plans here write them in that order (test_plan_import checks the reordering)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            tuple((f.name, exact(getattr(value, f.name))) for f in dataclasses.fields(value)),
        )
    if isinstance(value, Mapping):
        return ("map", tuple((exact(k), exact(v)) for k, v in value.items()))
    if isinstance(value, (tuple, list)):
        return ("seq", tuple(exact(v) for v in value))
    if isinstance(value, Decimal):
        return ("decimal", str(value))
    if isinstance(value, Enum):
        return (type(value).__name__, value.value)
    return value
