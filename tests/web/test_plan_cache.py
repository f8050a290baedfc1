"""The evaluated plan and the pages' figures are cached per data version (ADR 0064), and no
reader sees old figures once a write has committed.

For every kind of write that changes what a plan counts (the services of
``tests/tracker/test_data_version.py``'s walk), the pages are read once to fill the caches,
the write is made, and the pages are read again: each must be exactly what a reader with
empty caches gets, and at least one must show the change.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.builders import plan as built_plan
from tests.builders import recommendation
from tests.tracker.test_data_version import Q2, WALK, Site, Step
from tests.tracker.test_data_version import site as site  # the example plan and its people

from plantracker.api.tokens import token_create
from plantracker.domain.evaluate import evaluate
from plantracker.domain.model import Kpi
from plantracker.planfile import load_plan
from plantracker.reports.build import build_report
from plantracker.tracker.models import InspectorVisit, Item, KpiValue, PlanRecord, Role
from plantracker.tracker.selectors import plan_domain
from plantracker.tracker.selectors.cached import (
    consistent_read,
    counted_period_result,
    counted_plan,
)
from plantracker.tracker.services import member_add, plan_import
from plantracker.web import pages

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).parents[2] / "examples" / "childrens-improvement-plan.yaml"

# The walk's writes that change what the example plan counts, each visible on these pages.
COUNTED_WRITES = {
    "update_approve",
    "update_bulk_approve",
    "plan_import[changed]",
    "period_open",
    "period_close",
    "period_reopen",
    "narrative_update",
    "kpi_comparators_set",
    "statutory_apply",
    "backup_restore",
}


def _steps() -> list[object]:
    found = []
    for service, case, step in WALK:
        name = f"{service}[{case}]" if case else service
        if name in COUNTED_WRITES:
            found.append(pytest.param(step, id=name))
    assert len(found) == len(COUNTED_WRITES), "a write named here is no longer in the walk"
    return found


def _pages(site: Site) -> dict[str, str]:
    slug = site.plan.slug
    return {
        "dashboard": reverse("web:dashboard", args=[slug]),
        "dashboard Q2": reverse("web:dashboard-period", args=[slug, Q2]),
        "recommendation 1": reverse("web:recommendation", args=[slug, Q2, 1]),
        "item 1.K1": reverse("web:item", args=[slug, "1.K1"]),
        "item 1.A1": reverse("web:item", args=[slug, "1.A1"]),
        "plan list": reverse("web:plan-list"),
        "API summary": f"/api/v1/plans/{slug}/periods/{Q2}/summary",
        "API plan": f"/api/v1/plans/{slug}",
    }


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _read(site: Site, web: Client, api: Client) -> dict[str, str]:
    """Each page's text, without the sign-out form's CSRF token (masked anew every time)."""
    found = {}
    for name, url in _pages(site).items():
        response = (api if name.startswith("API") else web).get(url)
        assert response.status_code == 200, (name, response.status_code)
        found[name] = _CSRF.sub("", response.content.decode())
    return found


def _clients(site: Site) -> tuple[Client, Client]:
    lead = site.users["lead"]
    web = Client()
    web.force_login(lead)
    api = Client(headers={"Authorization": f"Bearer {token_create(user=lead, name='t').secret}"})
    return web, api


def _empty_caches() -> None:
    for name in ("plans", "fragments"):
        caches[name].clear()


@pytest.mark.parametrize("step", _steps())
def test_after_a_write_every_page_shows_the_new_figures_at_once(site: Site, step: Step) -> None:
    web, api = _clients(site)
    act = step(site)
    before = _read(site, web, api)  # fills the caches
    assert _read(site, web, api) == before  # and reading again from them changes nothing

    act()
    after = _read(site, web, api)

    _empty_caches()
    web, api = _clients(site)  # a restore may have replaced the sessions and tokens
    fresh = _read(site, web, api)
    for name in after:
        assert after[name] == fresh[name], f"{name} showed cached figures after the write"
    assert any(after[name] != before[name] for name in after), "the write shows nowhere"


def test_a_warm_dashboard_reads_far_less_than_a_cold_one(site: Site) -> None:
    web, _api = _clients(site)
    url = reverse("web:dashboard-period", args=[site.plan.slug, Q2])
    with CaptureQueriesContext(connection) as cold:
        assert web.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert web.get(url).status_code == 200
    # The plan's rows (one query per table), the periods and snapshots are read only once.
    assert len(warm) <= len(cold) - 8, (len(cold), len(warm))

    # What awaits review is a live query (the lead's panel); the reported rows, those approved
    # or with an approved copy (plan_domain), are not read again.
    def reported(queries: CaptureQueriesContext) -> list[str]:
        return [
            q["sql"] for q in queries.captured_queries if '"approved_copy" IS NOT NULL' in q["sql"]
        ]

    assert reported(cold)
    assert not reported(warm)


def test_a_warm_page_reads_who_is_asking_the_plan_and_only_what_is_live(site: Site) -> None:
    """A viewer's pages once their figures are cached: the session and the account, the
    reader's memberships (the plan's permission, the header, the names on the page and the
    inspectors' record are all answered from them), the plan's row (its data version), and
    what is live: the dashboard's period and what awaits review; the item's linked owner,
    its commented updates and its evidence."""
    viewer = member_add(
        email="viewer@example.org",
        role=Role.VIEWER,
        organisation=site.plan.organisation,
        password="correct-horse-battery-staple",
    ).user
    web = Client()
    web.force_login(viewer)
    slug = site.plan.slug
    expected = {
        reverse("web:dashboard", args=[slug]): 6,
        reverse("web:dashboard-period", args=[slug, Q2]): 6,
        reverse("web:recommendation", args=[slug, Q2, 1]): 4,
        reverse("web:item", args=[slug, "1.A1"]): 7,
    }
    for url, count in expected.items():
        assert web.get(url).status_code == 200  # fills the caches
        with CaptureQueriesContext(connection) as warm:
            page = web.get(url).content.decode()
        assert len(warm) == count, (url, [query["sql"][:80] for query in warm])
        assert "contributor@example.org" not in page  # a viewer reads names (ADR 0070)
    assert not InspectorVisit.objects.exists()


def test_the_cache_answers_the_version_it_was_given_and_a_new_version_misses(site: Site) -> None:
    record = PlanRecord.objects.get(pk=site.plan.pk)
    first = counted_plan(plan_record=record)
    assert counted_plan(plan_record=record) is first  # the same frozen object, not a copy
    result = counted_period_result(plan_record=record, period_code=Q2)
    assert counted_period_result(plan_record=record, period_code=Q2) is result

    PlanRecord.objects.filter(pk=record.pk).update(title="Renamed", data_version=999)
    renamed = counted_plan(plan_record=PlanRecord.objects.get(pk=record.pk))
    assert renamed.title == "Renamed"
    # A record read before the change still holds the old version: the old figures, whole.
    assert counted_plan(plan_record=record) is first


@pytest.mark.django_db(transaction=True)
def test_a_miss_reads_one_snapshot_outside_any_transaction() -> None:
    """As a request does (no transaction around it): the consistent read is the outermost
    transaction, repeatable read on PostgreSQL, and the value is cached under its version."""
    record = plan_import(plan=built_plan(recommendation(1)), slug="snapshot")
    assert not connection.in_atomic_block
    with consistent_read():
        assert connection.in_atomic_block
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW transaction_isolation")
                assert cursor.fetchone() == ("repeatable read",)
    plan = counted_plan(plan_record=record)
    assert not connection.in_atomic_block  # the read's transaction ended
    assert plan.title == record.title
    assert counted_plan(plan_record=record) is plan


def test_an_item_is_built_again_exactly_when_its_rows_change(site: Site) -> None:
    """``plan_domain`` reuses an item's domain object only for exactly the rows it was built
    from (ADR 0087): a value written with one more digit (equal as a number, shown
    differently) and a renamed item are seen at once; untouched items are the same objects."""
    record = PlanRecord.objects.select_related("organisation").get(pk=site.plan.pk)
    before = plan_domain(plan_record=record)
    entry = (
        KpiValue.objects.filter(item__plan=record, state="approved", value__isnull=False)
        .select_related("item", "period")
        .order_by("pk")
        .first()
    )
    assert entry is not None
    text = str(entry.value)
    longer = f"{text}0" if "." in text else f"{text}.0"
    KpiValue.objects.filter(pk=entry.pk).update(value=Decimal(longer))
    renamed = Item.objects.filter(plan=record).exclude(pk=entry.item_id).order_by("pk").first()
    assert renamed is not None
    Item.objects.filter(pk=renamed.pk).update(title="Renamed by hand")
    untouched = Item.objects.filter(plan=record).exclude(pk__in=[entry.item_id, renamed.pk])

    after = plan_domain(plan_record=record)
    kpi = after.item(entry.item.ref)
    assert isinstance(kpi, Kpi)
    assert str(kpi.values[entry.period.code].value) == longer
    assert after.item(renamed.ref).title == "Renamed by hand"
    assert all(after.item(item.ref) is before.item(item.ref) for item in untouched)


def test_a_recommendation_evaluated_alone_reads_as_in_the_whole_plan() -> None:
    """The recommendation page evaluates only its recommendation (ADR 0087): its status,
    items and section are exactly the whole plan's, in every period."""
    plan = load_plan(EXAMPLE)
    for period in plan.periods:
        whole = evaluate(plan, period.id)
        sections = build_report(whole).recommendations
        for rec, section in zip(whole.recommendations, sections, strict=True):
            page = pages.recommendation_page(plan, period, rec.number)
            assert page.result == rec, (period.id, rec.number)
            assert page.section == section, (period.id, rec.number)
