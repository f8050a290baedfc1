"""Build the report model from the rules' results (docs/rules.md#report).

``build_report(result)`` reads one ``PeriodResult`` (and the previous period's, for the
directions of the plan-wide roll-ups) and turns it into the ``Report`` tree that every
renderer draws. Statuses, counts, percentages, directions, the most-concern ranking and the
problems all come from the domain; this module only chooses words and order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from decimal import Decimal

from plantracker.domain.computed import mark_quality, parse_computed_mark
from plantracker.domain.direction import status_direction
from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import (
    STATUS_ORDER,
    STATUTORY_PREFIX,
    Box,
    Comparators,
    Kind,
    Kpi,
    Measure,
    NaReason,
    Narrative,
    Plan,
    RiskScale,
    Status,
    Unit,
)
from plantracker.domain.periods import PeriodIndex
from plantracker.domain.rating import comparison_point
from plantracker.domain.results import (
    BoxResult,
    Counts,
    ItemResult,
    PeriodResult,
    RecommendationResult,
    RiskResult,
)
from plantracker.domain.risk_score import derived_status
from plantracker.domain.trajectory import kpi_trajectory
from plantracker.reports.committee import with_committee_paper
from plantracker.reports.model import (
    ComparatorFigure,
    ComparatorFigures,
    Cover,
    DeepDive,
    Donut,
    ExceptionRow,
    Footnote,
    Headlines,
    HeatCell,
    HeatMap,
    HeatPosition,
    KpiRow,
    KpiTable,
    MeasureRow,
    MeasureTable,
    Overview,
    OverviewBox,
    ProblemRow,
    RecommendationSection,
    Report,
    RiskRow,
    RiskScoreView,
    StatusCount,
    TrendChart,
    TrendPoint,
    WorkstreamRow,
)
from plantracker.reports.text import (
    ALL_KPIS_INTRO,
    COMPARATOR_COLUMNS,
    COMPUTED_NOTE,
    EXCEPTION_HEADINGS,
    HEAT_MAP,
    KIND_CENTRE,
    KIND_HEADINGS,
    KIND_NOUNS,
    KIND_ROWS,
    KPI_HEADINGS,
    MEASURE_HEADINGS,
    NO_VALUE,
    NOT_PUBLISHED,
    NOT_SCORED,
    RISK_HEADINGS,
    SCORE_GIVES,
    SCORED_RISK_HEADINGS,
    SECTIONS,
    TOTAL,
    WORKSTREAM_HEADINGS,
    counted,
    deep_dive_heading,
    deep_dive_pointer,
    direction_view,
    fixed,
    join_words,
    long_date,
    month_year,
    period_tick,
    places_of,
    position_words,
    quantity,
    recommendation_heading,
    rounded,
    shown,
    status_text,
    status_word,
    unit_suffix,
    value_movement,
)

MOST_CONCERN_SHOWN = 3
"""The seed names its three recommendations of most concern; ties at the cut are kept."""

_EMPTY_NARRATIVE = Narrative()
_EXCEPTION_KINDS = (Kind.ACTION, Kind.KPI, Kind.QUALITY, Kind.FEEDBACK)
_EXCEPTION_STATUSES = (Status.RED, Status.AMBER)
_BOX_LABELS = {Box.PROGRESS: "Progress", Box.FINANCE: "Finance", Box.RISKS: "Risks / issues"}


def report_for(plan: Plan, period_id: str) -> Report:
    """Evaluate ``plan`` for ``period_id`` and build its report."""
    return build_report(evaluate(plan, period_id))


def build_report(
    result: PeriodResult, previous: PeriodResult | None = None, *, tables: bool = True
) -> Report:
    """The report of ``result``'s period.

    ``previous`` is the previous period's result (a closed period's snapshot in the
    application); when not given and the plan has a previous period, it is evaluated.
    ``tables=False`` leaves out the deep dives, exceptions, all-KPIs and measures tables
    (empty) and the committee paper, order note and glossary, for a page that shows only
    the rest, the dashboard (ADR 0089).
    """
    if previous is None and result.previous_period is not None:
        previous = evaluate(result.plan, result.previous_period.id)
    narrative = result.plan.narrative.get(result.period.id, _EMPTY_NARRATIVE)
    deep_dives = _deep_dives(result, narrative) if tables else ()
    report = Report(
        cover=_cover(result),
        overview=_overview(result, previous, narrative),
        overall=tuple(_donut(kind, result.totals[kind], show="count") for kind in Kind),
        recommendations=tuple(_section(rec) for rec in result.recommendations),
        deep_dives=deep_dives,
        exceptions=_exceptions(result, {dive.number: dive for dive in deep_dives})
        if tables
        else (),
        next_steps=tuple(narrative.next_steps),
        problems=tuple(ProblemRow(p.where, p.message) for p in result.problems),
        all_kpis=_all_kpis(result, {dive.number for dive in deep_dives}) if tables else None,
        measures=tuple(
            table
            for rec in result.recommendations
            for table in (_measure_table(rec, Kind.QUALITY), _measure_table(rec, Kind.FEEDBACK))
            if table.rows
        )
        if tables
        else (),
        sections=SECTIONS,
        exception_headings=EXCEPTION_HEADINGS,
    )
    return with_committee_paper(report, result.plan, result.period) if tables else report


# --- cover and overview ---------------------------------------------------------------------


def _cover(result: PeriodResult) -> Cover:
    period = result.period
    scrutiny = "Update for Scrutiny"
    if period.scrutiny is not None:
        scrutiny += " " + long_date(period.scrutiny)
    return Cover(
        title=result.plan.title,
        organisation=result.plan.organisation,
        period_id=period.id,
        period_label=period.label,
        scrutiny=period.scrutiny,
        scrutiny_text=scrutiny,
        footer=" · ".join((result.plan.title, period.label, scrutiny)),
    )


def _overview(
    result: PeriodResult, previous: PeriodResult | None, narrative: Narrative
) -> Overview:
    overall = result.overall
    prev_period = result.previous_period
    if prev_period is None or previous is None:
        previous_box = OverviewBox(
            key="previous",
            label="Overall: previous",
            status=None,
            direction=None,
            note="No previous period",
        )
    else:
        previous_overall = previous.overall
        previous_box = replace(
            _box_view(previous_overall, key="previous", label="Overall: previous"),
            period=prev_period.label,
        )
    scored = any(r.score is not None or r.previous_score is not None for r in result.risks)
    scale = result.plan.risk_scale
    risks = tuple(
        RiskRow(
            title=risk.risk.title,
            mitigation=risk.risk.mitigation,
            owner=risk.risk.owner,
            status=risk.status,
            direction=direction_view(risk.direction, was=risk.previous_status),
            status_word=status_text(risk.status, _update_na(risk.status)),
            number=number,
            score=_risk_score(risk) if scored else None,
        )
        for number, risk in enumerate(result.risks, start=1)
    )
    heat_map = _heat_map(result.risks, scale) if scored else None
    return Overview(
        heading=f"Quarter overview: {result.period.label}",
        current=replace(
            _box_view(overall, key="overall", label="Overall: this period"),
            period=result.period.label,
        ),
        previous=previous_box,
        boxes=tuple(
            _box_view(result.boxes[box], key=box.value, label=label)
            for box, label in _BOX_LABELS.items()
        ),
        headlines=Headlines(factual=_factual_headlines(result), lead=tuple(narrative.headlines)),
        workstreams=tuple(_workstream(kind, result, previous) for kind in Kind),
        risks=risks,
        risk_headings=SCORED_RISK_HEADINGS if heat_map is not None else RISK_HEADINGS,
        heat_map=heat_map,
        milestones=tuple(narrative.milestones),
        decisions=tuple(narrative.decisions),
        workstream_headings=(
            *WORKSTREAM_HEADINGS,
            *(status.word for status in STATUS_ORDER),
            TOTAL,
        ),
    )


def _risk_score(risk: RiskResult) -> RiskScoreView:
    """The scored columns of a risk's row (docs/rules.md#risk-scores)."""
    if risk.likelihood is None or risk.impact is None:
        position = NOT_SCORED
        score = "–"
    else:
        position = f"{risk.likelihood} × {risk.impact}"
        score = str(risk.score)
    if risk.previous_score is not None:
        score = f"{score} ({risk.previous_score})"
    override = None
    if risk.overridden and risk.derived is not None:
        override = f"{SCORE_GIVES} {risk.derived.word}"
        if risk.reason:
            override += f": {risk.reason}"
    return RiskScoreView(position=position, score=score, override=override)


def _heat_map(risks: tuple[RiskResult, ...], scale: RiskScale) -> HeatMap:
    """The 5×5 grid of the period's scored risks, now and before, with its text
    alternative (docs/rules.md#risk-scores)."""
    rows = tuple(
        tuple(
            HeatCell(
                likelihood=likelihood,
                impact=impact,
                status=derived_status(likelihood, impact, scale),
                now=tuple(
                    f"R{n}"
                    for n, r in enumerate(risks, start=1)
                    if (r.likelihood, r.impact) == (likelihood, impact)
                ),
                previous=tuple(
                    f"R{n}"
                    for n, r in enumerate(risks, start=1)
                    if (r.previous_likelihood, r.previous_impact) == (likelihood, impact)
                ),
            )
            for likelihood in range(1, 6)
        )
        for impact in range(5, 0, -1)
    )
    positions = tuple(
        HeatPosition(
            marker=f"R{n}",
            title=r.risk.title,
            now=position_words(r.likelihood, r.impact, scale),
            previous=position_words(r.previous_likelihood, r.previous_impact, scale),
        )
        for n, r in enumerate(risks, start=1)
    )
    scored_now = sum(1 for r in risks if r.score is not None)
    alt = (
        f"{HEAT_MAP}: {scored_now} of {len(risks)} risks scored this period; "
        "each risk's position now and before is listed in the table that follows."
    )
    return HeatMap(
        likelihood=scale.likelihood,
        impact=scale.impact,
        rows=rows,
        positions=positions,
        alt=alt,
    )


def _update_na(status: Status) -> NaReason | None:
    """A risk, action or measure is ``na`` only when its update says so: not applicable
    (docs/rules.md#na-reasons)."""
    return NaReason.NOT_APPLICABLE if status is Status.NA else None


def _box_view(box: BoxResult, *, key: str, label: str) -> OverviewBox:
    # A box that does not apply (finance) has no direction to show (docs/rules.md#na-reasons).
    applies = box.na_reason is not NaReason.NOT_APPLICABLE
    return OverviewBox(
        key=key,
        label=label,
        status=box.status,
        direction=direction_view(box.direction, was=box.previous) if applies else None,
        overridden=box.overridden,
        calculated=box.calculated if box.overridden else None,
        reason=box.reason,
        status_word=status_text(box.status, box.na_reason),
    )


def _workstream(kind: Kind, result: PeriodResult, previous: PeriodResult | None) -> WorkstreamRow:
    counts = result.totals[kind]
    before = previous.totals[kind].status if previous is not None else None
    return WorkstreamRow(
        kind=kind,
        label=KIND_ROWS[kind],
        status=counts.status,
        direction=direction_view(status_direction(before, counts.status), was=before),
        counts=_status_counts(counts, STATUS_ORDER),
        total=counts.count,
        status_word=status_text(counts.status, counts.na_reason),
    )


def _status_counts(counts: Counts, statuses: Iterable[Status]) -> tuple[StatusCount, ...]:
    return tuple(StatusCount(s, counts[s], counts.percent(s)) for s in statuses)


def _factual_headlines(result: PeriodResult) -> tuple[str, ...]:
    """Sentences drafted from the counts: red share per kind, most concern."""
    lines: list[str] = []
    for kind in Kind:
        counts = result.totals[kind]
        if counts.count == 0:
            continue
        red = counts[Status.RED]
        verb = "is" if red == 1 else "are"
        lines.append(
            f"{red} of {counted(counts.count, KIND_NOUNS[kind])} "
            f"({counts.percent(Status.RED)}%) {verb} red"
        )
    lines.append(_most_concern_headline(result))
    return tuple(lines)


def _most_concern(result: PeriodResult) -> list[RecommendationResult]:
    """The first ``MOST_CONCERN_SHOWN`` of the domain's ranking, plus any tied with the last.

    A tie at the cut is kept so that a recommendation with as many red items as one that is
    named is never silently left out.
    """
    by_number = {rec.number: rec for rec in result.recommendations}
    ranked = [by_number[number] for number in result.most_concern]
    if len(ranked) <= MOST_CONCERN_SHOWN:
        return ranked
    cut = ranked[MOST_CONCERN_SHOWN - 1].red_items
    return [
        rec
        for index, rec in enumerate(ranked)
        if index < MOST_CONCERN_SHOWN or rec.red_items == cut
    ]


def _most_concern_headline(result: PeriodResult) -> str:
    chosen = _most_concern(result)
    if not chosen:
        return "No recommendation has a red item"
    names = join_words([f"{rec.recommendation.title} (Rec. no. {rec.number})" for rec in chosen])
    shares: list[str] = []
    for kind in Kind:
        total = result.totals[kind][Status.RED]
        part = sum(rec.kinds[kind][Status.RED] for rec in chosen)
        if part == 0:
            continue
        nouns = KIND_NOUNS[kind]
        if part == total:
            shares.append(_whole(total, nouns))
        else:
            shares.append(f"{part} of the {total} red {nouns[1]}")
    label = (
        "Recommendation with most red items"
        if len(chosen) == 1
        else ("Recommendations with most red items")
    )
    return f"{label}: {names} — accounting for {join_words(shares)}"


def _whole(total: int, nouns: tuple[str, str]) -> str:
    """All of the plan's red items of a kind: "the 1 red action", "both …", "all 17 …"."""
    if total == 1:
        return f"the 1 red {nouns[0]}"
    if total == 2:
        return f"both red {nouns[1]}"
    return f"all {total} red {nouns[1]}"


# --- donuts and recommendations -------------------------------------------------------------


def _donut(kind: Kind, counts: Counts, *, show: str) -> Donut:
    slices = tuple(s for s in _status_counts(counts, STATUS_ORDER) if s.count)
    heading = KIND_HEADINGS[kind]
    centre = KIND_CENTRE[kind]
    if counts.count == 0:
        alt = f"{heading}: none"
    else:
        parts = ", ".join(f"{s.count} {status_word(s.status)} ({s.percent}%)" for s in slices)
        alt = f"{heading}: {counted(counts.count, centre)} — {parts}"
    return Donut(
        kind=kind,
        heading=heading,
        noun=centre[0] if counts.count == 1 else centre[1],
        count=counts.count,
        status=counts.status,
        slices=slices,
        show=show,
        alt=alt,
    )


# Sections made lately, by the ``id`` of the result they were made from (kept with it, so
# the ``id`` is not another's): a result that an evaluation reused (ADR 0089) is the same
# object, and its section need not be made again. Emptied when full.
_SECTIONS: dict[int, tuple[RecommendationResult, RecommendationSection]] = {}
_SECTIONS_KEPT = 2048


def _section(rec: RecommendationResult) -> RecommendationSection:
    """``_recommendation(rec)``, once per result object (``_SECTIONS``)."""
    found = _SECTIONS.get(id(rec))
    if found is not None and found[0] is rec:
        return found[1]
    section = _recommendation(rec)
    if len(_SECTIONS) >= _SECTIONS_KEPT:
        _SECTIONS.clear()
    _SECTIONS[id(rec)] = (rec, section)
    return section


def _recommendation(rec: RecommendationResult) -> RecommendationSection:
    return RecommendationSection(
        number=rec.number,
        title=rec.recommendation.title,
        aim=rec.recommendation.aim,
        lead=rec.recommendation.lead,
        status=rec.status,
        direction=direction_view(rec.direction, was=rec.previous_status),
        donuts=tuple(_donut(kind, rec.kinds[kind], show="percent") for kind in Kind),
        heading=recommendation_heading(rec.number, rec.recommendation.title),
        status_word=status_text(rec.status, rec.na_reason),
    )


# --- deep dives -----------------------------------------------------------------------------


def _deep_dives(result: PeriodResult, narrative: Narrative) -> tuple[DeepDive, ...]:
    by_number = {rec.number: rec for rec in result.recommendations}
    periods = PeriodIndex(result.plan)
    dives: list[DeepDive] = []
    for number in narrative.deep_dives:
        rec = by_number.get(number)
        if rec is None:  # the plan file refuses this; a hand-built plan might not
            continue
        kpis = rec.items[Kind.KPI]
        dives.append(
            DeepDive(
                number=rec.number,
                title=rec.recommendation.title,
                commentary=tuple(narrative.commentary.get(number, ())),
                kpis=(
                    _kpi_table(
                        result,
                        kpis,
                        periods,
                        caption=f"Key performance indicators of recommendation {rec.number}, "
                        f"{rec.recommendation.title}: {result.period.label}",
                        notes=f"fn-{rec.number}",
                    )
                    if kpis
                    else None
                ),
                measures=tuple(_measure_table(rec, kind) for kind in (Kind.QUALITY, Kind.FEEDBACK)),
                trends=shared_time_axis(tuple(_trend(result, item) for item in kpis)),
                heading=deep_dive_heading(rec.number, rec.recommendation.title),
            )
        )
    return tuple(dives)


def _all_kpis(result: PeriodResult, deep_dives: set[int]) -> KpiTable | None:
    """Every KPI of the recommendations without a deep dive, in plan order: with the deep
    dives' own tables, each KPI of the plan appears once (docs/rules.md#report)."""
    items = tuple(
        item
        for rec in result.recommendations
        if rec.number not in deep_dives
        for item in rec.items[Kind.KPI]
    )
    if not items:
        return None
    return _kpi_table(
        result,
        items,
        PeriodIndex(result.plan),
        caption=f"{ALL_KPIS_INTRO} {result.period.label}",
        notes="fn-all",
        compact=True,
    )


def _common(labels: list[str | None]) -> str | None:
    """The one label all rows share, if they do (it then goes in the column heading)."""
    distinct = set(labels)
    if len(distinct) == 1:
        return distinct.pop()
    return None


def _kpi_table(
    result: PeriodResult,
    items: tuple[ItemResult, ...],
    periods: PeriodIndex,
    *,
    caption: str,
    notes: str,
    compact: bool = False,
) -> KpiTable:
    kpis = [item.item for item in items if isinstance(item.item, Kpi)]
    baseline_labels = [k.baseline.label if k.baseline else None for k in kpis]
    target_labels = [_target_label(k) for k in kpis]
    baseline_common = _common(baseline_labels)
    target_common = _common(target_labels)
    compared = [k.comparators for k in kpis if k.comparators is not None]
    # Only the KPIs that have comparators decide whether their period goes in the headings.
    comparators_common = _common([c.label for c in compared]) if compared else None
    index = periods.index(result.period.id)
    previous_id = result.previous_period.id if result.previous_period else None
    year = periods.year_earlier(index)
    year_id = periods.ids[year] if year is not None else None

    rows: list[KpiRow] = []
    footnotes: list[Footnote] = []
    for item, kpi in zip(items, kpis, strict=True):
        footnote = None
        if item.overridden:
            footnote = Footnote(
                anchor=f"{notes}-{len(footnotes) + 1}",
                number=len(footnotes) + 1,
                text=_override_note(item),
            )
            footnotes.append(footnote)
        baseline = kpi.baseline
        rows.append(
            KpiRow(
                ref=item.ref,
                title=item.title,
                figure_will=kpi.aim.value.capitalize(),
                baseline=(
                    shown(baseline.value, baseline.display, kpi.unit, "N/A") if baseline else "N/A"
                ),
                baseline_label=None if baseline_common else (baseline.label if baseline else None),
                baseline_status=baseline.status if baseline else None,
                target=_target_text(kpi),
                target_label=None if target_common else _target_label(kpi),
                value=shown(item.value, item.display, kpi.unit),
                status=item.status,
                calculated=item.calculated if item.overridden else None,
                footnote=footnote,
                direction=direction_view(
                    item.direction, value_movement(item.value, _value_in(kpi, previous_id))
                ),
                long_direction=(
                    direction_view(
                        item.long_direction, value_movement(item.value, _value_in(kpi, year_id))
                    )
                    if year_id is not None
                    else None
                ),
                comparators=_comparator_figures(kpi, period_in_cells=comparators_common is None),
                computed_from=_computed_from(kpi, result.period.id),
                data_quality=_data_quality(kpi, result.period.id),
                previous=_shown_in(kpi, previous_id),
                recommendation=item.recommendation,
                status_word=status_text(item.status, item.na_reason),
                commentary=item.commentary,
            )
        )
    baseline_heading = f"Baseline {baseline_common}" if baseline_common else "Baseline"
    target_heading = f"Target {target_common}" if target_common else "Target"
    previous_label = result.previous_period.label if result.previous_period else None
    headings = {
        **KPI_HEADINGS,
        "baseline": baseline_heading,
        "target": target_heading,
        "previous": (
            f"{KPI_HEADINGS['previous']}, {previous_label}"
            if previous_label
            else KPI_HEADINGS["previous"]
        ),
        "value": f"Value, {result.period.label}",
    }
    return KpiTable(
        caption=caption,
        baseline_heading=baseline_heading,
        target_heading=target_heading,
        value_heading=result.period.label,
        rows=tuple(rows),
        footnotes=tuple(footnotes),
        show_long_direction=year_id is not None and not compact,
        comparator_headings=(
            tuple(
                f"{name} ({comparators_common})" if comparators_common else name
                for _, name in COMPARATOR_COLUMNS
            )
            if compared
            else ()
        ),
        computed_note=_computed_note(rows),
        headings=headings,
        compact=compact,
    )


def _computed_from(kpi: Kpi, period_id: str) -> str | None:
    """The indicator the KPI's value in the period was computed from, if it was."""
    entry = kpi.values.get(period_id)
    if entry is None or entry.computed_from is None:
        return None
    mark = entry.computed_from
    parsed = parse_computed_mark(mark)
    if parsed is not None:
        return parsed.indicator
    return mark[len(STATUTORY_PREFIX) :] if mark.startswith(STATUTORY_PREFIX) else mark


def _data_quality(kpi: Kpi, period_id: str) -> str | None:
    """ "computed from N children; M with errors in rules that affect it" (ADR 0074)."""
    entry = kpi.values.get(period_id)
    quality = mark_quality(entry.computed_from) if entry is not None else None
    return quality.words if quality is not None else None


def _computed_note(rows: list[KpiRow]) -> str | None:
    """COMPUTED_NOTE and the refs computed, each with its data quality when known."""
    computed = [
        f"{row.ref} ({row.data_quality})" if row.data_quality else row.ref
        for row in rows
        if row.computed
    ]
    return f"{COMPUTED_NOTE}: {', '.join(computed)}" if computed else None


def _comparator_figures(kpi: Kpi, *, period_in_cells: bool) -> ComparatorFigures | None:
    """A KPI's published comparators written as its value is (``shown``: "54.0%")."""
    published: Comparators | None = kpi.comparators
    if published is None:
        return None
    values = {
        "england": published.england,
        "region": published.region,
        "neighbours": published.neighbours,
    }
    england, region, neighbours = (
        ComparatorFigure(
            key=key,
            text=shown(values[key], None, kpi.unit, NOT_PUBLISHED),
            published=values[key] is not None,
        )
        for key, _ in COMPARATOR_COLUMNS
    )
    return ComparatorFigures(
        period=published.label,
        figures=(england, region, neighbours),
        period_in_cells=period_in_cells,
    )


def _shown_in(kpi: Kpi, period_id: str | None) -> str:
    """A KPI's value in ``period_id`` as the tables write it ("–" when there is none)."""
    entry = kpi.values.get(period_id) if period_id is not None else None
    if entry is None or entry.status == Status.NONE:
        return NO_VALUE
    return shown(entry.value, entry.display, kpi.unit)


def _value_in(kpi: Kpi, period_id: str | None) -> Decimal | None:
    entry = kpi.values.get(period_id) if period_id is not None else None
    return entry.value if entry is not None else None


def _target_label(kpi: Kpi) -> str | None:
    target = kpi.target
    if target is None:
        return None
    if target.label:
        return target.label
    return long_date(target.date) if target.date else None


def _target_text(kpi: Kpi) -> str:
    target = kpi.target
    if target is None:
        return "None set"
    if target.display:
        return target.display
    if target.value is not None:
        return quantity(target.value, kpi.unit)
    return "Better than the baseline"


def _override_note(item: ItemResult) -> str:
    reason = item.reason.strip() if item.reason and item.reason.strip() else None
    text = (
        f"{item.ref}: shown as {item.status.word}, set by hand; "
        f"the rules calculate {item.calculated.word}."
    )
    if reason:
        return f"{text} Reason: {reason}"
    return f"{text} No reason was given (see the data-quality annex)."


def _measure_table(rec: RecommendationResult, kind: Kind) -> MeasureTable:
    heading = "Quality measure" if kind is Kind.QUALITY else "Feedback measure"
    rows = []
    for item in rec.items[kind]:
        measure = item.item
        assert isinstance(measure, Measure)
        rows.append(
            MeasureRow(
                ref=item.ref,
                title=item.title,
                frequency=measure.frequency or NO_VALUE,
                method=measure.method or NO_VALUE,
                status=item.status,
                update=item.commentary,
                status_word=status_text(item.status, item.na_reason),
            )
        )
    noun = KIND_NOUNS[kind][1]
    return MeasureTable(
        kind=kind,
        caption=f"{noun.capitalize()} of recommendation {rec.number}, {rec.recommendation.title}",
        heading=heading,
        rows=tuple(rows),
        headings=(heading, *MEASURE_HEADINGS.values()),
        recommendation=f"{rec.number}. {rec.recommendation.title}",
    )


def _trend(result: PeriodResult, item: ItemResult) -> TrendChart:
    kpi = item.item
    assert isinstance(kpi, Kpi)
    plan = result.plan
    last = plan.period_index(result.period.id)
    has_target = bool(kpi.targets) or (kpi.target is not None and kpi.target.value is not None)
    # Without a target value the rules compare with the baseline ("Increase" means better
    # than the baseline), so that is the line the value is measured against.
    line_label = ""
    if has_target:
        line_label = f"Target {_target_text(kpi)}"
    elif kpi.baseline is not None and kpi.baseline.value is not None:
        baseline = shown(kpi.baseline.value, kpi.baseline.display, kpi.unit)
        line_label = f"Baseline {baseline}"
    shown_periods = plan.periods[: last + 1]
    values = {}
    for period in shown_periods:
        entry = kpi.values.get(period.id)
        values[period.id] = (
            entry.value if entry is not None and entry.status != Status.NONE else None
        )
    # One precision per chart: every label padded to the most decimals its values are
    # written with ("8.80%" beside "6.90%"); the tables keep each value as written.
    written = [v for v in values.values() if v is not None]
    for reference in (kpi.target, kpi.baseline):
        if reference is not None and reference.value is not None:
            written.append(reference.value)  # the legend writes them beside the labels
    places = places_of(written)
    points = []
    for period in shown_periods:
        entry = kpi.values.get(period.id)
        value = values[period.id]
        points.append(
            TrendPoint(
                period_id=period.id,
                period_label=period.label,
                end=period.end,
                value=value,
                value_text=shown(value, entry.display if entry else None, kpi.unit),
                label=NO_VALUE if value is None else fixed(value, places, kpi.unit),
                target=comparison_point(kpi, period.id),
                tick=period_tick(period),
            )
        )
    trajectory = kpi_trajectory(plan, kpi, result.period.id)
    target_value = kpi.target.value if kpi.target is not None else None
    note = None
    if trajectory is not None:
        places = places_of([value for _, value in trajectory.points] + [trajectory.target])
        projected = quantity(rounded(trajectory.projected, places), kpi.unit)
        note = (
            f"On the trend of its {len(trajectory.points)} values, {kpi.ref} is projected to "
            f"reach {projected} by {long_date(trajectory.target_date)} against a target of "
            f"{quantity(trajectory.target, kpi.unit)}: {trajectory.verdict}."
        )
    said = "; ".join(f"{p.period_id} {p.value_text}" for p in points)
    alt = f"Trend of {kpi.ref} {kpi.title}: {said}. Target: {_target_text(kpi)}."
    if line_label and not has_target:
        alt += f" The line is the baseline, {baseline}."
    if note:
        alt += " " + note
    return TrendChart(
        ref=kpi.ref,
        title=kpi.title,
        unit_suffix=unit_suffix(kpi.unit),
        whole_numbers=kpi.unit is Unit.COUNT,
        points=tuple(points),
        target_value=target_value,
        target_date=kpi.target.date if kpi.target is not None else None,
        target_date_text=month_year(kpi.target.date)
        if kpi.target is not None and kpi.target.date is not None
        else "Target date",
        target_text=_target_text(kpi),
        line_label=line_label,
        trajectory=trajectory,
        note=note,
        alt=alt,
        zero_based=kpi.unit in (Unit.COUNT, Unit.PERCENT),
    )


def shared_time_axis(trends: tuple[TrendChart, ...]) -> tuple[TrendChart, ...]:
    """The charts of one table on one time axis: each runs to the latest day any of them
    would show (docs/rules.md#chart-ticks), so the same period sits in the same place."""
    if not trends:
        return trends
    end = max(chart.own_end for chart in trends)
    return tuple(replace(chart, axis_end=end, axis_end_text=month_year(end)) for chart in trends)


# --- exceptions -----------------------------------------------------------------------------


def _exceptions(result: PeriodResult, deep_dives: dict[int, DeepDive]) -> tuple[ExceptionRow, ...]:
    """Every red, then every amber, item of every kind, each in plan order.

    A KPI or measure of a deep-dive recommendation is shown there in full: its row points
    to the deep dive (``pointer``) instead of repeating the commentary.
    """
    rows = []
    for status in _EXCEPTION_STATUSES:
        for rec in result.recommendations:
            dive = deep_dives.get(rec.number)
            for kind in _EXCEPTION_KINDS:
                for item in rec.items[kind]:
                    if item.status is not status:
                        continue
                    shown_there = dive is not None and kind is not Kind.ACTION
                    value = direction = None
                    if kind is Kind.KPI:
                        kpi = item.item
                        assert isinstance(kpi, Kpi)
                        value = (
                            f"{shown(item.value, item.display, kpi.unit)} "
                            f"(target {_target_text(kpi)})"
                        )
                        previous_id = result.previous_period.id if result.previous_period else None
                        direction = direction_view(
                            item.direction,
                            value_movement(item.value, _value_in(kpi, previous_id)),
                        )
                    rows.append(
                        ExceptionRow(
                            recommendation=f"{rec.number}. {rec.recommendation.title}",
                            kind_label=kind.label,
                            ref=item.ref,
                            title=item.title,
                            owner=item.item.owner,
                            status=item.status,
                            commentary=item.commentary,
                            kind=kind,
                            status_word=status_text(item.status, item.na_reason),
                            value=value,
                            direction=direction,
                            deep_dive=rec.number if shown_there else None,
                            pointer=deep_dive_pointer(rec.number) if shown_there else None,
                        )
                    )
    return tuple(rows)


def trend_chart(result: PeriodResult, item: ItemResult) -> TrendChart:
    """A KPI's trend chart up to ``result``'s period, as the deep dives draw it.

    Public for the web application's item page, which shows any KPI's trend, not only
    those of the deep dives.
    """
    return _trend(result, item)
