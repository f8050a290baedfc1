"""The quarterly report's tables as an Excel workbook (docs/rules.md#report).

One sheet per table of the report model, for people who want to sort, filter or chart the
figures themselves: Overview (the boxes, the workstream counts, headlines, planned
activity, decisions, next steps), Risks, Recommendations (each kind of each
recommendation, by status, with the plan's order note below), KPIs (every KPI of the
plan), Measures, Exceptions and Problems; and, when the plan gives them, a Cover sheet first
(the committee paper: docs/plan-file.md#committee-paper) and a Glossary sheet last. Status
cells are filled with their colour and hold the status word. Every figure is the report
model's; nothing is counted here.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from plantracker.domain.model import STATUS_ORDER, Status
from plantracker.planfile.xlsx.style import LINE_HEIGHT, print_setup, wrapped_lines
from plantracker.reports import text
from plantracker.reports.committee import GLOSSARY_HEADING, PAPER_HEADING
from plantracker.reports.model import DirectionView, KpiRow, KpiTable, RecommendationSection, Report
from plantracker.reports.office import HEADER_FILL, HEADER_INK, fill, ink, printable
from plantracker.reports.text import COMPARATOR_COLUMNS


class Said(NamedTuple):
    """A status cell whose word says more than the status's own (``na``'s reason:
    docs/rules.md#na-reasons)."""

    status: Status
    word: str


Cell = str | int | Status | Said | DirectionView | None

_HEADER_FONT = Font(bold=True, color=HEADER_INK)
_HEADER_FILL = PatternFill("solid", fgColor=HEADER_FILL)
_TITLE_FONT = Font(bold=True, size=14)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_COUNT_HEADINGS = tuple(status.word for status in STATUS_ORDER)
COVER_SHEET = "Cover"


# The sheet that holds each section of the report (``Report.sections``).
_SECTION_SHEETS = {
    "overview": "Overview, Risks",
    "overall-plan": "Recommendations",
    "recommendations": "Recommendations",
    "all-kpis": "KPIs",
    "deep-dives": "KPIs, Measures",
    "exceptions": "Exceptions",
    "next-steps": "Overview",
    "data-quality": "Problems",
}


def _said(status: Status | None, word: str) -> Said | None:
    return Said(status, word) if status is not None else None


def render_xlsx(report: Report) -> bytes:
    """The report's tables as a .xlsx file's bytes."""
    report = printable(report)
    workbook = Workbook()
    overview = workbook.active
    assert overview is not None
    overview.title = "Overview"
    _overview(overview, report)
    _risks(workbook.create_sheet("Risks"), report)
    _recommendations(workbook.create_sheet("Recommendations"), report)
    _kpis(workbook.create_sheet("KPIs"), report)
    _measures(workbook.create_sheet("Measures"), report)
    _exceptions(workbook.create_sheet("Exceptions"), report)
    _problems(workbook.create_sheet("Problems"), report)
    if report.paper is not None:
        _paper(workbook.create_sheet(COVER_SHEET, 0), report)
        workbook.active = 0
    if report.glossary:
        _sheet(
            workbook.create_sheet(GLOSSARY_HEADING),
            ("Term", "Meaning"),
            [(entry.term, entry.meaning) for entry in report.glossary],
            (16, 90),
        )
    workbook.properties.title = f"{report.cover.title}: {report.cover.period_label}"
    workbook.properties.creator = report.cover.organisation
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _overview(sheet: Worksheet, report: Report) -> None:
    cover, overview = report.cover, report.overview
    _widths(sheet, (60, 18, 18, 14, 14, 14, 14, 14, 14, 14, 14))
    sheet.cell(row=1, column=1, value=cover.title).font = _TITLE_FONT
    for row, line in enumerate(
        (cover.organisation, f"Quarterly update: {cover.period_label}", cover.scrutiny_text),
        start=2,
    ):
        sheet.cell(row=row, column=1, value=line)
    row = 6
    boxes = (overview.current, overview.previous, *overview.boxes)
    row = _table(
        sheet,
        row,
        overview.heading,
        ("Box", "Status", "Direction", "Set by hand", "Calculated", "Reason", "Note"),
        [
            (
                box.label,
                _said(box.status, box.status_word),
                box.direction if box.status is not None else None,
                "yes" if box.overridden else "no",
                box.calculated,
                box.reason,
                box.note,
            )
            for box in boxes
        ],
    )
    row = _table(
        sheet,
        row,
        f"{text.WORKSTREAMS}: items by status",
        overview.workstream_headings,
        [
            (
                w.label,
                Said(w.status, w.status_word),
                w.direction,
                *tuple(c.count for c in w.counts),
                w.total,
            )
            for w in overview.workstreams
        ],
    )
    for heading, lines in (
        (f"{text.HEADLINES} (from the data)", overview.headlines.factual),
        (f"{text.HEADLINES} (the plan lead's)", overview.headlines.lead),
        (text.MILESTONES, overview.milestones),
        (text.DECISIONS, overview.decisions),
        (report.title("next-steps"), report.next_steps),
    ):
        row = _table(sheet, row, heading, (heading,), [(line,) for line in lines])
    # Where each section of the report is in this workbook, in the report's words.
    row = _table(
        sheet,
        row,
        "Contents",
        ("Section of the report", "Sheet"),
        [
            *[(PAPER_HEADING, COVER_SHEET)] * (report.paper is not None),
            *(
                (title, _SECTION_SHEETS[key])
                for key, title in report.sections
                if key != "all-kpis" or report.all_kpis is not None
            ),
            *[(GLOSSARY_HEADING, GLOSSARY_HEADING)] * bool(report.glossary),
        ],
    )
    print_setup(sheet)
    sheet.print_title_rows = None


def _paper(sheet: Worksheet, report: Report) -> None:
    """The cover sheet (docs/plan-file.md#committee-paper): its lines, then the
    recommendations to the committee, numbered."""
    paper = report.paper
    assert paper is not None
    _widths(sheet, (36, 100))
    sheet.cell(row=1, column=1, value=paper.heading).font = _TITLE_FONT
    row = 3
    for line in paper.rows:
        _row(sheet, row, (line.label, line.text))
        sheet.cell(row=row, column=1).font = Font(bold=True)
        row += 1
    if paper.recommendations:
        row = _table(
            sheet,
            row + 1,
            paper.recommendations_heading,
            ("Number", paper.recommendations_heading),
            [(str(n), text) for n, text in enumerate(paper.recommendations, start=1)],
        )
    print_setup(sheet)
    sheet.print_title_rows = None


def _risks(sheet: Worksheet, report: Report) -> None:
    overview = report.overview
    if overview.heat_map is None:
        _sheet(
            sheet,
            text.RISK_HEADINGS,
            [
                (r.title, r.mitigation, r.owner, Said(r.status, r.status_word), r.direction)
                for r in overview.risks
            ],
            (50, 60, 28, 16, 18),
        )
        return
    # A scored register (docs/rules.md#risk-scores): the score columns, then the heat map's
    # facts, each risk's position now and before, below the table.
    _sheet(
        sheet,
        overview.risk_headings,
        [
            (
                f"{r.marker} {r.title}",
                r.mitigation,
                r.owner,
                r.score.position if r.score else None,
                r.score.score if r.score else None,
                Said(
                    r.status,
                    f"{r.status_word} ({r.score.override})"
                    if r.score and r.score.override
                    else r.status_word,
                ),
                r.direction,
            )
            for r in overview.risks
        ],
        (50, 60, 28, 18, 16, 16, 18),
    )
    _table(
        sheet,
        len(overview.risks) + 3,
        f"{text.HEAT_MAP}: {text.HEAT_MAP_CAPTION}",
        text.HEAT_MAP_HEADINGS,
        [(f"{p.marker} {p.title}", p.now, p.previous) for p in overview.heat_map.positions],
    )


def _recommendations(sheet: Worksheet, report: Report) -> None:
    rows: list[Sequence[Cell]] = []
    for section in report.recommendations:
        for donut in section.donuts:
            counts = {s.status: s for s in donut.slices}
            rows.append(
                (
                    section.number,
                    section.title,
                    Said(section.status, section.status_word),
                    section.direction,
                    donut.heading,
                    donut.count,
                    donut.status,
                    *(counts[s].count if s in counts else 0 for s in STATUS_ORDER),
                    *(counts[s].percent if s in counts else 0 for s in STATUS_ORDER),
                )
            )
    _sheet(
        sheet,
        (
            "Number",
            "Recommendation",
            "Recommendation status",
            "Direction",
            "Kind",
            "Items",
            "Kind status",
            *_COUNT_HEADINGS,
            *(f"{word} %" for word in _COUNT_HEADINGS),
        ),
        rows,
        (9, 30, 16, 16, 28, 8, 16) + (10,) * 14,
    )
    if report.order_note:
        # Below the table, outside its filter: where the recommendations are listed.
        sheet.cell(row=len(rows) + 3, column=1, value=report.order_note).font = Font(italic=True)


def _kpis(sheet: Worksheet, report: Report) -> None:
    """Every KPI of the plan, in plan order: the deep dives' and the "All other KPIs"."""
    dives = {dive.number: dive for dive in report.deep_dives}
    tables = [dive.kpis for dive in report.deep_dives if dive.kpis is not None]
    if report.all_kpis is not None:
        tables.append(report.all_kpis)
    # The comparator columns only when a table has them, as in the other formats.
    compared = any(table.comparator_headings for table in tables)
    # "Computed from" only when a value was computed from the statutory returns (ADR 0016).
    computed = any(table.computed_note for table in tables)
    # The suppression marker's meaning beside each row that prints it: only in the
    # published version (ADR 0081).
    disclosed = any(table.disclosure_note for table in tables)
    entries: list[tuple[RecommendationSection, KpiTable, KpiRow, str]] = []
    for section in report.recommendations:
        dive = dives.get(section.number)
        if dive is not None:
            if dive.kpis is not None:
                entries += [(section, dive.kpis, k, dive.heading) for k in dive.kpis.rows]
        elif report.all_kpis is not None:
            shown_in = report.title("all-kpis")
            entries += [
                (section, report.all_kpis, k, shown_in)
                for k in report.all_kpis.rows
                if k.recommendation == section.number
            ]
    rows: list[Sequence[Cell]] = []
    for section, table, k, shown_in in entries:
        row: list[Cell] = [
            f"{section.number}. {section.title}",
            k.ref,
            k.title,
            k.figure_will,
            k.baseline,
            k.baseline_label,
            k.baseline_status,
            k.target,
            k.target_label,
            k.previous,
            table.value_heading,
            k.value,
            Said(k.status, k.status_word),
        ]
        if compared:
            # One sheet holds every table, so each row names its published period.
            figures = k.comparators.figures if k.comparators else ()
            row += [figure.text for figure in figures] or [None] * len(COMPARATOR_COLUMNS)
            row.append(k.comparators.period if k.comparators else None)
        row += [
            k.calculated,
            "yes" if k.calculated is not None else "no",
            k.footnote.text if k.footnote else None,
        ]
        if computed:
            row.append(
                f"{k.computed_from} ({k.data_quality})" if k.data_quality else k.computed_from
            )
        row += [k.direction, k.long_direction, k.commentary, shown_in]
        if disclosed:
            row.append(table.disclosure_note if k.withheld else None)
        rows.append(row)
    words = text.KPI_HEADINGS
    headings = [
        "Recommendation",
        "Ref",
        words["kpi"],
        words["figure"],
        "Baseline",
        "Baseline label",
        words["baseline_status"],
        "Target",
        "Target label",
        words["previous"],
        "Period",
        "Value",
        words["status"],
    ]
    widths = [26, 8, 50, 11, 16, 14, 14, 18, 16, 12, 24, 12, 16]
    if compared:
        headings += [name for _, name in COMPARATOR_COLUMNS] + ["Comparators period"]
        widths += [14, 14, 16, 14]
    headings += ["Calculated", "Set by hand", "Override note"]
    widths += [14, 11, 50]
    if computed:
        headings.append("Computed from")
        widths.append(22)
    headings += [words["direction"], words["long_direction"], "Commentary", "Shown in"]
    widths += [16, 16, 50, 30]
    if disclosed:
        headings.append("Withheld figures")
        widths.append(50)
    _sheet(sheet, headings, rows, widths)


def _measures(sheet: Worksheet, report: Report) -> None:
    """Every quality and feedback measure of the plan, not only the deep dives'."""
    rows: list[Sequence[Cell]] = []
    for table in report.measures:
        for m in table.rows:
            rows.append(
                (
                    table.recommendation,
                    table.heading,
                    m.ref,
                    m.title,
                    m.frequency,
                    m.method,
                    Said(m.status, m.status_word),
                    m.update,
                )
            )
    _sheet(
        sheet,
        ("Recommendation", "Kind", "Ref", "Measure", *text.MEASURE_HEADINGS.values()),
        rows,
        (26, 18, 8, 50, 16, 30, 16, 60),
    )


def _exceptions(sheet: Worksheet, report: Report) -> None:
    _sheet(
        sheet,
        report.exception_headings,
        [
            (
                e.recommendation,
                f"{e.item} {e.title}",
                e.owner,
                Said(e.status, e.status_word),
                e.value,
                e.direction,
                e.pointer or e.commentary,
            )
            for e in report.exceptions
        ],
        (28, 50, 28, 16, 20, 22, 60),
    )


def _problems(sheet: Worksheet, report: Report) -> None:
    _sheet(
        sheet,
        text.PROBLEM_HEADINGS,
        [(p.where, p.message) for p in report.problems],
        (40, 90),
    )


# --- writing --------------------------------------------------------------------------------


def _sheet(
    sheet: Worksheet,
    headings: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    widths: Sequence[int],
) -> None:
    """A sheet holding one table: frozen, filtered header row; one row per entry."""
    _widths(sheet, widths)
    _header(sheet, 1, headings)
    for number, row in enumerate(rows, start=2):
        _row(sheet, number, row)
    sheet.freeze_panes = "A2"
    print_setup(sheet)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{max(len(rows) + 1, 2)}"


def _table(
    sheet: Worksheet,
    row: int,
    title: str,
    headings: Sequence[str],
    rows: Sequence[Sequence[Cell]],
) -> int:
    """A titled table inside a sheet from ``row``; returns the first row after it."""
    if len(headings) > 1:
        sheet.cell(row=row, column=1, value=title).font = Font(bold=True, size=12)
        row += 1
    _header(sheet, row, headings)
    for values in rows:
        row += 1
        _row(sheet, row, values)
    if not rows:
        row += 1
        sheet.cell(row=row, column=1, value="None")
    return row + 2


def _header(sheet: Worksheet, row: int, headings: Sequence[str]) -> None:
    for column, heading in enumerate(headings, start=1):
        cell = sheet.cell(row=row, column=column, value=heading)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = _WRAP


def _row(sheet: Worksheet, row: int, values: Sequence[Cell]) -> None:
    lines = 1
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.alignment = _TOP
        if isinstance(value, Said):
            cell.value = value.word
            cell.fill = PatternFill("solid", fgColor=fill(value.status))
            cell.font = Font(color=ink(value.status), bold=True)
        elif isinstance(value, Status):
            cell.value = value.word
            cell.fill = PatternFill("solid", fgColor=fill(value))
            cell.font = Font(color=ink(value), bold=True)
        elif isinstance(value, DirectionView):
            cell.value = value.text
        elif isinstance(value, str):
            cell.value = value
            cell.data_type = "s"  # text, even when it starts with "="
            cell.alignment = _WRAP
            width = sheet.column_dimensions[get_column_letter(column)].width or 10
            lines = max(lines, wrapped_lines(value, width))
        else:
            cell.value = value
    if lines > 1:
        # Spreadsheet programs do not grow rows to fit text on opening a file.
        sheet.row_dimensions[row].height = lines * LINE_HEIGHT


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


class XlsxRenderer:
    """``RENDERERS["xlsx"]``."""

    def render(self, report: Report) -> bytes:
        return render_xlsx(report)
