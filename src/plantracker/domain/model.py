"""The plan as data: frozen dataclasses of the plan (docs/plan-file.md).

Pure standard library. Every reader (YAML, XLSX, database) builds these; every rule and
renderer reads them. Measured values are ``Decimal`` built from the text as written.

A plan and its results can be pickled (the evaluated-plan cache stores them, ADR 0066): the
read-only mappings they hold (``types.MappingProxyType``, which pickle refuses by default)
are registered with ``copyreg`` below and come back as the same read-only mappings, so
equality, ``repr`` (report cache keys) and unhashability are exactly as before.
"""

from __future__ import annotations

import copyreg
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar


class Status(StrEnum):
    """The seven statuses (docs/rules.md#statuses)."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    BLUE = "blue"
    NONE = "none"
    NA = "na"
    MISSING = "missing"

    @property
    def rated(self) -> bool:
        """Counts as rated (blue counts as green in roll-ups: docs/rules.md#statuses)."""
        return self in RATED

    @property
    def letter(self) -> str:
        """The letter or short word shown beside the colour, so reports read in greyscale."""
        return _LETTERS[self]

    @property
    def word(self) -> str:
        return _WORDS[self]


RATED: frozenset[Status] = frozenset({Status.GREEN, Status.AMBER, Status.RED, Status.BLUE})
STATUS_ORDER: tuple[Status, ...] = tuple(Status)
_LETTERS = {
    Status.GREEN: "G",
    Status.AMBER: "A",
    Status.RED: "R",
    Status.BLUE: "B",
    Status.NONE: "–",
    Status.NA: "N/A",
    Status.MISSING: "M",
}
_WORDS = {
    Status.GREEN: "Green",
    Status.AMBER: "Amber",
    Status.RED: "Red",
    Status.BLUE: "Blue (complete)",
    Status.NONE: "No update required",
    Status.NA: "Not available",
    Status.MISSING: "Missing",
}


class NaReason(StrEnum):
    """Why a status is ``na`` (docs/rules.md#na-reasons): the words every output prints in
    place of a bare "not available"."""

    NOT_APPLICABLE = "not_applicable"  # nothing to rate: finance, an empty kind, set by hand
    NOT_YET_AVAILABLE = "not_yet_available"  # a null ("NYA") value, or nothing rated yet
    NO_TARGET = "no_target"  # a data-only indicator: no comparison point

    @property
    def word(self) -> str:
        return _NA_WORDS[self]


_NA_WORDS = {
    NaReason.NOT_APPLICABLE: "Not applicable",
    NaReason.NOT_YET_AVAILABLE: "Not yet available",
    NaReason.NO_TARGET: "No target",
}


class Direction(StrEnum):
    """Direction of travel (docs/rules.md#directions); ``None`` stands for null."""

    IMPROVING = "improving"
    SAME = "same"
    WORSENING = "worsening"


class Kind(StrEnum):
    """The four kinds of item; the value is the key used in files and JSON."""

    ACTION = "actions"
    KPI = "kpis"
    QUALITY = "quality"
    FEEDBACK = "feedback"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    Kind.ACTION: "Action",
    Kind.KPI: "KPI",
    Kind.QUALITY: "Quality measure",
    Kind.FEEDBACK: "Feedback measure",
}


class Aim(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"
    MAINTAIN = "maintain"


class Better(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"
    CLOSER = "closer"


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    RATE = "rate"
    NUMBER = "number"


class Disclosure(StrEnum):
    """A KPI's ``disclosure`` (docs/plan-file.md#disclosure): ``suppress`` withholds its
    small counts, and the shares derived from them, in the published report (ADR 0081)."""

    SUPPRESS = "suppress"


class PublishedNames(StrEnum):
    """The plan's ``published_names`` (docs/plan-file.md#published-names): whether the
    published report names owners and leads; ``hidden`` unless the plan says ``shown``."""

    HIDDEN = "hidden"
    SHOWN = "shown"


def _frozen(mapping: Mapping | None = None) -> MappingProxyType:
    return MappingProxyType(dict(mapping or {}))


def _reduce_frozen(
    mapping: MappingProxyType,
) -> tuple[Callable[..., MappingProxyType], tuple[dict]]:
    """How pickle stores a read-only mapping: its items, rebuilt read-only by ``_frozen``."""
    return _frozen, (dict(mapping),)


# Every MappingProxyType pickles through ``_reduce_frozen`` (pickle has no reducer of its own
# for it), whoever made it: the plan readers, ``evaluate``'s results, the database selectors.
copyreg.pickle(MappingProxyType, _reduce_frozen)


@dataclass(frozen=True)
class Rules:
    """Plan settings for the rules (docs/rules.md#settings), percentages as Decimal."""

    kpi_tolerance: Decimal = Decimal(10)
    dot_band: Decimal = Decimal(2)
    rollup_green: Decimal = Decimal(75)
    rollup_red: Decimal = Decimal(25)


@dataclass(frozen=True)
class Period:
    id: str
    label: str
    start: date
    end: date
    scrutiny: date | None = None
    due: date | None = None
    # The period's name on a chart's time axis ("Q1 18/19"); without it the month and year
    # the period ends ("Jun 2018"). See docs/rules.md#chart-ticks.
    short_label: str | None = None


@dataclass(frozen=True)
class Update:
    """A quarterly update of an action, measure or risk: a status is required."""

    status: Status
    commentary: str | None = None


@dataclass(frozen=True)
class RiskUpdate(Update):
    """A risk's update, maybe scored (docs/rules.md#risk-scores): ``likelihood`` and
    ``impact`` 1–5 each, both or neither. A scored update's ``status`` is the RAG derived
    from the score unless a different one was given (an override, with its ``reason``)."""

    likelihood: int | None = None
    impact: int | None = None
    reason: str | None = None

    @property
    def score(self) -> int | None:
        if self.likelihood is None or self.impact is None:
            return None
        return self.likelihood * self.impact


# A KPI's ``source`` and a computed value's ``computed_from``: "statutory:<indicator>".
STATUTORY_PREFIX = "statutory:"


@dataclass(frozen=True)
class KpiValue:
    """A KPI's entry for one period. ``value`` None means not available (``na``).

    ``status`` is a given status (an override when it differs from the calculated one).
    ``computed_from`` is ``"statutory:<indicator>"`` when ``statutory apply`` computed the
    value from the statutory returns; None when it was typed. No rule reads it.
    """

    value: Decimal | None
    display: str | None = None
    status: Status | None = None
    reason: str | None = None
    commentary: str | None = None
    computed_from: str | None = None


@dataclass(frozen=True)
class Baseline:
    label: str | None = None
    value: Decimal | None = None
    display: str | None = None
    status: Status | None = None


@dataclass(frozen=True)
class Target:
    label: str | None = None
    date: date | None = None
    value: Decimal | None = None
    display: str | None = None


@dataclass(frozen=True)
class Comparators:
    """Published figures to set beside a KPI's value in the report (ADR 0017): England, the
    authority's region and the mean of its statistical neighbours, for the published period
    ``label`` (e.g. "2023-24"). A figure not published (or suppressed) is None."""

    label: str
    england: Decimal | None = None
    region: Decimal | None = None
    neighbours: Decimal | None = None


@dataclass(frozen=True)
class Item:
    """Fields shared by the four kinds of item."""

    ref: str
    title: str
    owner: str | None = None
    from_period: str | None = None
    until_period: str | None = None
    expected: tuple[str, ...] | None = None
    # The owner's and a deputy's accounts by email (docs/plan-file.md#owners, ADR 0068).
    owner_email: str | None = None
    deputy_email: str | None = None

    kind: ClassVar[Kind]


@dataclass(frozen=True)
class Action(Item):
    due: date | None = None
    updates: Mapping[str, Update] = field(default_factory=_frozen)

    kind: ClassVar[Kind] = Kind.ACTION


@dataclass(frozen=True)
class Kpi(Item):
    aim: Aim = Aim.INCREASE
    better: Better | None = None
    unit: Unit = Unit.NUMBER
    baseline: Baseline | None = None
    target: Target | None = None
    targets: Mapping[str, Decimal] = field(default_factory=_frozen)
    tolerance: Decimal | None = None
    tolerance_points: Decimal | None = None
    source: str | None = None
    comparators: Comparators | None = None
    values: Mapping[str, KpiValue] = field(default_factory=_frozen)
    disclosure: Disclosure | None = None  # docs/plan-file.md#disclosure

    kind: ClassVar[Kind] = Kind.KPI

    @property
    def effective_better(self) -> Better:
        """``better`` as given, else from ``aim`` (increase→higher, decrease→lower;
        docs/rules.md#kpi-rating)."""
        if self.better is not None:
            return self.better
        if self.aim is Aim.DECREASE:
            return Better.LOWER
        return Better.HIGHER


@dataclass(frozen=True)
class Measure(Item):
    """A quality (audit) or feedback measure."""

    frequency: str | None = None
    method: str | None = None
    updates: Mapping[str, Update] = field(default_factory=_frozen)


@dataclass(frozen=True)
class QualityMeasure(Measure):
    kind: ClassVar[Kind] = Kind.QUALITY


@dataclass(frozen=True)
class FeedbackMeasure(Measure):
    kind: ClassVar[Kind] = Kind.FEEDBACK


@dataclass(frozen=True)
class Recommendation:
    number: int
    title: str
    aim: str
    lead: str | None = None
    actions: tuple[Action, ...] = ()
    kpis: tuple[Kpi, ...] = ()
    quality: tuple[QualityMeasure, ...] = ()
    feedback: tuple[FeedbackMeasure, ...] = ()

    def items(self, kind: Kind) -> tuple[Item, ...]:
        return {
            Kind.ACTION: self.actions,
            Kind.KPI: self.kpis,
            Kind.QUALITY: self.quality,
            Kind.FEEDBACK: self.feedback,
        }[kind]


@dataclass(frozen=True)
class Risk:
    title: str
    mitigation: str
    owner: str | None = None
    updates: Mapping[str, Update] = field(default_factory=_frozen)
    owner_email: str | None = None  # the owner's account (docs/plan-file.md#owners)
    # The scored register (docs/rules.md#risk-scores): the controls in place, and the score
    # the mitigation aims for by a date.
    controls: str | None = None
    target_score: int | None = None
    target_date: date | None = None


SCALE_POINTS = 5  # likelihood and impact are each 1..5
# The scores a 5×5 grid can give (7, 11, 13, 14, 17–19 and 21–24 cannot occur).
POSSIBLE_SCORES: tuple[int, ...] = tuple(
    sorted({likelihood * impact for likelihood in range(1, 6) for impact in range(1, 6)})
)


@dataclass(frozen=True)
class RiskBand:
    """Scores ``low``..``high`` (inclusive) derive ``status``."""

    status: Status
    low: int
    high: int


@dataclass(frozen=True)
class RiskScale:
    """The plan's words for likelihood and impact 1..5 and its bands from score to RAG
    (docs/rules.md#risk-scores, docs/plan-file.md#risk-scale)."""

    likelihood: tuple[str, ...] = ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")
    impact: tuple[str, ...] = ("Negligible", "Minor", "Moderate", "Major", "Severe")
    bands: tuple[RiskBand, ...] = (
        RiskBand(Status.GREEN, 1, 6),
        RiskBand(Status.AMBER, 8, 12),
        RiskBand(Status.RED, 15, 25),
    )

    def status(self, score: int) -> Status:
        """The RAG the bands give ``score`` (bands cover every possible score: the readers
        refuse bands that leave one out)."""
        for band in self.bands:
            if band.low <= score <= band.high:
                return band.status
        raise ValueError(f"no band holds score {score}")


def band_errors(bands: tuple[RiskBand, ...]) -> list[str]:
    """What is wrong with ``bands`` (docs/plan-file.md#risk-scale): each must be a RAG
    colour with 1 ≤ low ≤ high ≤ 25, no possible score in two bands, none in no band."""
    errors: list[str] = []
    for band in bands:
        if band.status not in (Status.GREEN, Status.AMBER, Status.RED):
            errors.append(f"a band's status must be green, amber or red, not {band.status}")
        if not 1 <= band.low <= band.high <= SCALE_POINTS * SCALE_POINTS:
            errors.append(
                f"the {band.status} band {band.low}–{band.high} must have "
                f"1 ≤ from ≤ to ≤ {SCALE_POINTS * SCALE_POINTS}"
            )
    if errors:
        return errors
    for score in POSSIBLE_SCORES:
        holding = [band for band in bands if band.low <= score <= band.high]
        if len(holding) > 1:
            names = " and ".join(f"{b.status} {b.low}–{b.high}" for b in holding)
            errors.append(f"the bands overlap: score {score} is in {names}")
        elif not holding:
            errors.append(f"the bands leave a gap: score {score} is in no band")
    return errors


class Box(StrEnum):
    """The overview's boxes that the narrative may set by hand."""

    OVERALL = "overall"
    PROGRESS = "progress"
    RISKS = "risks"
    FINANCE = "finance"


@dataclass(frozen=True)
class Narrative:
    """The lead's words for one period (docs/plan-file.md#narrative)."""

    headlines: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    milestones: tuple[str, ...] = ()
    next_steps: tuple[str, ...] = ()
    deep_dives: tuple[int, ...] = ()
    commentary: Mapping[int, tuple[str, ...]] = field(default_factory=_frozen)
    boxes: Mapping[Box, Status] = field(default_factory=_frozen)
    box_reasons: Mapping[Box, str] = field(default_factory=_frozen)
    # What the committee is asked to note or decide at this period's meeting
    # (docs/plan-file.md#committee-recommendations, ADR 0066); not the service's own
    # ``decisions``.
    committee_recommendations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contact:
    """The report's author and contact officer (docs/plan-file.md#contact)."""

    name: str
    role: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Plan:
    title: str
    organisation: str
    rules: Rules = field(default_factory=Rules)
    periods: tuple[Period, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    risks: tuple[Risk, ...] = ()
    narrative: Mapping[str, Narrative] = field(default_factory=_frozen)
    # What a committee paper needs beside the figures (docs/plan-file.md#committee-paper):
    # who wrote the report, why it is tabled, what the plan's terms mean, and why the
    # recommendations are in the order they are.
    contact: Contact | None = None
    purpose: str | None = None
    glossary: Mapping[str, str] = field(default_factory=_frozen)
    order_note: str | None = None
    risk_scale: RiskScale = field(default_factory=RiskScale)
    # Whether the published report names owners and leads (docs/plan-file.md#published-names).
    published_names: PublishedNames = PublishedNames.HIDDEN

    def period(self, period_id: str) -> Period:
        for period in self.periods:
            if period.id == period_id:
                return period
        raise KeyError(period_id)

    def item(self, ref: str) -> Item:
        """The item ``ref``, of any kind in any recommendation (refs are unique in a plan)."""
        for recommendation in self.recommendations:
            for kind in Kind:
                for item in recommendation.items(kind):
                    if item.ref == ref:
                        return item
        raise KeyError(ref)

    def period_index(self, period_id: str) -> int:
        for index, period in enumerate(self.periods):
            if period.id == period_id:
                return index
        raise KeyError(period_id)

    def previous_period(self, period_id: str) -> Period | None:
        index = self.period_index(period_id)
        return self.periods[index - 1] if index > 0 else None

    def recommendation(self, number: int) -> Recommendation:
        for recommendation in self.recommendations:
            if recommendation.number == number:
                return recommendation
        raise KeyError(number)
