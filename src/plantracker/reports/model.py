"""The quarterly report as data (docs/rules.md#report).

``build.build_report`` fills this tree once from a ``PeriodResult``; every renderer (HTML,
PDF, and later Word, PowerPoint, Excel) reads it and nothing else, so no format computes a
status, count, percentage or direction of its own. Everything a reader sees as text is
already text here (formatted values, labels, sentences); statuses stay ``Status`` so each
format can show its colour *and* its word or letter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from plantracker.domain.model import Direction, Kind, Status
from plantracker.domain.trajectory import Trajectory


@dataclass(frozen=True)
class DirectionView:
    """A direction of travel as shown: an arrow for the movement, a word for its meaning.

    ``movement`` is where the value (or the status) went — ``up``, ``down`` or ``level`` —
    and ``arrow`` draws it; ``tone`` says whether that was good (``good``, ``bad``,
    ``same``, ``none``), which the colour and ``word`` carry.
    """

    direction: Direction | None
    movement: str
    arrow: str
    word: str
    tone: str
    previous: str | None = None  # "was Red": the status a status's direction compares with

    @property
    def text(self) -> str:
        """``↑ Improving — was Red``."""
        text = f"{self.arrow} {self.word}"
        return f"{text} — {self.previous}" if self.previous else text


@dataclass(frozen=True)
class StatusCount:
    """One slice of a donut or one cell of a counts row."""

    status: Status
    count: int
    percent: int  # of the scope's count, from ``Counts.percent``


@dataclass(frozen=True)
class Donut:
    """A donut chart of one kind of item in one scope, by status.

    ``slices`` holds every status with at least one item, in status order; ``legend`` is
    the same with the counts a reader needs; ``show`` is ``count`` (the overall plan: counts
    in the legend) or ``percent`` (a recommendation: percentages). The chart itself is
    drawn by ``charts.donut_svg`` from these numbers alone.
    """

    kind: Kind
    heading: str  # "Actions", "Key Performance Indicators", ...
    noun: str  # "actions", "KPIs", "measures" — for the centre and the text alternative
    count: int
    status: Status  # the kind's roll-up in this scope
    slices: tuple[StatusCount, ...]
    show: str
    alt: str  # the text alternative: every number the chart shows

    @property
    def empty(self) -> bool:
        return self.count == 0


@dataclass(frozen=True)
class OverviewBox:
    """One box of the quarter overview: Overall (now and previous), Progress, Finance, Risks."""

    key: str
    label: str
    status: Status | None  # None: nothing to show (no previous period)
    direction: DirectionView | None
    overridden: bool = False
    calculated: Status | None = None
    reason: str | None = None
    note: str | None = None
    period: str | None = None  # the period the box describes, when not the reported one
    status_word: str = ""  # the status in words; ``na`` says why (docs/rules.md#na-reasons)


@dataclass(frozen=True)
class WorkstreamRow:
    """A row of the quarter overview's workstream table: one kind across the plan."""

    kind: Kind
    label: str
    status: Status
    direction: DirectionView
    counts: tuple[StatusCount, ...]  # all seven statuses, in status order
    total: int
    status_word: str = ""


@dataclass(frozen=True)
class RiskScoreView:
    """A scored risk's cells (docs/rules.md#risk-scores): "4 × 3", "12 (16)", and when the
    shown status overrides the derived RAG, "Score gives Amber: <reason>"."""

    position: str
    score: str
    override: str | None = None


@dataclass(frozen=True)
class RiskRow:
    title: str
    mitigation: str
    owner: str | None
    status: Status
    direction: DirectionView
    status_word: str = ""
    number: int = 0  # the risk's place, from 1: its marker on the heat map ("R1")
    score: RiskScoreView | None = None  # None when the plan scores no risk

    @property
    def marker(self) -> str:
        return f"R{self.number}"


@dataclass(frozen=True)
class HeatCell:
    """One square of the 5×5 heat map: its score, the band's colour, and the markers of
    the risks there now and in the previous period."""

    likelihood: int
    impact: int
    status: Status
    now: tuple[str, ...]
    previous: tuple[str, ...]

    @property
    def score(self) -> int:
        return self.likelihood * self.impact


@dataclass(frozen=True)
class HeatPosition:
    """The heat map's text alternative: a risk's marker and title, its position now and
    before ("Likely (4) × Moderate (3) = 12, Amber" or "Not scored")."""

    marker: str
    title: str
    now: str
    previous: str


@dataclass(frozen=True)
class HeatMap:
    likelihood: tuple[str, ...]  # the plan's words for 1..5
    impact: tuple[str, ...]
    rows: tuple[tuple[HeatCell, ...], ...]  # impact 5 (top) down to 1; likelihood 1..5
    positions: tuple[HeatPosition, ...]
    alt: str


@dataclass(frozen=True)
class Headlines:
    """The overview's headlines: drafted from the data, then the plan lead's own."""

    factual: tuple[str, ...]
    lead: tuple[str, ...]


@dataclass(frozen=True)
class Overview:
    heading: str
    current: OverviewBox
    previous: OverviewBox
    boxes: tuple[OverviewBox, ...]  # Progress, Finance, Risks
    headlines: Headlines
    workstreams: tuple[WorkstreamRow, ...]
    risks: tuple[RiskRow, ...]
    milestones: tuple[str, ...]
    decisions: tuple[str, ...]
    # The workstream table's headings: Workstream, Status, Direction, the seven status
    # words, Total.
    workstream_headings: tuple[str, ...] = ()
    # The risk table's headings: with score columns when any risk is scored, and the heat
    # map then (docs/rules.md#risk-scores).
    risk_headings: tuple[str, ...] = ()
    heat_map: HeatMap | None = None


@dataclass(frozen=True)
class RecommendationSection:
    number: int
    title: str
    aim: str
    lead: str | None
    status: Status
    direction: DirectionView
    donuts: tuple[Donut, ...]  # the four kinds, empty ones included (printed "None")
    heading: str = ""  # "Recommendation 6: CSE"
    status_word: str = ""

    @property
    def anchor(self) -> str:
        return f"rec-{self.number}"


@dataclass(frozen=True)
class Footnote:
    """An override's explanation, referenced from the status it explains."""

    anchor: str
    number: int
    text: str


@dataclass(frozen=True)
class ComparatorFigure:
    """One published figure beside a KPI's value: England, the region or the statistical
    neighbours' average, written like the KPI's own value ("54.0%"), or ``NOT_PUBLISHED``."""

    key: str  # "england" | "region" | "neighbours"
    text: str
    published: bool


@dataclass(frozen=True)
class ComparatorFigures:
    """A KPI's published comparators as its table row prints them (ADR 0017).

    ``period`` is the published period ("2023-24"); when the table's column headings name
    it already (every compared KPI of the table has the same one), ``period_in_cells`` is
    False and the cells hold the figures alone.
    """

    period: str
    figures: tuple[ComparatorFigure, ComparatorFigure, ComparatorFigure]
    period_in_cells: bool

    @property
    def period_note(self) -> str | None:
        """``(2023-24)`` under each figure when the headings do not name the period."""
        return f"({self.period})" if self.period_in_cells and self.period else None


@dataclass(frozen=True)
class KpiRow:
    ref: str
    title: str
    figure_will: str
    baseline: str
    baseline_label: str | None  # None when the column heading already says it
    baseline_status: Status | None
    target: str
    target_label: str | None
    value: str
    status: Status
    calculated: Status | None  # set only when the status was overridden
    footnote: Footnote | None
    direction: DirectionView
    long_direction: DirectionView | None
    comparators: ComparatorFigures | None = None  # None: the KPI has no published figures
    # The statutory indicator ("care_leavers_eet") when ``statutory apply`` computed the
    # period's value from the statutory returns; None when it was typed.
    computed_from: str | None = None
    # "computed from N children; M with errors in rules that affect it" when the returns
    # were validated (ADR 0074); None otherwise.
    data_quality: str | None = None
    previous: str = "–"  # the previous period's value as written
    recommendation: int = 0  # the number of the KPI's recommendation
    status_word: str = ""  # ``na`` says why (docs/rules.md#na-reasons)
    commentary: str | None = None
    # A figure of the row (value, previous value, baseline) is printed as the suppression
    # marker: only in the published version (ADR 0081).
    withheld: bool = False

    @property
    def anchor(self) -> str:
        return item_anchor(self.ref)

    @property
    def computed(self) -> bool:
        return self.computed_from is not None


@dataclass(frozen=True)
class KpiTable:
    caption: str
    baseline_heading: str
    target_heading: str
    value_heading: str
    rows: tuple[KpiRow, ...]
    footnotes: tuple[Footnote, ...]
    show_long_direction: bool
    # England, Region, Statistical neighbours (with their period when all rows share it);
    # empty when no KPI of the table has comparators, and the table then has no such columns.
    comparator_headings: tuple[str, ...] = ()
    # "Computed from the statutory returns … : 1.K1, 1.K2" naming the KPIs whose value in the
    # period was computed, in table order; None when every value was typed.
    computed_note: str | None = None
    # Column key → heading, one table of words for every format (``text.KPI_HEADINGS``).
    headings: dict[str, str] = field(default_factory=dict)
    # The "All other KPIs" table: KPI, baseline, target, previous, value, status, direction.
    compact: bool = False
    # What the suppression marker means, when a row prints it: only in the published
    # version (docs/plan-file.md#disclosure, ADR 0081).
    disclosure_note: str | None = None


@dataclass(frozen=True)
class MeasureRow:
    ref: str
    title: str
    frequency: str
    method: str
    status: Status
    update: str | None
    status_word: str = ""

    @property
    def anchor(self) -> str:
        return item_anchor(self.ref)


@dataclass(frozen=True)
class MeasureTable:
    kind: Kind
    caption: str
    heading: str  # "Quality measure" / "Feedback measure"
    rows: tuple[MeasureRow, ...]
    headings: tuple[str, ...] = ()  # measure, Frequency, Collection method, Status, Update
    recommendation: str = ""  # "6. CSE": the recommendation the measures belong to


@dataclass(frozen=True)
class TrendPoint:
    period_id: str
    period_label: str
    end: date
    value: Decimal | None
    value_text: str  # as the tables print it (its ``display`` text, if any)
    label: str  # the short number written beside the point on the chart
    target: Decimal | None  # the rules' comparison point in that period, if any
    tick: str = ""  # the period's short name on the time axis ("Jun 2018")


_FAR = 1  # a target date at most this many data spans past the last period is shown


@dataclass(frozen=True)
class TrendChart:
    """One KPI's values over the periods up to the reported one, with its target line."""

    ref: str
    title: str
    unit_suffix: str  # "%" for percentages, else ""
    whole_numbers: bool  # a count: the value axis has whole-number ticks
    points: tuple[TrendPoint, ...]
    target_value: Decimal | None
    target_date: date | None
    target_date_text: str  # the x-axis label of the target date ("March 2019")
    target_text: str
    line_label: str  # the legend of the comparison line: the target, or the baseline
    trajectory: Trajectory | None
    note: str | None  # the trajectory sentence ("… on course" / "… will miss")
    alt: str
    # The value axis starts at zero (counts and percentages, docs/rules.md#chart-ticks).
    zero_based: bool = True
    # The last day of the time axis that every chart of one table shares; None: this
    # chart's own (``own_end``).
    axis_end: date | None = None
    axis_end_text: str = ""  # the axis end's tick ("Mar 2019") when no period or target is there

    @property
    def own_end(self) -> date:
        """The last day this chart alone would show: its target date when that is near
        enough to show without squashing the values into a corner, else the last period's
        end."""
        first, last = self.points[0].end, self.points[-1].end
        span = (last - first).days if len(self.points) > 1 else 92
        target = self.target_date
        if target is not None and last < target <= last + timedelta(days=span * _FAR + 92):
            return target
        return last

    @property
    def end(self) -> date:
        """The last day of the chart's time axis."""
        return self.axis_end or self.own_end

    @property
    def has_values(self) -> bool:
        """False when no period has a value yet: there is nothing to draw."""
        return any(point.value is not None for point in self.points)


@dataclass(frozen=True)
class DeepDive:
    number: int
    title: str
    commentary: tuple[str, ...]
    kpis: KpiTable | None
    measures: tuple[MeasureTable, ...]
    trends: tuple[TrendChart, ...]
    heading: str = ""  # "Deep dive: recommendation 6, CSE"

    @property
    def anchor(self) -> str:
        return f"deep-dive-{self.number}"


@dataclass(frozen=True)
class ExceptionRow:
    recommendation: str  # "9. EET opportunities for CLA"
    kind_label: str
    ref: str
    title: str
    owner: str | None
    status: Status
    commentary: str | None
    kind: Kind = Kind.ACTION
    status_word: str = ""
    value: str | None = None  # KPIs: "58.6% (target 60%)"
    direction: DirectionView | None = None
    # The deep dive that shows this item in full (its number), and what the row says in
    # place of the repeat: "See deep dive 6"; None when the row is printed in full.
    deep_dive: int | None = None
    pointer: str | None = None

    @property
    def anchor(self) -> str:
        """The id of the deep-dive row this exception points to."""
        return item_anchor(self.ref)

    @property
    def item(self) -> str:
        """``KPI 2.K2`` — the kind and ref the Item column starts with."""
        return f"{self.kind_label} {self.ref}"


@dataclass(frozen=True)
class ProblemRow:
    where: str
    message: str


@dataclass(frozen=True)
class Cover:
    title: str
    organisation: str
    period_id: str
    period_label: str
    scrutiny: date | None
    scrutiny_text: str  # "Update for Scrutiny 7 December 2018"
    footer: str  # "plan · period · Update for Scrutiny <date>"


@dataclass(frozen=True)
class ContactView:
    """The report's author and contact officer as the cover prints them."""

    name: str
    role: str | None
    email: str | None

    @property
    def text(self) -> str:
        """``Name, Role, email`` with what is given."""
        return ", ".join(part for part in (self.name, self.role, self.email) if part)


@dataclass(frozen=True)
class CoverRow:
    """One line of the cover sheet: a label and its text (docs/plan-file.md#committee-paper)."""

    label: str
    text: str


@dataclass(frozen=True)
class CommitteePaper:
    """The cover sheet as councils table it: title, meeting and date, author and contact
    officer, purpose, and the recommendations to the committee.

    ``rows`` hold only the lines the plan gives (title always; the meeting when the period
    has a scrutiny date; contact and purpose when the plan has them);
    ``recommendations`` is empty when the period's narrative asks nothing of the committee.
    """

    heading: str
    rows: tuple[CoverRow, ...]
    contact: ContactView | None
    recommendations_heading: str
    recommendations: tuple[str, ...]


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    meaning: str


@dataclass(frozen=True)
class Report:
    cover: Cover
    overview: Overview
    overall: tuple[Donut, ...]
    recommendations: tuple[RecommendationSection, ...]
    deep_dives: tuple[DeepDive, ...]
    exceptions: tuple[ExceptionRow, ...]
    next_steps: tuple[str, ...]
    problems: tuple[ProblemRow, ...]
    # The committee paper (docs/plan-file.md#committee-paper): None when the plan gives
    # neither a contact, a purpose nor recommendations to the committee for the period.
    paper: CommitteePaper | None = None
    # "Order of the recommendations: …" where the recommendations are listed; None: none.
    order_note: str | None = None
    # The plan's terms that occur in the report's text, in the glossary's order.
    glossary: tuple[GlossaryEntry, ...] = ()
    # KPIs of the recommendations without a deep dive (each KPI of the plan appears once:
    # in its deep dive or here); None when every recommendation with KPIs has a deep dive.
    all_kpis: KpiTable | None = None
    # Every recommendation's quality and feedback measures in plan order (the tables that
    # have rows), deep dive or not: the Excel report's Measures sheet.
    measures: tuple[MeasureTable, ...] = ()
    # (key, title) of every section in order: the one table of section titles
    # (``text.SECTIONS``) every format prints.
    sections: tuple[tuple[str, str], ...] = ()
    exception_headings: tuple[str, ...] = ()

    def title(self, key: str) -> str:
        return dict(self.sections)[key]


def item_anchor(ref: str) -> str:
    """The id of an item's row in the deep dives (``item-9.K1``), for pointers to it."""
    return f"item-{ref}"
