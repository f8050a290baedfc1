"""The evaluated plan and the pages' figures are cached per data version (ADR 0064), and no
reader sees old figures once a write has committed.

For every kind of write that changes what a plan counts (the services of
``tests/tracker/test_data_version.py``'s walk), the pages are read once to fill the caches,
the write is made, and the pages are read again: each must be exactly what a reader with
empty caches gets, and at least one must show the change.
"""

from __future__ import annotations

import importlib
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
from plantracker.domain.model import Kind, Kpi
from plantracker.domain.periods import current_period, reported_period_ids
from plantracker.domain.summary import summary_dict
from plantracker.planfile import load_plan
from plantracker.reports import build as report_build
from plantracker.reports.build import build_report
from plantracker.tracker.models import InspectorVisit, Item, KpiValue, PlanRecord, Role
from plantracker.tracker.selectors import evaluated, plan_domain
from plantracker.tracker.selectors.cached import (
    consistent_read,
    counted_period_result,
    counted_plan,
)
from plantracker.tracker.selectors.plan_domain import plan_periods, reported_period_codes
from plantracker.tracker.selectors.workflow import period_plan
from plantracker.tracker.services import member_add, plan_import
from plantracker.web import pages
from plantracker.web.templatetags import web as web_tags

pytestmark = pytest.mark.django_db

# The module, which ``plantracker.tracker.selectors`` shadows with its function.
plan_domain_module = importlib.import_module("plantracker.tracker.selectors.plan_domain")

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
    """Every cache of computed figures, and each process's memory of what it built last
    (ADR 0087, ADR 0089): what is read next is computed from the rows alone."""
    for name in ("plans", "fragments"):
        caches[name].clear()
    plan_domain_module._BUILT.clear()
    evaluated._REUSE.clear()
    report_build._SECTIONS.clear()
    web_tags._recommendation_row.cache_clear()


def _evaluated_again_equals_a_fresh_evaluation(site: Site) -> None:
    """The plan and each period's result as the caches hold them after a write, having
    built and evaluated again only what changed (ADR 0089), are exactly what a process
    that never read the plan computes."""
    record = PlanRecord.objects.select_related("organisation").get(slug=site.plan.slug)
    plan = counted_plan(plan_record=record)
    results = {
        period.id: counted_period_result(plan_record=record, period_code=period.id)
        for period in plan.periods
    }
    _empty_caches()
    fresh = plan_domain(plan_record=record)
    assert plan == fresh
    for code, result in results.items():
        full = evaluate(period_plan(plan_record=record, period_code=code, live=fresh), code)
        assert result == full, code
        assert summary_dict(result) == summary_dict(full), code


@pytest.mark.parametrize("step", _steps())
def test_after_a_write_every_page_shows_the_new_figures_at_once(site: Site, step: Step) -> None:
    web, api = _clients(site)
    act = step(site)
    before = _read(site, web, api)  # fills the caches
    assert _read(site, web, api) == before  # and reading again from them changes nothing

    act()
    after = _read(site, web, api)
    _evaluated_again_equals_a_fresh_evaluation(site)

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


def test_a_recommendation_read_alone_reads_as_in_the_whole_plan(site: Site) -> None:
    """The recommendation page reads only its recommendation's rows (ADR 0089): its page
    is exactly the one made from the whole plan, in every period; a number the plan does
    not have reads no recommendation."""
    record = PlanRecord.objects.select_related("organisation").get(pk=site.plan.pk)
    whole = plan_domain(plan_record=record)
    for rec in whole.recommendations:
        part = plan_domain(plan_record=record, recommendation=rec.number)
        assert part.recommendations == (rec,)
        assert part.risks == ()
        for period in whole.periods:
            assert pages.recommendation_page(
                period_plan(plan_record=record, period_code=period.id, live=part),
                period,
                rec.number,
            ) == pages.recommendation_page(
                period_plan(plan_record=record, period_code=period.id, live=whole),
                period,
                rec.number,
            ), (period.id, rec.number)
    assert plan_domain(plan_record=record, recommendation=999).recommendations == ()
    # An item's page reads the recommendation holding it, and the periods with anything
    # reported from the whole plan's rows.
    assert reported_period_codes(plan_record=record) == reported_period_ids(whole)
    assert plan_periods(plan_record=record) == whole.periods
    latest = current_period(plan_periods(plan_record=record), reported_period_ids(whole))
    for rec in whole.recommendations:
        for item in rec.items(Kind.ACTION) + rec.items(Kind.KPI):
            part = plan_domain(plan_record=record, holding=item.ref)
            assert part.recommendations == (rec,)
            assert pages.item_page(part, item.ref, latest=latest) == pages.item_page(
                whole, item.ref
            ), item.ref
    assert plan_domain(plan_record=record, holding="no such").recommendations == ()
    # A part read leaves the process's memory of the whole read as it was.
    again = plan_domain(plan_record=record)
    assert all(a is b for a, b in zip(again.recommendations, whole.recommendations, strict=True))


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


def test_the_dashboard_report_is_the_whole_report_less_its_tables() -> None:
    """The dashboard builds only what it shows (ADR 0089): every part of it is exactly
    the whole report's, in every period of the example plan."""
    plan = load_plan(EXAMPLE)
    for period in plan.periods:
        result = evaluate(plan, period.id)
        whole = build_report(result)
        shown = build_report(result, tables=False)
        assert (shown.deep_dives, shown.exceptions, shown.all_kpis, shown.measures) == (
            (),
            (),
            None,
            (),
        )
        for part in ("cover", "overview", "overall", "recommendations", "next_steps", "problems"):
            assert getattr(shown, part) == getattr(whole, part), (period.id, part)
        assert pages.dashboard_page(plan, period).report == shown
