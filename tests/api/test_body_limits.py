"""Bodies the API refuses before reading rows: too large (413) and not JSON (400), each in
the documented shape ``{"detail", "errors"}``."""

from __future__ import annotations

import pytest
from tests.api.conftest import Site

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans/cip/periods/2018-19-Q2/kpi-values"


def test_a_body_over_the_limit_is_413_with_the_documented_shape(site: Site) -> None:
    body = '[{"ref": "1.K1", "value": 1, "commentary": "' + "x" * (20 * 1024 * 1024) + '"}]'
    response = site.client("lead").post(URL, data=body, content_type="application/json")
    assert response.status_code == 413
    answer = response.json()
    assert set(answer) == {"detail", "errors"}
    assert "larger than 4 MB" in answer["detail"]
    assert answer["errors"][0]["field"] == "body"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_is_refused_with_the_errors_key(site: Site, constant: str) -> None:
    body = f'[{{"ref": "1.K1", "value": {constant}}}]'
    response = site.client("lead").post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    answer = response.json()
    assert set(answer) == {"detail", "errors"}
    assert constant.lstrip("-") in answer["detail"]
    assert answer["errors"][0]["field"] == "body"
