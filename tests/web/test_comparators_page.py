"""A KPI's page shows the published comparators the plan holds for it (ADR 0017)."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from tests.web.conftest import make_site

from plantracker.domain.model import Comparators
from plantracker.tracker.services.comparators import kpi_comparators_set

pytestmark = pytest.mark.django_db


def visible_text(response: object) -> str:
    """The page's visible text, tags removed and whitespace collapsed."""
    html = response.content.decode()  # type: ignore[attr-defined]
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_kpi_page_shows_england_region_and_neighbours_as_its_value_is_written() -> None:
    site = make_site()
    url = reverse("web:item", args=["cip", "1.K1"])
    assert "Published," not in visible_text(site.client("viewer").get(url))
    kpi_comparators_set(
        actor=site.users["lead"],
        plan=site.plan,
        comparators={
            "1.K1": Comparators(label="2023-24", england=Decimal("54.0"), region=Decimal("55.1"))
        },
    )
    page = visible_text(site.client("viewer").get(url))
    assert (
        "Published, 2023-24 England 54.0%, region 55.1%, statistical neighbours not published"
        in page
    )
