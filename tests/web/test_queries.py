"""The pages' SQL queries do not grow with the plan (issue 4 "Must show").

The same bound holds for ``synth --scale 1`` and ``--scale 20`` (147 and 2,940 items, eight
quarters each). The bound is the whole request: the session and the user (2), the plan the
person may see (1), the domain plan (``plan_domain``: 10) and the header's organisation and
admin check (2).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse
from tests.web.conftest import make_site

from plantracker.domain.model import Plan
from plantracker.synth import synth_plan

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

QUERIES = 15


def _last_kpi(plan: Plan) -> str:
    return next(kpi.ref for rec in reversed(plan.recommendations) for kpi in rec.kpis)


def _urls(plan: Plan) -> dict[str, str]:
    """The pages at the far end of the plan: the last period, recommendation and KPI."""
    period = plan.periods[-1].id
    return {
        "dashboard": reverse("web:dashboard", args=["cip"]),
        "dashboard-period": reverse("web:dashboard-period", args=["cip", period]),
        "recommendation": reverse(
            "web:recommendation", args=["cip", period, plan.recommendations[-1].number]
        ),
        "item": reverse("web:item", args=["cip", _last_kpi(plan)]),
    }


@pytest.mark.parametrize("scale", [1, 20])
def test_queries_do_not_grow_with_the_plan(
    scale: int, django_assert_max_num_queries: Callable[..., object]
) -> None:
    plan = synth_plan(scale, 0)
    client = make_site(plan=plan).client("viewer")
    for page, url in _urls(plan).items():
        with django_assert_max_num_queries(QUERIES):  # type: ignore[attr-defined]
            response = client.get(url)
        assert response.status_code == 200, page
        if page.startswith("dashboard"):
            # The page really holds the whole plan: one link per recommendation.
            links = response.content.decode().count("/recommendations/")
            assert links == len(plan.recommendations) == 10 * scale, page
