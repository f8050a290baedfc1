"""The report model: what each section says, built only from the rules' results."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from tests.builders import filled_plan

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import (
    Box,
    Direction,
    Kind,
    KpiValue,
    Narrative,
    Plan,
    Status,
    Target,
    Update,
)
from plantracker.domain.summary import summary_dict
from plantracker.reports.build import build_report
from plantracker.reports.model import Report
from plantracker.reports.text import direction_view, value_movement


def _report(p: Plan | None = None, period: str | None = None) -> Report:
    p = p or filled_plan()
    return build_report(evaluate(p, period or p.periods[-1].id))


def test_sections_follow_the_seed_and_carry_the_period() -> None:
    p = filled_plan(recommendations=3, period_count=3)
    report = _report(p)
    assert report.cover.title == "Test Improvement Plan"
    assert report.cover.period_label == p.periods[-1].label
    assert report.cover.scrutiny_text.startswith("Update for Scrutiny ")
    assert report.cover.footer == (
        f"Test Improvement Plan · {p.periods[-1].label} · {report.cover.scrutiny_text}"
    )
    assert [rec.number for rec in report.recommendations] == [1, 2, 3]
    assert [dive.number for dive in report.deep_dives] == [1, 2]
    assert [donut.kind for donut in report.overall] == list(Kind)
    assert report.next_steps == ("Refresh the plan",)


def test_counts_and_percentages_equal_the_summary() -> None:
    p = filled_plan(recommendations=5, period_count=3)
    result = evaluate(p, p.periods[-1].id)
    summary = summary_dict(result)
    report = build_report(result)
    for row in report.overview.workstreams:
        totals = summary["totals"][row.kind.value]
        assert row.total == totals["count"]
        assert row.status.value == totals["status"]
        assert {c.status.value: c.count for c in row.counts} == {
            s.value: totals[s.value] for s in Status
        }
    for section, rec in zip(report.recommendations, summary["recommendations"], strict=True):
        assert section.status.value == rec["status"]
        for donut in section.donuts:
            counts = rec[donut.kind.value]
            assert donut.count == counts["count"]
            for piece in donut.slices:
                assert piece.count == counts[piece.status.value]
                assert piece.percent == counts["percent"][piece.status.value]


@pytest.mark.parametrize(
    ("red", "count", "sentence"),
    [
        (1, 68, "1 of 68 actions (1%) is red"),
        (0, 4, "0 of 4 actions (0%) are red"),
        (5, 8, "5 of 8 actions (63%) are red"),
        (1, 1, "1 of 1 action (100%) is red"),
    ],
)
def test_factual_headline_on_red_actions(red: int, count: int, sentence: str) -> None:
    kinds = {1: {"actions": count, "kpis": 0, "quality": 0, "feedback": 0}}
    p = filled_plan(recommendations=1, period_count=1, kinds=kinds)
    rec = p.recommendations[0]
    actions = tuple(
        replace(
            action,
            updates={
                p.periods[0].id: Update(
                    status=Status.RED if i < red else Status.GREEN, commentary="c"
                )
            },
        )
        for i, action in enumerate(rec.actions)
    )
    p = replace(p, recommendations=(replace(rec, actions=actions),))
    assert _report(p).overview.headlines.factual[0] == sentence


def test_most_concern_names_the_ranked_recommendations_and_what_they_account_for() -> None:
    p = filled_plan(recommendations=6, period_count=2)
    result = evaluate(p, p.periods[-1].id)
    headline = build_report(result).overview.headlines.factual[-1]
    by_number = {rec.number: rec for rec in result.recommendations}
    first = by_number[result.most_concern[0]]
    assert headline.startswith("Recommendations with most red items: ")
    assert f"{first.recommendation.title} (Rec. no. {first.number})" in headline
    assert "— accounting for " in headline


def test_most_concern_keeps_a_tie_at_the_cut() -> None:
    # Four recommendations with one red action each: all tie, so all four are named.
    kinds = {n: {"actions": 1, "kpis": 0, "quality": 0, "feedback": 0} for n in range(1, 5)}
    p = filled_plan(recommendations=4, period_count=1, kinds=kinds)
    pid = p.periods[0].id
    recs = tuple(
        replace(
            rec,
            actions=(
                replace(
                    rec.actions[0],
                    updates={pid: Update(Status.RED, "late")},
                ),
            ),
        )
        for rec in p.recommendations
    )
    report = _report(replace(p, recommendations=recs))
    headline = report.overview.headlines.factual[-1]
    for number in range(1, 5):
        assert f"(Rec. no. {number})" in headline
    assert headline.endswith("accounting for all 4 red actions")


def test_no_red_item_says_so() -> None:
    kinds = {1: {"actions": 1, "kpis": 0, "quality": 0, "feedback": 0}}
    p = filled_plan(recommendations=1, period_count=1, kinds=kinds)
    pid = p.periods[0].id
    rec = p.recommendations[0]
    action = replace(rec.actions[0], updates={pid: Update(Status.GREEN)})
    p = replace(p, recommendations=(replace(rec, actions=(action,)),))
    assert _report(p).overview.headlines.factual[-1] == "No recommendation has a red item"


def test_a_recommendation_lacking_a_kind_shows_an_empty_donut() -> None:
    kinds = {2: {"kpis": 0, "feedback": 0}}
    report = _report(filled_plan(recommendations=2, kinds=kinds))
    donuts = {d.kind: d for d in report.recommendations[1].donuts}
    assert donuts[Kind.KPI].empty and donuts[Kind.FEEDBACK].empty
    assert not donuts[Kind.ACTION].empty
    dive = report.deep_dives[1]
    assert dive.kpis is None
    assert dive.trends == ()


def test_a_period_without_narrative_has_empty_lead_sections() -> None:
    report = _report(filled_plan(narrative=False))
    assert report.overview.headlines.lead == ()
    assert report.overview.headlines.factual  # the data still speaks
    assert report.deep_dives == ()
    assert report.next_steps == ()
    assert report.overview.decisions == () and report.overview.milestones == ()


def test_a_single_period_has_no_previous_and_no_directions() -> None:
    report = _report(filled_plan(period_count=1))
    assert report.overview.previous.status is None
    assert report.overview.previous.note == "No previous period"
    assert all(row.direction.direction is None for row in report.overview.workstreams)
    assert all(row.direction.word == "No comparison" for row in report.overview.workstreams)


def test_workstream_directions_compare_with_the_previous_period() -> None:
    p = filled_plan(recommendations=4, period_count=3)
    result = evaluate(p, p.periods[-1].id)
    before = evaluate(p, p.periods[-2].id)
    report = build_report(result)
    rank = {Status.RED: 0, Status.AMBER: 1, Status.GREEN: 2, Status.BLUE: 2}
    for row in report.overview.workstreams:
        now, then = rank.get(row.status), rank.get(before.totals[row.kind].status)
        if now is None or then is None:
            assert row.direction.direction is None
        else:
            expected = (
                Direction.IMPROVING
                if now > then
                else Direction.WORSENING
                if now < then
                else Direction.SAME
            )
            assert row.direction.direction is expected


def test_override_is_marked_with_calculated_status_and_reason() -> None:
    p = filled_plan(recommendations=1, period_count=2)
    pid = p.periods[-1].id
    rec = p.recommendations[0]
    kpi = rec.kpis[0]
    overridden = replace(
        kpi,
        values={**kpi.values, pid: KpiValue(Decimal(10), status=Status.GREEN, reason="Agreed")},
    )
    p = replace(p, recommendations=(replace(rec, kpis=(overridden, *rec.kpis[1:])),))
    row = _report(p).deep_dives[0].kpis.rows[0]  # type: ignore[union-attr]
    assert row.status is Status.GREEN
    assert row.calculated is Status.RED
    assert row.footnote is not None
    assert row.footnote.text == (
        f"{kpi.ref}: shown as Green, set by hand; the rules calculate Red. Reason: Agreed"
    )


@pytest.mark.parametrize(
    ("target", "text"),
    [
        (Target(label="March 2030"), "Better than the baseline"),  # the plan file's wording
        (Target(label="March 2030", display="Increase"), "Increase"),
        (None, "None set"),
    ],
)
def test_a_target_without_a_value_is_said_in_words(target: Target | None, text: str) -> None:
    p = filled_plan(recommendations=1, period_count=2)
    rec = p.recommendations[0]
    kpi = replace(rec.kpis[0], target=target)
    p = replace(p, recommendations=(replace(rec, kpis=(kpi, *rec.kpis[1:])),))
    row = _report(p).deep_dives[0].kpis.rows[0]  # type: ignore[union-attr]
    assert row.target == text


def test_exceptions_list_every_red_then_amber_item_of_every_kind() -> None:
    p = filled_plan(recommendations=6, period_count=2)
    result = evaluate(p, p.periods[-1].id)
    report = build_report(result)
    expected = [
        item.ref
        for status in (Status.RED, Status.AMBER)
        for item in result.items()
        if item.status is status
    ]
    assert [row.ref for row in report.exceptions] == expected
    assert any(row.kind is Kind.KPI for row in report.exceptions)  # KPIs too
    assert all(row.status in (Status.RED, Status.AMBER) for row in report.exceptions)
    # A KPI row gives value, target and direction; one the deep dives show points there.
    dives = {dive.number for dive in report.deep_dives}
    for row in report.exceptions:
        if row.kind is Kind.KPI:
            assert row.value and "(target " in row.value and row.direction is not None
        number = int(row.ref.split(".")[0])
        shown_there = number in dives and row.kind is not Kind.ACTION
        assert (row.pointer is not None) is shown_there
        assert row.deep_dive == (number if shown_there else None)


def test_every_kpi_appears_once_in_a_deep_dive_or_all_kpis() -> None:
    p = filled_plan(recommendations=6, period_count=3)
    result = evaluate(p, p.periods[-1].id)
    report = build_report(result)
    in_dives = [row.ref for dive in report.deep_dives if dive.kpis for row in dive.kpis.rows]
    others = [row.ref for row in report.all_kpis.rows] if report.all_kpis else []
    assert sorted(in_dives + others) == sorted(item.ref for item in result.items(Kind.KPI))
    assert not set(in_dives) & set(others)
    assert report.all_kpis is not None and report.all_kpis.compact
    # Previous: the previous period's value as written, so each direction can be checked.
    previous = result.previous_period
    assert previous is not None
    for row in report.all_kpis.rows:
        kpi = next(i.item for i in result.items(Kind.KPI) if i.ref == row.ref)
        entry = kpi.values.get(previous.id)  # type: ignore[union-attr]
        if entry is not None and entry.value is not None and not entry.display:
            assert row.previous.rstrip("%").replace(",", "") == str(entry.value)
    assert report.all_kpis.headings["previous"] == f"Previous, {previous.label}"


def test_problems_are_the_domains() -> None:
    p = filled_plan(recommendations=3, period_count=2)
    result = evaluate(p, p.periods[-1].id)
    assert [(r.where, r.message) for r in build_report(result).problems] == [
        (problem.where, problem.message) for problem in result.problems
    ]


def test_hand_set_box_is_shown_as_an_override() -> None:
    report = _report(filled_plan())
    finance = next(box for box in report.overview.boxes if box.key == Box.FINANCE.value)
    assert finance.status is Status.GREEN
    assert finance.overridden and finance.calculated is Status.NA


def test_a_hundred_and_twenty_recommendations() -> None:
    report = _report(filled_plan(recommendations=120, period_count=2))
    assert len(report.recommendations) == 120
    assert report.overview.workstreams[0].total == 240


def test_deep_dive_for_an_absent_recommendation_is_skipped() -> None:
    p = filled_plan(recommendations=2)
    pid = p.periods[-1].id
    p = replace(p, narrative={pid: Narrative(deep_dives=(2, 99))})
    assert [dive.number for dive in _report(p).deep_dives] == [2]


@pytest.mark.parametrize(
    ("direction", "value", "earlier", "arrow", "word", "tone"),
    [
        (Direction.IMPROVING, "10", "8", "↑", "Improving", "good"),  # higher is better
        (Direction.IMPROVING, "8", "10", "↓", "Improving", "good"),  # lower is better
        (Direction.WORSENING, "10", "8", "↑", "Worsening", "bad"),
        (Direction.WORSENING, "8", "10", "↓", "Worsening", "bad"),
        (Direction.SAME, "10", "10.1", "→", "Same", "same"),
        (None, "10", None, "–", "No comparison", "none"),
    ],
)
def test_arrows_show_the_movement_and_words_its_meaning(
    direction: Direction | None,
    value: str,
    earlier: str | None,
    arrow: str,
    word: str,
    tone: str,
) -> None:
    view = direction_view(
        direction, value_movement(Decimal(value), Decimal(earlier) if earlier else None)
    )
    assert (view.arrow, view.word, view.tone) == (arrow, word, tone)
