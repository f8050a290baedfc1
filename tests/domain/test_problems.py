"""The data-quality problems of a period (docs/rules.md#problems)."""

from __future__ import annotations

from datetime import date

import pytest
from tests.builders import (
    Q1,
    Q2,
    action,
    feedback,
    kpi,
    narrative,
    plan,
    quality,
    recommendation,
    risk,
    update,
    value,
)

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Box, Plan, Status

G, A, R, B = Status.GREEN, Status.AMBER, Status.RED, Status.BLUE
Q2_END = date(2018, 9, 30)
Q3 = "2018-19-Q3"


def problems(p: Plan, period: str = Q2) -> list[tuple[str, str]]:
    return [(problem.where, problem.message) for problem in evaluate(p, period).problems]


def wheres(p: Plan, period: str = Q2) -> list[str]:
    return [where for where, _ in problems(p, period)]


WITH_RISK = {"risks": [risk(updates={Q2: A})]}


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        # override without a reason (blank counts as none); with one, no problem
        (kpi("9.K2", values={Q2: value("58.6", G)}, target="65"), ["KPI 9.K2, 2018-19-Q2"]),
        (kpi("9.K2", values={Q2: value("58.6", G, "  ")}, target="65"), ["KPI 9.K2, 2018-19-Q2"]),
        (kpi("9.K2", values={Q2: value("58.6", G, "service view")}, target="65"), []),
        (kpi("9.K2", values={Q2: value("58.6", A)}, target="65"), []),  # agrees: no override
        # missing value; not expected → none, no problem
        (kpi("9.K1", target="65"), ["KPI 9.K1, 2018-19-Q2"]),
        (kpi("9.K1", target="65", expected=[Q1]), []),
        # a red KPI needs no commentary (docs/rules.md#problems names actions and measures)
        (kpi("9.K3", values={Q2: "6.9"}, target="12"), []),
        (kpi("9.K1", values={Q2: value(None, display="NYA")}), []),
        # red or amber action or measure without commentary
        (action("9.A1", {Q2: R}), ["Action 9.A1, 2018-19-Q2"]),
        (action("9.A1", {Q2: update(R, " ")}), ["Action 9.A1, 2018-19-Q2"]),
        (action("9.A1", {Q2: update(R, "Poor take-up")}), []),
        (action("9.A1", {Q2: G}), []),
        (action("9.A1", {Q2: B}), []),
        (quality("9.Q1", {Q2: A}), ["Quality measure 9.Q1, 2018-19-Q2"]),
        (quality("9.Q1", {Q2: update(A, "Q2 86% good")}), []),
        (feedback("9.F1", {Q2: R}), ["Feedback measure 9.F1, 2018-19-Q2"]),
        (feedback("9.F1", {Q2: Status.NA}), []),
        # missing updates
        (action("9.A2"), ["Action 9.A2, 2018-19-Q2"]),
        (quality("9.Q1", {Q1: G}), ["Quality measure 9.Q1, 2018-19-Q2"]),
        (feedback("9.F1", expected=[Q3]), []),
        (action("9.A2", {Q1: B}), []),  # complete: stays blue, nothing missing
        # items that do not exist in the period raise nothing
        (action("9.A3", from_period=Q3), []),
        (kpi("9.K4", until_period=Q1), []),
    ],
)
def test_item_problems(item: object, expected: list[str]) -> None:
    kinds = {"Action": "actions", "KPI": "kpis", "Quality": "quality", "Feedback": "feedback"}
    kind = kinds[item.title.split()[0]]  # type: ignore[attr-defined]
    assert wheres(plan(recommendation(9, **{kind: [item]}), **WITH_RISK)) == expected


def test_problem_messages_say_what_is_wrong() -> None:
    p = plan(
        recommendation(
            9,
            actions=[action("9.A1", {Q2: R}, due=date(2018, 9, 1)), action("9.A2")],
            kpis=[kpi("9.K2", values={Q2: value("58.6", G)}, target="65"), kpi("9.K1")],
        ),
        **WITH_RISK,
    )
    assert problems(p) == [
        ("Action 9.A1, 2018-19-Q2", "Red with no commentary"),
        (
            "Action 9.A1, 2018-19-Q2",
            "past its due date, 1 September 2018, and not marked complete at the end of the period",
        ),
        ("Action 9.A2, 2018-19-Q2", "no update was given for this period"),
        (
            "KPI 9.K2, 2018-19-Q2",
            "status set to Green by hand without a reason; the rules give Amber",
        ),
        ("KPI 9.K1, 2018-19-Q2", "no value was given for this period"),
    ]


@pytest.mark.parametrize(
    ("due", "updates", "past_due"),
    [
        (date(2018, 9, 29), {Q2: G}, True),
        (date(2018, 7, 1), {Q2: update(A, "late")}, True),
        (Q2_END, {Q2: G}, False),  # ADR 0009: due on the period's last day is not past
        (date(2018, 10, 1), {Q2: G}, False),
        (date(2018, 9, 29), {Q2: B}, False),  # complete
        (date(2018, 9, 29), {Q1: B}, False),  # complete earlier, still blue
        (date(2018, 9, 29), {Q1: B, Q2: G}, True),  # reopened
        (None, {Q2: G}, False),
    ],
)
def test_action_past_due(due: date | None, updates: dict, past_due: bool) -> None:
    p = plan(recommendation(1, actions=[action("1.A1", updates, due=due)]), **WITH_RISK)
    messages = [message for _, message in problems(p)]
    assert any(message.startswith("past its due date") for message in messages) is past_due


@pytest.mark.parametrize(
    ("boxes", "reasons", "expected"),
    [
        ({Box.PROGRESS: R}, {}, ["Overview box progress, 2018-19-Q2"]),
        ({Box.PROGRESS: R}, {Box.PROGRESS: "   "}, ["Overview box progress, 2018-19-Q2"]),
        ({Box.PROGRESS: R}, {Box.PROGRESS: "Slippage expected"}, []),
        ({Box.PROGRESS: G}, {}, []),  # equals the calculated green: no override
        ({Box.FINANCE: Status.NA}, {}, []),
        ({Box.FINANCE: A}, {}, ["Overview box finance, 2018-19-Q2"]),
        (
            {Box.OVERALL: R, Box.RISKS: G},
            {},
            [
                "Overview box overall, 2018-19-Q2",
                "Overview box risks, 2018-19-Q2",
            ],
        ),
    ],
)
def test_hand_set_boxes_need_a_reason(
    boxes: dict[Box, Status], reasons: dict[Box, str], expected: list[str]
) -> None:
    p = plan(
        recommendation(1, actions=[action("1.A1", {Q2: G})]),
        risks=[risk(updates={Q2: A})],
        narratives={Q2: narrative(boxes, reasons)},
    )
    assert wheres(p) == expected


def test_risk_without_update_is_a_problem() -> None:
    """ADR 0008: risks have no ``expected``; no update is missing."""
    p = plan(risks=[risk("Delivery", {Q2: A}), risk("Funding", {Q1: A})])
    assert problems(p) == [
        ("Risk 2, 2018-19-Q2", "no update was given for this period (Funding)"),
    ]


def test_problems_are_about_the_chosen_period_only() -> None:
    p = plan(recommendation(1, actions=[action("1.A1", {Q2: G})]), **WITH_RISK)  # missing in Q1
    assert wheres(p, Q2) == []
    assert wheres(p, Q1) == ["Action 1.A1, 2018-19-Q1", "Risk 1, 2018-19-Q1"]
