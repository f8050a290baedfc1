"""A whole period evaluated (docs/rules.md: overview boxes, roll-ups, counts, most concern)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.builders import (
    Q1,
    Q2,
    YEAR_BEFORE_Q2,
    action,
    feedback,
    kpi,
    narrative,
    plan,
    quality,
    quarters,
    recommendation,
    risk,
    update,
    value,
)
from tests.domain.strategies import plans

from plantracker.domain.evaluate import Reuse, evaluate
from plantracker.domain.existence import exists_in
from plantracker.domain.model import Box, Direction, Kind, Plan, Recommendation, Status
from plantracker.domain.periods import PeriodIndex, UnknownPeriod
from plantracker.domain.summary import summary_dict

G, A, R, B = Status.GREEN, Status.AMBER, Status.RED, Status.BLUE
N, NA, M = Status.NONE, Status.NA, Status.MISSING
UP, SAME, DOWN = Direction.IMPROVING, Direction.SAME, Direction.WORSENING
Q3 = "2018-19-Q3"


def red_kpi(ref: str) -> object:
    return kpi(ref, values={Q1: "1", Q2: "1"}, target="10")


def green_kpi(ref: str) -> object:
    return kpi(ref, values={Q1: "10", Q2: "10"}, target="10")


def small_plan(**narratives: object) -> Plan:
    """3 green actions and 2 red KPIs in Q2 (overall red: 40 % red); one amber risk."""
    return plan(
        recommendation(
            1,
            actions=[action(f"1.A{i}", {Q1: G, Q2: G}) for i in range(3)],
            kpis=[red_kpi("1.K1"), red_kpi("1.K2")],
        ),
        risks=[risk("Delivery", {Q1: A, Q2: A})],
        narratives=narratives,  # type: ignore[arg-type]
    )


def test_unknown_period_names_the_plans_periods() -> None:
    with pytest.raises(UnknownPeriod) as raised:
        evaluate(plan(periods=quarters(2, first_year=2018)), "2018-19-Q4")
    assert "2018-19-Q1, 2018-19-Q2" in str(raised.value)


def test_boxes_are_rollups_of_their_items() -> None:
    result = evaluate(small_plan(), Q2)
    statuses = {box: result.boxes[box].status for box in Box}
    # overall: all four kinds together; progress: actions; risks: risks; finance: na
    assert statuses == {Box.OVERALL: R, Box.PROGRESS: G, Box.RISKS: A, Box.FINANCE: NA}
    assert not any(result.boxes[box].overridden for box in Box)
    assert result.overall.previous is R
    assert result.overall.direction is SAME


def test_hand_set_box_is_an_override_with_its_reason() -> None:
    result = evaluate(
        small_plan(**{Q2: narrative({Box.OVERALL: A}, {Box.OVERALL: "KPIs lag the actions"})}),
        Q2,
    )
    overall = result.overall
    assert (overall.status, overall.calculated, overall.overridden) == (A, R, True)
    assert overall.reason == "KPIs lag the actions"
    assert overall.direction is UP  # previous calculated red → reported amber


def test_hand_set_box_equal_to_calculated_is_not_an_override() -> None:
    result = evaluate(small_plan(**{Q2: narrative({Box.PROGRESS: G}, {Box.PROGRESS: "x"})}), Q2)
    progress = result.boxes[Box.PROGRESS]
    assert (progress.status, progress.overridden, progress.reason) == (G, False, None)


def test_previous_overall_is_the_previous_periods_reported_status() -> None:
    # Q1 was reported green by hand (calculated red); Q2 calculates red → worsening.
    result = evaluate(small_plan(**{Q1: narrative({Box.OVERALL: G}, {Box.OVERALL: "why"})}), Q2)
    assert (result.overall.status, result.overall.previous) == (R, G)
    assert result.overall.direction is DOWN


def test_first_period_has_no_previous() -> None:
    result = evaluate(small_plan(), "2017-18-Q1")
    assert result.previous_period is None
    assert all(result.boxes[box].previous is None for box in Box)
    assert all(result.boxes[box].direction is None for box in Box)
    assert result.recommendations[0].previous_status is None


def test_totals_and_recommendation_counts() -> None:
    p = plan(
        recommendation(
            1,
            actions=[
                action("1.A1", {Q2: G}),
                action("1.A2", {Q1: B}),  # stays blue
                action("1.A3", expected=[Q3]),  # none
                action("1.A4", {Q2: A}, from_period=Q3),  # not yet: not counted
                action("1.A5", {Q1: R}, until_period=Q1),  # gone: not counted
            ],
            quality=[quality("1.Q1", {Q2: update(A, "ok")})],
        ),
        recommendation(2, kpis=[green_kpi("2.K1"), kpi("2.K2", values={Q2: value(None)})]),
        recommendation(3),
    )
    result = evaluate(p, Q2)
    actions = result.totals[Kind.ACTION]
    assert actions.count == 3
    assert (actions[G], actions[B], actions[N]) == (1, 1, 1)
    assert actions.status is G
    assert [item.ref for item in result.items(Kind.ACTION)] == ["1.A1", "1.A2", "1.A3"]
    kpis = result.totals[Kind.KPI]
    assert (kpis.count, kpis[G], kpis[NA], kpis.status) == (2, 1, 1, G)
    assert result.totals[Kind.FEEDBACK].count == 0
    assert result.totals[Kind.FEEDBACK].status is NA
    empty = result.recommendations[2]
    assert empty.status is NA
    assert all(empty.kinds[kind].count == 0 for kind in Kind)
    first = result.recommendations[0]
    assert first.status is A  # 1 green, 1 blue, 1 amber of 3 rated: 66.7 % green
    assert first.kinds[Kind.QUALITY].status is A


def test_items_that_existed_only_before_count_in_the_previous_rollup() -> None:
    p = plan(
        recommendation(
            1,
            actions=[
                action("1.A1", {Q1: R, Q2: G}),
                action("1.A2", {Q1: R}, until_period=Q1),
                action("1.A3", {Q2: G}, from_period=Q2),
            ],
        ),
        risks=[risk("r", {Q1: G, Q2: G})],
    )
    result = evaluate(p, Q2)
    first = result.recommendations[0]
    assert (first.previous_status, first.status, first.direction) == (R, G, UP)
    new = first.items[Kind.ACTION][1]
    assert (new.ref, new.previous_status, new.direction) == ("1.A3", None, None)
    assert result.boxes[Box.PROGRESS].previous is R


def test_item_results_carry_status_direction_and_commentary() -> None:
    p = plan(
        recommendation(
            9,
            actions=[action("9.A1", {Q1: G, Q2: update(R, "Poor take-up")})],
            kpis=[
                kpi(
                    "9.K2",
                    values={
                        YEAR_BEFORE_Q2: "50",
                        Q1: "58.4",
                        Q2: value("58.6", G, "Service view", display="58.6%"),
                    },
                    target="65",
                )
            ],
        )
    )
    result = evaluate(p, Q2)
    act = result.items(Kind.ACTION)[0]
    assert (act.status, act.previous_status, act.direction, act.commentary) == (
        R,
        G,
        DOWN,
        "Poor take-up",
    )
    assert act.long_direction is None
    k = result.items(Kind.KPI)[0]
    assert (k.status, k.calculated, k.overridden, k.reason) == (G, A, True, "Service view")
    assert (k.value, k.display, k.target_value) == (Decimal("58.6"), "58.6%", Decimal(65))
    assert k.direction is SAME  # 58.4 → 58.6 is within 2 % of 58.4
    assert k.long_direction is UP  # 50 a year earlier
    assert k.previous_status is R  # 58.4 against 65 is beyond 6.5
    assert k.recommendation == 9


def test_long_direction_needs_the_item_to_exist_a_year_earlier() -> None:
    item = kpi("1.K1", values={YEAR_BEFORE_Q2: "1", Q2: "10"}, target="10", from_period=Q1)
    result = evaluate(plan(recommendation(1, kpis=[item])), Q2)
    assert result.items(Kind.KPI)[0].long_direction is None


def test_risks() -> None:
    p = plan(risks=[risk("a", {Q1: R, Q2: update(A, "better")}), risk("b", {Q2: N})])
    result = evaluate(p, Q2)
    first, second = result.risks
    assert (first.status, first.previous_status, first.direction) == (A, R, UP)
    assert first.commentary == "better"
    assert (second.status, second.previous_status, second.direction) == (N, M, None)
    assert result.boxes[Box.RISKS].status is A
    assert result.boxes[Box.RISKS].previous is R


def test_overall_counts_every_kind_together_not_a_rollup_of_rollups() -> None:
    # Two recommendations: one all green (4 items), one with a single red item. Rolled up
    # together 1 of 5 is red (20 %): amber; a roll-up of the two roll-ups would be 50 % red.
    p = plan(
        recommendation(1, actions=[action(f"1.A{i}", {Q2: G}) for i in range(4)]),
        recommendation(2, feedback=[feedback("2.F1", {Q2: update(R, "x")})]),
    )
    result = evaluate(p, Q2)
    assert [r.status for r in result.recommendations] == [G, R]
    assert result.overall.status is A


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        # (number, red KPIs, other red items) in plan order
        ([(1, 0, 0), (2, 0, 0)], ()),
        ([(1, 1, 0), (2, 0, 2)], (2, 1)),  # more red items first
        ([(1, 0, 2), (2, 2, 0)], (2, 1)),  # tie on red items: more red KPIs first
        ([(1, 1, 1), (2, 2, 0)], (2, 1)),
        ([(1, 1, 1), (2, 1, 1)], (1, 2)),  # full tie: plan order
        ([(6, 6, 0), (2, 3, 1), (9, 3, 1), (10, 4, 0), (8, 1, 0)], (6, 10, 2, 9, 8)),
    ],
)
def test_most_concern(shape: list[tuple[int, int, int]], expected: tuple[int, ...]) -> None:
    recommendations = [
        recommendation(
            number,
            kpis=[red_kpi(f"{number}.K{i}") for i in range(red_kpis)]  # type: ignore[misc]
            + [green_kpi(f"{number}.KG")],  # type: ignore[list-item]
            actions=[action(f"{number}.A{i}", {Q2: update(R, "c")}) for i in range(other)],
        )
        for number, red_kpis, other in shape
    ]
    assert evaluate(plan(*recommendations), Q2).most_concern == expected


def test_evaluate_does_not_depend_on_other_periods_later_data() -> None:
    p = plan(recommendation(1, actions=[action("1.A1", {Q1: G, Q2: R, Q3: B})]))
    assert evaluate(p, Q1).items()[0].status is G
    assert evaluate(p, Q2).items()[0].status is R


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_counts_in_every_scope_add_up_to_the_items_existing(data: st.DataObject) -> None:
    p = data.draw(plans())
    period_id = data.draw(st.sampled_from([period.id for period in p.periods]))
    result = evaluate(p, period_id)
    periods = PeriodIndex(p)
    index = periods.index(period_id)
    for rec_result in result.recommendations:
        for kind in Kind:
            existing = [
                item
                for item in rec_result.recommendation.items(kind)
                if exists_in(item, index, periods)
            ]
            counts = rec_result.kinds[kind]
            assert counts.count == len(existing) == sum(counts.by_status.values())
            assert [i.item for i in rec_result.items[kind]] == existing
            for status in Status:
                assert 0 <= counts.percent(status) <= 100
    for kind in Kind:
        total = result.totals[kind]
        assert total.count == sum(r.kinds[kind].count for r in result.recommendations)
        for status in Status:
            assert total[status] == sum(r.kinds[kind][status] for r in result.recommendations)
    assert set(result.boxes) == set(Box)
    assert len(result.risks) == len(p.risks)
    assert all(r.red_items > 0 for r in result.recommendations if r.number in result.most_concern)
    for item in result.items():
        assert item.overridden is (item.status is not item.calculated)


def test_a_large_plan_evaluates() -> None:
    """100 recommendations × 100 items over 8 periods: linear work, no quadratic scans."""
    recommendations = [
        recommendation(
            n,
            actions=[action(f"{n}.A{i}", {Q1: G, Q2: A}, due=date(2019, 3, 31)) for i in range(40)],
            kpis=[kpi(f"{n}.K{i}", values={Q1: "5", Q2: "6"}, target="6") for i in range(30)],
            quality=[quality(f"{n}.Q{i}", {Q2: update(G)}) for i in range(15)],
            feedback=[feedback(f"{n}.F{i}", expected=[Q1]) for i in range(15)],
        )
        for n in range(100)
    ]
    result = evaluate(plan(*recommendations), Q2)
    assert result.totals[Kind.ACTION][A] == 4000
    assert result.totals[Kind.KPI][G] == 3000
    assert result.totals[Kind.FEEDBACK][N] == 1500
    assert len(result.problems) == 4000  # every amber action lacks commentary


def _changed(rec: Recommendation, how: str) -> Recommendation:
    if how == "same":
        return rec
    if how == "copy":  # equal, but another object: evaluated again, to the same result
        return replace(rec)
    if how == "fewer":  # an item gone from each kind
        return replace(
            rec,
            actions=rec.actions[1:],
            kpis=rec.kpis[1:],
            quality=rec.quality[1:],
            feedback=rec.feedback[1:],
        )
    return replace(rec, actions=rec.actions[::-1], kpis=rec.kpis[::-1])  # "reordered"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_evaluating_again_with_reuse_equals_a_fresh_evaluation(data: st.DataObject) -> None:
    """ADR 0089: a ``Reuse`` hands back the results of the recommendations that are the same
    objects as last time, and the period's result is exactly a fresh evaluation's, whatever
    changed (recommendations, their items and entries, the rules)."""
    p = data.draw(plans())
    hows = st.sampled_from(["same", "copy", "fewer", "reordered"])
    changed = replace(
        p,
        recommendations=tuple(_changed(rec, data.draw(hows)) for rec in p.recommendations),
        rules=data.draw(
            st.sampled_from(
                [p.rules, replace(p.rules, rollup_green=Decimal(0), rollup_red=Decimal(100))]
            )
        ),
    )
    for period in p.periods:
        reuse = Reuse()
        before = evaluate(p, period.id, reuse)
        assert before == evaluate(p, period.id)
        after = evaluate(changed, period.id, reuse)
        assert after == evaluate(changed, period.id)
        assert summary_dict(after) == summary_dict(evaluate(changed, period.id))
        for old, new, rec in zip(
            before.recommendations, after.recommendations, p.recommendations, strict=True
        ):
            # Unchanged recommendations under the same rules were not evaluated again; any
            # other was.
            reused = new.recommendation is rec and changed.rules == p.rules
            assert (new is old) is reused
