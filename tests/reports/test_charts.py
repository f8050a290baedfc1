"""Charts: deterministic SVG, drawn once per content, each with a text alternative."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

from lxml import etree
from matplotlib import rc_context
from tests.builders import filled_plan

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Kind, Status
from plantracker.reports import charts
from plantracker.reports.build import build_report
from plantracker.reports.html import render_html
from plantracker.reports.model import Donut, StatusCount
from plantracker.reports.palette import STATUS_FILL, STATUS_INK, contrast

SVG = "{http://www.w3.org/2000/svg}"


def _donut(green: int = 3, red: int = 1) -> Donut:
    total = green + red
    return Donut(
        kind=Kind.ACTION,
        heading="Actions",
        noun="actions",
        count=total,
        status=Status.AMBER,
        slices=(
            StatusCount(Status.GREEN, green, round(100 * green / total)),
            StatusCount(Status.RED, red, round(100 * red / total)),
        ),
        show="count",
        alt=f"Actions: {total} actions — {green} green, {red} red",
    )


def test_same_numbers_give_byte_identical_svg_even_after_a_cold_start() -> None:
    first = charts.donut_svg(_donut())
    charts.clear_cache()
    assert charts.donut_svg(_donut()) == first
    assert charts.donut_svg(_donut(green=2)) != first


def test_svg_has_no_date_or_creator_and_keeps_text_as_text() -> None:
    svg = charts.donut_svg(_donut())
    assert "<metadata" not in svg and "dc:date" not in svg and "Matplotlib v" not in svg
    tree = etree.fromstring(svg.encode())
    texts = ["".join(t.itertext()) for t in tree.iter(f"{SVG}text")]
    assert "4" in texts and "actions" in texts
    assert "G" in texts and "R" in texts  # the letters make it readable in greyscale


def test_each_distinct_chart_is_drawn_once() -> None:
    charts.clear_cache()
    for _ in range(3):
        charts.donut_svg(_donut(green=5, red=2))
    info = charts._donut_drawing.cache_info()
    assert (info.misses, info.hits) == (1, 2)


def test_every_chart_states_its_numbers() -> None:
    svg = charts.donut_svg(_donut())
    tree = etree.fromstring(svg.encode())
    assert tree.get("role") == "img"
    assert tree.get("aria-label") == "Actions: 4 actions — 3 green, 1 red"
    assert tree[0].tag == f"{SVG}title"
    assert tree[0].text == tree.get("aria-label")


def test_trend_charts_name_every_value_and_the_target() -> None:
    p = filled_plan(recommendations=1, period_count=4)
    report = build_report(evaluate(p, p.periods[-1].id))
    chart = report.deep_dives[0].trends[0]
    svg = charts.trend_svg(chart)
    label = etree.fromstring(svg.encode()).get("aria-label")
    assert label is not None
    for point in chart.points:
        assert f"{point.period_id} {point.value_text}" in label
    assert f"Target: {chart.target_text}" in label
    assert chart.note is not None and chart.note in label
    charts.clear_cache()
    assert charts.trend_svg(chart) == svg


def test_charts_drawn_on_several_threads_at_once_are_drawn_as_alone() -> None:
    """A web process draws pages on several threads (ADR 0090), and matplotlib's settings
    are the whole process's: each chart must still come out as it does drawn alone."""
    p = filled_plan(recommendations=2, period_count=4)
    report = build_report(evaluate(p, p.periods[-1].id))
    trends = [chart for dive in report.deep_dives for chart in dive.trends]
    assert len(trends) >= 4
    charts.clear_cache()
    alone = [charts.trend_svg(chart) for chart in trends]
    charts.clear_cache()
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(charts.trend_svg, trends))
    assert together == alone


def test_ids_are_unique_in_the_page() -> None:
    p = filled_plan(recommendations=4, period_count=4)
    html = render_html(build_report(evaluate(p, p.periods[-1].id)))
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for reference in re.findall(r'(?:href="#|url\(#)([^")]+)', html):
        assert reference in ids


def test_text_on_status_colours_meets_contrast() -> None:
    for status in Status:
        assert contrast(STATUS_INK[status], STATUS_FILL[status]) >= 4.5, status


def _drawn_numbers(svg: str) -> tuple[list[float], list[str]]:
    """The coordinates of every path and text of a chart, and its texts, in order."""
    tree = etree.fromstring(svg.encode())
    numbers: list[float] = []
    for element in tree.iter(f"{SVG}path", f"{SVG}text"):
        for name in ("d", "x", "y"):
            numbers += [float(n) for n in re.findall(r"-?\d+\.?\d*", element.get(name) or "")]
    texts = ["".join(t.itertext()) for t in tree.iter(f"{SVG}text")]
    return numbers, texts


def test_the_written_doughnut_is_the_drawing_matplotlib_makes() -> None:
    """The doughnut's SVG is written directly (ADR 0082); it must stay the drawing
    matplotlib makes of the same numbers, the one Word shows as PNG: the same wedges, the
    same letters, total and noun at the same places."""
    with rc_context(charts._RC):
        for donut in (_donut(), _donut(green=1, red=30), _donut(green=7, red=0)):
            slices = tuple((s.status, s.count) for s in donut.slices if s.count)
            written = _drawn_numbers(charts._donut_svg(slices, donut.count, donut.noun))
            drawn = _drawn_numbers(
                charts._svg(charts._donut_figure(slices, donut.count, donut.noun))
            )
            assert written[1] == drawn[1]
            assert len(written[0]) == len(drawn[0])
            assert max(abs(a - b) for a, b in zip(written[0], drawn[0], strict=True)) < 0.01


def _drawn(svg: str, *, sheet: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    """Each element of ``svg`` with what it is drawn with: its own ``style`` first, then the
    SVG's stylesheet of defaults (``sheet``, which applies to every element), then its
    presentation attributes, then what it inherits."""
    inherited = {"fill", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin"}
    inherited |= {"stroke-dasharray", "stroke-dashoffset", "font-family", "font-size"}
    inherited |= {"text-anchor", "font-weight", "font-style"}
    drawn = []

    def walk(element: etree._Element, outer: dict[str, str]) -> None:
        style = dict(
            (name.strip(), value.strip())
            for name, value in (
                part.split(":", 1) for part in element.get("style", "").split(";") if part.strip()
            )
        )
        own = {k: v for k, v in element.attrib.items() if k not in ("style", "transform")}
        values = {**{k: v for k, v in outer.items() if k in inherited}, **own, **sheet, **style}
        turn = element.get("transform", "")
        values["transform"] = "" if re.fullmatch(r"rotate\(-?0 [^)]*\)", turn) else turn
        name = etree.QName(element).localname
        if name == "style" or (name == "defs" and all(c.tag == f"{SVG}style" for c in element)):
            return  # the stylesheet itself draws nothing
        drawn.append((name, values))
        for child in element:
            if isinstance(child.tag, str):
                walk(child, values)

    walk(etree.fromstring(svg.encode()), {})
    return drawn


def test_a_chart_as_an_image_draws_the_same_with_its_styles_as_attributes() -> None:
    # The PDF's charts are images (charts.image_svg): every element keeps every colour,
    # line, dash, font and position it had; only how they are written changes.
    report = build_report(evaluate(filled_plan(recommendations=2, period_count=4), "2018-19-Q4"))
    trends = [t for dive in report.deep_dives for t in dive.trends if t.has_values]
    assert trends
    defaults = {"stroke-linejoin": "round", "stroke-linecap": "butt"}
    for chart in trends:
        for size in (charts.COLUMN, charts.PAGE):
            svg = charts.trend_svg(chart, size)
            image = charts.image_svg(svg)
            assert "style=" in svg and "style=" not in image and "<style" not in image
            assert _drawn(image, sheet={}) == _drawn(svg, sheet=defaults), chart.ref
    donut = charts.donut_svg(_donut())
    sheet = defaults if "<style" in donut else {}
    assert _drawn(charts.image_svg(donut), sheet={}) == _drawn(donut, sheet=sheet)


def test_a_chart_image_keeps_what_it_cannot_write_as_attributes() -> None:
    own_sheet = '<svg><style>text{fill:red}</style><path style="fill: none"/></svg>'
    assert charts.image_svg(own_sheet) == own_sheet  # a stylesheet of its own: left alone
    unlisted = '<svg><path style="fill: none; mix-blend-mode: multiply" d="M 0 0"/></svg>'
    assert charts.image_svg(unlisted) == unlisted  # a property SVG takes only as a style
    named = '<svg><text style="fill: #0b0c0c">a style="fill: red" name</text></svg>'
    assert charts.image_svg(named) == (
        '<svg><text fill="#0b0c0c">a style="fill: red" name</text></svg>'
    )  # a period name is text, not markup
