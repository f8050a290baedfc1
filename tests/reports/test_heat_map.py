"""The risk heat map (docs/rules.md#risk-scores): a deterministic SVG with a text
alternative, only for a plan that scores its risks."""

from __future__ import annotations

import lxml.html
from tests.builders import Q1, Q2, plan, risk, scored
from tests.reports.example_report import example_report

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import RiskScale, Status
from plantracker.reports.build import build_report
from plantracker.reports.charts import heat_map_svg
from plantracker.reports.registry import RENDERERS
from plantracker.reports.text import HEAT_MAP, RISK_HEADINGS, position_words


def test_the_heat_map_marks_now_and_before_and_is_the_same_every_time() -> None:
    p = plan(risks=[risk("Recruitment", {Q1: scored(4, 4), Q2: scored(2, 3)}), risk("Money")])
    overview = build_report(evaluate(p, Q2)).overview
    heat_map = overview.heat_map
    assert heat_map is not None
    cells = {(c.likelihood, c.impact): c for row in heat_map.rows for c in row}
    assert cells[2, 3].now == ("R1",) and cells[4, 4].previous == ("R1",)
    assert cells[4, 4].status is Status.RED and cells[2, 3].status is Status.GREEN
    assert [(p.marker, p.now, p.previous) for p in heat_map.positions] == [
        (
            "R1",
            "Likelihood 2 Unlikely × Impact 3 Moderate = 6, Green",
            "Likelihood 4 Likely × Impact 4 Major = 16, Red",
        ),
        ("R2", "Not scored", "Not scored"),
    ]
    assert heat_map_svg(heat_map) == heat_map_svg(heat_map)
    assert heat_map_svg(heat_map).count("<circle") == 2  # R1 now, R1 before


def test_a_plan_without_scores_has_the_risk_table_it_had() -> None:
    overview = build_report(evaluate(plan(risks=[risk("Money", {Q2: Status.AMBER})]), Q2)).overview
    assert overview.heat_map is None and overview.risk_headings == RISK_HEADINGS
    assert overview.risks[0].score is None


def test_the_html_heat_map_is_an_image_with_a_table_as_its_text() -> None:
    document = lxml.html.fromstring(RENDERERS["html"].render(example_report()).decode("utf-8"))
    (figure,) = document.xpath("//figure[@class='heat-map']")
    (svg,) = figure.xpath(".//svg[@role='img']")
    assert svg.xpath("./title")[0].text.startswith(HEAT_MAP)
    rows = figure.xpath(".//figcaption//table//tbody/tr")
    assert [[" ".join(c.text_content().split()) for c in r] for r in rows] == [
        [
            "R1 The activity in the plan may not lead to the outcomes for children that it is "
            "meant to achieve",
            "Likelihood 3 Possible × Impact 3 Moderate = 9, Amber",
            "Likelihood 4 Likely × Impact 3 Moderate = 12, Amber",
        ]
    ]


def test_a_position_off_the_grid_reads_not_scored_in_the_report() -> None:
    """The report's words for a position come from the domain's placing
    (``risk_score.placed``): a value outside 1–5 reads "Not scored" rather than failing
    the build."""
    scale = RiskScale()
    assert position_words(4, 3, scale).endswith("= 12, Amber")
    assert position_words(6, 3, scale) == position_words(None, None, scale) == "Not scored"
