"""The plan's ``published_names`` and a KPI's ``disclosure`` (docs/plan-file.md#published-names,
docs/plan-file.md#disclosure): optional, strict, and kept through YAML → XLSX → YAML."""

from __future__ import annotations

import pytest
from tests.builders import vary
from tests.planfile.plans import NAME, errors_of

from plantracker.domain.model import Disclosure, Kpi, PublishedNames
from plantracker.planfile import load_plan_text, plan_to_yaml
from plantracker.planfile.xlsx import load_workbook_bytes, workbook_bytes
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.services import plan_import

MARKED = vary(
    ("  organisation: Test Council\n", "  organisation: Test Council\n  published_names: shown\n"),
    ("        unit: percent\n", "        unit: percent\n        disclosure: suppress\n"),
)


def _kpi(text: str) -> Kpi:
    kpi = load_plan_text(text, NAME).recommendations[0].kpis[0]
    assert isinstance(kpi, Kpi)
    return kpi


def test_absent_they_default_to_names_hidden_and_figures_as_they_are() -> None:
    plan = load_plan_text(vary(), NAME)
    assert plan.published_names is PublishedNames.HIDDEN
    assert _kpi(vary()).disclosure is None


def test_they_survive_yaml_and_the_workbook() -> None:
    plan = load_plan_text(MARKED, NAME)
    assert plan.published_names is PublishedNames.SHOWN
    assert plan.recommendations[0].kpis[0].disclosure is Disclosure.SUPPRESS
    assert load_plan_text(plan_to_yaml(plan), NAME) == plan
    assert load_workbook_bytes(workbook_bytes(plan)) == plan
    # The defaults are not written out.
    plain = load_plan_text(vary(), NAME)
    assert "published_names" not in plan_to_yaml(plain)
    assert "disclosure" not in plan_to_yaml(plain)


def test_other_words_are_refused_naming_where_and_what() -> None:
    wrong = MARKED.replace("published_names: shown", "published_names: yes please")
    (error,) = errors_of(wrong)
    assert error.path == "plan.published_names"
    assert "hidden, shown" in error.message
    wrong = MARKED.replace("disclosure: suppress", "disclosure: hide")
    (error,) = errors_of(wrong)
    assert error.path == "recommendations[0].kpis[0].disclosure"
    assert "suppress" in error.message and "hide" in error.message


@pytest.mark.django_db
def test_they_are_kept_in_the_database() -> None:
    plan = load_plan_text(MARKED, NAME)
    record = plan_import(plan=plan, slug="marked")
    back = plan_domain(plan_record=record)
    assert (back.published_names, back.recommendations[0].kpis[0].disclosure) == (
        PublishedNames.SHOWN,
        Disclosure.SUPPRESS,
    )
    assert plan_to_yaml(back) == plan_to_yaml(plan)
