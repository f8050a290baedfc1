"""The ``summary --json`` document (docs/rules.md#summary-json)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.builders import (
    Q1,
    Q2,
    action,
    kpi,
    narrative,
    plan,
    recommendation,
    risk,
    update,
    value,
)
from tests.domain.strategies import plans

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Box, Kind, Status
from plantracker.domain.summary import json_number, summary_dict

G, A, R = Status.GREEN, Status.AMBER, Status.RED
KIND_KEYS = {"count", "status", *(status.value for status in Status)}


def example_like() -> dict:
    p = plan(
        recommendation(
            9,
            title="EET opportunities for CLA",
            actions=[action("9.A1", {Q1: G, Q2: update(R, "Poor take-up")})],
            kpis=[
                kpi("9.K1", values={Q2: value(None, display="NYA")}),
                kpi("9.K2", values={Q1: "58.4", Q2: value("58.6", G, "Service view")}, target="65"),
                kpi("9.K3", values={Q2: "60"}, target="60"),
            ],
        ),
        recommendation(3, title="Children with Disabilities"),
        risks=[risk("Delivery", {Q1: A, Q2: A})],
        narratives={Q2: narrative({Box.FINANCE: Status.NA})},
    )
    return summary_dict(evaluate(p, Q2))


def test_the_contract_keys_are_all_there() -> None:
    document = example_like()
    assert {"plan", "period", "overall", "totals", "recommendations", "kpis", "problems"} <= set(
        document
    )
    assert document["plan"] == "Test plan"
    assert document["period"] == Q2
    assert {"status", "previous", "direction"} <= set(document["overall"])
    assert set(document["totals"]) == {"actions", "kpis", "quality", "feedback"}
    for scope in [document["totals"], *document["recommendations"]]:
        for kind in Kind:
            assert set(scope[kind.value]) >= KIND_KEYS
    first = document["recommendations"][0]
    assert (first["number"], first["title"]) == (9, "EET opportunities for CLA")
    assert {"number", "title", "status"} <= set(first)


def test_an_empty_kind_is_count_zero_status_na() -> None:
    empty = example_like()["recommendations"][1]
    for kind in Kind:
        assert empty[kind.value]["count"] == 0
        assert empty[kind.value]["status"] == "na"
        assert all(empty[kind.value][status.value] == 0 for status in Status)
    assert empty["status"] == "na"


def test_kpis_list_values_as_numbers_and_overrides() -> None:
    kpis = {entry["ref"]: entry for entry in example_like()["kpis"]}
    assert kpis["9.K1"]["value"] is None
    assert kpis["9.K1"]["status"] == "na"
    assert kpis["9.K1"]["display"] == "NYA"
    k2 = kpis["9.K2"]
    assert {
        key: k2[key]
        for key in ("ref", "recommendation", "value", "status", "calculated", "overridden")
    } == {
        "ref": "9.K2",
        "recommendation": 9,
        "value": 58.6,
        "status": "green",
        "calculated": "amber",
        "overridden": True,
    }
    assert k2["reason"] == "Service view"
    assert k2["direction"] == "same"
    assert kpis["9.K3"]["value"] == 60
    assert isinstance(kpis["9.K3"]["value"], int)
    assert kpis["9.K3"]["overridden"] is False


def test_totals_overall_and_problems() -> None:
    document = example_like()
    actions = document["totals"]["actions"]
    assert (actions["count"], actions["red"], actions["status"]) == (1, 1, "red")
    assert actions["percent"]["red"] == 100
    kpis = document["totals"]["kpis"]
    assert (kpis["count"], kpis["green"], kpis["na"], kpis["status"]) == (3, 2, 1, "green")
    # Q2: 2 green and 1 red rated (33 % red) → red; Q1: 9.K2 red, 9.A1 green → red
    assert document["overall"] == {
        "status": "red",
        "previous": "red",
        "direction": "same",
        "calculated": "red",
        "overridden": False,
        "reason": None,
        "na_reason": None,
    }
    assert document["boxes"]["finance"]["status"] == "na"
    assert document["boxes"]["finance"]["na_reason"] == "not_applicable"
    assert document["boxes"]["risks"] == {
        "status": "amber",
        "previous": "amber",
        "direction": "same",
        "calculated": "amber",
        "overridden": False,
        "reason": None,
        "na_reason": None,
    }
    assert document["problems"] == []
    assert document["most_concern"] == [9]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("58.6", 58.6),
        ("58.60", 58.6),
        ("60", 60),
        ("60.00", 60),
        ("-3", -3),
        ("0", 0),
        ("1E+2", 100),
        ("0.1", 0.1),
        (None, None),
    ],
)
def test_json_number(text: str | None, expected: float | int | None) -> None:
    number = json_number(Decimal(text) if text is not None else None)
    assert number == expected
    assert type(number) is type(expected)


def test_json_number_never_prints_infinity() -> None:
    huge = Decimal("1" * 400 + ".5")
    assert json.dumps(json_number(huge)) == "1" * 400


def test_the_document_is_plain_json() -> None:
    text = json.dumps(example_like(), ensure_ascii=False)
    assert json.loads(text) == example_like()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_summary_totals_equal_the_sum_over_recommendations(data: st.DataObject) -> None:
    p = data.draw(plans())
    period_id = data.draw(st.sampled_from([period.id for period in p.periods]))
    document = json.loads(json.dumps(summary_dict(evaluate(p, period_id))))
    for kind in Kind:
        total = document["totals"][kind.value]
        for key in ("count", *(status.value for status in Status)):
            assert total[key] == sum(r[kind.value][key] for r in document["recommendations"])
        assert total["count"] == sum(total[status.value] for status in Status)
        for scope in [total, *(r[kind.value] for r in document["recommendations"])]:
            assert set(scope) >= KIND_KEYS
            assert all(isinstance(p, int) and 0 <= p <= 100 for p in scope["percent"].values())
    for entry in document["kpis"]:
        assert entry["value"] is None or isinstance(entry["value"], int | float)


def test_problems_are_where_and_message() -> None:
    p = plan(recommendation(1, actions=[action("1.A1", {Q2: A})]), risks=[risk("r", {Q2: A})])
    assert summary_dict(evaluate(p, Q2))["problems"] == [
        {"where": "Action 1.A1, 2018-19-Q2", "message": "Amber with no commentary"}
    ]
