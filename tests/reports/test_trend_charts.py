"""KPI trend charts that do not mislead (docs/rules.md#chart-ticks).

The value axis of a count or a percentage starts at zero; the charts of one table share one
time axis named in short period names; each chart's labels share one precision; labels
collide with nothing; eight periods stay readable.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from functools import cache
from itertools import combinations, pairwise
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from tests.reports.example_report import example_report

from plantracker.domain.evaluate import evaluate
from plantracker.reports import charts
from plantracker.reports.build import build_report
from plantracker.reports.model import Report, TrendChart
from plantracker.synth import synth_plan


@cache
def _synth_report() -> Report:
    plan = synth_plan(1, seed=0)  # eight periods
    return build_report(evaluate(plan, plan.periods[-1].id))


def _drawn(report: Report) -> list[TrendChart]:
    return [chart for dive in report.deep_dives for chart in dive.trends if chart.has_values]


def _texts(chart: TrendChart) -> list[str]:
    return [
        re.sub(r"\s+", " ", t)
        for t in re.findall(r"<text[^>]*>([^<]*)</text>", charts.trend_svg(chart))
    ]


def _by_ref(report: Report, ref: str) -> TrendChart:
    return next(c for dive in report.deep_dives for c in dive.trends if c.ref == ref)


def test_a_count_or_percentage_axis_starts_at_zero() -> None:
    chart = _by_ref(example_report(), "6.K8")  # 21 then 20: no collapse on a 20–22 axis
    assert chart.zero_based
    assert "0" in _texts(chart)
    for chart in _drawn(example_report()):
        if chart.zero_based:
            axes = charts._trend_figure(chart).axes[0]
            assert axes.get_ylim()[0] == 0, chart.ref


def test_the_charts_of_one_deep_dive_share_one_time_axis() -> None:
    for dive in example_report().deep_dives:
        limits = {charts._trend_figure(c).axes[0].get_xlim() for c in dive.trends if c.has_values}
        assert len(limits) == 1, dive.number
    # deep dive 10: 10.K5's target date is its last period, yet its axis runs to March 2019
    assert "Mar 2019" in _texts(_by_ref(example_report(), "10.K5"))


def test_ticks_are_the_month_and_year_a_period_ends_or_its_short_label() -> None:
    for chart in _drawn(example_report()):
        texts = _texts(chart)
        assert "Jun 2018" in texts and "Sep 2018" in texts, chart.ref
        assert not any("2018-19" in text for text in texts), chart.ref
    plan = synth_plan(1, seed=0)
    named = replace(
        plan,
        periods=tuple(
            replace(period, short_label=f"Q{n}") for n, period in enumerate(plan.periods, 1)
        ),
    )
    chart = _drawn(build_report(evaluate(named, named.periods[-1].id)))[0]
    assert {"Q8", "Q6"} <= set(_texts(chart))


def test_a_charts_labels_share_one_precision() -> None:
    chart = _by_ref(example_report(), "9.K3")
    assert [p.label for p in chart.points] == ["8.80%", "6.90%"]
    assert _by_ref(example_report(), "10.K8").points[0].label == "2.10%"  # target 2.30%
    for chart in _drawn(example_report()) + _drawn(_synth_report()):
        places = {
            len(p.label.rstrip("%").partition(".")[2]) for p in chart.points if p.value is not None
        }
        assert len(places) == 1, chart.ref


def _boxes(
    chart: TrendChart, size: charts.TrendSize
) -> tuple[list[Any], list[Any], list[Any], list[str]]:
    figure = charts._trend_figure(chart, size)
    axes = figure.axes[0]
    renderer = FigureCanvasAgg(figure).get_renderer()
    labels = [text for text in axes.texts]
    ticks = [t for t in (*axes.get_xticklabels(), *axes.get_yticklabels()) if t.get_text()]
    return (
        [label.get_window_extent(renderer) for label in labels],
        [tick.get_window_extent(renderer) for tick in ticks],
        charts._line_paths(axes),
        [label.get_text() for label in labels],
    )


@pytest.mark.parametrize("size", [charts.PAGE, charts.COLUMN], ids=["page", "column"])
def test_value_labels_collide_with_no_tick_line_or_other_label(size: charts.TrendSize) -> None:
    for chart in _drawn(example_report()) + _drawn(_synth_report()):
        labels, ticks, lines, texts = _boxes(chart, size)
        latest = next(p for p in reversed(chart.points) if p.value is not None)
        assert latest.label in texts, chart.ref  # the latest value is always written
        for a, b in combinations(labels, 2):
            assert not a.overlaps(b), chart.ref
        for label in labels:
            assert not any(label.overlaps(tick) for tick in ticks), chart.ref
            assert not any(line.intersects_bbox(label, filled=False) for line in lines), chart.ref


@pytest.mark.parametrize("size", [charts.PAGE, charts.COLUMN], ids=["page", "column"])
def test_eight_periods_stay_readable(size: charts.TrendSize) -> None:
    chart = _drawn(_synth_report())[0]
    assert len(chart.points) == 8
    figure = charts._trend_figure(chart, size)
    named = [t for t in figure.axes[0].get_xticklabels() if t.get_text()]
    assert len(named) >= 4
    assert not _touching(figure, named)  # the period names never run into each other
    assert chart.points[-1].tick in _texts(chart)


@pytest.mark.parametrize("size", [charts.PAGE, charts.COLUMN], ids=["page", "column"])
def test_nothing_is_cut_at_the_edge_of_a_chart(size: charts.TrendSize) -> None:
    # The PDF's charts are a fifth of the page wide: a legend too wide for one row wraps
    # (the figure grows taller) and period names that would touch are slanted.
    for chart in _drawn(example_report()) + _drawn(_synth_report()):
        figure = charts._trend_figure(chart, size)
        renderer = FigureCanvasAgg(figure).get_renderer()
        page = figure.bbox
        axes = figure.axes[0]
        low, high = axes.get_ylim()
        shown = [t for t in axes.get_yticklabels() if low <= t.get_position()[1] <= high]
        texts = [*figure.legends, *axes.get_xticklabels(), *shown, *axes.texts]
        for text in texts:
            box = text.get_window_extent(renderer)
            if box.width == 0:
                continue
            assert box.x0 >= -0.5 and box.x1 <= page.x1 + 0.5, chart.ref
            assert box.y0 >= -0.5 and box.y1 <= page.y1 + 0.5, chart.ref
        assert not _touching(figure, [t for t in axes.get_xticklabels() if t.get_text()])


def _touching(figure: Any, names: list[Any]) -> bool:
    """Whether two period names run into each other: level, their boxes overlap; slanted
    (parallel strips), their baselines are less than a line's height apart."""
    renderer = FigureCanvasAgg(figure).get_renderer()
    if all(name.get_rotation() == 0 for name in names):
        boxes = [name.get_window_extent(renderer) for name in names]
        return any(a.overlaps(b) for a, b in combinations(boxes, 2))
    anchors = sorted(figure.axes[0].transData.transform((n.get_position()[0], 0))[0] for n in names)
    line = 7.5 * figure.dpi / 72  # the names' size: their strips' width
    slant = math.sin(math.radians(names[0].get_rotation()))
    return any((b - a) * slant < line for a, b in pairwise(anchors))
