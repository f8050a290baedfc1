"""The report's charts: RAG donuts and KPI trend charts as SVG. Trend charts are drawn
with matplotlib; a donut's SVG is written here, with matplotlib's wedge outlines and text
metrics, the same drawing at a fraction of the cost (ADR 0082).

Same numbers → byte-identical SVG: the SVG hash salt is fixed, the date and creator
metadata are left out, and text stays text (``svg.fonttype: none``) in the report's font
stack. Each distinct chart is drawn once per process (an LRU cache keyed by the numbers it
shows), and a trend chart on the figure the previous one of its size was drawn on when the
two share a time axis, as the charts of a deep dive do (ADR 0091): only its own lines,
value labels and legend are made, and it comes out byte for byte as it would on a figure of
its own. Every chart carries a text alternative stating its numbers (``role="img"``, an
``aria-label`` and a ``<title>``), and every coloured slice also carries its status letter,
so the charts read in greyscale.
"""

from __future__ import annotations

import io
import itertools
import math
import re
import threading
import warnings
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context  # after use("Agg"): the backend is chosen first
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.cbook import STEP_LOOKUP_MAP
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, fontManager, get_font
from matplotlib.patches import Wedge
from matplotlib.path import Path
from matplotlib.text import Annotation
from matplotlib.textpath import TextToPath
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import Bbox, IdentityTransform

from plantracker.domain.model import Status
from plantracker.reports.model import Donut, HeatMap, TrendChart
from plantracker.reports.palette import INK, MUTED, STATUS_FILL, STATUS_INK

FONT_STACK = ["Liberation Sans", "Arial", "Helvetica", "DejaVu Sans"]
# Typed loosely: matplotlib's stubs want a dict of literal keys, not dict[str, Any].
_RC: Any = {
    "svg.hashsalt": "plantracker",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": FONT_STACK,
    "font.size": 9,
    "text.color": INK,
    "axes.edgecolor": MUTED,
    "axes.labelcolor": INK,
    "xtick.color": INK,
    "ytick.color": INK,
    "path.simplify": False,
}
_METADATA = {"Date": None, "Creator": None}
PNG_DPI = 150  # sharp in print at the sizes Word shows the charts


@dataclass(frozen=True)
class TrendSize:
    """A trend chart's drawing size in inches and where its axes sit in it, also in inches,
    so that its 7.5-point text is 7.5 points where it is shown at that size."""

    width: float
    height: float
    left: float  # room for the value axis's tick labels
    right: float
    bottom: float  # room for the period names
    top: float  # room for one row of the legend
    value_ticks: int  # at most this many intervals on the value axis of a count


# Half a page wide: the web pages, the report's HTML and Word (two abreast).
PAGE = TrendSize(
    width=3.5, height=2.3, left=0.525, right=0.28, bottom=0.621, top=0.345, value_ticks=10
)
# A fifth of an A4 landscape page's content width (the PDF's rows of five).
COLUMN = TrendSize(
    width=2.0, height=1.65, left=0.42, right=0.2, bottom=0.45, top=0.26, value_ticks=5
)
# matplotlib's settings are one set for the whole process: ``rc_context`` changes them for
# every thread and puts them back on leaving. A web process serves pages on several threads
# (ADR 0090), so one chart is drawn at a time; the lock is re-entered by nested drawing.
_DRAWING = threading.RLock()
_LEGEND_ROW = 0.15  # inches each further row of a legend that wraps adds above the axes
_LETTER_MIN_SHARE = Decimal("0.07")  # a slice narrower than this has no room for a letter


def donut_svg(donut: Donut) -> str:
    """The donut of ``donut``'s counts, with the total in the centre and letters on slices."""
    slices = tuple((s.status, s.count) for s in donut.slices)
    return _accessible(_donut_drawing(slices, donut.count, donut.noun), donut.alt)


def trend_svg(chart: TrendChart, size: TrendSize = PAGE) -> str:
    """``chart``'s values over the periods, its target line and (if any) its trend line,
    drawn at ``size`` (the size it is shown at)."""
    return _accessible(_trend_drawing(chart, size), chart.alt)


def donut_png(donut: Donut, dpi: int = PNG_DPI) -> bytes:
    """``donut_svg``'s drawing as PNG, for Word (its text alternative goes with the image)."""
    slices = tuple((s.status, s.count) for s in donut.slices)
    return _donut_png(slices, donut.count, donut.noun, dpi)


def trend_png(chart: TrendChart, dpi: int = PNG_DPI) -> bytes:
    """``trend_svg``'s drawing as PNG."""
    return _trend_png(chart, dpi)


def clear_cache() -> None:
    """Forget every drawn chart (for benchmarks that measure a cold start)."""
    _donut_drawing.cache_clear()
    _centre_to_baseline.cache_clear()
    _trend_drawing.cache_clear()
    _donut_png.cache_clear()
    _trend_png.cache_clear()
    with _DRAWING:
        _SHEETS.clear()
        _svg_text_measures.cache_clear()


@lru_cache(maxsize=4096)
def _donut_drawing(slices: tuple[tuple[Status, int], ...], count: int, noun: str) -> str:
    return _donut_svg(slices, count, noun)


@lru_cache(maxsize=2048)
def _trend_drawing(chart: TrendChart, size: TrendSize) -> str:
    with _DRAWING, rc_context(_RC):
        # Printed before the lock is let go: the figure is the next chart's after that.
        return _svg(_reused_figure(chart, size))


@lru_cache(maxsize=512)
def _donut_png(slices: tuple[tuple[Status, int], ...], count: int, noun: str, dpi: int) -> bytes:
    with _DRAWING, rc_context(_RC):
        return _png(_donut_figure(slices, count, noun), dpi)


@lru_cache(maxsize=512)
def _trend_png(chart: TrendChart, dpi: int) -> bytes:
    with _DRAWING, rc_context(_RC):
        return _png(_reused_figure(chart, PAGE), dpi)


def _png(figure: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure)
    with warnings.catch_warnings():
        # A character the fonts lack is drawn as a box; saying so on stderr helps no one.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        # No "Software" text chunk: the same numbers give the same bytes.
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


# --- drawing --------------------------------------------------------------------------------


def _donut_figure(slices: tuple[tuple[Status, int], ...], count: int, noun: str) -> Figure:
    with _DRAWING, rc_context(_RC):
        figure = Figure(figsize=(1.8, 1.8))
        axes = figure.add_axes((0.02, 0.02, 0.96, 0.96))
        axes.set_aspect("equal")
        axes.axis("off")
        sizes = [n for _, n in slices]
        wedges, _ = axes.pie(
            sizes,
            colors=[STATUS_FILL[status] for status, _ in slices],
            startangle=90,
            counterclock=False,
            radius=1.0,
            wedgeprops={"width": 0.34, "edgecolor": "white", "linewidth": 2},
        )
        for wedge, (status, n) in zip(wedges, slices, strict=True):
            if Decimal(n) / Decimal(count) < _LETTER_MIN_SHARE:
                continue
            x, y = _mid_point(wedge.theta1, wedge.theta2, 0.82)
            axes.text(
                x,
                y,
                status.letter,
                ha="center",
                va="center",
                fontsize=13,
                fontweight="bold",
                color=STATUS_INK[status],
            )
        axes.text(0, 0.12, str(count), ha="center", va="center", fontsize=24, fontweight="bold")
        axes.text(0, -0.27, noun, ha="center", va="center", fontsize=12, color=INK)
        axes.set_xlim(-1.02, 1.02)
        axes.set_ylim(-1.02, 1.02)
        return figure


# The doughnut's SVG is written here rather than by matplotlib: the same drawing as
# ``_donut_figure`` (the same wedge outlines, from matplotlib's own ``Wedge``, the same text
# at the same places) at a twentieth of the time, and with none of the empty axes' groups
# that the PDF's renderer would walk (ADR 0082, docs/benchmarks.md).
_DONUT_SIZE = 1.8 * 72  # points: ``_donut_figure``'s 1.8-inch square
_DONUT_SCALE = 0.96 * _DONUT_SIZE / 2.04  # points per data unit (axes 96 %, limits ±1.02)
_DONUT_RING = 0.34  # the ring's width, a share of the radius


def _donut_svg(slices: tuple[tuple[Status, int], ...], count: int, noun: str) -> str:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(_DONUT_SIZE)} '
        f'{_num(_DONUT_SIZE)}" version="1.1">',
        f'<path d="M 0 {_num(_DONUT_SIZE)} L {_num(_DONUT_SIZE)} {_num(_DONUT_SIZE)} '
        f'L {_num(_DONUT_SIZE)} 0 L 0 0 z" style="fill: #ffffff"/>',
    ]
    total = sum(n for _, n in slices)
    letters = []
    start = 90 / 360  # as ``axes.pie(startangle=90, counterclock=False)`` turns
    for status, n in slices:
        end = start - n / total
        theta1, theta2 = 360 * min(start, end), 360 * max(start, end)
        start = end
        path = Wedge((0, 0), 1.0, theta1, theta2, width=_DONUT_RING).get_path()
        parts.append(
            f'<path d="{_svg_path(path)}" style="fill: {STATUS_FILL[status]}; '
            'stroke: #ffffff; stroke-width: 2; stroke-linejoin: miter"/>'
        )
        if Decimal(n) / Decimal(count) >= _LETTER_MIN_SHARE:
            letters.append((_mid_point(theta1, theta2, 0.82), status.letter, STATUS_INK[status]))
    for (x, y), letter, colour in letters:
        parts.append(_svg_text(letter, x, y, 13, bold=True, colour=colour))
    parts.append(_svg_text(str(count), 0, 0.12, 24, bold=True, colour=INK))
    parts.append(_svg_text(noun, 0, -0.27, 12, bold=False, colour=INK))
    parts.append("</svg>")
    return "".join(parts)


def _num(value: float) -> str:
    """A coordinate as matplotlib's SVG writes one: six decimals, no trailing zeros."""
    text = f"{value:f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _to_page(x: float, y: float) -> tuple[float, float]:
    """A point of the doughnut's data space in the SVG's points (y grows downwards)."""
    centre = _DONUT_SIZE / 2
    return centre + x * _DONUT_SCALE, centre - y * _DONUT_SCALE


def _svg_path(path: Path) -> str:
    commands = []
    for vertices, code in path.iter_segments(simplify=False, curves=True):
        points = [_to_page(vertices[i], vertices[i + 1]) for i in range(0, len(vertices), 2)]
        flat = " ".join(f"{_num(x)} {_num(y)}" for x, y in points)
        if code == Path.MOVETO:
            commands.append(f"M {flat}")
        elif code == Path.LINETO:
            commands.append(f"L {flat}")
        elif code == Path.CURVE4:
            commands.append(f"C {flat}")
        elif code == Path.CURVE3:
            commands.append(f"Q {flat}")
        elif code == Path.CLOSEPOLY:
            commands.append("z")
    return " ".join(commands)


_FONT_FAMILY = ", ".join(f"'{name}'" for name in FONT_STACK) + ", sans-serif"


def _svg_text(text: str, x: float, y: float, size: float, *, bold: bool, colour: str) -> str:
    """``text`` centred on the data point (x, y), as matplotlib's ``ha="center",
    va="center"`` places it: the baseline where matplotlib's text layout puts it."""
    left, top = _to_page(x, y)
    baseline = top + _centre_to_baseline(text, size, bold)
    weight = "font-weight: 700; " if bold else ""
    return (
        f'<text style="{weight}font-size: {_num(size)}px; font-family: {_FONT_FAMILY}; '
        f'text-anchor: middle; fill: {colour}" x="{_num(left)}" y="{_num(baseline)}">'
        f"{escape(text)}</text>"
    )


@lru_cache(maxsize=1024)
def _centre_to_baseline(text: str, size: float, bold: bool) -> float:
    """How far below a centred text's middle matplotlib sets its baseline, in points: half
    its ascent less its descent, each at least the font's own (``Text._get_layout``)."""
    with _DRAWING, rc_context(_RC):
        properties = FontProperties(size=size, weight="bold" if bold else "normal")
        font = get_font(fontManager._find_fonts_by_props(properties))
        _, height, descent = TextToPath().get_text_width_height_descent(
            text, properties, ismath=False
        )
    head, os2, hhea = (
        font.get_sfnt_table("head"),
        font.get_sfnt_table("OS/2"),
        font.get_sfnt_table("hhea"),
    )
    assert head is not None, "a TrueType font has a head table"
    scale = size / head["unitsPerEm"]
    if os2 is not None:
        least_ascent = os2["sTypoAscender"] * scale
        least_descent = -os2["sTypoDescender"] * scale
    else:
        assert hhea is not None, "a TrueType font has an hhea table"
        least_ascent, least_descent = hhea["ascent"] * scale, -hhea["descent"] * scale
    ascent = max(height - descent, least_ascent)
    descent = max(descent, least_descent)
    return (ascent - descent) / 2


def _mid_point(theta1: float, theta2: float, radius: float) -> tuple[float, float]:
    angle = math.radians((theta1 + theta2) / 2)
    return radius * math.cos(angle), radius * math.sin(angle)


# Drawing a trend chart's figure from nothing (its axes, their ticks, the time axis's names
# measured and slanted) costs more than drawing its lines: the charts of one report share a
# size, and those of one deep dive a time axis, so each chart is drawn on the figure the
# previous chart of its size was drawn on when it has the same time axis (ADR 0091). Only
# the chart's own artists go (lines, value labels, legend); the axes, their ticks and the
# measuring renderer, with the text measures matplotlib keeps per renderer, stay. Drawing is
# serialized by ``_DRAWING``, which is held until the figure is written out.
_SHEETS: dict[TrendSize, _Sheet] = {}


@dataclass(frozen=True)
class _TimeAxis:
    """What a trend chart's time axis shows, from which all of it follows: its limits, its
    ticks and their names, and so which names are written and whether they are slanted."""

    ticks: tuple[float, ...]
    labels: tuple[str, ...]
    periods: int  # the first ``periods`` ticks are the periods' ends
    right: float  # the last day shown (``TrendChart.end``)


def _time_axis(chart: TrendChart) -> _TimeAxis:
    xs = [_day(p.end) for p in chart.points]
    right = _day(chart.end)
    ticks, labels = list(xs), [p.tick or p.period_id for p in chart.points]
    target_day = _day(chart.target_date) if chart.target_date is not None else None
    if target_day is not None and xs[-1] < target_day <= right:
        ticks.append(target_day)
        labels.append(chart.target_date_text)
    if chart.axis_end_text and right > ticks[-1]:
        ticks.append(right)
        labels.append(chart.axis_end_text)
    return _TimeAxis(tuple(ticks), tuple(labels), len(xs), right)


class _Sheet:
    """A trend chart's figure and axes, with the renderer that measures their texts."""

    def __init__(self, size: TrendSize) -> None:
        self.size = size
        # Drawn at the size it is shown (``size``), so its 7.5-point text stays 7.5 points
        # on paper.
        self.figure = Figure(figsize=(size.width, size.height))
        self.axes = self.figure.add_axes(_axes_box(size, size.height))
        for side in ("top", "right"):
            self.axes.spines[side].set_visible(False)
        self.axes.tick_params(axis="y", labelsize=7.5)  # the ticks made later take it too
        self._spare_work()
        self.dpi = self.figure.dpi
        self.time_axis: _TimeAxis | None = None  # None until the time axis is drawn
        self._renderers: dict[tuple[float, float, float], RendererAgg] = {}
        self._note: Annotation | None = None
        self._period_name_boxes: dict[tuple[float, float, float], list[Bbox]] = {}

    def _spare_work(self) -> None:
        """Spare matplotlib work whose result these charts never show: working out, each
        time it draws, where the axis titles would go clear of the tick labels (the axes
        have none), and measuring the tick labels as each axis draws only to place its
        offset text (none either: the charts' formatters write each tick in full)."""
        self.axes.xaxis.set_label_coords(0.5, 0)
        self.axes.yaxis.set_label_coords(0, 0.5)
        axis: Any  # a private method, replaced on these two objects alone
        for axis in (self.axes.xaxis, self.axes.yaxis):
            axis._get_ticklabel_bboxes = _no_boxes

    def renderer(self) -> RendererAgg:
        """The renderer that measures texts at the figure's present size and resolution:
        one for each, kept, so that each text is measured once (matplotlib keeps a text's
        measures per renderer), not once per question or per chart."""
        key = self._key()
        renderer = self._renderers.get(key)
        if renderer is None:
            renderer = self._renderers[key] = RendererAgg(*key)
        return renderer

    def _key(self) -> tuple[float, float, float]:
        """The figure's present width and height in pixels, and its resolution."""
        width, height = self.figure.bbox.size
        return width, height, self.figure.dpi

    def period_name_boxes(self) -> list[Bbox]:
        """The boxes of the time axis's written names, which the value labels keep clear
        of: the same for every chart drawn on the figure at one size and resolution."""
        key = self._key()
        boxes = self._period_name_boxes.get(key)
        if boxes is None:
            renderer = self.renderer()
            boxes = self._period_name_boxes[key] = [
                label.get_window_extent(renderer)
                for label in self.axes.get_xticklabels()
                if label.get_text()
            ]
        return boxes

    def measure(self, text: str, x: float, y: float) -> Bbox:
        """The box of a value label ``text`` set left and bottom on the point (x, y), as
        matplotlib measures the annotation ``axes.annotate`` makes of it, by one annotation
        kept for measuring: never added to the axes, never drawn."""
        note = self._note
        if note is None:
            note = self._note = Annotation(
                text, (x, y), ha="left", va="bottom", fontsize=7.5, color=INK
            )
            # what ``axes.annotate`` sets up, bar adding it to the axes
            note.set_transform(IdentityTransform())
            note.set_figure(self.figure)
            note.axes = self.axes
        else:
            note.xy = (x, y)
            note.set_position((x, y))
            note.set_text(text)
        return note.get_window_extent(self.renderer())

    def clear(self) -> None:
        """Take the previous chart off: its lines, value labels and legend; the figure back
        to its size (a wrapped legend made it taller) and resolution (matplotlib leaves the
        figure at the SVG's 72 dpi)."""
        figure, axes, size = self.figure, self.axes, self.size
        for artist in (
            *axes.lines,
            *axes.texts,
            *axes.patches,
            *axes.collections,
            *figure.legends,
            *figure.texts,
        ):
            artist.remove()
        axes.dataLim = Bbox.null()
        axes.ignore_existing_data_limits = True
        if figure.dpi != self.dpi:
            figure.dpi = self.dpi
        if tuple(figure.get_size_inches()) != (size.width, size.height):
            figure.set_size_inches(size.width, size.height)
            axes.set_position(_axes_box(size, size.height))


def _no_boxes(ticks: list[Any], renderer: Any) -> tuple[list[Bbox], list[Bbox]]:
    return [], []


def _trend_figure(chart: TrendChart, size: TrendSize = PAGE) -> Figure:
    """``chart`` drawn on a figure of its own."""
    with _DRAWING, rc_context(_RC):
        sheet = _Sheet(size)
        _draw_trend(sheet, chart, _time_axis(chart))
        return sheet.figure


def _reused_figure(chart: TrendChart, size: TrendSize) -> Figure:
    """``chart`` drawn on the figure the previous chart of ``size`` was drawn on when that
    one has the same time axis, else on a new figure. The caller holds ``_DRAWING``, in
    ``rc_context(_RC)``, until it has written the figure out: then it is the next chart's."""
    time_axis = _time_axis(chart)
    sheet = _SHEETS.get(size)
    if sheet is None or sheet.time_axis != time_axis:
        sheet = _SHEETS[size] = _Sheet(size)
    else:
        sheet.clear()
    try:
        _draw_trend(sheet, chart, time_axis)
    except BaseException:
        del _SHEETS[size]  # half drawn: the next chart starts on a new figure
        raise
    return sheet.figure


def _draw_trend(sheet: _Sheet, chart: TrendChart, time_axis: _TimeAxis) -> None:
    axes, size = sheet.axes, sheet.size
    xs = [_day(p.end) for p in chart.points]
    known = [
        (x, float(p.value)) for x, p in zip(xs, chart.points, strict=True) if p.value is not None
    ]
    right = time_axis.right
    shown_values = [y for _, y in known]
    handles = []
    labelled: list[tuple[float, Any]] = []

    targets = [
        (x, float(p.target)) for x, p in zip(xs, chart.points, strict=True) if p.target is not None
    ]
    target_day = _day(chart.target_date) if chart.target_date is not None else None
    if targets:
        # The line runs on to the chart's right edge: the target date when it is near
        # enough to show (``TrendChart.end``, shared by the charts of one table).
        if right > targets[-1][0]:
            targets.append((right, targets[-1][1]))
        (line,) = axes.plot(
            [x for x, _ in targets],
            [y for _, y in targets],
            drawstyle="steps-post",
            color=INK,
            linestyle=(0, (5, 3)),
            linewidth=1.2,
            label=chart.line_label,
        )
        handles.append(line)
        shown_values.extend(y for _, y in targets)
    if chart.target_value is not None and target_day is not None and xs[0] <= target_day <= right:
        axes.plot(
            [target_day],
            [float(chart.target_value)],
            marker="D",
            markersize=5,
            color=INK,
            linestyle="none",
        )
    if chart.trajectory is not None:
        trajectory = chart.trajectory
        start = trajectory.points[0][0]
        end_day = min(_day(trajectory.target_date), right)
        end_value = float(trajectory.at(date.fromordinal(int(end_day))))
        colour = STATUS_FILL[Status.GREEN if trajectory.on_course else Status.RED]
        (line,) = axes.plot(
            [_day(start), end_day],
            [float(trajectory.at(start)), end_value],
            color=colour,
            linestyle=(0, (1, 2)),
            linewidth=1.6,
            label=f"Trend: {trajectory.verdict}",
        )
        handles.append(line)
        shown_values.append(end_value)
    if known:
        (line,) = axes.plot(
            [x for x, _ in known],
            [y for _, y in known],
            color=STATUS_FILL[Status.BLUE],
            marker="o",
            markersize=4.5,
            linewidth=2,
            label="Value",
        )
        handles.insert(0, line)
        labelled = [(x, p) for x, p in zip(xs, chart.points, strict=True) if p.value is not None]
        if len(labelled) > _ALL_LABELS:
            # Labels on every point would collide; the first and the latest are what a
            # reader compares (every value is in the text alternative).
            labelled = [labelled[0], labelled[-1]]
    if sheet.time_axis is None:
        _draw_time_axis(sheet, time_axis)
        sheet.time_axis = time_axis
    suffix = chart.unit_suffix
    axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}{suffix}"))
    if chart.whole_numbers:
        axes.yaxis.set_major_locator(MaxNLocator(nbins=size.value_ticks, integer=True))
    else:
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]))
    _pad_limits(axes, shown_values, chart.zero_based)
    if handles:
        _legend(sheet, handles)
    if known:
        _place_labels(
            sheet, [(x, float(p.value), p.label) for x, p in labelled if p.value is not None]
        )


def _draw_time_axis(sheet: _Sheet, time_axis: _TimeAxis) -> None:
    """The time axis's limits, ticks and period names. Every period keeps its tick. Above
    _ALL_TICK_LABELS ticks, or where slanted names would still run into each other, only
    every other (third…) one is named, counted back from the latest period; the ticks
    after the periods (target date, axis end) keep theirs."""
    axes = sheet.axes
    ticks, labels = list(time_axis.ticks), list(time_axis.labels)
    span = (time_axis.right - ticks[0]) or 90.0
    axes.set_xlim(ticks[0] - span * 0.06, time_axis.right + span * 0.04)
    last = time_axis.periods - 1
    step = 2 if len(labels) > _ALL_TICK_LABELS else 1
    while True:
        named = [
            text if i > last or (last - i) % step == 0 else "" for i, text in enumerate(labels)
        ]
        axes.set_xticks(ticks, named, fontsize=7.5)
        slanted = len(ticks) > 3 or _crowded(sheet, axes.get_xticklabels())
        if not slanted:
            break
        for label in axes.get_xticklabels():
            label.set_rotation(_SLANT)
            label.set_horizontalalignment("right")
            label.set_rotation_mode("anchor")
        if step > last or _slants_apart(sheet, ticks, named):
            break
        step += 1


def _crowded(sheet: _Sheet, labels: list[Any]) -> bool:
    """Whether two neighbouring tick labels, set level, would touch."""
    renderer = sheet.renderer()
    gap = 3 * sheet.figure.dpi / 72  # points kept between two period names
    boxes = [label.get_window_extent(renderer) for label in labels if label.get_text()]
    return any(a.x1 + gap > b.x0 for a, b in itertools.pairwise(boxes))


def _slants_apart(sheet: _Sheet, ticks: list[float], named: list[str]) -> bool:
    """Whether slanted period names, parallel strips, stay a line's height apart."""
    xs = [
        sheet.axes.transData.transform((tick, 0))[0]
        for tick, text in zip(ticks, named, strict=True)
        if text
    ]
    line = _TICK_LINE * sheet.figure.dpi / 72
    return all((b - a) * math.sin(math.radians(_SLANT)) >= line for a, b in itertools.pairwise(xs))


def _axes_box(size: TrendSize, height: float) -> tuple[float, float, float, float]:
    """The axes' rectangle as fractions of a figure ``height`` inches tall (the axes keep
    their size in inches when a wrapped legend makes the figure taller)."""
    plot_height = size.height - size.bottom - size.top
    return (
        size.left / size.width,
        size.bottom / height,
        (size.width - size.left - size.right) / size.width,
        plot_height / height,
    )


def _legend(sheet: _Sheet, handles: list[Any]) -> None:
    """The legend above the axes: on one row when it fits the figure's width, else wrapped
    onto as many rows as it needs, the figure growing taller so that nothing is cut."""
    figure, size = sheet.figure, sheet.size
    renderer = sheet.renderer()
    columns = len(handles)
    while True:
        legend = figure.legend(
            handles=handles,
            loc="upper center",
            ncols=columns,
            frameon=False,
            fontsize=7,
            columnspacing=1.2,
            # centred over the plot
            bbox_to_anchor=((size.left + size.width - size.right) / 2 / size.width, 1.0),
            handlelength=2.2 if size.width >= PAGE.width else 1.6,
            borderaxespad=0.2,
        )
        box = legend.get_window_extent(renderer)
        if columns == 1 or (box.x0 >= 0 and box.x1 <= figure.bbox.width):
            break
        legend.remove()
        columns -= 1
    rows = math.ceil(len(handles) / columns)
    if rows > 1:
        height = size.height + (rows - 1) * _LEGEND_ROW
        figure.set_size_inches(size.width, height)
        sheet.axes.set_position(_axes_box(size, height))


_ALL_LABELS = 5  # up to this many points, every value is written beside its point
_LABEL_MARGIN = 2.5  # points kept free round a value label
_ALL_TICK_LABELS = 7  # above this many ticks, every other one is named
_SLANT = 30  # degrees: period names that would touch set level are slanted
_TICK_LINE = 9.0  # points: the height of a 7.5-point period name, the room it needs


def _day(day: date) -> float:
    return float(day.toordinal())


def _pad_limits(axes: Any, values: list[float], zero_based: bool) -> None:
    """Room above the highest point for its label; zero at the bottom of a count's or a
    percentage's axis (docs/rules.md#chart-ticks), so that a small change looks small."""
    if not values:
        axes.set_ylim(0, 1)
        return
    low, high = min(values), max(values)
    if zero_based and low >= 0:
        low = 0.0
    span = (high - low) or abs(high) or 1.0
    bottom = low if low == 0 else low - span * 0.15
    axes.set_ylim(bottom, high + span * 0.3)


# Where a value's label may go, in points from its point, in the order tried: above, below,
# right, left, then further out. The first place that overlaps nothing is taken.
_LABEL_PLACES = (
    ((0, 5), "center", "bottom"),
    ((0, -6), "center", "top"),
    ((6, 0), "left", "center"),
    ((-6, 0), "right", "center"),
    ((0, 14), "center", "bottom"),
    ((0, -15), "center", "top"),
    ((8, 8), "left", "bottom"),
    ((-8, 8), "right", "bottom"),
    ((8, -8), "left", "top"),
    ((-8, -8), "right", "top"),
)


def _place_labels(sheet: _Sheet, labels: list[tuple[float, float, str]]) -> None:
    """Write each value beside its point where it overlaps no other label, no tick label,
    no line or marker and stays inside the plot; a label with no free place is left out
    (every value is in the chart's text alternative and in the tables)."""
    figure, axes = sheet.figure, sheet.axes
    renderer = sheet.renderer()
    taken = [
        *sheet.period_name_boxes(),
        *(
            label.get_window_extent(renderer)
            for label in axes.get_yticklabels()
            if label.get_text()
        ),
    ]
    paths = _line_paths(axes)
    inside = axes.get_window_extent(renderer)
    points = figure.dpi / 72
    for x, y, text in labels:
        # The label's box is measured once, set left and bottom on its point; each place
        # tried is that box moved (matplotlib aligns a one-line text by its box), so that
        # only the label kept is made.
        measured = sheet.measure(text, x, y)
        width, height = measured.width, measured.height
        for offset, ha, va in _LABEL_PLACES:
            left = measured.x0 + offset[0] * points - _ALIGN[ha] * width
            bottom = measured.y0 + offset[1] * points - _ALIGN[va] * height
            # A margin round the text: the page may set it in a font a little taller than
            # the one measured here.
            box = Bbox.from_bounds(left, bottom, width, height).padded(_LABEL_MARGIN * points)
            if (
                box.x0 >= inside.x0 + 1
                and box.x1 <= inside.x1
                and box.y0 >= inside.y0 + 1
                and box.y1 <= inside.y1
                and not any(box.overlaps(other) for other in taken)
                and not any(path.intersects_bbox(box, filled=False) for path in paths)
            ):
                axes.annotate(
                    text,
                    (x, y),
                    textcoords="offset points",
                    xytext=offset,
                    ha=ha,
                    va=va,
                    fontsize=7.5,
                    color=INK,
                )
                taken.append(box)
                break


# How far a label's box sits back from its anchor, a share of its width or height.
_ALIGN = {"left": 0.0, "bottom": 0.0, "center": 0.5, "right": 1.0, "top": 1.0}


def _line_paths(axes: Any) -> list[Any]:
    """Every drawn line and marker of ``axes`` in display space, as paths."""
    paths = []
    for line in axes.get_lines():
        xs, ys = line.get_xdata(orig=False), line.get_ydata(orig=False)
        style = line.get_drawstyle()
        if style in STEP_LOOKUP_MAP and style != "default":
            xs, ys = STEP_LOOKUP_MAP[style](xs, ys)
        points = axes.transData.transform(list(zip(xs, ys, strict=True)))
        if line.get_linestyle() not in ("None", "none", "", " ") and len(points) > 1:
            paths.append(Path(points))
        if line.get_marker() not in ("None", "none", "", " ", None):
            radius = line.get_markersize() / 72 * float(axes.figure.dpi) / 2 + 1
            for px, py in points:
                paths.append(
                    Path(
                        [
                            (px - radius, py - radius),
                            (px + radius, py - radius),
                            (px + radius, py + radius),
                            (px - radius, py + radius),
                            (px - radius, py - radius),
                        ]
                    )
                )
    return paths


def _print_svg(figure: Figure, buffer: io.StringIO) -> None:
    """``FigureCanvasSVG.print_svg`` (matplotlib's, line for line), with a renderer that
    measures each text once per process: matplotlib keeps a text's measures per renderer,
    and makes a renderer for each SVG it writes."""
    dpi = figure.dpi
    figure.dpi = 72  # and left so, as matplotlib does: ``_Sheet.clear`` puts it back
    width, height = figure.get_size_inches()
    svg = _RendererSVG(width * 72, height * 72, buffer, image_dpi=dpi, metadata=_METADATA)
    renderer: Any = MixedModeRenderer(figure, width, height, dpi, svg, bbox_inches_restore=None)
    figure.draw(renderer)
    renderer.finalize()


class _RendererSVG(RendererSVG):
    def get_text_width_height_descent(
        self, s: str, prop: FontProperties, ismath: Any
    ) -> tuple[float, float, float]:
        # a copy: a FontProperties is mutable, and its hash is of what it holds
        return _svg_text_measures(s, prop.copy(), ismath)


@lru_cache(maxsize=4096)
def _svg_text_measures(s: str, prop: FontProperties, ismath: Any) -> tuple[float, float, float]:
    """A text's width, height and descent as matplotlib's SVG renderer measures them, from
    the font's outlines at a fixed size (``TextToPath``): they depend on nothing else but
    the settings that pick a font for a family name, which are always ``_RC`` here (every
    chart is drawn inside ``rc_context(_RC)``)."""
    return _TEXT_TO_PATH.get_text_width_height_descent(s, prop, ismath)


_TEXT_TO_PATH = TextToPath()


# --- SVG text -------------------------------------------------------------------------------

_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.S)
_METADATA_BLOCK = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_SIZE = re.compile(r' (width|height)="[^"]*"')
_BETWEEN_TAGS = re.compile(r">\s+<")


def _svg(figure: Figure) -> str:
    """``figure`` as an inline SVG element: no XML prologue, no metadata, sized by CSS."""
    buffer = io.StringIO()
    _print_svg(figure, buffer)
    svg = _PROLOGUE.sub("", buffer.getvalue(), count=1)
    svg = _unwrap_groups(_METADATA_BLOCK.sub("", svg, count=1))
    # Without matplotlib's indentation: whitespace between tags draws nothing, but the
    # PDF's renderer makes a node of each run of it.
    svg = _BETWEEN_TAGS.sub("><", svg)
    return _SIZE.sub("", svg.split(">", 1)[0], count=2) + ">" + svg.split(">", 1)[1]


_GROUP = re.compile(r"<g( [^>]*)?(?<!/)>|</g>")
_ID_ONLY = re.compile(r'\s*id="[^"]*"\s*')


def _unwrap_groups(svg: str) -> str:
    """``svg`` without the groups matplotlib writes only to name its parts (``<g
    id="xtick_1">``): they change nothing drawn, but the PDF's renderer sets up a graphics
    state for each, about half of a trend chart's elements. Groups that clip, transform or
    style what they hold stay."""
    kept: list[bool] = []
    parts: list[str] = []
    position = 0
    for match in _GROUP.finditer(svg):
        if match.group(0) == "</g>":
            keep = kept.pop()
        else:
            attributes = match.group(1) or ""
            keep = bool(attributes) and _ID_ONLY.fullmatch(attributes) is None
            kept.append(keep)
        parts.append(svg[position : match.start()])
        if keep:
            parts.append(match.group(0))
        position = match.end()
    parts.append(svg[position:])
    return "".join(parts)


def _accessible(svg: str, alt: str) -> str:
    """Name the chart for assistive technology: role, label, and a ``<title>`` first."""
    head, body = svg.split(">", 1)
    label = escape(alt, quote=True)
    return f'{head} role="img" aria-label="{label}"><title>{escape(alt)}</title>{body}'


# matplotlib's one stylesheet: defaults every element takes unless its style says otherwise.
_DEFAULTS_SHEET = (
    '<defs><style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style></defs>'
)
_DEFAULTS_ATTRIBUTES = ' stroke-linejoin="round" stroke-linecap="butt"'
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_DECLARATION = re.compile(r"\s*([a-z-]+)\s*:\s*([^;]*?)\s*(?:;|$)")
# The properties matplotlib writes that SVG also takes as presentation attributes.
_PRESENTATION = frozenset(
    {
        "fill",
        "fill-opacity",
        "font-family",
        "font-size",
        "font-style",
        "font-weight",
        "opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
    }
)
_NO_TURN = re.compile(r' transform="rotate\(-?0 [^)"]*\)"')
_TAG = re.compile(r"<[^<>]*>")


def image_svg(svg: str) -> str:
    """``svg`` as the PDF's renderer reads it fastest, drawing the same: each element's
    ``style`` as presentation attributes, matplotlib's stylesheet of defaults as attributes
    of the root (which its elements inherit, unless they set their own, as before), and no
    turns by zero degrees.

    Only for a chart that is a document of its own (an ``<img>``, as in the PDF): there no
    page stylesheet reaches its elements, whereas inline in a page the page's CSS would take
    precedence over presentation attributes, not over ``style``. An SVG with any other
    stylesheet, or a style with a property not in the list, is left as it is.
    """
    if "<style" in svg.replace(_DEFAULTS_SHEET, "", 1):
        return svg
    if _DEFAULTS_SHEET in svg:
        svg = svg.replace(_DEFAULTS_SHEET, "", 1)
        head, body = svg.split(">", 1)
        svg = f"{head}{_DEFAULTS_ATTRIBUTES}>{body}"

    def attributes(match: re.Match[str]) -> str:
        style = match.group(1)
        declarations = _DECLARATION.findall(style)
        written = "".join(f"{name}:{value};" for name, value in declarations)
        if (
            written.replace(" ", "") != (style.rstrip(" ;") + ";").replace(" ", "")
            or style.count("'") % 2
            or not all(name in _PRESENTATION for name, _ in declarations)
        ):
            return match.group(0)  # not only plain declarations SVG takes as attributes
        return "".join(f' {name}="{value}"' for name, value in declarations)

    def tag(match: re.Match[str]) -> str:
        # Within tags only: a chart's texts are data (an escaped "<" and ">" in them).
        return _NO_TURN.sub("", _STYLE_ATTRIBUTE.sub(attributes, match.group(0)))

    return _TAG.sub(tag, svg)


_ID = re.compile(r'\sid="([^"]+)"')
_REFERENCE = re.compile(r'(href="#|url\(#)([^")]+)')


def scope_ids(svg: str, prefix: str) -> str:
    """Make the SVG's ids unique in the page: prefix the referenced ones, drop the rest.

    matplotlib names groups ``figure_1``, ``axes_1`` … in every chart, so two inline charts
    would otherwise share ids.
    """
    referenced = {match.group(2) for match in _REFERENCE.finditer(svg)}

    def rename(match: re.Match[str]) -> str:
        name = match.group(1)
        return f' id="{prefix}{name}"' if name in referenced else ""

    svg = _ID.sub(rename, svg)
    return _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)


# --- the risk heat map (docs/rules.md#risk-scores) ---------------------------------------
_CELL = 34  # px, one square
_LEFT = 96  # room for the impact words
_BOTTOM = 40  # room for the likelihood words


def heat_map_svg(heat_map: HeatMap) -> str:
    """The 5×5 heat map as SVG, drawn by hand so that it is the same bytes every time:
    squares coloured by the band their score falls in (with the score printed, so colour is
    not the only signal), a filled marker where a risk is now and an outlined one where it
    was in the previous period."""
    width = _LEFT + 5 * _CELL + 4
    height = 5 * _CELL + _BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="heat-map-svg" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="Arial, Helvetica, sans-serif">',
        f"<title>{escape(heat_map.alt)}</title>",
    ]
    for row_index, row in enumerate(heat_map.rows):
        y = row_index * _CELL
        impact = row[0].impact
        parts.append(
            f'<text x="{_LEFT - 4}" y="{y + _CELL / 2 + 3}" font-size="8" text-anchor="end" '
            f'fill="{INK}">{impact} {escape(heat_map.impact[impact - 1])}</text>'
        )
        for cell in row:
            x = _LEFT + (cell.likelihood - 1) * _CELL
            fill, ink = STATUS_FILL[cell.status], STATUS_INK[cell.status]
            parts.append(
                f'<rect x="{x}" y="{y}" width="{_CELL}" height="{_CELL}" fill="{fill}" '
                f'stroke="#ffffff" stroke-width="1"/>'
                f'<text x="{x + 3}" y="{y + 9}" font-size="7" fill="{ink}">{cell.score}</text>'
            )
            markers = [(m, True) for m in cell.now] + [
                (m, False) for m in cell.previous if m not in cell.now
            ]
            for index, (marker, now) in enumerate(markers[:4]):
                cx = x + 10 + (index % 2) * 15
                cy = y + 16 + (index // 2) * 11
                style = (
                    f'fill="{INK}" stroke="#ffffff"'
                    if now
                    else 'fill="#ffffff" stroke="#0b0c0c" stroke-dasharray="2 1"'
                )
                text_fill = "#ffffff" if now else INK
                parts.append(
                    f'<circle cx="{cx}" cy="{cy}" r="6.5" {style} stroke-width="1"/>'
                    f'<text x="{cx}" y="{cy + 2.5}" font-size="6.5" text-anchor="middle" '
                    f'fill="{text_fill}">{escape(marker)}</text>'
                )
    base = 5 * _CELL
    for likelihood in range(1, 6):
        centre = _LEFT + (likelihood - 1) * _CELL + _CELL / 2
        parts.append(
            f'<text x="{centre}" y="{base + 11}" font-size="8" text-anchor="middle" '
            f'fill="{INK}">{likelihood}</text>'
            f'<text x="{centre}" y="{base + 21}" font-size="6" text-anchor="middle" '
            f'fill="{MUTED}">{escape(heat_map.likelihood[likelihood - 1])}</text>'
        )
    parts.append(
        f'<text x="{_LEFT + 2.5 * _CELL}" y="{base + 34}" font-size="8" text-anchor="middle" '
        f'fill="{INK}">Likelihood</text></svg>'
    )
    return "".join(parts)
