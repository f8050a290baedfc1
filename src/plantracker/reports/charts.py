"""The report's charts: RAG donuts and KPI trend charts, drawn with matplotlib as SVG.

Same numbers → byte-identical SVG: the SVG hash salt is fixed, the date and creator
metadata are left out, and text stays text (``svg.fonttype: none``) in the report's font
stack. Each distinct chart is drawn once per process (an LRU cache keyed by the numbers it
shows). Every chart carries a text alternative stating its numbers (``role="img"``, an
``aria-label`` and a ``<title>``), and every coloured slice also carries its status letter,
so the charts read in greyscale.
"""

from __future__ import annotations

import io
import math
import re
import warnings
from datetime import date
from decimal import Decimal
from functools import lru_cache
from html import escape
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import rc_context  # after use("Agg"): the backend is chosen first
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from plantracker.domain.model import Status
from plantracker.reports.model import Donut, TrendChart
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
_LETTER_MIN_SHARE = Decimal("0.07")  # a slice narrower than this has no room for a letter


def donut_svg(donut: Donut) -> str:
    """The donut of ``donut``'s counts, with the total in the centre and letters on slices."""
    slices = tuple((s.status, s.count) for s in donut.slices)
    return _accessible(_donut_drawing(slices, donut.count, donut.noun), donut.alt)


def trend_svg(chart: TrendChart) -> str:
    """``chart``'s values over the periods, its target line and (if any) its trend line."""
    return _accessible(_trend_drawing(chart), chart.alt)


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
    _trend_drawing.cache_clear()
    _donut_png.cache_clear()
    _trend_png.cache_clear()


@lru_cache(maxsize=4096)
def _donut_drawing(slices: tuple[tuple[Status, int], ...], count: int, noun: str) -> str:
    with rc_context(_RC):
        return _svg(_donut_figure(slices, count, noun))


@lru_cache(maxsize=2048)
def _trend_drawing(chart: TrendChart) -> str:
    with rc_context(_RC):
        return _svg(_trend_figure(chart))


@lru_cache(maxsize=512)
def _donut_png(slices: tuple[tuple[Status, int], ...], count: int, noun: str, dpi: int) -> bytes:
    with rc_context(_RC):
        return _png(_donut_figure(slices, count, noun), dpi)


@lru_cache(maxsize=512)
def _trend_png(chart: TrendChart, dpi: int) -> bytes:
    with rc_context(_RC):
        return _png(_trend_figure(chart), dpi)


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
    with rc_context(_RC):
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


def _mid_point(theta1: float, theta2: float, radius: float) -> tuple[float, float]:
    angle = math.radians((theta1 + theta2) / 2)
    return radius * math.cos(angle), radius * math.sin(angle)


def _trend_figure(chart: TrendChart) -> Figure:
    with rc_context(_RC):
        # Drawn near the size it is printed (a third of an A4 landscape page), so its
        # 7.5-point text stays 7.5 points on paper.
        figure = Figure(figsize=(3.5, 2.3))
        axes = figure.add_axes((0.15, 0.27, 0.77, 0.58))
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        xs = [_day(p.end) for p in chart.points]
        known = [
            (x, float(p.value))
            for x, p in zip(xs, chart.points, strict=True)
            if p.value is not None
        ]
        right = _right_edge(chart, xs)
        shown_values = [y for _, y in known]
        handles = []

        targets = [
            (x, float(p.target))
            for x, p in zip(xs, chart.points, strict=True)
            if p.target is not None
        ]
        target_day = _day(chart.target_date) if chart.target_date is not None else None
        if targets:
            # The line runs on to the chart's right edge: the target date when it is near
            # enough to show without squashing the values into a corner (``_right_edge``).
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
        if (
            chart.target_value is not None
            and target_day is not None
            and xs[0] <= target_day <= right
        ):
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
            labelled = [
                (x, p) for x, p in zip(xs, chart.points, strict=True) if p.value is not None
            ]
            if len(labelled) > _ALL_LABELS:
                # Labels on every point would collide; the first and the latest are what a
                # reader compares (every value is in the text alternative).
                labelled = [labelled[0], labelled[-1]]
            for x, point in labelled:
                if point.value is not None:
                    axes.annotate(
                        point.label,
                        (x, float(point.value)),
                        textcoords="offset points",
                        xytext=(0, 6),
                        ha="center",
                        fontsize=7.5,
                        color=INK,
                    )
        ticks, labels = list(xs), [p.period_id for p in chart.points]
        if target_day is not None and xs[-1] < target_day <= right:
            ticks.append(target_day)
            labels.append(chart.target_date_text)
        axes.set_xticks(ticks, labels, fontsize=7.5)
        if len(xs) > 3:
            for label in axes.get_xticklabels():
                label.set_rotation(30)
                label.set_horizontalalignment("right")
        span = (right - xs[0]) or 90.0
        axes.set_xlim(xs[0] - span * 0.06, right + span * 0.04)
        suffix = chart.unit_suffix
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}{suffix}"))
        if chart.whole_numbers:
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.tick_params(axis="y", labelsize=7.5)
        _pad_limits(axes, shown_values)
        if handles:
            figure.legend(
                handles=handles,
                loc="upper center",
                ncols=len(handles),
                frameon=False,
                fontsize=7,
                columnspacing=1.2,
                bbox_to_anchor=(0.55, 1.0),
                handlelength=2.2,
            )
        return figure


_ALL_LABELS = 5  # up to this many points, every value is written beside its point
_FAR = 1.0  # the target date is shown if at most this many data spans past the last period


def _right_edge(chart: TrendChart, xs: list[float]) -> float:
    """The last day the chart shows: the target date when it is near enough, else the last
    period's end (or a quarter past it for a single period)."""
    last = xs[-1]
    span = last - xs[0] if len(xs) > 1 else 92.0
    if chart.target_date is not None:
        target = _day(chart.target_date)
        if last < target <= last + _FAR * span + 92:
            return target
    return last


def _day(day: date) -> float:
    return float(day.toordinal())


def _pad_limits(axes: Any, values: list[float]) -> None:
    """Room above the highest point for its label; zero at the bottom when it is near."""
    if not values:
        axes.set_ylim(0, 1)
        return
    low, high = min(values), max(values)
    span = (high - low) or abs(high) or 1.0
    bottom = low - span * 0.15
    if 0 <= low <= span:
        bottom = 0.0
    axes.set_ylim(bottom, high + span * 0.22)


# --- SVG text -------------------------------------------------------------------------------

_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.S)
_METADATA_BLOCK = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_SIZE = re.compile(r' (width|height)="[^"]*"')


def _svg(figure: Figure) -> str:
    """``figure`` as an inline SVG element: no XML prologue, no metadata, sized by CSS."""
    buffer = io.StringIO()
    FigureCanvasSVG(figure).print_svg(buffer, metadata=_METADATA)
    svg = _PROLOGUE.sub("", buffer.getvalue(), count=1)
    svg = _METADATA_BLOCK.sub("", svg, count=1)
    return _SIZE.sub("", svg.split(">", 1)[0], count=2) + ">" + svg.split(">", 1)[1]


def _accessible(svg: str, alt: str) -> str:
    """Name the chart for assistive technology: role, label, and a ``<title>`` first."""
    head, body = svg.split(">", 1)
    label = escape(alt, quote=True)
    return f'{head} role="img" aria-label="{label}"><title>{escape(alt)}</title>{body}'


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
