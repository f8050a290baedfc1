"""The pages' SQL queries do not grow with the plan (ADR 0030).

Two plans of one organisation side by side: ``synth --scale 1`` and ``--scale 20`` (147 and
2,940 items, eight quarters each). Each page runs exactly as many queries for the big plan
as for the small one, and both stay within one bound: the session and the user, the plan the
person may see, the domain plan (``plan_domain``: one query per table), the closed period's
snapshot and the workflow panel, and the header's organisation and admin check.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.web.conftest import make_site

from plantracker.domain.model import Plan
from plantracker.synth import synth_plan
from plantracker.tracker.services import plan_import

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

BOUND = 25
SCALES = (1, 20)


def _last_kpi(plan: Plan) -> str:
    return next(kpi.ref for rec in reversed(plan.recommendations) for kpi in rec.kpis)


def _pages(plan: Plan, slug: str) -> dict[str, str]:
    """The pages at the far end of the plan: the last period, recommendation and KPI."""
    period = plan.periods[-1].id
    return {
        "dashboard": reverse("web:dashboard", args=[slug]),
        "dashboard-period": reverse("web:dashboard-period", args=[slug, period]),
        "recommendation": reverse(
            "web:recommendation", args=[slug, period, plan.recommendations[-1].number]
        ),
        "item": reverse("web:item", args=[slug, _last_kpi(plan)]),
    }


def test_queries_do_not_grow_with_the_plan(
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    plans = {scale: synth_plan(scale, 0) for scale in SCALES}
    site = make_site(plan=plans[1])  # "cip"; its viewer sees every plan of the organisation
    plan_import(plan=plans[20], slug="big")
    client = site.client("viewer")
    counts: dict[str, dict[int, int]] = {}
    for scale, slug in ((1, "cip"), (20, "big")):
        for page, url in _pages(plans[scale], slug).items():
            with (
                django_assert_max_num_queries(BOUND),  # type: ignore[attr-defined]
                CaptureQueriesContext(connection) as queries,
            ):
                response = client.get(url)
            assert response.status_code == 200, url
            counts.setdefault(page, {})[scale] = len(queries)
            if page.startswith("dashboard"):
                # The page really holds the whole plan: one link per recommendation.
                links = response.content.decode().count("/recommendations/")
                assert links == len(plans[scale].recommendations) == 10 * scale, url
    for page, by_scale in counts.items():
        assert by_scale[1] == by_scale[20], f"{page}: {by_scale}"
