"""plan_domain reads a whole plan in the same number of queries at any size (ADR 0030)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plantracker.domain.model import Kind, Plan
from plantracker.synth import synth_plan
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.services import plan_import

pytestmark = pytest.mark.django_db

# One query per table: organisation, periods, updates, KPI values, KPI targets, risk
# updates, items, recommendations, risks, narratives.
QUERIES = 10


def _items(plan: Plan) -> int:
    return sum(len(r.items(kind)) for r in plan.recommendations for kind in Kind)


@pytest.mark.slow
def test_query_count_does_not_grow_with_the_plan(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    records = {
        scale: plan_import(plan=synth_plan(scale), slug=f"scale-{scale}") for scale in (1, 20)
    }
    counts, sizes = {}, {}
    for scale, record in records.items():
        with django_assert_max_num_queries(QUERIES), CaptureQueriesContext(connection) as ctx:
            plan = plan_domain(plan_record=record)
        counts[scale], sizes[scale] = len(ctx.captured_queries), _items(plan)
    assert sizes[20] == 20 * sizes[1]
    assert counts[1] == counts[20]
