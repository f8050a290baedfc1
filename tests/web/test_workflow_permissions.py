"""The workflow's URLs × HTTP methods × people (the permission matrix of test_permission_matrix.py,
extended to the workflow's URLs).

People: anonymous, a viewer, the contributor owning 1.A1, a lead, an admin without a lead
role, and the admin and lead of another organisation (the outsider). Each request gets
exactly the expected status — allowed (200 or a redirect after a write), 403, 404, 405, or
a redirect to sign in — and a request that is not allowed changes nothing: entries,
periods, narratives and snapshots are compared before and after each one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.evidence_files import PDF
from tests.tracker.workflow_site import Q1, Q2, Q3, WorkflowSite, make_workflow_site

from plantracker.tracker.models import (
    Evidence,
    Item,
    KpiValue,
    Narrative,
    Period,
    PeriodSnapshot,
    Publication,
    RiskUpdate,
    Update,
)
from plantracker.tracker.services import period_close, update_save_draft, update_submit
from plantracker.tracker.services.evidence import evidence_file_add
from plantracker.tracker.services.publishing import publication_publish

pytestmark = pytest.mark.django_db

ACTORS = ("anonymous", "viewer", "contributor", "outsider", "admin", "lead")  # lead last:
# its allowed writes (approving, closing) would change what later actors see.
MEMBERS = ("viewer", "contributor", "lead", "admin")
METHODS = ("get", "head", "post", "put", "patch", "delete")
SAFE = ("get", "head")
LOGIN = "LOGIN"
Expect = Callable[[str, str], "int | str"]


@dataclass(frozen=True)
class Route:
    name: str
    url: Callable[[WorkflowSite], str]
    expect: Expect
    data: Callable[[WorkflowSite], dict[str, object]] = lambda site: {}


def _reader(readers: tuple[str, ...]) -> Expect:
    """Read by ``readers``; no method but GET and HEAD (refused before the plan is looked
    up, so with 405 even for the outsider)."""

    def expect(actor: str, method: str) -> int | str:
        if actor == "anonymous":
            return LOGIN
        if method not in SAFE:
            return 405
        if actor == "outsider":
            return 404
        return 200 if actor in readers else 403

    return expect


def _page(readers: tuple[str, ...], writers: tuple[str, ...]) -> Expect:
    """A page with a form: shown to ``readers`` (403 to other members), posted to by
    ``writers`` (redirected after the write), 404 for the outsider."""

    def expect(actor: str, method: str) -> int | str:
        if actor == "anonymous":
            return LOGIN
        if method not in (*SAFE, "post"):
            return 405
        if actor == "outsider":
            return 404
        if method == "post":
            return 302 if actor in writers else 403
        return 200 if actor in readers else 403

    return expect


def _plan_url(name: str, *extra: object) -> Callable[[WorkflowSite], str]:
    return lambda site: reverse(name, args=[site.plan.slug, *extra])


def _my_update(site: WorkflowSite) -> dict[str, object]:
    key = f"item-{site.item('1.A1').pk}"
    return {
        "subject": key,
        f"{key}-version": "0",
        f"{key}-status": "amber",
        f"{key}-commentary": "On track after a slow start",
        "action": "submit",
    }


def _plan_update(site: WorkflowSite) -> dict[str, object]:
    key = f"item-{site.item('2.A1').pk}"
    return {
        f"{key}-version": "0",
        f"{key}-status": "green",
        f"{key}-commentary": "Entered from the owner's email",
        "action": "draft",
    }


def _approval(site: WorkflowSite) -> dict[str, object]:
    entry = Update.objects.get(item=site.item("1.A1"), period=site.period(Q2))
    key = f"item-{entry.item_id}"
    return {
        "prefix": key,
        f"{key}-entry": f"update-{entry.pk}-{entry.version}",
        f"{key}-action": "approve",
    }


def _due_date(site: WorkflowSite) -> dict[str, object]:
    return {
        "action": "open",
        "version": site.period(Q3).version,
        "day": "14",
        "month": "1",
        "year": "2019",
    }


def _confirm(site: WorkflowSite) -> dict[str, object]:
    return {"confirm": "yes"}


def _narrative(site: WorkflowSite) -> dict[str, object]:
    return {"version": Narrative.objects.get(period=site.period(Q2)).version, "headlines": "New"}


def _pack(actor: str, method: str) -> int | str:
    expected = _reader(("lead", "admin"))(actor, method)
    return 202 if expected == 200 else expected


ROUTES = (
    Route(
        "my-updates",
        _plan_url("web:my-updates", Q3),
        _page(("contributor", "lead"), ("contributor",)),
        data=_my_update,
    ),
    # A lead's view of every item, to enter anyone's update (ADR 0069).
    Route(
        "plan-updates",
        _plan_url("web:plan-updates", Q3),
        _page(("lead",), ("lead",)),
        data=_plan_update,
    ),
    Route("review", _plan_url("web:review", Q2), _page(("lead",), ("lead",)), data=_approval),
    # Publishing Q1, closed and published once by the fixture (ADR 0081).
    Route("publish", _plan_url("web:publish", Q1), _page(("lead",), ("lead",)), data=_confirm),
    Route("unpublish", _plan_url("web:unpublish", Q1), _page(("lead",), ("lead",)), data=_confirm),
    Route("period", _plan_url("web:period", Q3), _page(MEMBERS, ("lead",)), data=_due_date),
    Route(
        "narrative", _plan_url("web:narrative", Q2), _page(("lead",), ("lead",)), data=_narrative
    ),
    Route("narrative-preview", _plan_url("web:narrative-preview", Q2), _reader(MEMBERS)),
    Route("plan-audit", _plan_url("web:plan-audit"), _reader(MEMBERS)),
    Route("item-audit", _plan_url("web:item-audit", "1.K1"), _reader(MEMBERS)),
    Route("plan-audit-csv", _plan_url("web:plan-audit-csv"), _reader(MEMBERS)),
    # Assigning owners is a lead's plan work (ADR 0068).
    Route("owners", _plan_url("web:owners"), _reader(("lead",))),
    Route(
        "owner",
        lambda site: reverse("web:owner", args=[site.plan.slug, site.users["other"].pk]),
        _page(("lead",), ("lead",)),
        data=lambda site: {"items": [str(site.item("2.A1").pk)]},
    ),
    Route(
        "item-owners",
        _plan_url("web:item-owners", "2.A1"),
        _page(("lead",), ("lead",)),
        data=lambda site: {"owner": str(site.users["other"].pk)},
    ),
    # Evidence (ADR 0078): every reader sees it; the item's owner and the leads attach it.
    Route(
        "evidence",
        _plan_url("web:evidence", Q3, "1.A1"),
        _page(MEMBERS, ("contributor", "lead")),
        data=lambda site: {
            "action": "link",
            "link-url": "https://intranet.example.org/audit",
            "link-description": "Audit minutes",
        },
    ),
    Route(
        "evidence-file",
        lambda site: reverse(
            "web:evidence-file", args=[site.plan.slug, Evidence.objects.get(filename="a.pdf").pk]
        ),
        _reader(MEMBERS),
    ),
    # Inspectors (ADR 0080): the record of their visits for leads and admins; a period's
    # evidence pack for inspectors, leads and admins, being prepared (202) until the worker
    # has built it.
    Route("inspector-visits", _plan_url("web:inspector-visits"), _reader(("lead", "admin"))),
    Route("evidence-pack", _plan_url("web:evidence-pack", Q3), _pack),
)
WORKFLOW_URL_NAMES = frozenset(route.name for route in ROUTES)


def _foreign(name: str, *extra: object, writable: bool = True) -> Route:
    """The other organisation's page: its own lead (the outsider) reads it, we get 404."""
    methods = (*SAFE, "post") if writable else SAFE

    def expect(actor: str, method: str) -> int | str:
        if actor == "anonymous":
            return LOGIN
        if method not in methods:
            return 405
        if actor != "outsider":
            return 404
        return 200 if method in SAFE else 0

    return Route(name, lambda site: reverse(f"web:{name}", args=["other", *extra]), expect)


FOREIGN = (
    _foreign("my-updates", Q3),
    _foreign("plan-updates", Q3),
    _foreign("review", Q2),
    _foreign("period", Q2),
    _foreign("narrative", Q2),
    _foreign("narrative-preview", Q2, writable=False),
    _foreign("plan-audit", writable=False),
    _foreign("item-audit", "1.K1", writable=False),
    _foreign("plan-audit-csv", writable=False),
    _foreign("owners", writable=False),
    _foreign("item-owners", "1.A1"),
    _foreign("evidence", Q3, "1.A1"),
    _foreign("inspector-visits", writable=False),
    _foreign("publish", Q2),
    _foreign("unpublish", Q2),
)


def fingerprint() -> tuple[object, ...]:
    """Everything the workflow could write."""
    return (
        sorted(Item.objects.values_list("pk", "owner_user", "deputy_user", "version")),
        sorted(Update.objects.values_list("pk", "state", "version", "status", "commentary")),
        sorted(KpiValue.objects.values_list("pk", "state", "version")),
        sorted(RiskUpdate.objects.values_list("pk", "state", "version")),
        sorted(Period.objects.values_list("pk", "state", "due", "version")),
        sorted(Narrative.objects.values_list("pk", "version")),
        PeriodSnapshot.objects.count(),
        sorted(Evidence.objects.values_list("pk", "removed_at")),
        sorted(Publication.objects.values_list("pk", "superseded_at", "withdrawn_at")),
    )


@pytest.fixture
def site() -> WorkflowSite:
    site = make_workflow_site()
    # Something for the lead to review: the contributor's revision of 1.A1 in Q2.
    contributor = site.users["contributor"]
    current = Update.objects.get(item=site.item("1.A1"), period=site.period(Q2))
    entry = update_save_draft(
        actor=contributor,
        subject=site.item("1.A1"),
        period=site.period(Q2),
        expected_version=current.version,
        status="amber",
        commentary="Two partners have signed",
    )
    update_submit(actor=contributor, entry=entry, expected_version=entry.version)
    evidence_file_add(
        actor=contributor,
        item=site.item("1.A1"),
        period=site.period(Q3),
        upload=SimpleUploadedFile("a.pdf", PDF),
        description="Audit",
    )
    # Q1 closed and published, for the lead to publish again or unpublish.
    lead, q1 = site.users["lead"], site.period(Q1)
    period_close(actor=lead, period=q1, expected_version=q1.version)
    publication_publish(actor=lead, period=site.period(Q1))
    return site


def _check(site: WorkflowSite, route: Route) -> None:
    for actor in ACTORS:
        for method in METHODS:
            expected = route.expect(actor, method)
            if expected == 0:  # not meaningful (a write to another organisation's page)
                continue
            url = route.url(site)
            data = route.data(site) if method == "post" else {}
            before = fingerprint()
            client = site.client(None if actor == "anonymous" else actor)
            response = (
                getattr(client, method)(url, data=data) if data else getattr(client, method)(url)
            )
            where = f"{method.upper()} {url} as {actor}"
            if expected == LOGIN:
                assert response.status_code == 302, where
                assert response["Location"].startswith(reverse("web:login") + "?next="), where
            else:
                assert response.status_code == expected, (
                    f"{where}: {response.status_code}, expected {expected}"
                )
            if not (method == "post" and expected == 302):
                assert fingerprint() == before, f"{where} changed data"
            else:
                assert fingerprint() != before, f"{where} was allowed but wrote nothing"


@pytest.mark.parametrize("route", ROUTES, ids=[route.name for route in ROUTES])
def test_every_method_and_person(site: WorkflowSite, route: Route) -> None:
    _check(site, route)


@pytest.mark.parametrize("route", FOREIGN, ids=[route.name for route in FOREIGN])
def test_another_organisations_plan(site: WorkflowSite, route: Route) -> None:
    _check(site, route)


def test_the_lead_cannot_approve_an_update_they_submitted(site: WorkflowSite) -> None:
    lead = site.users["lead"]
    entry = update_save_draft(
        actor=lead,
        subject=site.item("2.A1"),
        period=site.period(Q3),
        expected_version=0,
        status="green",
    )
    entry = update_submit(actor=lead, entry=entry, expected_version=1)
    key = f"item-{entry.item_id}"
    before = fingerprint()
    page = site.client("lead").get(reverse("web:review", args=["cip", Q3])).content.decode()
    assert "You submitted this update; another lead must approve it." in page
    assert f"update-{entry.pk}-2" in page  # it may still be returned
    response = site.client("lead").post(
        reverse("web:review", args=["cip", Q3]),
        {"prefix": key, f"{key}-entry": f"update-{entry.pk}-2", f"{key}-action": "approve"},
    )
    assert response.status_code == 403
    assert fingerprint() == before
    response = site.client("lead2").post(
        reverse("web:review", args=["cip", Q3]),
        {"prefix": key, f"{key}-entry": f"update-{entry.pk}-2", f"{key}-action": "approve"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == "approved"
