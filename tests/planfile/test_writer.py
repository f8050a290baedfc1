"""Writing plan files: ``load(dump(plan)) == plan`` (docs/plan-file.md#writing)."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from tests.builders import PLAN_YAML
from tests.planfile.strategies import plans

from plantracker.domain.model import Plan
from plantracker.planfile import dump_plan, load_plan, load_plan_text, plan_to_yaml

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "childrens-improvement-plan.yaml"


def test_the_example_plan_round_trips() -> None:
    plan = load_plan(EXAMPLE)
    written = plan_to_yaml(plan)
    assert load_plan_text(written) == plan
    assert plan_to_yaml(load_plan_text(written)) == written  # writing is stable


def test_written_text_keeps_digits_quotes_refs_and_keeps_file_order() -> None:
    written = plan_to_yaml(load_plan_text(PLAN_YAML))
    assert "{value: 58.60, status: green, reason: Rated by hand}" in written
    assert "{value: 57.90}" in written
    assert 'ref: "1.10"' in written  # unquoted it would read as the number 1.1
    assert "start: 2018-04-01" in written and "scrutiny: 2018-12-07" in written
    assert "label: Q1 April – June 2018" in written
    assert "deep_dives: [1, 9]" in written
    assert written.index("1.10") < written.index("1.K1") < written.index("1.Q1")
    # Absent optional keys are left out, not written as null.
    assert "null" not in written and "lead: null" not in written


def test_comparators_are_written_as_one_flow_mapping_with_their_digits() -> None:
    text = PLAN_YAML.replace(
        "        unit: percent\n",
        "        unit: percent\n        comparators: {label: 2023-24, england: 54.0, region: null, "
        "neighbours: 52.30}\n",
    )
    written = plan_to_yaml(load_plan_text(text))
    # Null figures are left out; the label stays text; trailing zeros stay.
    assert "        comparators: {label: 2023-24, england: 54.0, neighbours: 52.30}\n" in written
    assert written.index("comparators:") < written.index("values:")
    assert load_plan_text(written) == load_plan_text(text)
    only_label = PLAN_YAML.replace(
        "        unit: percent\n", '        unit: percent\n        comparators: {label: "2024"}\n'
    )
    written = plan_to_yaml(load_plan_text(only_label))
    assert '        comparators: {label: "2024"}\n' in written  # quoted: text, not a number


def test_a_computed_value_keeps_its_mark_and_a_typed_one_has_none() -> None:
    text = PLAN_YAML.replace(
        "2018-19-Q1: {value: 57.90}",
        '2018-19-Q1: {value: 57.90, computed_from: "statutory:care_leavers_eet"}',
    )
    plan = load_plan_text(text)
    values = plan.recommendations[0].kpis[0].values
    assert values["2018-19-Q1"].computed_from == "statutory:care_leavers_eet"
    assert values["2018-19-Q2"].computed_from is None
    written = plan_to_yaml(plan)
    assert "2018-19-Q1: {value: 57.90, computed_from: statutory:care_leavers_eet}" in written
    assert "2018-19-Q2: {value: 58.60, status: green, reason: Rated by hand}\n" in written
    assert load_plan_text(written) == plan


def test_rules_are_written_only_when_they_differ_from_the_defaults() -> None:
    plan = load_plan_text(PLAN_YAML)
    assert "dot_band: 2.5" in plan_to_yaml(plan)
    default = load_plan_text(PLAN_YAML.replace("dot_band: 2.5", "dot_band: 2"))
    assert "rules:" not in plan_to_yaml(default)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
@pytest.mark.slow
def test_any_valid_plan_round_trips(plan: Plan) -> None:
    written = plan_to_yaml(plan)
    assert load_plan_text(written, "generated.yaml") == plan


def test_numbers_keep_their_exponent_and_trailing_zeros() -> None:
    plan = load_plan_text(PLAN_YAML)
    kpi = plan.recommendations[0].kpis[0]
    for value in ("1E+3", "0.000001", "-0", "12.500"):
        changed = plan_to_yaml(plan).replace("{value: 57.90}", f"{{value: {value}}}")
        read = load_plan_text(changed).recommendations[0].kpis[0].values["2018-19-Q1"].value
        assert str(read) == str(Decimal(value))
    assert kpi.values["2018-19-Q2"].value is not None


def test_dump_plan_writes_the_file_atomically(tmp_path: Path) -> None:
    plan = load_plan_text(PLAN_YAML)
    target = tmp_path / "plan.yaml"
    target.write_text("old content", encoding="utf-8")
    dump_plan(plan, target)
    assert load_plan(target) == plan
    assert sorted(os.listdir(tmp_path)) == ["plan.yaml"]  # no temporary file left behind
    fresh = tmp_path / "fresh.yaml"
    dump_plan(plan, fresh)
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temporary file's 0600


def test_dump_plan_into_a_missing_folder_fails_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        dump_plan(load_plan_text(PLAN_YAML), tmp_path / "absent" / "plan.yaml")
    assert os.listdir(tmp_path) == []
