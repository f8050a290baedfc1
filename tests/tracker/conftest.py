"""Fixtures for the tracker tests."""

from __future__ import annotations

import pytest
from tests.tracker.workflow_site import WorkflowSite, make_workflow_site


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 is deliberately slow; the tests that check hashing set it back themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture
def site() -> WorkflowSite:
    """The example plan in the database with its leads, contributor and viewer."""
    return make_workflow_site()
