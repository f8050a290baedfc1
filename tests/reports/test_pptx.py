"""The PowerPoint deck, opened with python-pptx and checked against ``summary --json``; and
its layout: nothing off the slide, long tables and lists continued on further slides."""

from __future__ import annotations

import io
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE, XL_MARKER_STYLE
from pptx.presentation import Presentation as PresentationType
from pptx.util import Pt
from tests.builders import filled_plan
from tests.planfile.strategies import plans
from tests.reports.compared_plan import compared_history, compared_report
from tests.reports.example_report import (
    WORDS,
    deep_dive_kpis,
    example_file,
    example_report,
    example_summary,
    status_text,
    word,
)

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import STATUS_ORDER, Box, Kind, Narrative, Plan, Status
from plantracker.reports import text
from plantracker.reports.build import build_report
from plantracker.reports.palette import STATUS_FILL
from plantracker.reports.pptx import render_pptx
from plantracker.reports.pptx_parts import (
    CELL_INSET,
    CONTENT_BOTTOM,
    CONTENT_HEIGHT,
    CONTENT_TOP,
    CONTENT_WIDTH,
    ROWS_PER_SLIDE,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
)
from plantracker.reports.textfit import fitting_size, paragraphs_height, text_width


@cache
def deck() -> PresentationType:
    return Presentation(io.BytesIO(example_file("pptx")))


def deck_of(p: Plan) -> PresentationType:
    return Presentation(io.BytesIO(render_pptx(build_report(evaluate(p, p.periods[-1].id)))))


def title(slide: Any) -> str:
    return slide.shapes.title.text_frame.text if slide.shapes.title is not None else ""


def slides_titled(presentation: PresentationType, start: str) -> list[Any]:
    return [s for s in presentation.slides if title(s).startswith(start)]


def tables(slide: Any) -> list[list[list[str]]]:
    return [
        [[cell.text for cell in row.cells] for row in shape.table.rows]
        for shape in slide.shapes
        if shape.has_table
    ]


def kpi_rows(slide: Any) -> list[list[str]]:
    """The rows of a deep dive's KPI tables on ``slide`` (the table headed "KPI")."""
    if not title(slide).startswith("Deep dive: "):
        return []
    return [row for table in tables(slide) if table[0][0] == "KPI" for row in table[1:]]


def kpi_slides_of(presentation: PresentationType, heading: str) -> list[Any]:
    """The slides of the deep dive ``heading`` that hold its KPI table."""
    return [s for s in slides_titled(presentation, heading) if kpi_rows(s)]


def charts(slide: Any) -> list[Any]:
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def counts_of(chart: Any) -> dict[str, int]:
    plot = chart.plots[0]
    return dict(zip(plot.categories, (int(v) for v in plot.series[0].values), strict=True))


def test_slides_follow_the_seed() -> None:
    report = example_report()
    titles = [title(s) for s in deck().slides]
    assert titles[0] == report.cover.title
    assert titles[1] == "Report to the committee"
    assert titles[2] == report.overview.heading
    assert titles[3:6] == [
        "Headlines",
        "Planned activity, milestones and decisions",
        "Overall plan",
    ]
    numbers = [r.number for r in report.recommendations]  # two to a slide, in plan order
    assert titles[6:11] == [
        f"Recommendations {a} and {b}" for a, b in zip(numbers[::2], numbers[1::2], strict=True)
    ]
    assert titles[11] == "All other KPIs"
    dives = [
        t
        for t in titles
        if t.startswith("Deep dive: ") and ":" not in t[11:] and not t.endswith("(continued)")
    ]
    assert dives == [f"Deep dive: recommendation {d.number}, {d.title}" for d in report.deep_dives]
    ends = [t for t in titles if not t.endswith(" (continued)")][-3:]
    # next steps, the data-quality annex and the glossary share the last slide
    assert ends[-1] == "Next steps"
    last = [shape.text_frame.text for shape in deck().slides[-1].shapes if shape.has_text_frame]
    assert "Annex: data quality" in last and "Glossary" in last
    assert titles.index("Exceptions") > titles.index(dives[-1])


def test_the_overview_table_counts_equal_the_summary() -> None:
    summary = example_summary()
    # The example scores its risk (illustrative): the heat map's table follows the risks'.
    (workstreams, risks, positions) = tables(deck().slides[2])
    # The PDF's words, not "Blue / None / N/A" ("None" would read as zero).
    assert workstreams[0][3:10] == [s.word for s in STATUS_ORDER]
    assert workstreams[0][3:10][3:6] == ["Blue (complete)", "No update required", "Not available"]
    for kind, row in zip(Kind, workstreams[1:], strict=True):
        totals = summary["totals"][kind.value]
        assert row[1] == word(totals["status"], totals["na_reason"])
        assert [int(n) for n in row[3:10]] == [totals[s.value] for s in STATUS_ORDER]
        assert int(row[10]) == totals["count"]
    assert [row[5] for row in risks[1:]] == [Status(r["status"]).word for r in summary["risks"]]
    assert [row[4] for row in risks[1:]] == [
        f"{r['score']} ({r['previous_score']})" for r in summary["risks"]
    ]
    assert positions[0] == list(text.HEAT_MAP_HEADINGS)


def test_overall_plan_doughnuts_are_native_charts_coloured_by_status() -> None:
    summary = example_summary()
    (slide,) = slides_titled(deck(), "Overall plan")
    found = charts(slide)
    assert [chart.chart_type for chart in found] == [XL_CHART_TYPE.DOUGHNUT] * 4
    for kind, chart in zip(Kind, found, strict=True):
        totals = summary["totals"][kind.value]
        expected = {s.word: totals[s.value] for s in STATUS_ORDER if totals[s.value]}
        assert counts_of(chart) == expected
        for point, said in zip(chart.plots[0].series[0].points, expected, strict=True):
            status = next(s for s in Status if s.word == said)
            assert str(point.format.fill.fore_color.rgb) == STATUS_FILL[status][1:].upper()
    frames = [shape for shape in slide.shapes if shape.has_chart]
    assert all(frame._element.nvGraphicFramePr.cNvPr.get("descr") for frame in frames)


def test_each_recommendation_has_four_doughnuts_or_none() -> None:
    summary = example_summary()
    for rec in summary["recommendations"]:
        name = f"{rec['number']}. {rec['title']}"
        (slide,) = [
            s
            for s in slides_titled(deck(), "Recommendations ")
            if str(rec["number"]) in title(s).removeprefix("Recommendations ").split(" and ")
        ]
        # the recommendation's half of the slide: left of centre, or right of it
        names = [
            shape
            for shape in slide.shapes
            if shape.has_text_frame and shape.text_frame.text == name
        ]
        (heading,) = names
        middle = Pt(SLIDE_WIDTH / 2)
        left_half = heading.left < middle

        def mine(shape: Any, left_half: bool = left_half, middle: int = middle) -> bool:
            return (shape.left < middle) == left_half

        found = iter(shape.chart for shape in slide.shapes if shape.has_chart and mine(shape))
        texts = [
            shape.text_frame.text for shape in slide.shapes if shape.has_text_frame and mine(shape)
        ]
        for kind in Kind:
            counts = rec[kind.value]
            if counts["count"] == 0:
                assert "None" in texts
                continue
            expected = {s.word: counts[s.value] for s in STATUS_ORDER if counts[s.value]}
            assert counts_of(next(found)) == expected
        assert next(found, None) is None


def test_every_kpi_row_of_the_deep_dives_equals_the_summary() -> None:
    report, summary = example_report(), example_summary()
    rows = [row for slide in deck().slides for row in kpi_rows(slide)]
    expected = deep_dive_kpis(summary, report)
    assert len(rows) == len(expected) == 22
    for row, entry in zip(rows, expected, strict=True):
        assert row[0].split("\n")[0] == f"{entry['ref']} {entry['title']}"
        shown, calculated = status_text(entry)
        assert row[7].split("\n")[0].rstrip("¹²³⁴⁵⁶⁷⁸⁹") == shown
        assert (f"(calculated {calculated})" in row[7]) == (calculated is not None)
        assert row[8].endswith(WORDS[entry["direction"]])


def test_exceptions_list_every_red_and_amber_item_of_every_kind() -> None:
    summary = example_summary()
    rows = [
        row
        for slide in slides_titled(deck(), "Exceptions")
        for table in tables(slide)
        for row in table[1:]
    ]
    for status in (Status.RED, Status.AMBER):
        kinds = ("actions", "kpis", "quality", "feedback")
        assert sum(1 for row in rows if row[3] == status.word) == sum(
            summary["totals"][k][status.value] for k in kinds
        )
    # A pointer names the slide its deep dive starts on.
    titles = [title(s) for s in deck().slides]
    for row, exception in zip(rows, example_report().exceptions, strict=True):
        if exception.deep_dive is not None:
            number = int(row[-1].rsplit(" ", 1)[1])
            assert titles[number - 1].startswith(
                f"Deep dive: recommendation {exception.deep_dive},"
            )


def _inside_the_slide(presentation: PresentationType) -> list[str]:
    """Every shape that reaches past the slide, and every table past the content area."""
    wrong = []
    for number, slide in enumerate(presentation.slides, start=1):
        for shape in slide.shapes:
            right = shape.left + shape.width
            bottom = shape.top + shape.height
            if shape.left < 0 or shape.top < 0 or right > Pt(SLIDE_WIDTH) + 1:
                wrong.append(f"slide {number}: {shape.name} runs off the side")
            if bottom > Pt(SLIDE_HEIGHT) + 1:
                wrong.append(f"slide {number}: {shape.name} runs off the bottom")
            if shape.has_table:
                height = sum(row.height for row in shape.table.rows)
                if shape.top + height > Pt(CONTENT_BOTTOM) + 1:
                    wrong.append(f"slide {number}: a table runs into the footer")
    return wrong


def _text_fits(presentation: PresentationType) -> list[str]:
    """Every text box whose text, measured conservatively, is taller than the box."""
    wrong = []
    for number, slide in enumerate(presentation.slides, start=1):
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text:
                continue
            frame = shape.text_frame
            sizes = [r.font.size.pt for p in frame.paragraphs for r in p.runs if r.font.size]
            if not sizes:
                continue
            width = (shape.width - frame.margin_left - frame.margin_right) / 12700
            height = (shape.height - frame.margin_top - frame.margin_bottom) / 12700
            bullets = max(sizes) * 1.1 if "buChar" in shape._element.xml else 0
            needed = paragraphs_height(
                [p.text for p in frame.paragraphs], width - bullets, max(sizes)
            )
            if needed > height + 1:
                wrong.append(f"slide {number}: {frame.text[:40]!r} needs {needed:.0f}pt")
    return wrong


def test_nothing_runs_off_a_slide_or_out_of_its_box() -> None:
    assert _inside_the_slide(deck()) == []
    assert _text_fits(deck()) == []


def test_no_word_in_the_example_deck_is_broken_across_lines() -> None:
    # PowerPoint breaks a word wider than its box: the overview's "Blue (complete)"
    # heading read "(complet / e)" in a column of a count, a doughnut's "measures"
    # "measure / s" in its hole.
    broken = []
    for number, slide in enumerate(deck().slides, start=1):
        for shape in slide.shapes:
            boxes = []
            if shape.has_table:
                for row in shape.table.rows:
                    for cell, column in zip(row.cells, shape.table.columns, strict=True):
                        boxes.append((cell.text_frame, column.width / 12700 - 2 * CELL_INSET))
            elif shape.has_text_frame:
                frame = shape.text_frame
                margins = (frame.margin_left + frame.margin_right) / 12700
                boxes.append((frame, shape.width / 12700 - margins))
            for frame, room in boxes:
                for paragraph in frame.paragraphs:
                    for run in paragraph.runs:
                        size = run.font.size.pt if run.font.size else 12.0
                        bold = bool(run.font.bold)
                        broken += [
                            f"slide {number}: {word}"
                            for word in run.text.split()
                            if text_width(word, size, bold=bold) > room
                        ]
    assert broken == []


def test_comparator_columns_stay_on_the_slide_and_their_text_fits() -> None:
    example = Presentation(io.BytesIO(render_pptx(compared_report())))
    for presentation in (example, deck_of(compared_history())):
        assert _inside_the_slide(presentation) == []
        assert _text_fits(presentation) == []
        widths = [
            sum(column.width for column in shape.table.columns)
            for slide in presentation.slides
            for shape in slide.shapes
            if shape.has_table
        ]
        assert max(widths) <= Pt(CONTENT_WIDTH) + 1


def test_a_long_kpi_table_continues_on_further_slides_without_losing_a_row() -> None:
    p = filled_plan(recommendations=2, period_count=5, kinds={1: {"kpis": 40}})
    presentation = deck_of(p)
    kpi_slides = kpi_slides_of(presentation, "Deep dive: recommendation 1, Workstream 1")
    assert len(kpi_slides) >= 3
    assert all(title(s).endswith("(continued)") for s in kpi_slides[1:])
    titles = [row[0] for s in kpi_slides for row in kpi_rows(s)]
    assert titles == [f"{k.ref} {k.title}" for k in p.recommendations[0].kpis]
    for slide in kpi_slides:
        assert tables(slide)[0][0][0] == "KPI"  # each slide repeats the header row
    assert _inside_the_slide(presentation) == []


def test_long_lists_continue_on_further_slides_and_stay_in_their_boxes() -> None:
    base = filled_plan(recommendations=2, period_count=2)
    period = base.periods[-1].id
    headlines = tuple(
        f"Headline {n}: " + "a sentence long enough to wrap over two lines of the slide " * 2
        for n in range(40)
    )
    narrative = Narrative(headlines=headlines, next_steps=headlines[:3], deep_dives=(1,))
    p = Plan(**{**base.__dict__, "narrative": {period: narrative}})
    presentation = deck_of(p)
    slides = slides_titled(presentation, "Headlines")
    assert len(slides) >= 3
    shown = [
        paragraph.text
        for slide in slides
        for shape in slide.shapes
        if shape.has_text_frame and shape != slide.shapes.title
        for paragraph in shape.text_frame.paragraphs
        if paragraph.text.startswith("Headline ")
    ]
    assert shown == list(headlines)
    assert _text_fits(presentation) == []
    assert _inside_the_slide(presentation) == []


@pytest.mark.parametrize(
    ("boxes", "lines"),
    [(tuple(Box), 3), ((Box.FINANCE,), 10)],
    ids=["the counts move on", "the line alone moves on"],
)
def test_overview_counts_and_no_risks_line_move_on_when_box_reasons_fill_the_slide(
    boxes: tuple[Box, ...], lines: int
) -> None:
    # Found by the property test below: boxes set by hand, a reason with line breaks, no
    # risks: the counts table ran into the footer and "No risks are recorded." under it.
    # Ten lines of one reason leave room for the counts but not for the line under them.
    base = filled_plan(recommendations=1, period_count=2)
    period = base.periods[-1].id
    reason = "\n".join(["Set by the board"] * lines)
    narrative = Narrative(
        boxes={box: Status.BLUE for box in boxes},
        box_reasons={box: reason for box in boxes},
    )
    p = Plan(**{**base.__dict__, "risks": (), "narrative": {period: narrative}})
    presentation = deck_of(p)
    assert _inside_the_slide(presentation) == []
    assert _text_fits(presentation) == []
    overview = slides_titled(presentation, "Quarter overview")
    (line,) = [
        shape
        for slide in overview
        for shape in slide.shapes
        if shape.has_text_frame and shape.text_frame.text == "No risks are recorded."
    ]
    assert line.top + line.height <= Pt(CONTENT_BOTTOM)  # above the footer


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_any_valid_plan_gives_a_deck_that_stays_on_its_slides(p: Plan) -> None:
    # Awkward text included: line breaks in titles, control characters, very long words.
    presentation = deck_of(p)
    assert _inside_the_slide(presentation) == []
    assert _text_fits(presentation) == []


def test_the_example_deck_is_no_longer_than_before_its_trend_charts() -> None:
    # 31 slides before the trends, the committee paper and All other KPIs were added; the
    # deep dives' tables now flow on under their commentary, the trends go ten to a slide
    # and next steps, the data-quality annex and the glossary share a slide.
    assert len(deck().slides) <= 31


def test_each_legend_entry_of_a_trend_chart_fits_its_chart() -> None:
    # 9.K4's "Baseline 14/month (average)" at 9 points was wider than its chart, and
    # LibreOffice drew it over its own dashed line; now 8 points. The key (its line and
    # the gap) takes about six ems, as LibreOffice draws it.
    sizes = []
    for slide in deck().slides:
        for shape in slide.shapes:
            if not shape.has_chart or not shape.chart.has_legend:
                continue
            legend = shape.chart.legend
            size = legend.font.size.pt if legend.font.size else 9.0
            sizes.append(size)
            for series in shape.chart.plots[0].series:
                width = text_width(series.name, size) + 6 * size
                assert width <= shape.width / 12700, (series.name, size)
    assert 8.0 in sizes and 9.0 in sizes


def test_deep_dive_trends_are_native_line_charts_from_zero_on_one_time_axis() -> None:
    for dive in example_report().deep_dives:
        slides = slides_titled(deck(), f"{dive.heading}: KPI trends")
        assert slides, dive.number
        drawn = [c for s in slides for c in charts(s)]
        for c in drawn:  # a line (the value's, with round markers), not a picture
            assert c.chart_type in (XL_CHART_TYPE.LINE, XL_CHART_TYPE.LINE_MARKERS)
            assert c.plots[0].series[0].marker.style == XL_MARKER_STYLE.CIRCLE
        expected = [t for t in dive.trends if t.has_values]
        assert len(drawn) == len(expected)
        axes = {tuple(c.plots[0].categories) for c in drawn}
        assert len(axes) == 1, dive.number  # one time axis for the deep dive
        assert not any("2018-19" in tick for tick in next(iter(axes)))
        for chart, trend in zip(drawn, expected, strict=True):
            values = list(chart.plots[0].series[0].values)
            shown = [float(p.value) if p.value is not None else None for p in trend.points]
            assert values[: len(shown)] == shown, trend.ref
            if trend.zero_based:
                assert chart.value_axis.minimum_scale == 0, trend.ref
        texts = [
            shape.text_frame.text for s in slides for shape in s.shapes if shape.has_text_frame
        ]
        for trend in dive.trends:
            assert any(text.startswith(f"{trend.ref} ") for text in texts), trend.ref
    (cse,) = [d for d in example_report().deep_dives if d.number == 9]
    slides = slides_titled(deck(), f"{cse.heading}: KPI trends")
    formats = {c.plots[0].series[0].data_labels.number_format for s in slides for c in charts(s)}
    assert '#,##0.00"%"' in formats  # 9.K3: "8.80%" beside "6.90%"


def test_tables_split_over_slides_by_row_count_above_the_footer() -> None:
    p = filled_plan(recommendations=2, period_count=3, kinds={1: {"kpis": 30}})
    for presentation in (deck(), deck_of(p)):
        for slide in presentation.slides:
            for shape in slide.shapes:
                if shape.has_table:
                    assert len(shape.table.rows) - 1 <= ROWS_PER_SLIDE, title(slide)
        assert _inside_the_slide(presentation) == []
    exceptions = slides_titled(deck(), "Exceptions")
    rows = [row for s in exceptions for table in tables(s) for row in table[1:]]
    assert len(rows) == len(example_report().exceptions)


def test_no_slide_is_under_a_third_full() -> None:
    # Shape extents: text boxes of flowing text are as tall as their text, tables as their
    # rows; the cover (the first slide) is a title alone.
    for number, slide in enumerate(deck().slides, 1):
        if number == 1:
            continue
        bottoms = [
            (shape.top + shape.height) / 12700
            for shape in slide.shapes
            if shape != slide.shapes.title and shape.top / 12700 < CONTENT_BOTTOM
        ]
        used = max(bottoms, default=CONTENT_TOP) - CONTENT_TOP
        assert used >= CONTENT_HEIGHT / 3, f"slide {number} {title(slide)!r}: {used:.0f} pt"


def test_a_text_is_set_as_large_as_fits_without_breaking_a_word() -> None:
    # "measures" in a doughnut's hole: 11 points fits the height only by breaking the word.
    hole = 45.6
    assert fitting_size(["3", "measures"], hole, 40.8, (13.0, 11.0, 10.0, 9.0), bold=True) == 9.0
    # A word too wide at every size (an address) does not shrink the text to the smallest.
    address = "https://example.org/a-very-long-address-of-the-council/plan"
    assert fitting_size([address], 100.0, 64.0, (13.0, 11.0, 9.0)) == 13.0
