"""schemathesis against the API's own OpenAPI document, in process through Django's WSGI
application: for every operation, generated requests (bounded) never get a 500, and every
answer has a status code, content type, headers and body that the document declares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from tests.api.conftest import Site
from tests.builders import Q2

CONFIG = SchemathesisConfig.from_dict(
    {
        # The fixtures' plan and period, so requests reach the endpoints' logic rather than
        # stopping at 404; unknown plans and periods are covered by test_reads.
        "parameters": {"slug": "cip", "period": Q2},
        "generation": {"max-examples": 12},
    }
)
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", get_wsgi_application(), config=CONFIG
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def _one_connection() -> Iterator[None]:
    """Keep the test's database connection across the WSGI requests, as Django's test
    client does: the handler's request signals would close a connection inside the test's
    transaction (PostgreSQL then fails every later query)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.slow
@pytest.mark.usefixtures("_one_connection")
@schema.parametrize()
@settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_operation_answers_as_its_document_says(case: schemathesis.Case, site: Site) -> None:
    # The lead may read and write everything, so generated writes reach the services.
    case.call_and_validate(
        headers={"Authorization": f"Bearer {site.tokens['lead']}"}, checks=CHECKS
    )


def test_the_document_lists_every_endpoint(db: None) -> None:
    paths = set(schema.raw_schema["paths"])
    assert paths >= {
        "/api/v1/me",
        "/api/v1/plans",
        "/api/v1/plans/{slug}",
        "/api/v1/plans/{slug}/periods",
        "/api/v1/plans/{slug}/periods/{period}/summary",
        "/api/v1/plans/{slug}/periods/{period}/kpi-values",
        "/api/v1/plans/{slug}/periods/{period}/updates",
        "/api/v1/plans/{slug}/periods/{period}/report",
    }
