"""A trend chart drawn on the figure the previous chart left behind (ADR 0091) is, byte for
byte, the chart drawn on a figure of its own: whatever the previous chart was (a wrapped
legend, another unit, decimals, no values at all), at both sizes, as SVG and as PNG."""

from __future__ import annotations

import io
from dataclasses import replace
from functools import cache

import pytest
from matplotlib.backends.backend_svg import FigureCanvasSVG
from tests.reports.example_report import example_report

from plantracker.domain.evaluate import evaluate
from plantracker.reports import charts
from plantracker.reports.build import build_report
from plantracker.reports.model import Report, TrendChart
from plantracker.synth import synth_plan


def _trends(report: Report) -> list[TrendChart]:
    return [chart for dive in report.deep_dives for chart in dive.trends]


@cache
def _eight_periods() -> dict[str, TrendChart]:
    """Eight-period charts sharing one time axis, each with a trend line (their legends
    wrap at the PDF's size), one of them also with a legend that wraps at the page size
    and one without a trend line (whose legend wraps at neither)."""
    plan = synth_plan(1, seed=0)
    first, second, third, fourth = _trends(build_report(evaluate(plan, plan.periods[-1].id)))[:4]
    return {
        "first": first,
        "second": second,
        "long legend": replace(
            second, line_label="Target: the number agreed with the partnership board for 2020"
        ),
        "no trend line": replace(third, trajectory=None),
        "fourth": fourth,
    }


@cache
def _sequence() -> tuple[TrendChart, ...]:
    """Every trend chart of the example in the report's order (9.K1 has no values yet;
    counts, percentages and decimals take turns; 9.K4's legend wraps at the PDF's size,
    9.K5's does not), then the eight-period charts, a count written as a percentage, and
    the example's first charts again."""
    example = _trends(example_report())
    whole_as_percentage = replace(example[0], unit_suffix="%", whole_numbers=False)
    return (*example, *_eight_periods().values(), whole_as_percentage, *example[:3])


def _fresh_svg(chart: TrendChart, size: charts.TrendSize) -> str:
    charts.clear_cache()  # also forgets the figures kept for the next chart
    return charts.trend_svg(chart, size)


@pytest.mark.parametrize("size", [charts.PAGE, charts.COLUMN], ids=["page", "column"])
def test_each_chart_drawn_after_another_is_the_chart_drawn_alone(size: charts.TrendSize) -> None:
    sequence = _sequence()
    charts.clear_cache()
    reused, figures, wrapped = [], [], []
    for chart in sequence:
        charts._trend_drawing.cache_clear()  # drawn again, on the kept figure, every time
        reused.append(charts.trend_svg(chart, size))
        figures.append(charts._SHEETS[size])
        wrapped.append(charts._SHEETS[size].figure.get_size_inches()[1] > size.height)
    # The charts of one time axis were drawn on one figure in turn: the example's 22 on
    # one, the eight-period ones on another, the example's again after those on a third.
    assert len({id(figure) for figure in figures}) == 3
    # a wrapped legend (a taller figure) followed by one on a single row, on one figure
    assert any(
        a and not b and f is g
        for a, b, f, g in zip(wrapped, wrapped[1:], figures, figures[1:], strict=False)
    )
    assert not any(chart.has_values for chart in sequence if chart.ref == "9.K1")
    for chart, drawn in zip(sequence, reused, strict=True):
        assert drawn == _fresh_svg(chart, size), chart.ref


def test_a_word_chart_drawn_after_others_is_the_chart_drawn_alone() -> None:
    """Word's PNG charts are drawn on the page-size figure the web pages' SVG charts are:
    each format leaves the figure as the next finds a new one (matplotlib writes the SVG
    at 72 dpi and leaves the figure so)."""
    eight = _eight_periods()
    steps = [
        ("svg", eight["first"]),
        ("png", eight["long legend"]),  # wraps at the page size
        ("png", eight["no trend line"]),
        ("svg", eight["fourth"]),
        ("png", eight["second"]),
        ("png", _sequence()[0]),  # another time axis: a new figure
    ]
    charts.clear_cache()
    drawn = []
    for kind, chart in steps:
        if kind == "svg":
            charts.trend_svg(chart, charts.PAGE)
        else:
            drawn.append((chart, charts.trend_png(chart)))
    for chart, png in drawn:
        charts.clear_cache()
        assert png == charts.trend_png(chart), chart.ref


def test_the_shortcuts_change_nothing_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    """The figure spares matplotlib work whose result the charts never show, and the SVG
    is written by a renderer that measures each text once per process: each chart is the
    one matplotlib draws and writes without those shortcuts."""
    by_ref = {chart.ref: chart for chart in _trends(example_report())}
    chosen = [
        by_ref["6.K9"],  # a percentage
        by_ref["9.K4"],  # a legend that wraps at the PDF's size
        by_ref["10.K4"],  # decimals
        *list(_eight_periods().values())[2:4],  # eight periods, slanted period names
    ]
    sizes = [charts.PAGE, charts.COLUMN]
    ours = [_fresh_svg(chart, size) for chart in chosen for size in sizes]

    def matplotlibs(figure: object, buffer: io.StringIO) -> None:
        FigureCanvasSVG(figure).print_svg(buffer, metadata=charts._METADATA)

    monkeypatch.setattr(charts._Sheet, "_spare_work", lambda sheet: None)
    monkeypatch.setattr(charts, "_print_svg", matplotlibs)
    assert [_fresh_svg(chart, size) for chart in chosen for size in sizes] == ours
