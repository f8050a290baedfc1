"""A risk register that scores (docs/rules.md#risk-scores)."""

from __future__ import annotations

import pytest
from tests.builders import Q1, Q2, plan, risk, scored, update

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import RiskBand, RiskScale, Status, band_errors
from plantracker.domain.risk_score import placed
from plantracker.domain.summary import summary_dict

G, A, R = Status.GREEN, Status.AMBER, Status.RED


@pytest.mark.parametrize(
    ("likelihood", "impact", "status"),
    [(1, 1, G), (2, 3, G), (2, 4, A), (3, 4, A), (3, 5, R), (5, 5, R)],
)
def test_default_bands_derive_the_rag(likelihood: int, impact: int, status: Status) -> None:
    assert RiskScale().status(likelihood * impact) is status


def test_a_scored_risk_shows_its_derived_rag_and_its_previous_position() -> None:
    p = plan(risks=[risk("Recruitment", {Q1: scored(4, 4), Q2: scored(3, 3)})])
    result = evaluate(p, Q2).risks[0]
    assert (result.status, result.derived, result.overridden) == (A, A, False)
    assert (result.score, result.previous_score) == (9, 16)
    assert result.previous_status is R
    assert summary_dict(evaluate(p, Q2))["risks"][0] == {
        "title": "Recruitment",
        "status": "amber",
        "previous": "red",
        "direction": "improving",
        "likelihood": 3,
        "impact": 3,
        "score": 9,
        "previous_likelihood": 4,
        "previous_impact": 4,
        "previous_score": 16,
        "derived": "amber",
        "overridden": False,
        "reason": None,
    }


def test_an_override_without_a_reason_is_a_problem_and_with_one_is_not() -> None:
    bare = plan(risks=[risk("Funding", {Q2: scored(2, 2, R)})])
    result = evaluate(bare, Q2)
    assert (result.risks[0].status, result.risks[0].derived) == (R, G)
    assert [(p.where, p.message) for p in result.problems] == [
        (
            "Risk 1, 2018-19-Q2",
            "the status red overrides the green its score 4 derives, without a reason (Funding)",
        )
    ]
    reasoned = plan(risks=[risk("Funding", {Q2: scored(2, 2, R, "Grant ends in March")})])
    result = evaluate(reasoned, Q2)
    assert result.risks[0].overridden and result.risks[0].reason == "Grant ends in March"
    assert result.problems == ()


def test_a_risk_without_a_score_keeps_its_given_rag_and_its_summary() -> None:
    p = plan(risks=[risk("Delivery", {Q1: A, Q2: update(R, "Worse")})])
    assert summary_dict(evaluate(p, Q2))["risks"] == [
        {"title": "Delivery", "status": "red", "previous": "amber", "direction": "worsening"}
    ]


def test_plan_bands_change_the_derived_rag() -> None:
    scale = RiskScale(
        bands=(RiskBand(G, 1, 4), RiskBand(A, 5, 9), RiskBand(R, 10, 25)),
    )
    assert scale.status(6) is A and scale.status(10) is R


@pytest.mark.parametrize(
    ("bands", "message"),
    [
        (
            (RiskBand(G, 1, 8), RiskBand(A, 8, 12), RiskBand(R, 15, 25)),
            "the bands overlap: score 8 is in green 1–8 and amber 8–12",
        ),
        (
            (RiskBand(G, 1, 6), RiskBand(A, 9, 12), RiskBand(R, 15, 25)),
            "the bands leave a gap: score 8 is in no band",
        ),
        (
            (RiskBand(G, 0, 6), RiskBand(A, 8, 12), RiskBand(R, 15, 25)),
            "the green band 0–6 must have 1 ≤ from ≤ to ≤ 25",
        ),
    ],
)
def test_bad_bands_are_named(bands: tuple[RiskBand, ...], message: str) -> None:
    assert band_errors(bands) == [message]
    assert band_errors(RiskScale().bands) == []


def test_a_position_on_the_grid_has_its_words_score_and_rag_and_one_off_it_has_none() -> None:
    scale = RiskScale()
    found = placed(4, 3, scale)
    assert found is not None
    assert (found.likelihood_word, found.impact_word) == ("Likely", "Moderate")
    assert (found.position.score, found.derived) == (12, Status.AMBER)
    # No score, a page's empty value, or a value off the 5×5 grid: not placed, never an
    # error or another point's words.
    for likelihood, impact in ((None, 3), ("", ""), (6, 3), (0, 2), (-1, 2), (True, 2), ("4", 3)):
        assert placed(likelihood, impact, scale) is None, (likelihood, impact)
