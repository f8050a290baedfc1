"""Synthetic plans (`plantracker synth`) for benchmarks."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Better, Kind, Status
from plantracker.planfile import load_plan_text, plan_to_yaml
from plantracker.synth import synth_plan

EXAMPLE_SIZES = {Kind.ACTION: 68, Kind.KPI: 44, Kind.QUALITY: 16, Kind.FEEDBACK: 19}


@pytest.mark.parametrize("scale", [1, 3])
def test_a_synthetic_plan_is_scale_times_the_example(scale: int) -> None:
    plan = synth_plan(scale, seed=7)
    assert len(plan.recommendations) == 10 * scale
    sizes = {kind: sum(len(rec.items(kind)) for rec in plan.recommendations) for kind in Kind}
    assert sizes == {kind: size * scale for kind, size in EXAMPLE_SIZES.items()}
    assert len(plan.risks) == scale


def test_eight_quarters_of_history() -> None:
    periods = synth_plan(1).periods
    assert [period.id for period in periods] == [
        "2017-18-Q3", "2017-18-Q4", "2018-19-Q1", "2018-19-Q2",
        "2018-19-Q3", "2018-19-Q4", "2019-20-Q1", "2019-20-Q2",
    ]  # fmt: skip
    assert periods[1].label == "Q4 January – March 2018"
    assert (periods[1].start.isoformat(), periods[1].end.isoformat()) == (
        "2018-01-01",
        "2018-03-31",
    )
    assert all(later.start > earlier.end for earlier, later in itertools.pairwise(periods))


def test_the_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    assert plan_to_yaml(synth_plan(2, seed=5)) == plan_to_yaml(synth_plan(2, seed=5))
    assert synth_plan(2, seed=5) != synth_plan(2, seed=6)


def test_the_written_plan_reads_back_equal() -> None:
    plan = synth_plan(2, seed=3)
    assert load_plan_text(plan_to_yaml(plan), "synth.yaml") == plan


def test_it_exercises_what_the_rules_handle() -> None:
    plan = synth_plan(1, seed=0)
    latest = plan.periods[-1].id
    result = evaluate(plan, latest)
    shown = Counter(item.status for item in result.items())
    assert set(shown) == set(Status), shown  # every one of the seven statuses
    overridden = [item for item in result.items() if item.overridden]
    assert any(item.reason for item in overridden)
    kpis = [kpi for rec in plan.recommendations for kpi in rec.kpis]
    assert any(kpi.effective_better is Better.CLOSER for kpi in kpis)
    assert any(kpi.tolerance_points is not None for kpi in kpis)
    assert any(kpi.tolerance is not None for kpi in kpis)
    assert any(kpi.targets for kpi in kpis)
    assert any(entry.display for kpi in kpis for entry in kpi.values.values())
    items = [item for rec in plan.recommendations for kind in Kind for item in rec.items(kind)]
    assert any(item.from_period for item in items)
    assert any(item.until_period for item in items)
    assert any(item.expected is not None for item in items)
    assert set(plan.narrative) == {period.id for period in plan.periods}
    assert all(len(narrative.deep_dives) == 3 for narrative in plan.narrative.values())
    # Across the history some overrides come without a reason (a problem to report).
    all_overrides = [
        item for period in plan.periods for item in evaluate(plan, period.id).items()
        if item.overridden
    ]  # fmt: skip
    assert any(not item.reason for item in all_overrides)


def test_scale_must_be_at_least_one() -> None:
    with pytest.raises(ValueError, match="scale must be at least 1"):
        synth_plan(0)
