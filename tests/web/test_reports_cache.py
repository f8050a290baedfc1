"""Report downloads are cached by the data they were built from (ADR 0061): a
second download of an unchanged report does not call the renderer; a change to the data
(an approved update, a re-import) or the period or the format renders again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from tests.web.conftest import Site

from plantracker.reports.registry import RENDERERS
from plantracker.tracker import reports_cache
from plantracker.tracker.models import Item, KpiValue
from plantracker.tracker.services.data_version import data_version_bump

Q2 = "2018-19-Q2"


class CountingRenderer:
    """The HTML renderer, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0
        self.html = RENDERERS["html"]
        self.media_type = self.html.media_type
        self.suffix = self.html.suffix

    def render(self, report: Any) -> bytes:
        self.calls += 1
        return self.html.render(report)


@pytest.fixture
def renderer(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reports_at_once: None
) -> CountingRenderer:
    settings.CACHES = {
        **settings.CACHES,
        "reports": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "reports"),
            "TIMEOUT": None,
        },
    }
    counting = CountingRenderer()
    monkeypatch.setitem(reports_cache.RENDERERS, "html", counting)
    return counting


def download(client: Client, site: Site, period: str = Q2) -> bytes:
    response = client.get(f"/plans/{site.plan.slug}/{period}/report.html")
    assert response.status_code == 200
    return bytes(response.content)


def test_a_second_download_does_not_render_again(site: Site, renderer: CountingRenderer) -> None:
    first = download(site.client("viewer"), site)
    second = download(site.client("lead"), site)

    assert renderer.calls == 1
    assert second == first


def test_changed_data_renders_again(site: Site, renderer: CountingRenderer) -> None:
    before = download(site.client("viewer"), site)
    item = Item.objects.filter(plan=site.plan, kind="kpis").first()
    assert item is not None
    with transaction.atomic():  # as an approval writes it: the data and its version
        KpiValue.objects.filter(item=item, period__code=Q2).update(value="12345")
        data_version_bump(plan_ids=[site.plan.pk])

    after = download(site.client("viewer"), site)

    assert renderer.calls == 2
    assert after != before
    assert b"12,345" in after or b"12345" in after


def test_another_period_is_another_report(site: Site, renderer: CountingRenderer) -> None:
    download(site.client("viewer"), site, Q2)
    download(site.client("viewer"), site, "2018-19-Q1")
    download(site.client("viewer"), site, "2018-19-Q1")
    assert renderer.calls == 2


def test_the_api_download_shares_the_cache(site: Site, renderer: CountingRenderer) -> None:
    from plantracker.api.tokens import token_create

    download(site.client("viewer"), site)
    secret = token_create(user=site.users["viewer"], name="cache test").secret
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    response = api.get(f"/api/v1/plans/{site.plan.slug}/periods/{Q2}/report", {"format": "html"})

    assert response.status_code == 200
    assert renderer.calls == 1


def test_the_key_follows_every_value_of_the_plan() -> None:
    from dataclasses import replace

    from tests.web.plans import web_plan

    plan = web_plan()
    retitled = replace(plan, title=plan.title + " ")
    assert reports_cache.report_key(plan, Q2, "pdf") == reports_cache.report_key(
        web_plan(), Q2, "pdf"
    )
    assert reports_cache.report_key(plan, Q2, "pdf") != reports_cache.report_key(
        retitled, Q2, "pdf"
    )
    assert reports_cache.report_key(plan, Q2, "pdf") != reports_cache.report_key(plan, Q2, "docx")
