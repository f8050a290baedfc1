"""Template tags of the report's HTML: status chips, direction arrows and inline charts.

Loaded as a builtin of the report's standalone template engine (``reports.html``). Every tag
prints the status's word (and letter) beside its colour, and every chart with its text
alternative, so no template can show colour alone.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from plantracker.domain.model import Status
from plantracker.reports import charts
from plantracker.reports.model import (
    ComparatorFigures,
    DirectionView,
    Donut,
    HeatMap,
    TrendChart,
)
from plantracker.reports.text import COMPARATOR_COLUMNS, NO_COMPARATORS

register = template.Library()

IMAGES = "charts_as_images"
"""Context flag: draw charts as data-URI images rather than inline SVG."""
COUNTER = "chart_counter"
"""Context variable holding an ``itertools.count``, shared by the page and its includes."""


@register.filter
def n(value: int) -> str:
    """A whole number as text. Numbers must not reach Django's localisation, which reads
    settings: the report renders with none configured."""
    return str(int(value))


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """``mapping[key]``: a section title or a column heading by its key."""
    return mapping[key]


@register.filter
def even_rows(items: Sequence[Any], size: int) -> list[list[Any]]:
    """``items`` in as few rows of at most ``size`` as they need, as even as the count
    allows (nine charts five to a row: five and four, not five and one), every row padded
    with None to ``size`` so that its cells keep the same width."""
    size = int(size)
    count = len(items)
    rows = -(-count // size)  # rounded up
    rows_out: list[list[Any]] = []
    start = 0
    for row in range(rows):
        length = count // rows + (1 if row < count % rows else 0)
        rows_out.append([*items[start : start + length], *[None] * (size - length)])
        start += length
    return rows_out


@register.simple_tag
def status_chip(status: Status | None, size: str = "", word: str = "") -> SafeString:
    """A coloured chip with the status letter (for sighted readers) and word (for all);
    ``word`` is the model's word when it says more than the status's own (``na``'s reason:
    docs/rules.md#na-reasons)."""
    if status is None:
        return format_html('<span class="chip chip-empty">{}</span>', "–")
    status = Status(status)
    css = f"chip chip-{status.value}" + (f" chip-{size}" if size else "")
    return format_html(
        '<span class="{}"><span class="chip-letter" aria-hidden="true">{}</span> '
        '<span class="chip-word">{}</span></span>',
        css,
        status.letter,
        word or status.word,
    )


@register.simple_tag
def direction(view: DirectionView | None) -> SafeString:
    """An arrow for the movement and a word, coloured by whether the movement is good."""
    if view is None:
        return format_html('<span class="dot dot-none">{}</span>', "–")
    previous = (
        format_html(' <span class="dot-was">— {}</span>', view.previous) if view.previous else ""
    )
    return format_html(
        '<span class="dot dot-{}"><span class="dot-arrow" aria-hidden="true">{}</span> {}{}</span>',
        view.tone,
        view.arrow,
        view.word,
        previous,
    )


@register.simple_tag
def comparator_cells(comparators: ComparatorFigures | None) -> SafeString:
    """The three comparator cells of a KPI row: each figure (a missing one in words), with
    its period when the headings do not give it; a KPI without comparators gets empty cells
    that say so to a screen reader."""
    if comparators is None:
        return format_html_join(
            "",
            '<td class="comparator" data-field="{}"><span class="visually-hidden">{}</span></td>',
            ((key, NO_COMPARATORS) for key, _ in COMPARATOR_COLUMNS),
        )
    note = comparators.period_note
    period = format_html(' <span class="sub">{}</span>', note) if note else ""
    return format_html_join(
        "",
        '<td class="comparator{}" data-field="{}">{}{}</td>',
        (
            ("" if figure.published else " not-published", figure.key, figure.text, period)
            for figure in comparators.figures
        ),
    )


@register.simple_tag(takes_context=True)
def donut_chart(context: Any, donut: Donut) -> SafeString:
    return _chart(context, charts.donut_svg(donut), donut.alt)


@register.simple_tag(takes_context=True)
def trend_chart(context: Any, chart: TrendChart) -> SafeString:
    """A KPI's trend chart; in the PDF (``context[IMAGES]``) drawn at the size of its
    column, a fifth of the page (``charts.COLUMN``), so its text keeps its point size."""
    size = charts.COLUMN if context.get(IMAGES) else charts.PAGE
    return _chart(context, charts.trend_svg(chart, size), chart.alt)


@register.simple_tag(takes_context=True)
def heat_map_chart(context: Any, heat_map: HeatMap) -> SafeString:
    """The risk heat map (docs/rules.md#risk-scores), inline or as an image as every chart."""
    return _chart(context, charts.heat_map_svg(heat_map), heat_map.alt)


def _chart(context: Any, svg: str, alt: str) -> SafeString:
    """The chart inline (``<svg role="img">``), or as an image with the same text
    alternative when ``context[IMAGES]`` is set (the PDF: WeasyPrint then parses each
    distinct chart once and tags it as a figure with its alternative text)."""
    if context.get(IMAGES):
        data = base64.b64encode(charts.image_svg(svg).encode("utf-8")).decode("ascii")
        return format_html(
            '<img class="chart" alt="{}" src="data:image/svg+xml;base64,{}">', alt, data
        )
    number = next(context[COUNTER])
    # The SVG comes from our own drawing code and its text parts are escaped there.
    return mark_safe(charts.scope_ids(svg, f"c{number}-"))
