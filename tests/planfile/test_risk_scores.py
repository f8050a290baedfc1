"""Scored risks in the plan file (docs/plan-file.md#risk-scale, #risk-updates): read,
refused with a message naming where, and kept through YAML → YAML."""

from __future__ import annotations

import pytest
from tests.builders import PLAN_YAML, vary
from tests.planfile.plans import NAME, errors_of

from plantracker.domain.model import RiskBand, RiskUpdate, Status
from plantracker.planfile import load_plan_text, plan_to_yaml

HEADER = "  organisation: Test Council\n"
SCALE = """\
  risk_scale:
    likelihood: [Very low, Low, Medium, High, Very high]
    bands: {green: 1-4, amber: 5-10, red: 12-25}
"""
UPDATE = "    updates: {2018-19-Q2: {status: amber}}\n"
SCORED = """\
    controls: Weekly caseload review
    target_score: 4
    target_date: 2019-03-31
    updates:
      2018-19-Q1: {likelihood: 4, impact: 4}
      2018-19-Q2: {likelihood: 2, impact: 3, status: red, reason: Court backlog}
"""


def test_scored_risks_are_read_with_the_plan_scale() -> None:
    plan = load_plan_text(vary((HEADER, HEADER + SCALE), (UPDATE, SCORED)), NAME)
    assert plan.risk_scale.likelihood[0] == "Very low"
    assert plan.risk_scale.impact[4] == "Severe"  # the default where none is given
    assert plan.risk_scale.bands[1] == RiskBand(Status.AMBER, 5, 10)
    risk = plan.risks[0]
    assert (risk.controls, risk.target_score, str(risk.target_date)) == (
        "Weekly caseload review",
        4,
        "2019-03-31",
    )
    # No status given: the plan's bands derive it (16 is red under 12-25).
    assert risk.updates["2018-19-Q1"] == RiskUpdate(Status.RED, likelihood=4, impact=4)
    assert risk.updates["2018-19-Q2"] == RiskUpdate(
        Status.RED, likelihood=2, impact=3, reason="Court backlog"
    )


def test_scores_survive_writing_and_reading_again() -> None:
    plan = load_plan_text(vary((HEADER, HEADER + SCALE), (UPDATE, SCORED)), NAME)
    written = plan_to_yaml(plan)
    assert "2018-19-Q1: {likelihood: 4, impact: 4}" in written  # derived: no status
    assert load_plan_text(written, NAME) == plan


def test_a_plan_without_scores_is_written_as_before() -> None:
    assert "risk_scale" not in plan_to_yaml(load_plan_text(PLAN_YAML, NAME))
    assert "{status: amber}" in plan_to_yaml(load_plan_text(PLAN_YAML, NAME))


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            (UPDATE, "    updates: {2018-19-Q2: {likelihood: 0, impact: 3}}\n"),
            "risks[0].updates.2018-19-Q2.likelihood",
            "expected a whole number from 1 to 5, found 0",
        ),
        (
            (UPDATE, "    updates: {2018-19-Q2: {likelihood: 2, impact: 6}}\n"),
            "risks[0].updates.2018-19-Q2.impact",
            "expected a whole number from 1 to 5, found 6",
        ),
        (
            (UPDATE, "    updates: {2018-19-Q2: {likelihood: 2}}\n"),
            "risks[0].updates.2018-19-Q2",
            "'likelihood' is given without 'impact': give both or neither",
        ),
        (
            (HEADER, HEADER + "  risk_scale: {bands: {green: 1-8, amber: 8-12, red: 15-25}}\n"),
            "plan.risk_scale.bands",
            "the bands overlap: score 8 is in green 1–8 and amber 8–12",
        ),
        (
            (HEADER, HEADER + "  risk_scale: {bands: {green: 1-6, amber: 9-12, red: 15-25}}\n"),
            "plan.risk_scale.bands",
            "the bands leave a gap: score 8 is in no band",
        ),
        (
            (HEADER, HEADER + "  risk_scale: {impact: [Low, High]}\n"),
            "plan.risk_scale.impact",
            "expected 5 labels (for 1 to 5), found 2",
        ),
    ],
)
def test_bad_values_are_refused_naming_where(
    change: tuple[str, str], path: str, message: str
) -> None:
    errors = errors_of(vary(change))
    assert [(error.path, error.message.split(" (")[0]) for error in errors] == [
        (path, message.split(" (")[0])
    ]


def test_the_example_summary_is_unchanged_but_for_the_added_risk_keys() -> None:
    # The example's risk was scored (illustrative) without changing its RAG: without the
    # scores its summary is the one it had, and with them only the new keys are added.
    from dataclasses import replace
    from pathlib import Path

    from plantracker.domain.evaluate import evaluate
    from plantracker.domain.model import Update
    from plantracker.domain.summary import summary_dict
    from plantracker.planfile import load_plan

    example = Path(__file__).resolve().parents[2] / "examples/childrens-improvement-plan.yaml"
    scored = load_plan(example)
    plain = replace(
        scored,
        risks=tuple(
            replace(
                risk,
                controls=None,
                target_score=None,
                target_date=None,
                updates={p: Update(u.status, u.commentary) for p, u in risk.updates.items()},
            )
            for risk in scored.risks
        ),
    )
    before = summary_dict(evaluate(plain, "2018-19-Q2"))
    after = summary_dict(evaluate(scored, "2018-19-Q2"))
    added = {
        "likelihood",
        "impact",
        "score",
        "previous_likelihood",
        "previous_impact",
        "previous_score",
        "derived",
        "overridden",
        "reason",
        "target_score",
        "target_date",
    }
    assert set(after["risks"][0]) - set(before["risks"][0]) == added
    after["risks"] = [{k: v for k, v in r.items() if k not in added} for r in after["risks"]]
    assert after == before


def test_scores_and_the_scale_survive_the_workbook() -> None:
    from plantracker.planfile.xlsx import load_workbook_bytes, workbook_bytes

    labels = "    impact: [Tiny, Small, Medium, Big, Huge]\n"
    plan = load_plan_text(vary((HEADER, HEADER + SCALE + labels), (UPDATE, SCORED)), NAME)
    assert load_workbook_bytes(workbook_bytes(plan), "plan.xlsx") == plan


def test_a_bad_score_in_the_workbook_names_its_cell() -> None:
    import io

    import openpyxl

    from plantracker.planfile import PlanFileError
    from plantracker.planfile.xlsx import load_workbook_bytes, workbook_bytes

    plan = load_plan_text(vary((UPDATE, SCORED)), NAME)
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(plan)))
    sheet = book["Updates"]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("Likelihood") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, column).value == 4)
    sheet.cell(row, column).value = 6
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(PlanFileError) as caught:
        load_workbook_bytes(out.getvalue(), "plan.xlsx")
    (error,) = caught.value.errors
    assert "expected a whole number from 1 to 5, found 6" in error.message
    assert "Updates" in str(error)
