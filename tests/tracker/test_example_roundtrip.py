"""File → database → file loses nothing: the example and a synthetic plan come back as the
same YAML and the same summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.builders import exact

from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Plan
from plantracker.domain.summary import summary_dict
from plantracker.planfile import load_plan, load_plan_text, plan_to_yaml
from plantracker.synth import synth_plan
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.services import plan_import

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "childrens-improvement-plan.yaml"

pytestmark = pytest.mark.django_db


def _through_database(plan: Plan) -> Plan:
    return plan_domain(plan_record=plan_import(plan=plan))


@pytest.mark.parametrize(
    "plan",
    [
        pytest.param(lambda: load_plan(EXAMPLE), id="example"),
        pytest.param(lambda: load_plan_text(plan_to_yaml(synth_plan(1, seed=7))), id="synth"),
    ],
)
def test_file_database_file_gives_the_same_yaml_and_summary(plan) -> None:  # type: ignore[no-untyped-def]
    original = plan()
    back = _through_database(original)
    assert plan_to_yaml(back) == plan_to_yaml(original)
    assert exact(back) == exact(original)
    for period in original.periods:
        assert summary_dict(evaluate(back, period.id)) == summary_dict(
            evaluate(original, period.id)
        )


def test_the_example_keeps_the_seeds_q2_totals_through_the_database() -> None:
    summary = summary_dict(evaluate(_through_database(load_plan(EXAMPLE)), "2018-19-Q2"))
    actions = summary["totals"]["actions"]
    assert (actions["count"], actions["green"], actions["amber"], actions["red"]) == (68, 39, 24, 1)
    assert summary["totals"]["kpis"]["red"] == 17
    assert summary["overall"]["status"] == "amber"
