"""The reports package's charts, inline in a page.

There is one chart module (``plantracker.reports.charts``); this one only gives each inline
SVG ids of its own (a page holds many charts, and matplotlib numbers every figure alike)
and marks the SVG safe: matplotlib escapes the text it draws, and the text alternative is
escaped by the charts module.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from plantracker.reports import charts
from plantracker.reports.model import Donut, HeatMap, TrendChart


def donut_svg(donut: Donut, prefix: str) -> SafeString:
    return mark_safe(charts.scope_ids(charts.donut_svg(donut), prefix))


def trend_svg(chart: TrendChart, prefix: str) -> SafeString:
    return mark_safe(charts.scope_ids(charts.trend_svg(chart), prefix))


def heat_map_svg(heat_map: HeatMap, prefix: str) -> SafeString:
    return mark_safe(charts.scope_ids(charts.heat_map_svg(heat_map), prefix))
