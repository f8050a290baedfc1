"""The services hold texts to the plan's one limit (docs/plan-file.md#limits), so every way
in — the web, the API, `statutory apply` — is refused alike, and nothing is written."""

from __future__ import annotations

import pytest
from tests.tracker.workflow_site import Q3, WorkflowSite, make_workflow_site

from plantracker.domain.texts import MAX_TEXT
from plantracker.tracker.models import Update
from plantracker.tracker.services import InvalidInput, update_return, update_send

pytestmark = pytest.mark.django_db


def test_update_send_and_a_return_comment_refuse_a_text_over_the_limit() -> None:
    site: WorkflowSite = make_workflow_site()
    contributor, lead = site.users["contributor"], site.users["lead"]
    item, period = site.item("1.A1"), site.period(Q3)
    with pytest.raises(InvalidInput) as refused:
        update_send(
            actor=contributor,
            subject=item,
            period=period,
            expected_version=0,
            submit=True,
            status="green",
            commentary="x" * 1_000_000,
        )
    assert refused.value.errors == {
        "commentary": "The commentary is 1,000,000 characters long; the most is 10,000"
    }
    assert not Update.objects.filter(item=item, period=period).exists()

    entry = update_send(
        actor=contributor,
        subject=item,
        period=period,
        expected_version=0,
        submit=True,
        status="green",
        commentary="x" * MAX_TEXT,
    )
    with pytest.raises(InvalidInput, match="The comment is 10,001 characters long"):
        update_return(actor=lead, entry=entry, expected_version=entry.version, comment="c" * 10_001)
    entry.refresh_from_db()
    assert (entry.state, entry.review_comment) == ("submitted", None)
