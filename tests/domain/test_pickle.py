"""A domain Plan and its evaluated results survive pickling unchanged (ADR 0064): the
evaluated-plan cache stores them, and report cache keys are the plan's ``repr``."""

from __future__ import annotations

import pickle
from pathlib import Path
from types import MappingProxyType

import pytest

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Plan
from plantracker.planfile import load_plan
from plantracker.synth.plan import synth_plan

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"


def _plans() -> dict[str, Plan]:
    return {"example": load_plan(EXAMPLE), "synth": synth_plan(scale=2, seed=7)}


@pytest.mark.parametrize("name", ["example", "synth"])
def test_a_plan_comes_back_equal_with_the_same_repr(name: str) -> None:
    plan = _plans()[name]
    back = pickle.loads(pickle.dumps(plan, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == plan
    assert repr(back) == repr(plan)  # report_key digests the repr (ADR 0061)
    kpi = next(rec.kpis[0] for rec in back.recommendations if rec.kpis)
    # Still read-only mappings, as every reader builds them.
    assert isinstance(kpi.values, MappingProxyType)
    assert isinstance(back.narrative, MappingProxyType)
    with pytest.raises(TypeError):
        kpi.values["2099-Q1"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        hash(back)  # unhashable before pickling, unhashable after


@pytest.mark.parametrize("name", ["example", "synth"])
@pytest.mark.slow
def test_every_periods_result_comes_back_equal(name: str) -> None:
    plan = _plans()[name]
    for period in plan.periods:
        result = evaluate(plan, period.id)
        back = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == result
        assert back.overall == result.overall
        assert repr(back) == repr(result)
