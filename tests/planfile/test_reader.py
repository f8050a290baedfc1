"""Reading valid plan files into the domain Plan (docs/plan-file.md)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from tests.builders import PLAN_YAML, vary

from plantracker.domain.model import (
    Aim,
    Better,
    Box,
    Comparators,
    Kind,
    Status,
    Unit,
)
from plantracker.planfile import load_plan, load_plan_text

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "childrens-improvement-plan.yaml"


def test_the_example_plan_reads_with_the_seeds_sizes() -> None:
    plan = load_plan(EXAMPLE)
    assert [rec.number for rec in plan.recommendations] == [1, 2, 3, 4, 5, 7, 8, 6, 9, 10]
    sizes = {kind: sum(len(rec.items(kind)) for rec in plan.recommendations) for kind in Kind}
    assert sizes == {Kind.ACTION: 68, Kind.KPI: 44, Kind.QUALITY: 16, Kind.FEEDBACK: 19}
    assert [period.id for period in plan.periods] == ["2018-19-Q1", "2018-19-Q2"]
    assert plan.periods[1].scrutiny == date(2018, 12, 7)
    assert len(plan.risks) == 1


def test_scalars_keep_their_source_text() -> None:
    plan = load_plan_text(PLAN_YAML)
    action = plan.recommendations[0].actions[0]
    assert action.ref == "1.10"  # not the number 1.1
    kpi = plan.recommendations[0].kpis[0]
    assert kpi.ref == "1.K1"
    value = kpi.values["2018-19-Q2"].value
    assert value == Decimal("58.60")
    assert str(value) == "58.60"  # the trailing zero is kept: exact, never via a float
    assert str(kpi.values["2018-19-Q1"].value) == "57.90"
    assert kpi.baseline is not None and kpi.baseline.display == "66 (611)"
    assert plan.rules.dot_band == Decimal("2.5")


def test_unquoted_ids_and_texts_that_look_like_other_types_stay_text() -> None:
    text = vary(
        ("id: 2018-19-Q1,", "id: 2018,"),
        ("2018-19-Q1: {status: green}", "2018: {status: green}"),
        ("2018-19-Q1: {value: 57.90}", "2018: {value: 57.90}"),
        ('ref: "1.10"', "ref: 1.10"),
        ("owner: Head of Early Help", "owner: yes"),
        ("title: EET", "title: 2019-01-01"),
    )
    plan = load_plan_text(text)
    assert plan.periods[0].id == "2018"
    action = plan.recommendations[0].actions[0]
    assert action.ref == "1.10"
    assert action.owner == "yes"
    assert set(action.updates) == {"2018", "2018-19-Q2"}
    assert plan.recommendations[1].title == "2019-01-01"


def test_every_field_maps_onto_the_domain_model() -> None:
    plan = load_plan_text(PLAN_YAML)
    assert plan.title == "Test plan" and plan.organisation == "Test Council"
    first = plan.periods[0]
    assert (first.label, first.start, first.end) == (
        "Q1 April – June 2018",
        date(2018, 4, 1),
        date(2018, 6, 30),
    )
    rec = plan.recommendations[0]
    assert (rec.number, rec.title, rec.lead) == (1, "Early Help", "Assistant Director")
    action = rec.actions[0]
    assert action.due == date(2019, 3, 31)
    assert action.updates["2018-19-Q2"].status is Status.RED
    assert action.updates["2018-19-Q2"].commentary == "Poor take-up"
    kpi = rec.kpis[0]
    assert (kpi.aim, kpi.better, kpi.unit) == (Aim.INCREASE, None, Unit.PERCENT)
    assert kpi.target is not None and kpi.target.date == date(2019, 3, 31)
    entry = kpi.values["2018-19-Q2"]
    assert (entry.status, entry.reason) == (Status.GREEN, "Rated by hand")
    measure = rec.quality[0]
    assert measure.expected == ("2018-19-Q2",)
    assert (measure.frequency, measure.method) == ("Quarterly", "Audits")
    assert rec.feedback == ()
    assert plan.risks[0].updates["2018-19-Q2"].status is Status.AMBER
    narrative = plan.narrative["2018-19-Q2"]
    assert narrative.headlines == ("Updates complete",)
    assert narrative.deep_dives == (1, 9)
    # Commentary keys are recommendation numbers, written as numbers or as quoted digits.
    assert dict(narrative.commentary) == {1: ("First paragraph",), 9: ("Second paragraph",)}
    assert dict(narrative.boxes) == {Box.PROGRESS: Status.AMBER}
    assert dict(narrative.box_reasons) == {Box.PROGRESS: "The lead's view"}


def test_optional_kpi_fields() -> None:
    text = vary(
        ("        aim: increase\n", "        aim: maintain\n        better: closer\n"),
        (
            "        unit: percent\n",
            "        tolerance_points: 5\n        targets: {2018-19-Q2: 62}\n",
        ),
        (
            "        owner: Head of Early Help\n",
            "        from: 2018-19-Q2\n        until: 2018-19-Q2\n",
        ),
        ("{value: 57.90}", "{value: null, display: NYA}"),
    )
    plan = load_plan_text(text)
    kpi = plan.recommendations[0].kpis[0]
    assert (kpi.aim, kpi.better, kpi.effective_better) == (
        Aim.MAINTAIN,
        Better.CLOSER,
        Better.CLOSER,
    )
    assert kpi.unit is Unit.NUMBER  # the default when unit is left out
    assert kpi.tolerance_points == Decimal(5) and kpi.tolerance is None
    assert dict(kpi.targets) == {"2018-19-Q2": Decimal(62)}
    assert kpi.values["2018-19-Q1"].value is None
    assert kpi.values["2018-19-Q1"].display == "NYA"
    action = plan.recommendations[0].actions[0]
    assert (action.from_period, action.until_period, action.owner) == (
        "2018-19-Q2",
        "2018-19-Q2",
        None,
    )


def test_comparators_are_read_with_the_digits_written() -> None:
    text = vary(
        (
            "        unit: percent\n",
            "        unit: percent\n"
            "        comparators: {label: 2023-24, england: 54.0, region: 55.10,"
            " neighbours: null}\n",
        )
    )
    kpi = load_plan_text(text).recommendations[0].kpis[0]
    assert kpi.comparators == Comparators(
        label="2023-24", england=Decimal("54.0"), region=Decimal("55.10"), neighbours=None
    )
    assert kpi.comparators is not None
    assert (str(kpi.comparators.england), str(kpi.comparators.region)) == ("54.0", "55.10")
    # Absent or null: no comparators.
    assert load_plan_text(PLAN_YAML).recommendations[0].kpis[0].comparators is None
    bare = vary(("        unit: percent\n", "        unit: percent\n        comparators: null\n"))
    assert load_plan_text(bare).recommendations[0].kpis[0].comparators is None


def test_defaults_when_optional_sections_are_absent() -> None:
    text = vary(
        ("  rules: {kpi_tolerance: 10, dot_band: 2.5, rollup_green: 75, rollup_red: 25}\n", ""),
    )
    text = text[: text.index("risks:")]
    plan = load_plan_text(text)
    assert plan.rules.kpi_tolerance == Decimal(10) and plan.rules.dot_band == Decimal(2)
    assert plan.risks == ()
    assert dict(plan.narrative) == {}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("58.60", "58.60"),
        ("-3", "-3"),
        ("+4.5", "4.5"),
        ("0", "0"),
        ("0.05", "0.05"),
        (".5", "0.5"),
        ("1e3", "1E+3"),
        ("2.50E-2", "0.0250"),
    ],
)
def test_numbers_are_exact_decimals_of_the_written_digits(written: str, expected: str) -> None:
    plan = load_plan_text(vary(("{value: 57.90}", f"{{value: {written}}}")))
    value = plan.recommendations[0].kpis[0].values["2018-19-Q1"].value
    assert value is not None
    assert str(value) == expected
    assert value == Decimal(written)


def test_a_leading_byte_order_mark_is_accepted() -> None:
    plan = load_plan_text("\ufeff" + PLAN_YAML)
    assert plan.title == "Test plan"
