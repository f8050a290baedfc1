"""The quarterly report as a Word document (docs/rules.md#report).

Drawn from the report model only. Headings use Word's own Heading 1–3 styles, so the
navigation pane lists every section; tables repeat their header row on each page and carry
a caption; charts are the report's matplotlib charts as PNG, each with its text
alternative; every status is written as a word in a cell filled with its colour. The
overview, the deep dives and the exceptions, whose tables are wide (eight columns or more),
are in landscape sections; the recommendations follow on in portrait, two or three to a
page, each kept whole with its row of doughnuts; the footer names the report and numbers
the pages. The cover
carries the committee paper and the document ends with the glossary, when the plan gives
them (docs/plan-file.md#committee-paper).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from plantracker.domain.model import Status
from plantracker.reports import text
from plantracker.reports.charts import donut_png, trend_png
from plantracker.reports.committee import GLOSSARY_HEADING
from plantracker.reports.docx_parts import (
    LANDSCAPE_WIDTH_MM,
    PORTRAIT_WIDTH_MM,
    CellText,
    alt_text,
    keep_rows_whole,
    new_section,
    page_field,
    set_page,
    set_widths,
    shade_run,
    table,
)
from plantracker.reports.model import (
    DeepDive,
    Donut,
    KpiTable,
    RecommendationSection,
    Report,
    RiskRow,
    TrendChart,
)
from plantracker.reports.office import (
    FONT,
    body_ink,
    box_detail,
    box_status_text,
    exception_cells,
    fill,
    footnote_text,
    ink,
    kpi_cells,
    kpi_columns,
    kpi_headings,
    printable,
    tone_ink,
)

_DONUT_MM = 42
_SMALL_DONUT_MM = 30  # a recommendation's four, one row across the portrait page
_TREND_MM = 105
# Sharp on screen at Word's zoom levels; a print-quality resolution would double the time
# the report takes (docs/benchmarks.md).
_DONUT_DPI = 120
_TREND_DPI = 120


def render_docx(report: Report) -> bytes:
    """The report as a .docx file's bytes."""
    report = printable(report)
    document = Document()
    _styles(document, report)
    _cover(document, report)
    # The overview's workstream table has eleven columns: it gets a landscape page, as do
    # the deep dives and the exceptions (``docx_parts.WIDE_TABLE``).
    new_section(document, landscape=True)
    _overview(document, report)
    new_section(document, landscape=False)
    _overall(document, report)
    _order_note(document, report)
    # The recommendations follow on, two or three to a page, each kept whole.
    for section in report.recommendations:
        _recommendation(document, section)
    new_section(document, landscape=True)
    if report.all_kpis is not None:
        document.add_heading(report.title("all-kpis"), level=1)
        _kpi_table(document, report.all_kpis)
    if report.deep_dives:
        heading = document.add_heading(report.title("deep-dives"), level=1)
        # The landscape section starts a page; after All other KPIs the dives get their own.
        heading.paragraph_format.page_break_before = report.all_kpis is not None
    for index, dive in enumerate(report.deep_dives):
        _deep_dive(document, dive, new_page=index > 0)
    _exceptions(document, report)
    new_section(document, landscape=False)
    document.add_heading(report.title("next-steps"), level=1)
    _bullets(document, report.next_steps, text.NO_NEXT_STEPS)
    _problems(document, report)
    _glossary(document, report)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _styles(document: DocumentType, report: Report) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    for name, size in (
        ("Title", 30),
        ("Subtitle", 16),
        ("Heading 1", 18),
        ("Heading 2", 14),
        ("Heading 3", 12),
    ):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor.from_string(body_ink())
        # The theme's heading font would otherwise win over the style's font name.
        fonts = style.element.rPr.rFonts
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
    properties = document.core_properties
    properties.title = f"{report.cover.title}: {report.cover.period_label}"
    properties.subject = report.cover.scrutiny_text
    properties.author = report.cover.organisation
    section = document.sections[0]
    set_page(section, landscape=False)
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Footer"]
    run = footer.add_run(report.cover.footer + "    Page ")
    run.font.size = Pt(8)
    page_field(footer, "PAGE", 8)
    footer.add_run(" of ").font.size = Pt(8)
    page_field(footer, "NUMPAGES", 8)


def _cover(document: DocumentType, report: Report) -> None:
    cover = report.cover
    for _ in range(2 if report.paper is not None else 6):
        document.add_paragraph()
    document.add_paragraph(cover.title, style="Title")
    document.add_paragraph(cover.organisation, style="Subtitle")
    document.add_paragraph(f"Quarterly update: {cover.period_label}", style="Subtitle")
    document.add_paragraph(cover.scrutiny_text, style="Subtitle")
    _paper(document, report)


# --- the committee paper (docs/plan-file.md#committee-paper) ---------------------------------


def _paper(document: DocumentType, report: Report) -> None:
    """The cover sheet's lines and the recommendations to the committee, on the cover."""
    paper = report.paper
    if paper is None:
        return
    document.add_heading(paper.heading, level=2)
    for row in paper.rows:
        line = document.add_paragraph()
        line.add_run(f"{row.label}: ").bold = True
        line.add_run(row.text)
    if paper.recommendations:
        document.add_heading(paper.recommendations_heading, level=3)
        for text in paper.recommendations:
            document.add_paragraph(text, style="List Number")


def _order_note(document: DocumentType, report: Report) -> None:
    if not report.order_note or not report.recommendations:
        return
    note = document.add_paragraph()
    note.add_run(report.order_note).italic = True
    note.paragraph_format.keep_with_next = True  # with the first recommendation


def _glossary(document: DocumentType, report: Report) -> None:
    if not report.glossary:
        return
    document.add_heading(GLOSSARY_HEADING, level=1)
    table(
        document,
        ["Term", "Meaning"],
        [[CellText(entry.term, bold=True), CellText(entry.meaning)] for entry in report.glossary],
        [35, PORTRAIT_WIDTH_MM - 35],
        caption="The terms this report uses",
    )


# --- overview -------------------------------------------------------------------------------


def _overview(document: DocumentType, report: Report) -> None:
    overview = report.overview
    document.add_heading(overview.heading, level=1)
    boxes = (overview.current, overview.previous, *overview.boxes)
    table(
        document,
        [box.label for box in boxes],
        [
            [
                CellText(box_status_text(box), status=box.status or Status.NONE, bold=True)
                for box in boxes
            ],
            [CellText(box_detail(box) or "–") for box in boxes],
        ],
        [LANDSCAPE_WIDTH_MM / len(boxes)] * len(boxes),
        caption="Overall status now and in the previous period; progress, finance and risks",
    )
    for box in boxes:
        if box.overridden and box.reason:
            document.add_paragraph(f"{box.label}: set by hand. Reason: {box.reason}")
    document.add_heading(text.HEADLINES, level=2)
    _bullets(document, [*overview.headlines.factual, *overview.headlines.lead], "None.")
    document.add_heading(text.WORKSTREAMS, level=2)
    table(
        document,
        list(overview.workstream_headings),
        [
            [
                CellText(row.label, bold=True),
                CellText(row.status_word, status=row.status),
                CellText(row.direction.text, colour=tone_ink(row.direction)),
            ]
            + [CellText(str(c.count)) for c in row.counts]
            + [CellText(str(row.total), bold=True)]
            for row in overview.workstreams
        ],
        [40, 20, 30] + [20.0] * 8,
        caption="Items of each kind by status, with their roll-up status and direction",
        size=8,
        cell_margin_mm=1,
    )
    document.add_heading(text.KEY_RISKS, level=2)
    if overview.risks:
        scored = overview.heat_map is not None
        table(
            document,
            list(overview.risk_headings or text.RISK_HEADINGS),
            [
                [
                    CellText(f"{r.marker} {r.title}" if scored else r.title),
                    CellText(r.mitigation),
                    CellText(r.owner or "–"),
                    *(
                        [CellText(r.score.position), CellText(r.score.score)]
                        if r.score is not None
                        else []
                    ),
                    CellText(_risk_status(r), status=r.status),
                    CellText(r.direction.text, colour=tone_ink(r.direction)),
                ]
                for r in overview.risks
            ],
            [56, 56, 30, 24, 25, 30, 36] if scored else [80, 80, 35, 30, 36],
            caption="Key risks with their mitigation and status",
        )
        if overview.heat_map is not None:
            # The heat map's facts as a table (docs/rules.md#risk-scores).
            document.add_heading(text.HEAT_MAP, level=3)
            document.add_paragraph(text.HEAT_MAP_CAPTION)
            table(
                document,
                list(text.HEAT_MAP_HEADINGS),
                [
                    [CellText(f"{p.marker} {p.title}"), CellText(p.now), CellText(p.previous)]
                    for p in overview.heat_map.positions
                ],
                [81, 90, 90],
                caption=f"{text.HEAT_MAP}: {text.HEAT_MAP_CAPTION}",
                size=8,
            )
    else:
        document.add_paragraph("No risks are recorded.")
    document.add_heading(text.MILESTONES, level=2)
    _bullets(document, overview.milestones, "None recorded.")
    document.add_heading(text.DECISIONS, level=2)
    _bullets(document, overview.decisions, "None recorded.")


# --- doughnuts ------------------------------------------------------------------------------


def _overall(document: DocumentType, report: Report) -> None:
    # A new (portrait) section after the overview: it starts a page of its own.
    document.add_heading(report.title("overall-plan"), level=1)
    _donuts(document, report.overall)


def _recommendation(document: DocumentType, section: RecommendationSection) -> None:
    """A recommendation kept whole on a page, but not given one of its own: its heading,
    status, aim and lead keep with its row of four doughnuts (a page each left the lower
    half of ten pages empty)."""
    document.add_heading(section.heading, level=1)  # Heading 1 keeps with the next line
    status = document.add_paragraph("Status: ")
    word = status.add_run(f" {section.status_word} ")
    word.bold = True
    word.font.color.rgb = RGBColor.from_string(ink(section.status))
    shade_run(word, fill(section.status))
    direction = status.add_run(f"   Direction: {section.direction.text}")
    direction.font.color.rgb = RGBColor.from_string(tone_ink(section.direction))
    aim = document.add_paragraph(section.aim)
    aim.paragraph_format.keep_with_next = True
    status.paragraph_format.keep_with_next = True
    if section.lead:
        lead = document.add_paragraph()
        lead.add_run("Lead: ").bold = True
        lead.add_run(section.lead)
        lead.paragraph_format.keep_with_next = True
    _donuts(document, section.donuts, across=4, size_mm=_SMALL_DONUT_MM, legend_pt=8)


def _donuts(
    document: DocumentType,
    donuts: Sequence[Donut],
    *,
    across: int = 2,
    size_mm: float = _DONUT_MM,
    legend_pt: float | None = None,
) -> None:
    """The four kinds ``across`` to a row (two by two, or one row of four): heading, chart
    (or "None") and its legend; rows never split, and the rows of one grid keep together."""
    rows = -(-len(donuts) // across)
    grid = document.add_table(rows=rows, cols=across)
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(grid, [PORTRAIT_WIDTH_MM / across] * across)
    keep_rows_whole(grid)
    for index, donut in enumerate(donuts):
        cell = grid.rows[index // across].cells[index % across]
        heading = cell.paragraphs[0]
        heading.add_run(donut.heading).bold = True
        if donut.empty:
            cell.add_paragraph("None")
            continue
        heading.add_run(f" ({donut.count} {donut.noun})")
        picture = (
            cell.add_paragraph()
            .add_run()
            .add_picture(io.BytesIO(donut_png(donut, _DONUT_DPI)), width=Mm(size_mm))
        )
        alt_text(picture, donut.alt)
        for share in donut.slices:
            line = cell.add_paragraph()
            line.paragraph_format.space_after = Pt(0)
            swatch = line.add_run("■ ")
            swatch.font.color.rgb = RGBColor.from_string(fill(share.status))
            numbers = (
                f"{share.count} ({share.percent}%)"
                if donut.show == "count"
                else f"{share.percent}% ({share.count})"
            )
            words = line.add_run(f"{share.status.word}: {numbers}")
            if legend_pt is not None:
                swatch.font.size = words.font.size = Pt(legend_pt)
    # Word keeps a table's rows on one page when every row but the last keeps with the next.
    for row in grid.rows[:-1]:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


# --- deep dives -----------------------------------------------------------------------------


def _deep_dive(document: DocumentType, dive: DeepDive, *, new_page: bool) -> None:
    heading = document.add_heading(dive.heading, level=2)
    heading.paragraph_format.page_break_before = new_page
    document.add_heading(text.COMMENTARY, level=3)
    _bullets(document, dive.commentary, "No commentary recorded for this period.")
    if dive.kpis is not None:
        document.add_heading(text.KPIS_HEADING, level=3)
        _kpi_table(document, dive.kpis)
    for measures in dive.measures:
        if not measures.rows:
            continue
        document.add_heading(f"{measures.heading}s", level=3)
        table(
            document,
            list(measures.headings),
            [
                [
                    CellText(f"{r.ref} {r.title}"),
                    CellText(r.frequency),
                    CellText(r.method),
                    CellText(r.status_word, status=r.status),
                    CellText(r.update or text.NO_UPDATE_TEXT),
                ]
                for r in measures.rows
            ],
            [70, 30, 50, 20, LANDSCAPE_WIDTH_MM - 170],
            caption=measures.caption,
        )
    if dive.trends:
        document.add_heading(text.KPI_TRENDS, level=3)
        _trends(document, dive.trends)


def _kpi_table(document: DocumentType, kpis: KpiTable) -> None:
    compared = bool(kpis.comparator_headings)
    table(
        document,
        kpi_headings(kpis),
        [kpi_cells(row, kpis) for row in kpis.rows],
        _kpi_widths(kpis),
        caption=kpis.caption,
        # Three more columns on the same page: smaller type and narrower cell margins.
        size=8 if compared or not kpis.compact else 9,
        cell_margin_mm=1 if compared else None,
    )
    notes = [kpis.computed_note] if kpis.computed_note else []
    notes += [footnote_text(note.number, note.text) for note in kpis.footnotes]
    for line in notes:
        paragraph = document.add_paragraph(line)
        paragraph.runs[0].font.size = Pt(9)


# Widths (mm) of the KPI table's columns other than the KPI itself, which takes what they
# leave of the landscape page.
_KPI_WIDTHS = {
    "figure": 16,
    "baseline": 21,
    "baseline_status": 17,
    "target": 24,
    "previous": 18,
    "value": 19,
    "status": 25,
    "direction": 22,
    "long_direction": 21,
}


def _kpi_widths(kpis: KpiTable) -> list[float]:
    keys = kpi_columns(kpis)[1:]
    if kpis.comparator_headings:  # three more columns: every one 17 mm, the status 19 mm
        widths = [19.0 if key == "status" else 17.0 for key in keys]
    else:
        widths = [float(_KPI_WIDTHS[key]) for key in keys]
    # Less half a millimetre: each width is rounded to whole twips.
    return [LANDSCAPE_WIDTH_MM - sum(widths) - 0.5, *widths]


def _trends(document: DocumentType, charts: Sequence[TrendChart]) -> None:
    """The KPI trend charts two abreast, each with its title above and its note below."""
    grid = document.add_table(rows=(len(charts) + 1) // 2, cols=2)
    set_widths(grid, [LANDSCAPE_WIDTH_MM / 2] * 2)
    keep_rows_whole(grid)
    for index, chart in enumerate(charts):
        cell = grid.rows[index // 2].cells[index % 2]
        cell.paragraphs[0].add_run(f"{chart.ref} {chart.title}").bold = True
        picture = (
            cell.add_paragraph()
            .add_run()
            .add_picture(io.BytesIO(trend_png(chart, _TREND_DPI)), width=Mm(_TREND_MM))
        )
        alt_text(picture, chart.alt)
        if chart.note:
            note = cell.add_paragraph(chart.note)
            note.runs[0].font.size = Pt(8.5)


def _exceptions(document: DocumentType, report: Report) -> None:
    heading = document.add_heading(report.title("exceptions"), level=1)
    heading.paragraph_format.page_break_before = True
    if not report.exceptions:
        document.add_paragraph(text.NO_EXCEPTIONS)
        return
    document.add_paragraph(text.EXCEPTIONS_CAPTION + ".")
    table(
        document,
        list(report.exception_headings),
        [exception_cells(e) for e in report.exceptions],
        [30, 58, 28, 18, 26, 24, LANDSCAPE_WIDTH_MM - 184],
        caption=text.EXCEPTIONS_CAPTION,
        size=9,
    )


def _problems(document: DocumentType, report: Report) -> None:
    document.add_heading(report.title("data-quality"), level=1)
    if not report.problems:
        document.add_paragraph(text.NO_PROBLEMS)
        return
    table(
        document,
        list(text.PROBLEM_HEADINGS),
        [[CellText(p.where), CellText(p.message)] for p in report.problems],
        [60, PORTRAIT_WIDTH_MM - 60],
        caption="Data-quality problems of the period",
    )


def _bullets(document: DocumentType, items: Sequence[str], empty: str) -> None:
    if not items:
        document.add_paragraph(empty)
        return
    for item in items:
        document.add_paragraph(item, style="List Bullet")


class DocxRenderer:
    """``RENDERERS["docx"]``."""

    def render(self, report: Report) -> bytes:
        return render_docx(report)


def _risk_status(row: RiskRow) -> str:
    """The status word, and the derived RAG a scored risk's status overrides."""
    if row.score is not None and row.score.override:
        return f"{row.status_word} ({row.score.override})"
    return row.status_word
