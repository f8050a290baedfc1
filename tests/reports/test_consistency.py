"""Every count, status and percentage the report prints equals ``summary --json``.

For the example plan and a synthetic plan, in the HTML (parsed) and in the PDF's text
(pdftotext), and for the varied shapes of the test plans in the HTML.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from tests.builders import filled_plan
from tests.reports.consistency import html_disagreements, pdf_disagreements, pdf_text
from tests.reports.example_report import example_file, example_report, example_summary

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Plan
from plantracker.domain.summary import summary_dict
from plantracker.planfile import load_plan
from plantracker.reports.build import build_report
from plantracker.reports.html import render_html
from plantracker.reports.model import Report
from plantracker.reports.pdf import render_pdf
from plantracker.synth import synth_plan

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "childrens-improvement-plan.yaml"


def _example() -> tuple[Plan, str]:
    return load_plan(EXAMPLE), "2018-19-Q2"


def _synth() -> tuple[Plan, str]:
    synthetic = synth_plan(1, seed=3)
    return synthetic, synthetic.periods[-1].id


PLANS = {"example": _example, "synth": _synth}


@pytest.fixture(scope="module", params=list(PLANS))
def reported(request: pytest.FixtureRequest) -> tuple[Report, dict[str, Any]]:
    if request.param == "example":  # the report tests' one example report and its files
        return example_report(), example_summary()
    subject, period = PLANS[request.param]()
    result = evaluate(subject, period)
    return build_report(result), summary_dict(result)


def test_html_agrees_with_the_summary(reported: tuple[Report, dict[str, Any]]) -> None:
    report, summary = reported
    assert html_disagreements(render_html(report), summary) == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_agrees_with_the_summary(
    reported: tuple[Report, dict[str, Any]], tmp_path: Path
) -> None:
    report, summary = reported
    path = tmp_path / "report.pdf"
    path.write_bytes(example_file("pdf") if report is example_report() else render_pdf(report))
    assert pdf_disagreements(pdf_text(path), summary, report) == []


@pytest.mark.parametrize(
    "shape",
    [
        {"recommendations": 3, "period_count": 1, "narrative": False},
        {"recommendations": 4, "kinds": {2: {"actions": 0, "kpis": 0}, 3: {"feedback": 0}}},
        {"recommendations": 110, "period_count": 2},
    ],
    ids=["single period", "missing kinds", "110 recommendations"],
)
def test_html_agrees_for_any_shape(shape: dict[str, Any]) -> None:
    subject = filled_plan(**shape)
    result = evaluate(subject, subject.periods[-1].id)
    html = render_html(build_report(result))
    assert html_disagreements(html, summary_dict(result)) == []


def test_the_check_catches_a_wrong_figure() -> None:
    """The comparison is not vacuous: one changed figure is reported."""
    subject, period = _example()
    result = evaluate(subject, period)
    html = render_html(build_report(result))
    wrong = html.replace('data-status="green">39<', 'data-status="green">38<', 1)
    assert wrong != html
    assert html_disagreements(wrong, summary_dict(result)) == [
        "workstream actions green: shows '38', summary says '39'"
    ]
