"""The quarterly report as a PowerPoint deck, slide by slide like the seed report.

Cover; the committee paper (docs/plan-file.md#committee-paper), when the plan gives one;
quarter overview (status tiles, workstream table, key risks); headlines; planned
activity and decisions; the overall plan's four doughnuts; two recommendations to a slide
(the first slide with the plan's order note); deep dives (commentary, KPI table, quality
and feedback tables, the KPI trends as native line charts); exceptions; next steps;
data-quality annex; the glossary of the terms used. Drawn from the report model only
(docs/rules.md#report).
Anything longer than a slide continues on the next one, titled "(continued)".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pptx.slide import Slide

from plantracker.reports import text
from plantracker.reports.committee import GLOSSARY_HEADING
from plantracker.reports.model import (
    DeepDive,
    Donut,
    KpiTable,
    MeasureTable,
    RecommendationSection,
    Report,
    TrendChart,
)
from plantracker.reports.office import (
    box_detail,
    box_status_text,
    exception_cells,
    fill,
    footnote_text,
    kpi_cells,
    kpi_columns,
    kpi_headings,
    printable,
    tone_ink,
)
from plantracker.reports.pptx_parts import (
    CONTENT_BOTTOM,
    CONTENT_HEIGHT,
    CONTENT_LEFT,
    CONTENT_TOP,
    CONTENT_WIDTH,
    FOOTER_RESERVE,
    INSET_X,
    INSET_Y,
    Cell,
    Column,
    Deck,
    Para,
    Run,
    Table,
    fit_row,
    header_height,
    narrowest_column,
    note_height,
    paginate,
    row_height,
)
from plantracker.reports.textfit import (
    fitting_size,
    paragraphs_height,
    shorten_to_fit,
    split_to_fit,
    text_height,
)

_GAP = 12.0
_COUNTS_TABLE_WIDTH = 876.0  # the overview's counts by workstream
_COUNT_WIDTH = 50.0  # the narrowest column of a count
_BULLET_SIZE = 16.0
_NOTE_SIZE = 10.0
_DOUGHNUT = 190.0
_EMU_PER_PT = 12700
_SMALL_DOUGHNUT = 96.0  # a quarter of half a slide: room below for a seven-line legend


def render_pptx(report: Report) -> bytes:
    """The report as a .pptx file's bytes."""
    report = printable(report)
    deck = Deck(report.cover.footer)
    cover = report.cover
    deck.cover(
        cover.title,
        [cover.organisation, f"Quarterly update {cover.period_label}", cover.scrutiny_text],
    )
    _paper(deck, report)
    _overview(deck, report)
    _bullets(
        deck,
        text.HEADLINES,
        [*report.overview.headlines.factual, *report.overview.headlines.lead],
    )
    _planned(deck, report)
    _overall(deck, report)
    first = len(deck.presentation.slides)
    _recommendations(deck, report.title("recommendations"), report.recommendations)
    if report.order_note and report.recommendations:
        _order_note(deck, report.order_note, deck.presentation.slides[first])
    if report.all_kpis is not None:
        _kpis(deck, report.title("all-kpis"), report.all_kpis)
    # The slide each deep dive starts on, for the exceptions' pointers.
    starts: dict[int, int] = {}
    for dive in report.deep_dives:
        starts[dive.number] = len(deck.presentation.slides) + 1
        _deep_dive(deck, dive)
    _exceptions(deck, report, starts)
    slide, top = _bullets(
        deck, report.title("next-steps"), list(report.next_steps), empty=text.NO_NEXT_STEPS
    )
    slide, top = _problems(deck, report, slide, top)
    _glossary(deck, report, slide, top)
    return deck.save()


# --- the committee paper (docs/plan-file.md#committee-paper) ---------------------------------


def _paper(deck: Deck, report: Report) -> None:
    """The cover sheet: its lines, then the recommendations to the committee (on a slide of
    their own when both do not fit one)."""
    paper = report.paper
    if paper is None:
        return
    lines = [Para((Run(f"{row.label}: ", bold=True), Run(row.text))) for row in paper.rows]
    numbered = [f"{n}. {text}" for n, text in enumerate(paper.recommendations, start=1)]
    wanted = [Para.plain(paper.recommendations_heading, bold=True)] if numbered else []
    wanted += [Para.plain(text) for text in numbered]
    inner, room = CONTENT_WIDTH - 2 * INSET_X, CONTENT_HEIGHT - 2 * INSET_Y
    sizes = (16.0, 14.0, 12.0)
    every = [para.text for para in (*lines, *wanted)]
    size = fitting_size(every, inner, room, sizes, space_after=8.0)
    fits = sum(text_height(text, inner, size) + 8.0 for text in every) <= room
    slide = deck.slide(paper.heading)
    paras = [*lines, *wanted] if fits else lines
    deck.text(
        slide,
        CONTENT_LEFT,
        CONTENT_TOP,
        CONTENT_WIDTH,
        CONTENT_HEIGHT,
        paras,
        size,
        space_after=8.0,
    )
    if not fits and numbered:
        _bullets(deck, paper.recommendations_heading, numbered)


def _order_note(deck: Deck, note: str, slide: Slide) -> None:
    """The order note on the first recommendations slide: under the doughnuts' legends
    when they leave room, else beside the aim, under the status tile."""
    lowest = CONTENT_TOP
    shapes: list[Any] = list(slide.shapes)  # text frames are read only where has_text_frame
    for shape in shapes:
        if not shape.has_text_frame or shape.top is None or shape.width is None:
            continue
        if shape.top / _EMU_PER_PT >= CONTENT_BOTTOM:
            continue  # the footer
        frame = shape.text_frame
        sizes = [run.font.size.pt for p in frame.paragraphs for run in p.runs if run.font.size]
        size = max(sizes, default=_NOTE_SIZE)
        width = shape.width / _EMU_PER_PT - 2 * INSET_X
        used = sum(text_height(p.text, width, size) for p in frame.paragraphs) + 2 * INSET_Y
        lowest = max(lowest, shape.top / _EMU_PER_PT + used)
    height = note_height(note, CONTENT_WIDTH, _NOTE_SIZE)
    if lowest + 4 + height <= CONTENT_BOTTOM:
        top, left, width, size = CONTENT_BOTTOM - height, CONTENT_LEFT, CONTENT_WIDTH, _NOTE_SIZE
    else:
        tile = 150.0
        left, top, width = CONTENT_LEFT + CONTENT_WIDTH - tile, CONTENT_TOP + 72, tile
        inner = tile - 2 * INSET_X
        size = fitting_size([note], inner, 34.0 - 2 * INSET_Y, (9.0, 8.0, 7.0))
        note = shorten_to_fit(note, inner, 34.0 - 2 * INSET_Y, size)
        height = 34.0
    deck.text(slide, left, top, width, height, [Para.plain(note)], size)


def _glossary(deck: Deck, report: Report, slide: Slide, top: float) -> None:
    """The glossary in two columns of term and meaning, under what ``slide`` already holds
    when its first rows fit there."""
    if not report.glossary:
        return
    half = -(-len(report.glossary) // 2)
    left, right = report.glossary[:half], report.glossary[half:]
    rows = [
        [Cell(a.term, bold=True), Cell(a.meaning)]
        + ([Cell(right[i].term, bold=True), Cell(right[i].meaning)] if i < len(right) else [])
        + ([] if i < len(right) else [Cell(""), Cell("")])
        for i, a in enumerate(left)
    ]
    width = CONTENT_WIDTH / 2  # each half: a term and its meaning
    table = Table([Column("Term", 80), Column("Meaning", width - 80)] * 2, rows, size=11.0)
    slide, top = _heading_here(deck, slide, top, GLOSSARY_HEADING, _first_rows(table))
    _flow_tables(deck, GLOSSARY_HEADING, [table], slide=slide, top=top)


def _heading_here(
    deck: Deck, slide: Slide, top: float, title: str, needed: float
) -> tuple[Slide, float]:
    """A section's heading under what ``slide`` holds when it and ``needed`` points more
    fit there, else a new slide with the section's title; returns where the section goes."""
    top += _GAP
    if top + _SECTION_HEADING + needed <= CONTENT_BOTTOM - FOOTER_RESERVE:
        deck.text(
            slide, CONTENT_LEFT, top, CONTENT_WIDTH, 28.0, [Para.plain(title, bold=True)], 18.0
        )
        return slide, top + _SECTION_HEADING
    return deck.slide(title), CONTENT_TOP


_SECTION_HEADING = 32.0  # an 18-point heading of a section that shares a slide


def _first_rows(table: Table) -> float:
    """The height of ``table``'s header and first two rows: what starting it needs."""
    return header_height(table) + sum(row_height(table, i) for i in range(min(2, len(table.rows))))


# --- overview -------------------------------------------------------------------------------


def _overview(deck: Deck, report: Report) -> None:
    overview = report.overview
    slide = deck.slide(overview.heading)
    boxes = (overview.current, overview.previous, *overview.boxes)
    width = (CONTENT_WIDTH - _GAP * (len(boxes) - 1)) / len(boxes)
    tile_height = 84.0
    for index, box in enumerate(boxes):
        deck.tile(
            slide,
            CONTENT_LEFT + index * (width + _GAP),
            CONTENT_TOP,
            width,
            tile_height,
            label=box.label,
            status=box.status,
            word=box_status_text(box),
            detail=box_detail(box),
        )
    top = CONTENT_TOP + tile_height + 6
    reasons = [f"{box.label}: {box.reason}" for box in boxes if box.overridden and box.reason]
    if reasons:
        height = sum(note_height(r, CONTENT_WIDTH, _NOTE_SIZE) for r in reasons) + 8
        deck.text(
            slide,
            CONTENT_LEFT,
            top,
            CONTENT_WIDTH,
            height,
            [Para.plain(r) for r in reasons],
            _NOTE_SIZE,
        )
        top += height
    top += 6
    headings = overview.workstream_headings
    # Each count's column as narrow as its heading allows without breaking a word
    # ("Blue (complete)"); the workstream, status and direction share the rest.
    count_widths = [max(_COUNT_WIDTH, narrowest_column(h, 12.0, bold=True)) for h in headings[3:]]
    rest = _COUNTS_TABLE_WIDTH - sum(count_widths)
    counts = Table(
        columns=[
            Column(heading, rest * share)
            for heading, share in zip(headings[:3], (0.4, 0.24, 0.36), strict=True)
        ]
        + [
            Column(heading, width, "right")
            for heading, width in zip(headings[3:], count_widths, strict=True)
        ],
        rows=[
            [
                Cell(row.label, bold=True),
                Cell(row.status_word, status=row.status),
                Cell(row.direction.text, colour=tone_ink(row.direction)),
            ]
            + [Cell(str(c.count)) for c in row.counts]
            + [Cell(str(row.total), bold=True)]
            for row in overview.workstreams
        ],
        size=12.0,
    )
    # The counts flow on, like the risks, when the boxes' reasons leave too little room.
    slide, top = _flow_tables(deck, overview.heading, [counts], slide=slide, top=top)
    scored = overview.heat_map is not None
    widths = (200, 220, 90, 90, 90, 100, 98) if scored else (280, 300, 110, 80, 118)
    risks = Table(
        columns=[
            Column(heading, width)
            for heading, width in zip(
                overview.risk_headings or text.RISK_HEADINGS, widths, strict=True
            )
        ],
        rows=[
            [
                Cell(f"{r.marker} {r.title}" if scored else r.title),
                Cell(r.mitigation),
                Cell(r.owner or "–"),
                *([Cell(r.score.position), Cell(r.score.score)] if r.score is not None else []),
                Cell(
                    f"{r.status_word} ({r.score.override})"
                    if r.score is not None and r.score.override
                    else r.status_word,
                    status=r.status,
                ),
                Cell(r.direction.text, colour=tone_ink(r.direction)),
            ]
            for r in overview.risks
        ],
        size=11.0,
    )
    tables = [risks]
    if overview.heat_map is not None:
        # The heat map's facts as a table (docs/rules.md#risk-scores).
        tables.append(
            Table(
                columns=[
                    Column(heading, width)
                    for heading, width in zip(text.HEAT_MAP_HEADINGS, (288, 300, 300), strict=True)
                ],
                rows=[
                    [Cell(f"{p.marker} {p.title}"), Cell(p.now), Cell(p.previous)]
                    for p in overview.heat_map.positions
                ],
                size=9.0,
                note=f"{text.HEAT_MAP}: {text.HEAT_MAP_CAPTION}",
            )
        )
    if not risks.rows:
        if top + 24.0 > CONTENT_BOTTOM - FOOTER_RESERVE:
            slide, top = deck.slide(f"{overview.heading} (continued)"), CONTENT_TOP
        deck.text(
            slide,
            CONTENT_LEFT,
            top,
            CONTENT_WIDTH,
            24.0,
            [Para.plain("No risks are recorded.")],
            12.0,
        )
        return
    _flow_tables(deck, f"{overview.heading}: {text.KEY_RISKS}", tables, slide=slide, top=top)


def _planned(deck: Deck, report: Report) -> None:
    overview = report.overview
    blocks = [
        (text.MILESTONES, list(overview.milestones)),
        (text.DECISIONS, list(overview.decisions)),
    ]
    column = (CONTENT_WIDTH - _GAP) / 2
    inner = column - 2 * INSET_X - _BULLET_SIZE * 1.1
    height = CONTENT_HEIGHT - 30
    pages = [
        split_to_fit(
            [shorten_to_fit(i, inner, height - 14, _BULLET_SIZE) for i in items]
            or ["None recorded."],
            inner,
            height - 8,
            _BULLET_SIZE,
            space_after=6.0,
        )
        for _, items in blocks
    ]
    for page in range(max(len(p) for p in pages)):
        title = "Planned activity, milestones and decisions"
        slide = deck.slide(title + (" (continued)" if page else ""))
        for index, (heading, _) in enumerate(blocks):
            left = CONTENT_LEFT + index * (column + _GAP)
            if page >= len(pages[index]):
                continue
            deck.text(
                slide, left, CONTENT_TOP, column, 28.0, [Para.plain(heading, bold=True)], 18.0
            )
            deck.text(
                slide,
                left,
                CONTENT_TOP + 30,
                column,
                height,
                [Para.plain(t, bullet=True) for t in pages[index][page]],
                _BULLET_SIZE,
                space_after=6.0,
            )


# --- doughnuts ------------------------------------------------------------------------------


def _overall(deck: Deck, report: Report) -> None:
    slide = deck.slide(report.title("overall-plan"))
    _doughnuts(deck, slide, CONTENT_TOP, report.overall)


def _recommendations(deck: Deck, title: str, sections: Sequence[RecommendationSection]) -> None:
    """Two recommendations to a slide, side by side, in the plan's order."""
    for first in range(0, len(sections), 2):
        pair = sections[first : first + 2]
        slide = deck.slide(f"{title} " + " and ".join(str(s.number) for s in pair))
        half = (CONTENT_WIDTH - _GAP * 2) / 2
        for index, section in enumerate(pair):
            _recommendation(deck, slide, CONTENT_LEFT + index * (half + _GAP * 2), half, section)


def _recommendation(
    deck: Deck, slide: Slide, left: float, width: float, section: RecommendationSection
) -> None:
    """One recommendation in a half slide: its name, status tile, aim and lead, doughnuts."""
    tile = 120.0
    deck.tile(
        slide,
        left + width - tile,
        CONTENT_TOP,
        tile,
        64.0,
        label="Recommendation",
        status=section.status,
        word=section.status_word,
        detail=section.direction.text,
    )
    text_width = width - tile - 8
    inner = text_width - 2 * INSET_X
    name = f"{section.number}. {section.title}"
    name_size = fitting_size([name], inner, 26.0 - 2 * INSET_Y, (16.0, 14.0, 12.0), bold=True)
    # A name too long for one line even at the smallest size ends in " …".
    name = shorten_to_fit(name, inner, 26.0 - 2 * INSET_Y, name_size, bold=True)
    deck.text(slide, left, CONTENT_TOP, text_width, 26.0, [Para.plain(name, bold=True)], name_size)
    lead = f"Lead: {section.lead}" if section.lead else None
    height = 80.0 - 2 * INSET_Y
    sizes = (12.0, 11.0, 10.0, 9.0)
    size = fitting_size([section.aim, *([lead] if lead else [])], inner, height, sizes)
    room = height - (text_height(lead, inner, size) if lead else 0)
    runs = [Para.plain(shorten_to_fit(section.aim, inner, room, size))]
    if section.lead:
        runs.append(Para((Run("Lead: ", bold=True), Run(section.lead))))
    deck.text(slide, left, CONTENT_TOP + 26, text_width, 80.0, runs, size)
    _doughnuts(
        deck, slide, CONTENT_TOP + 112, section.donuts, _SMALL_DOUGHNUT, left=left, width=width
    )


def _doughnuts(
    deck: Deck,
    slide: Slide,
    top: float,
    donuts: Sequence[Donut],
    size: float = _DOUGHNUT,
    *,
    left: float = CONTENT_LEFT,
    width: float = CONTENT_WIDTH,
) -> None:
    """The four kinds side by side: heading, item count, doughnut (or "None"), legend."""
    start, gap = left, _GAP if width == CONTENT_WIDTH else 6.0
    width = (width - gap * (len(donuts) - 1)) / len(donuts)
    size = min(size, width)
    inner = width - 2 * INSET_X
    head = 26.0 if inner > 150 else 32.0  # a narrow column: room for a heading on two lines
    for index, donut in enumerate(donuts):
        left = start + index * (width + gap)
        heading = fitting_size(
            [donut.heading], inner, head - 2 * INSET_Y, (14.0, 12.0, 10.0, 9.0), bold=True
        )
        deck.text(slide, left, top, width, head, [Para.plain(donut.heading, bold=True)], heading)
        if donut.empty:
            deck.text(slide, left, top + head + 2, width, 30.0, [Para.plain("None")], 16.0)
            continue
        count = f"({donut.count} {donut.noun})"
        counted = fitting_size([count], inner, 22.0 - 2 * INSET_Y, (11.0, 10.0, 9.0, 8.0))
        deck.text(slide, left, top + head - 2, width, 22.0, [Para.plain(count)], counted)
        chart_top = top + head + 20
        deck.doughnut(slide, left + (width - size) / 2, chart_top, size, donut)
        legend = [
            Para(
                (
                    Run("■ ", colour=fill(s.status)),
                    Run(
                        f"{s.status.word}: "
                        + (f"{s.count}" if donut.show == "count" else f"{s.percent}%")
                        + (f" ({s.percent}%)" if donut.show == "count" else f" ({s.count})")
                    ),
                )
            )
            for s in donut.slices
        ]
        legend_top = chart_top + size + 4
        height = CONTENT_BOTTOM - legend_top
        fitted = fitting_size(
            [p.text for p in legend], inner, height - 2 * INSET_Y, (11.0, 10.0, 9.0, 8.0)
        )
        deck.text(slide, left, legend_top, width, height, legend, fitted)


# --- deep dives -----------------------------------------------------------------------------


def _deep_dive(deck: Deck, dive: DeepDive) -> None:
    """The commentary, then the KPI table and the measure tables flowing on under it (a
    table starts on the commentary's slide when its header and first rows fit there), then
    the trends."""
    slide, top = _bullets(
        deck,
        dive.heading,
        list(dive.commentary),
        size=14.0,
        empty="No commentary recorded for this period.",
    )
    tables = [_kpi_table(dive.kpis)] if dive.kpis is not None else []
    tables += [_measures(table) for table in dive.measures if table.rows]
    if tables:
        if _under_is_better(tables, top + _GAP):
            _flow_tables(deck, dive.heading, tables, slide=slide, top=top + _GAP)
        else:
            slide = deck.slide(f"{dive.heading} (continued)")
            _flow_tables(deck, dive.heading, tables, slide=slide)
    if dive.trends:
        _trends(deck, f"{dive.heading}: {text.KPI_TRENDS}", dive.trends)


def _under_is_better(tables: Sequence[Table], top: float) -> bool:
    """Whether ``tables`` should start at ``top`` of the slide before rather than on a new
    slide: they then take fewer slides, or as many with a fuller last slide (so that no
    last table is left alone at the top of a slide). Both are tried on a scratch deck."""
    tried = []
    for start in (top, None):
        scratch = Deck("")
        first = scratch.slide("")
        if start is None:
            _, bottom = _flow_tables(scratch, "", tables)
        else:
            _, bottom = _flow_tables(scratch, "", tables, slide=first, top=start)
        tried.append((len(scratch.presentation.slides), -bottom))
    return tried[0] <= tried[1]


_TRENDS_ACROSS = 5
_TRENDS_PER_SLIDE = 2 * _TRENDS_ACROSS
_CAPTION = 34.0  # two lines of a 10-point caption


def _trends(deck: Deck, title: str, trends: Sequence[TrendChart]) -> None:
    """Each KPI's trend as a native line chart, up to ten to a slide (five across, two
    down), the charts shared evenly over the slides they need."""
    slides = -(-len(trends) // _TRENDS_PER_SLIDE)
    each = -(-len(trends) // slides)
    width = (CONTENT_WIDTH - _GAP * (_TRENDS_ACROSS - 1)) / _TRENDS_ACROSS
    height = (CONTENT_HEIGHT - _GAP) / 2
    inner = width - 2 * INSET_X
    for number in range(slides):
        slide = deck.slide(title + (" (continued)" if number else ""))
        for index, chart in enumerate(trends[number * each : (number + 1) * each]):
            left = CONTENT_LEFT + (index % _TRENDS_ACROSS) * (width + _GAP)
            top = CONTENT_TOP + (index // _TRENDS_ACROSS) * (height + _GAP)
            caption = shorten_to_fit(
                f"{chart.ref} {chart.title}", inner, _CAPTION - 2 * INSET_Y, 10.0
            )
            deck.text(slide, left, top, width, _CAPTION, [Para.plain(caption, bold=True)], 10.0)
            if chart.has_values:
                deck.line_chart(slide, left, top + _CAPTION, width, height - _CAPTION, chart)
            else:
                empty = "No values reported yet, so there is no trend to draw."
                deck.text(slide, left, top + _CAPTION + 6, width, 40.0, [Para.plain(empty)], 10.0)


def _kpis(deck: Deck, title: str, kpis: KpiTable) -> None:
    _slides_of_table(deck, title, _kpi_table(kpis))


def _kpi_table(kpis: KpiTable) -> Table:
    compared = bool(kpis.comparator_headings)
    rows, notes = [], []
    for row in kpis.rows:
        rows.append(kpi_cells(row, kpis))
        notes.append(
            footnote_text(row.footnote.number, row.footnote.text) if row.footnote else None
        )
    # Three more columns on the same slide width: a point and a half smaller.
    return Table(
        _kpi_columns(kpis),
        rows,
        size=9.0 if compared else 10.0,
        notes=notes,
        note=kpis.computed_note,
    )


# Widths (pt) of the KPI table's columns other than the KPI itself, which takes the rest.
_KPI_WIDTHS = {
    "figure": 56,
    "baseline": 74,
    "baseline_status": 62,
    "target": 80,
    "previous": 64,
    "value": 70,
    "status": 96,
    "direction": 84,
    "long_direction": 74,
}


def _kpi_columns(kpis: KpiTable) -> list[Column]:
    """The KPI table's columns; the KPI column takes what the others leave of the width."""
    scale = 0.8 if kpis.comparator_headings else 1.0
    keys, headings = kpi_columns(kpis), kpi_headings(kpis)
    columns = [
        Column(heading, _KPI_WIDTHS.get(key, 60) * scale)
        for key, heading in zip(keys[1:], headings[1:], strict=True)
    ]
    rest = sum(column.width for column in columns)
    return [Column(headings[0], CONTENT_WIDTH - rest), *columns]


def _measures(measures: MeasureTable) -> Table:
    widths = (250, 100, 170, 90, CONTENT_WIDTH - 610)
    columns = [Column(h, w) for h, w in zip(measures.headings, widths, strict=True)]
    rows = [
        [
            Cell(f"{r.ref} {r.title}"),
            Cell(r.frequency),
            Cell(r.method),
            Cell(r.status_word, status=r.status),
            Cell(r.update or text.NO_UPDATE_TEXT),
        ]
        for r in measures.rows
    ]
    return Table(columns, rows, size=10.5)


# --- exceptions, next steps, problems -------------------------------------------------------


def _exceptions(deck: Deck, report: Report, starts: dict[int, int]) -> None:
    title = report.title("exceptions")
    if not report.exceptions:
        _bullets(deck, title, [], empty=text.NO_EXCEPTIONS)
        return
    widths = (110, 210, 100, 80, 100, 100, CONTENT_WIDTH - 700)
    columns = [Column(h, w) for h, w in zip(report.exception_headings, widths, strict=True)]
    rows = []
    for e in report.exceptions:
        cells = exception_cells(e)
        if e.deep_dive is not None and e.deep_dive in starts:
            cells[-1] = Cell(f"{e.pointer}: slide {starts[e.deep_dive]}")
        rows.append(cells)
    _slides_of_table(deck, title, Table(columns, rows, size=10.0))


def _problems(deck: Deck, report: Report, slide: Slide, top: float) -> tuple[Slide, float]:
    """The data-quality annex under what ``slide`` holds when it fits there."""
    title = report.title("data-quality")
    if not report.problems:
        height = text_height(text.NO_PROBLEMS, CONTENT_WIDTH - 2 * INSET_X, 14.0) + 2 * INSET_Y
        slide, top = _heading_here(deck, slide, top, title, height)
        deck.text(
            slide, CONTENT_LEFT, top, CONTENT_WIDTH, height, [Para.plain(text.NO_PROBLEMS)], 14.0
        )
        return slide, top + height
    table = Table(
        [
            Column(h, w)
            for h, w in zip(text.PROBLEM_HEADINGS, (260, CONTENT_WIDTH - 260), strict=True)
        ],
        [[Cell(p.where), Cell(p.message)] for p in report.problems],
        size=11.0,
    )
    slide, top = _heading_here(deck, slide, top, title, _first_rows(table))
    return _flow_tables(deck, title, [table], slide=slide, top=top)


# --- flowing text and tables over slides ----------------------------------------------------


def _bullets(
    deck: Deck,
    title: str,
    items: list[str],
    *,
    size: float = _BULLET_SIZE,
    empty: str = "",
    slide: Slide | None = None,
    top: float = CONTENT_TOP,
) -> tuple[Slide, float]:
    """``items`` as bullets from ``top`` of ``slide`` (a new slide titled ``title`` when
    None) on, continuing on further slides; each text box is as tall as its text. Returns
    the last slide and the bottom of what is on it."""
    if slide is None:
        slide = deck.slide(title)
    if not items:
        height = text_height(empty, CONTENT_WIDTH - 2 * INSET_X, size) + 2 * INSET_Y
        deck.text(slide, CONTENT_LEFT, top, CONTENT_WIDTH, height, [Para.plain(empty)], size)
        return slide, top + height
    inner = CONTENT_WIDTH - 2 * INSET_X - size * 1.1
    room = CONTENT_HEIGHT - 12
    items = [shorten_to_fit(item, inner, room - 6.0, size) for item in items]
    groups = split_to_fit(items, inner, CONTENT_BOTTOM - 12 - top, size, space_after=6.0)
    if len(groups) > 1:  # what does not fit under ``top`` starts on a slide of its own
        groups = groups[:1] + split_to_fit(
            [i for g in groups[1:] for i in g], inner, room, size, space_after=6.0
        )
    for page, group in enumerate(groups):
        if page:
            slide, top = deck.slide(f"{title} (continued)"), CONTENT_TOP
        height = paragraphs_height(group, inner, size, space_after=6.0) + 2 * INSET_Y
        deck.text(
            slide,
            CONTENT_LEFT,
            top,
            CONTENT_WIDTH,
            min(height, CONTENT_BOTTOM - top),
            [Para.plain(t, bullet=True) for t in group],
            size,
            space_after=6.0,
        )
        top += height
    return slide, top


def _slides_of_table(deck: Deck, title: str, table: Table) -> None:
    _flow_tables(deck, title, [table])


def _flow_tables(
    deck: Deck,
    title: str,
    tables: Sequence[Table],
    *,
    slide: Slide | None = None,
    top: float = CONTENT_TOP,
) -> tuple[Slide, float]:
    """Place ``tables`` one under another from ``top`` down, continuing on new slides
    titled "``title`` (continued)"; each slide repeats the header of the table it holds.
    Returns the last slide and the bottom of what is on it."""
    if slide is None:
        slide = deck.slide(title)
    for table in tables:
        limit = CONTENT_HEIGHT - header_height(table) - 20
        table.rows = [fit_row(row, table.columns, table.size, limit) for row in table.rows]
        width = sum(column.width for column in table.columns)
        pages = paginate(
            table, CONTENT_BOTTOM - FOOTER_RESERVE - top, CONTENT_HEIGHT - FOOTER_RESERVE
        )
        for number, rows in enumerate(pages):
            if number:
                slide = deck.slide(f"{title} (continued)")
                top = CONTENT_TOP
            if not rows:  # no room left on this slide: the table starts on the next one
                continue
            top += deck.table(slide, CONTENT_LEFT, top, table, rows)
            notes: list[str | None] = [table.note] if table.note and rows[0] == 0 else []
            notes += [table.notes[i] for i in rows if i < len(table.notes) and table.notes[i]]
            if notes:
                height = sum(note_height(n or "", width, _NOTE_SIZE) for n in notes)
                deck.text(
                    slide,
                    CONTENT_LEFT,
                    top + 4,
                    width,
                    height,
                    [Para.plain(n or "") for n in notes],
                    _NOTE_SIZE,
                )
                top += height + 4
            top += _GAP
    return slide, top


class PptxRenderer:
    """``RENDERERS["pptx"]``."""

    def render(self, report: Report) -> bytes:
        return render_pptx(report)
