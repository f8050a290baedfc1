"""Building blocks of the PowerPoint deck: slides, text boxes, tiles, tables and doughnuts.

Every size is in points. Text boxes never grow (auto-size off) and are given the height
``textfit`` measures with a wider font than the deck uses, so text stays inside its box;
tables get explicit row heights measured the same way, so a table placed inside the
content area stays on the slide. Doughnuts are native charts (editable in PowerPoint) whose
slices are filled with the status colours and whose numbers come from the report model.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from lxml import etree
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Length, Pt

from plantracker.domain.model import Status
from plantracker.reports.model import Donut, TrendChart
from plantracker.reports.office import (
    FONT,
    HEADER_FILL,
    HEADER_INK,
    Cell,
    body_ink,
    fill,
    hex_digits,
    ink,
)
from plantracker.reports.palette import MUTED
from plantracker.reports.textfit import (
    LINE_SPACING,
    fitting_size,
    line_count,
    longest_word_width,
    shorten_to_fit,
    text_height,
    text_width,
)

# 16:9 at PowerPoint's default size, in points.
SLIDE_WIDTH = 960.0
SLIDE_HEIGHT = 540.0
MARGIN = 36.0
CONTENT_LEFT = MARGIN
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
TITLE_TOP = 18.0
TITLE_HEIGHT = 58.0
CONTENT_TOP = 86.0
CONTENT_BOTTOM = 506.0
CONTENT_HEIGHT = CONTENT_BOTTOM - CONTENT_TOP

_TITLE_SIZES = (26.0, 22.0, 18.0)
INSET_X = 7.2  # PowerPoint's default text insets: 0.1 in left/right, 0.05 in top/bottom
INSET_Y = 3.6
CELL_INSET = 4.0  # a table cell's text inset, left and right
_CELL_Y = 2.5
_TITLE_LAYOUT = 5  # "Title Only" in python-pptx's default template
_COVER_LAYOUT = 0  # "Title Slide"
_LETTER_MIN_PERCENT = 7  # a slice narrower than this gets no letter (as in the SVG donut)


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    colour: str | None = None  # hex digits; None: body ink


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    bullet: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)

    @classmethod
    def plain(cls, text: str, *, bold: bool = False, bullet: bool = False) -> Para:
        return cls((Run(text, bold=bold),), bullet=bullet)


@dataclass(frozen=True)
class Column:
    heading: str
    width: float
    align: str = "left"  # left | centre | right


@dataclass
class Table:
    """A table to place on slides, split between slides by whole rows."""

    columns: Sequence[Column]
    rows: Sequence[Sequence[Cell]]
    size: float = 11.0
    notes: Sequence[str | None] = field(default_factory=list)  # per row, printed below
    # About the whole table: printed below the rows of its first slide, before their notes.
    note: str | None = None


def _pt(value: float) -> Length:
    return Pt(value)


class Deck:
    """A 16:9 deck whose slides each carry a title, the report's footer and a number."""

    def __init__(self, footer: str) -> None:
        self.presentation: PresentationType = Presentation()
        self.presentation.slide_width = _pt(SLIDE_WIDTH)
        self.presentation.slide_height = _pt(SLIDE_HEIGHT)
        self.footer = footer

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.presentation.save(buffer)
        return buffer.getvalue()

    def cover(self, title: str, lines: Sequence[str]) -> Slide:
        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[_COVER_LAYOUT])
        heading, subtitle = slide.placeholders[0], slide.placeholders[1]
        inner = CONTENT_WIDTH - 2 * INSET_X
        _place(heading, MARGIN, 120.0, CONTENT_WIDTH, 130.0)
        size, title = _fit_line(title, inner, 130.0 - 2 * INSET_Y, (40.0, 34.0, 28.0), bold=True)
        _fill_frame(heading.text_frame, [Para.plain(title, bold=True)], size, PP_ALIGN.CENTER)
        _place(subtitle, MARGIN, 270.0, CONTENT_WIDTH, 170.0)
        room = (170.0 - 2 * INSET_Y) / max(len(lines), 1)
        fitted = [_fit_line(line, inner, room, (24.0, 20.0, 16.0)) for line in lines]
        size = min((size for size, _ in fitted), default=24.0)
        paras = [Para.plain(shorten_to_fit(line, inner, room, size)) for _, line in fitted]
        _fill_frame(subtitle.text_frame, paras, size, PP_ALIGN.CENTER, colour=hex_digits(MUTED))
        return slide

    def slide(self, title: str) -> Slide:
        slide = self.presentation.slides.add_slide(self.presentation.slide_layouts[_TITLE_LAYOUT])
        heading = slide.shapes.title
        _place(heading, MARGIN, TITLE_TOP, CONTENT_WIDTH, TITLE_HEIGHT)
        size, title = _fit_line(
            title, CONTENT_WIDTH - 2 * INSET_X, TITLE_HEIGHT - 2 * INSET_Y, _TITLE_SIZES, bold=True
        )
        _fill_frame(heading.text_frame, [Para.plain(title, bold=True)], size, PP_ALIGN.LEFT)
        heading.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        rule = slide.shapes.add_connector(
            1,
            _pt(MARGIN),
            _pt(TITLE_TOP + TITLE_HEIGHT + 2),
            _pt(SLIDE_WIDTH - MARGIN),
            _pt(TITLE_TOP + TITLE_HEIGHT + 2),
        )
        rule.line.color.rgb = RGBColor.from_string(fill(Status.BLUE))
        rule.line.width = _pt(2)
        number = len(self.presentation.slides)
        self.text(
            slide,
            MARGIN,
            512.0,
            CONTENT_WIDTH - 60,
            20.0,
            [Para((Run(self._footer_line(), colour=hex_digits(MUTED)),))],
            9.0,
        )
        self.text(
            slide,
            SLIDE_WIDTH - MARGIN - 60,
            512.0,
            60.0,
            20.0,
            [Para((Run(str(number), colour=hex_digits(MUTED)),))],
            9.0,
            align=PP_ALIGN.RIGHT,
        )
        return slide

    def _footer_line(self) -> str:
        return _fit_line(self.footer, CONTENT_WIDTH - 60 - 2 * INSET_X, 20.0 - 2 * INSET_Y, (9.0,))[
            1
        ]

    # --- text ---------------------------------------------------------------------------

    def text(
        self,
        slide: Slide,
        left: float,
        top: float,
        width: float,
        height: float,
        paras: Sequence[Para],
        size: float,
        *,
        align: PP_ALIGN = PP_ALIGN.LEFT,
        space_after: float = 0.0,
    ) -> None:
        box = slide.shapes.add_textbox(_pt(left), _pt(top), _pt(width), _pt(height))
        _fill_frame(box.text_frame, paras, size, align, space_after=space_after)

    def tile(
        self,
        slide: Slide,
        left: float,
        top: float,
        width: float,
        height: float,
        *,
        label: str,
        status: Status | None,
        word: str,
        detail: str | None,
    ) -> None:
        """A box filled with a status colour: its label, the status word, a detail line."""
        shape = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, _pt(left), _pt(top), _pt(width), _pt(height)
        )
        shown = status if status is not None else Status.NONE
        shape.fill.solid()
        shape.fill.fore_color.rgb = RGBColor.from_string(fill(shown))
        shape.line.color.rgb = RGBColor.from_string(body_ink())
        shape.line.width = _pt(0.75)
        colour = ink(shown)
        inner = width - 2 * INSET_X
        paras = [Para((Run(label, colour=colour),))]
        paras.append(Para((Run(word, bold=True, colour=colour),)))
        if detail:
            paras.append(Para((Run(detail, colour=colour),)))
        size = fitting_size(
            [p.text for p in paras],
            inner,
            height - 2 * INSET_Y,
            (14.0, 12.0, 10.0, 9.0, 8.0),
            bold=True,
        )
        _fill_frame(shape.text_frame, paras, size, PP_ALIGN.CENTER)
        shape.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE

    # --- tables -------------------------------------------------------------------------

    def table(
        self, slide: Slide, left: float, top: float, table: Table, rows: Sequence[int]
    ) -> float:
        """Place the header and ``rows`` (indices) of ``table``; return the height used."""
        heights = [header_height(table)] + [row_height(table, i) for i in rows]
        shape = slide.shapes.add_table(
            len(heights),
            len(table.columns),
            _pt(left),
            _pt(top),
            _pt(sum(c.width for c in table.columns)),
            _pt(sum(heights)),
        )
        grid = shape.table
        grid.first_row = True
        grid.horz_banding = False
        for index, column in enumerate(table.columns):
            grid.columns[index].width = _pt(column.width)
        for index, height in enumerate(heights):
            grid.rows[index].height = _pt(height)
        for index, column in enumerate(table.columns):
            _cell(
                grid.cell(0, index),
                Cell(column.heading, bold=True),
                column,
                table.size,
                background=HEADER_FILL,
                colour=HEADER_INK,
            )
        for row_number, source in enumerate(rows, start=1):
            for index, column in enumerate(table.columns):
                cell = table.rows[source][index]
                background = fill(cell.status) if cell.status is not None else "FFFFFF"
                colour = ink(cell.status) if cell.status is not None else cell.colour
                _cell(
                    grid.cell(row_number, index),
                    cell,
                    column,
                    table.size,
                    background=background,
                    colour=colour,
                )
        return sum(heights)

    # --- charts -------------------------------------------------------------------------

    def doughnut(self, slide: Slide, left: float, top: float, size: float, donut: Donut) -> None:
        """A native doughnut of ``donut``'s slices, letters on the wider ones, total inside."""
        data = CategoryChartData()
        data.categories = [s.status.word for s in donut.slices]
        data.add_series(donut.heading, [s.count for s in donut.slices])
        # python-pptx annotates add_chart as returning the chart; it returns its frame.
        frame: Any = slide.shapes.add_chart(
            XL_CHART_TYPE.DOUGHNUT, _pt(left), _pt(top), _pt(size), _pt(size), cast(Any, data)
        )
        frame._element.nvGraphicFramePr.cNvPr.set("descr", donut.alt)
        chart = frame.chart
        chart.has_legend = False
        chart.has_title = False
        chart.font.size = Pt(12)
        chart.font.name = FONT
        plot = chart.plots[0]
        plot.vary_by_categories = True
        _hole_size(chart, 55)
        series = plot.series[0]
        for point, share in zip(series.points, donut.slices, strict=True):
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = RGBColor.from_string(fill(share.status))
            point.format.line.color.rgb = RGBColor.from_string("FFFFFF")
            point.format.line.width = _pt(1.5)
            label = point.data_label
            if share.percent < _LETTER_MIN_PERCENT:
                _no_label(label)
                continue
            label.has_text_frame = True
            label.text_frame.text = share.status.letter
            font = label.text_frame.paragraphs[0].runs[0].font
            font.bold = True
            font.size = Pt(12)
            font.color.rgb = RGBColor.from_string(ink(share.status))
        centre = max(size * 0.5, 60.0)  # the hole, or a little past it on a small doughnut
        lines = [str(donut.count), donut.noun]
        inner = centre - 2 * INSET_X
        fitted = fitting_size(lines, inner, 48.0 - 2 * INSET_Y, (13.0, 11.0, 10.0, 9.0), bold=True)
        self.text(
            slide,
            left + size / 2 - centre / 2,
            top + size / 2 - 24,
            centre,
            48.0,
            [Para.plain(str(donut.count), bold=True), Para.plain(donut.noun)],
            fitted,
            align=PP_ALIGN.CENTER,
        )

    def line_chart(
        self, slide: Slide, left: float, top: float, width: float, height: float, chart: TrendChart
    ) -> None:
        """A native line chart of ``chart``: its values with markers and labels, the dashed
        comparison line; the value axis of a count or percentage from zero."""
        ticks, values, line = trend_categories(chart)
        shape = number_format(chart)
        data = CategoryChartData(number_format=shape)
        data.categories = ticks
        data.add_series("Value", values)
        if chart.line_label and any(v is not None for v in line):
            data.add_series(chart.line_label, line)
        frame: Any = slide.shapes.add_chart(
            XL_CHART_TYPE.LINE_MARKERS,
            _pt(left),
            _pt(top),
            _pt(width),
            _pt(height),
            cast(Any, data),
        )
        frame._element.nvGraphicFramePr.cNvPr.set("descr", chart.alt)
        drawn = frame.chart
        drawn.has_title = False
        drawn.font.size = Pt(9)
        drawn.font.name = FONT
        drawn.has_legend = True
        drawn.legend.position = XL_LEGEND_POSITION.TOP
        drawn.legend.include_in_layout = False
        axis = drawn.value_axis
        if chart.zero_based:
            axis.minimum_scale = 0
        axis.has_major_gridlines = False
        axis.tick_labels.number_format = shape
        axis.tick_labels.number_format_is_linked = False
        series = drawn.plots[0].series
        value = series[0]
        value.smooth = False
        value.format.line.color.rgb = RGBColor.from_string(fill(Status.BLUE))
        value.format.line.width = _pt(2)
        value.marker.style = XL_MARKER_STYLE.CIRCLE
        value.marker.format.fill.solid()
        value.marker.format.fill.fore_color.rgb = RGBColor.from_string(fill(Status.BLUE))
        labels = value.data_labels
        labels.show_value = True
        labels.number_format = shape
        labels.number_format_is_linked = False
        labels.position = XL_LABEL_POSITION.ABOVE
        labels.font.size = Pt(9)
        if len(series) > 1:
            target = series[1]
            target.smooth = False
            target.format.line.color.rgb = RGBColor.from_string(body_ink())
            target.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            target.format.line.width = _pt(1.25)
            target.marker.style = XL_MARKER_STYLE.NONE
        # Entries that do not fit side by side go on rows of their own; one wider than the
        # chart was drawn over its own line ("Baseline 14/month (average)"): smaller then.
        names = [s.name for s in series]
        fits = [
            size
            for size in _LEGEND_SIZES
            if all(legend_entry_width(name, size) <= width for name in names)
        ]
        legend_size = fits[0] if fits else _LEGEND_SIZES[-1]
        if legend_size != _LEGEND_SIZES[0]:
            drawn.legend.font.size = Pt(legend_size)


_LEGEND_SIZES = (9.0, 8.0, 7.0)  # a chart's legend: its own size, then smaller ones
_LEGEND_KEY = 6.0  # ems a legend entry takes besides its text: its line and gap (LibreOffice)


def legend_entry_width(text: str, size: float) -> float:
    """The width a line chart's legend entry takes at ``size`` points (with its key)."""
    return text_width(text, size) + _LEGEND_KEY * size + INSET_X


def trend_categories(chart: TrendChart) -> tuple[list[str], list[float | None], list[float | None]]:
    """A trend chart's time axis and its two series for a category chart: the periods'
    short names (docs/rules.md#chart-ticks), then the shared axis end if it lies past the
    last period; the values (None: a gap); the comparison line, carried on to the end."""
    ticks = [point.tick or point.period_id for point in chart.points]
    values = [float(p.value) if p.value is not None else None for p in chart.points]
    line = [float(p.target) if p.target is not None else None for p in chart.points]
    if chart.end > chart.points[-1].end:
        ticks.append(chart.axis_end_text or chart.target_date_text)
        values.append(None)
        at_end = chart.target_value if chart.target_date == chart.end else None
        carried = next((v for v in reversed(line) if v is not None), None)
        line.append(float(at_end) if at_end is not None else carried)
    return ticks, values, line


def number_format(chart: TrendChart) -> str:
    """The Office number format of ``chart``'s labels: one precision per KPI, its unit."""
    places = max(
        (len(p.label.removesuffix(chart.unit_suffix).partition(".")[2]) for p in chart.points),
        default=0,
    )
    return (
        "#,##0"
        + ("." + "0" * places if places else "")
        + ('"%"' if chart.unit_suffix == "%" else "")
    )


def _fit_line(
    text: str, width: float, height: float, sizes: Sequence[float], *, bold: bool = False
) -> tuple[float, str]:
    """A title's size and text: on one line's worth of spacing (line breaks become spaces),
    at the largest of ``sizes`` that fits, shortened with " …" if even the smallest does not."""
    text = " ".join(text.split())
    size = fitting_size([text], width, height, sizes, bold=bold)
    if text_height(text, width, size, bold=bold) > height:
        text = shorten_to_fit(text, width, height, size, bold=bold)
    return size, text


def header_height(table: Table) -> float:
    return max(
        _cell_height(column.heading, column.width, table.size, bold=True)
        for column in table.columns
    )


def row_height(table: Table, index: int) -> float:
    return max(
        _cell_height(cell.text, column.width, table.size, bold=cell.bold)
        for cell, column in zip(table.rows[index], table.columns, strict=True)
    )


def _cell_height(text: str, width: float, size: float, *, bold: bool) -> float:
    # A fifth of a line spare: PowerPoint's table line height runs a little over the
    # font's, and a row that is too tall is harmless where one too short is not.
    lines = line_count(text, width - 2 * CELL_INSET, size, bold=bold)
    return (lines + 0.2) * size * LINE_SPACING + 2 * _CELL_Y


def narrowest_column(text: str, size: float, *, bold: bool = False) -> float:
    """The narrowest table column in which ``text`` breaks only between words: its longest
    word and the cell's insets (PowerPoint breaks a word that is wider than its cell)."""
    return longest_word_width(text, size, bold=bold) + 2 * CELL_INSET + 1


def note_height(note: str, width: float, size: float) -> float:
    """Height of a text box ``width`` wide holding ``note`` (insets included)."""
    return text_height(note, width - 2 * INSET_X, size) + 2 * INSET_Y + 2


def _place(shape: object, left: float, top: float, width: float, height: float) -> None:
    shape.left, shape.top = _pt(left), _pt(top)  # type: ignore[attr-defined]
    shape.width, shape.height = _pt(width), _pt(height)  # type: ignore[attr-defined]


def _fill_frame(
    frame: TextFrame,
    paras: Sequence[Para],
    size: float,
    align: PP_ALIGN,
    *,
    colour: str | None = None,
    space_after: float = 0.0,
) -> None:
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = _pt(INSET_X)
    frame.margin_top = frame.margin_bottom = _pt(INSET_Y)
    for index, para in enumerate(paras):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.line_spacing = 1.0
        if space_after:
            paragraph.space_after = Pt(space_after)
        if para.bullet:
            _bullet(paragraph._p, size)
        for piece in para.runs:
            run = paragraph.add_run()
            run.text = piece.text
            run.font.size = Pt(size)
            run.font.name = FONT
            run.font.bold = piece.bold
            run.font.color.rgb = RGBColor.from_string(piece.colour or colour or body_ink())


def _bullet(paragraph: etree._Element, size: float) -> None:
    properties = paragraph.get_or_add_pPr()
    indent = _pt(size * 1.1)
    properties.set("marL", str(indent))
    properties.set("indent", str(-indent))
    bullet = etree.SubElement(properties, qn("a:buChar"))
    bullet.set("char", "•")


def _cell(
    target: object,
    cell: Cell,
    column: Column,
    size: float,
    *,
    background: str,
    colour: str | None,
) -> None:
    target.fill.solid()  # type: ignore[attr-defined]
    target.fill.fore_color.rgb = RGBColor.from_string(background)  # type: ignore[attr-defined]
    target.margin_left = target.margin_right = _pt(CELL_INSET)  # type: ignore[attr-defined]
    target.margin_top = target.margin_bottom = _pt(_CELL_Y)  # type: ignore[attr-defined]
    target.vertical_anchor = MSO_ANCHOR.TOP  # type: ignore[attr-defined]
    frame = target.text_frame  # type: ignore[attr-defined]
    frame.word_wrap = True
    align = {"left": PP_ALIGN.LEFT, "centre": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}
    for index, line in enumerate(cell.text.split("\n")):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align[column.align]
        paragraph.line_spacing = 1.0
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.name = FONT
        run.font.bold = cell.bold
        run.font.color.rgb = RGBColor.from_string(colour or cell.colour or body_ink())


def _no_label(label: object) -> None:
    """No label on a slice too narrow for one (its number is in the legend beside)."""
    element = label._get_or_add_dLbl()  # type: ignore[attr-defined]
    for child in list(element):
        if child.tag != qn("c:idx"):
            element.remove(child)
    etree.SubElement(element, qn("c:delete")).set("val", "1")


def _hole_size(chart: object, percent: int) -> None:
    space = chart._chartSpace  # type: ignore[attr-defined]
    for hole in space.iter(qn("c:holeSize")):
        hole.set("val", str(percent))


ROWS_PER_SLIDE = 12  # a table's rows on one slide, at most: a reader keeps their place
FOOTER_RESERVE = 8.0  # points kept free above the footer, for what measuring under-estimates


def paginate(
    table: Table,
    first: float,
    rest: float,
    *,
    note_size: float = 10.0,
    max_rows: int = ROWS_PER_SLIDE,
) -> list[list[int]]:
    """Row indices of ``table`` per slide: ``first`` points free on the first slide, then
    ``rest`` on each following one, and at most ``max_rows`` rows on a slide; a row's note
    (printed under the table) is reserved too.

    Every slide gets at least one row, so a single row taller than a slide still appears
    (the caller keeps such rows short: see ``fit_row``).
    """
    width = sum(column.width for column in table.columns)
    pages: list[list[int]] = []
    current: list[int] = []
    available = first
    used = header_height(table)
    for index in range(len(table.rows)):
        needed = row_height(table, index)
        note = table.notes[index] if index < len(table.notes) else None
        if note:
            needed += note_height(note, width, note_size)
        if index == 0 and table.note:
            needed += note_height(table.note, width, note_size)
        full = len(current) >= max_rows
        if (used + needed > available or full) and (current or available < rest):
            pages.append(current)
            current, available, used = [], rest, header_height(table)
        current.append(index)
        used += needed
    if current or not pages:
        pages.append(current)
    return pages


def fit_row(
    cells: Sequence[Cell], columns: Sequence[Column], size: float, limit: float
) -> list[Cell]:
    """``cells`` with the longest texts shortened until the row is at most ``limit`` tall.

    Only for text so long that one row would not fit an empty slide; the shortened cell
    ends with a pointer to the full text in the Word and HTML reports.
    """
    cells = list(cells)
    marker = " … (full text in the Word and HTML reports)"
    while True:
        heights = [
            _cell_height(c.text, col.width, size, bold=c.bold)
            for c, col in zip(cells, columns, strict=True)
        ]
        if max(heights) <= limit:
            return cells
        tallest = heights.index(max(heights))
        cell = cells[tallest]
        base = cell.text.removesuffix(marker)
        words = base.split(" ")
        if len(words) <= 1:
            return cells
        shorter = " ".join(words[: max(1, len(words) * 4 // 5)])
        cells[tallest] = Cell(shorter + marker, cell.status, cell.colour, cell.bold)
