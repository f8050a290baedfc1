"""Fixtures for the tracker tests."""

from __future__ import annotations

import pytest
from tests.tracker.workflow_site import WorkflowSite, make_workflow_site


@pytest.fixture
def site() -> WorkflowSite:
    """The example plan in the database with its leads, contributor and viewer."""
    return make_workflow_site()
