"""The API holds texts to the plan's one limit (docs/plan-file.md#limits, docs/api.md): the
1 MB commentary the web form refuses is refused here too, naming the row, ref and field."""

from __future__ import annotations

import json
from typing import Any

import pytest
from tests.api.conftest import Site
from tests.builders import Q2

from plantracker.domain.texts import MAX_DISPLAY, MAX_TEXT
from plantracker.tracker.models import KpiValue, Update

VALUES = f"/api/v1/plans/cip/periods/{Q2}/kpi-values"
UPDATES = f"/api/v1/plans/cip/periods/{Q2}/updates"

pytestmark = pytest.mark.django_db


def _post(site: Site, url: str, body: Any) -> Any:
    data = json.dumps(body)
    return site.client("lead").post(url, data=data, content_type="application/json")


def test_a_megabyte_of_commentary_is_refused_and_nothing_is_written(site: Site) -> None:
    body = [
        {"ref": "1.A1", "status": "green", "commentary": "Fine"},
        {"ref": "1.A2", "status": "amber", "commentary": "x" * 1_000_000},
    ]
    response = _post(site, UPDATES, body)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "index": 1,
            "ref": "1.A2",
            "field": "commentary",
            "message": "the text is 1,000,000 characters long; the most is 10,000",
        }
    ]
    assert not Update.objects.filter(item__plan=site.plan, commentary="Fine").exists()


def test_texts_at_the_limit_are_kept_and_a_long_display_is_refused(site: Site) -> None:
    longest = "y" * MAX_TEXT
    row = {"ref": "1.K1", "value": 1, "commentary": longest, "display": "d" * MAX_DISPLAY}
    assert _post(site, VALUES, [row]).status_code == 200
    assert (
        KpiValue.objects.get(item__plan=site.plan, item__ref="1.K1", period__code=Q2).commentary
        == longest
    )

    too_long = {"ref": "1.K2", "value": 1, "display": "d" * (MAX_DISPLAY + 1)}
    (error,) = _post(site, VALUES, [too_long]).json()["errors"]
    assert (error["ref"], error["field"]) == ("1.K2", "display")
    assert error["message"] == "the text is 201 characters long; the most is 200"
