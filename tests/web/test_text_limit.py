"""The web forms hold texts to the plan's one limit (docs/plan-file.md#limits): the form is
shown again with the field's error, and the text is not saved."""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.tracker.workflow_site import Q2, Q3, WorkflowSite, make_workflow_site
from tests.web.page_text import page_text

from plantracker.domain.texts import MAX_TEXT
from plantracker.tracker.models import Narrative, Update

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    return make_workflow_site()


def test_a_commentary_over_the_limit_is_refused_on_the_updates_page(site: WorkflowSite) -> None:
    key = f"item-{site.item('1.A1').pk}"
    response = site.client("contributor").post(
        reverse("web:my-updates", args=["cip", Q3]),
        {
            "subject": key,
            "action": "draft",
            f"{key}-version": "0",
            f"{key}-status": "green",
            f"{key}-commentary": "x" * (MAX_TEXT + 1),
        },
    )
    page = page_text(response)
    assert "There is a problem" in page
    assert "at most 10000 characters (it has 10001)" in page
    assert f'href="#id_{key}-commentary"' in response.content.decode()
    assert not Update.objects.filter(item=site.item("1.A1"), period=site.period(Q3)).exists()


def test_a_narrative_line_over_the_limit_is_refused_naming_the_line(site: WorkflowSite) -> None:
    narrative = Narrative.objects.get(period=site.period(Q2))
    response = site.client("lead").post(
        reverse("web:narrative", args=["cip", Q2]),
        {"version": narrative.version, "headlines": "Fine\n" + "y" * (MAX_TEXT + 1)},
    )
    assert "Line 2 is 10,001 characters long; the most is 10,000" in page_text(response)
    narrative.refresh_from_db()
    assert "Fine" not in narrative.headlines
