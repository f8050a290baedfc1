"""Inspectors (ADR 0080): a viewer's reading for a limited time, given by an admin on the
Users pages with a last day; no write anywhere, not in the API; every page they open
recorded for the plan's leads and admins; refused after the last day. And a period's
evidence pack: built once by the worker, the report PDF, an index in CSV and HTML and the
evidence files by recommendation, for inspectors, leads and admins only."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests import evidence_files as files
from tests.tasks import queued, run_worker
from tests.tracker.workflow_site import Q3, WorkflowSite, make_workflow_site
from tests.web.plans import web_plan
from tests.web.test_workflow_permissions import ROUTES as WORKFLOW_ROUTES
from tests.web.test_workflow_permissions import fingerprint

from plantracker.api.tokens import token_create
from plantracker.tracker import reports_cache
from plantracker.tracker.models import InspectorVisit, Membership, ReportBuild, Role, User
from plantracker.tracker.reports_cache import CACHE, report_key
from plantracker.tracker.selectors import period_plan
from plantracker.tracker.services import ServiceError, member_add, plan_import, role_grant
from plantracker.tracker.services.data_version import data_version_bump
from plantracker.tracker.services.evidence import evidence_file_add, evidence_link_add

pytestmark = pytest.mark.django_db

INSPECTOR = "inspector@ofsted.example.org"
FAKE_PDF = b"%PDF-1.7 the period's report, as the worker built it"


@pytest.fixture
def site() -> WorkflowSite:
    site = make_workflow_site()
    site.users["inspector"] = member_add(
        email=INSPECTOR,
        role=Role.INSPECTOR,
        plan=site.plan,
        organisation=site.plan.organisation,
        ends_on=timezone.localdate() + timedelta(days=14),
    ).user
    return site


def _client(site: WorkflowSite, who: str) -> Client:
    client = Client()
    client.force_login(site.users[who])
    return client


def _evidence(site: WorkflowSite) -> int:
    """A file and a link on 1.A1's update for Q3, by its owner; the file's id."""
    owner = site.users["contributor"]
    added = evidence_file_add(
        actor=owner,
        item=site.item("1.A1"),
        period=site.period(Q3),
        upload=SimpleUploadedFile("Audit report.pdf", files.PDF),
        description="=Case file audit, March",  # a formula to a spreadsheet
    )
    evidence_link_add(
        actor=owner,
        item=site.item("1.A1"),
        period=site.period(Q3),
        url="https://intranet.example.org/minutes",
        description="Board minutes",
    )
    return added.pk


def _packs_queued() -> int:
    return sum("evidence_pack_build" in task.task_path for task in queued())


def _end(site: WorkflowSite) -> None:
    """The inspector's last day was yesterday."""
    Membership.objects.filter(user=site.users["inspector"]).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )


def test_an_inspector_reads_evidence_and_the_audit_trail_and_each_page_is_recorded(
    site: WorkflowSite,
) -> None:
    pk = _evidence(site)
    inspector = _client(site, "inspector")
    pages = [
        reverse("web:dashboard", args=["cip"]),
        reverse("web:evidence", args=["cip", Q3, "1.A1"]),
        reverse("web:evidence-file", args=["cip", pk]),
        reverse("web:plan-audit", args=["cip"]) + "?kind=evidence",
    ]
    for url in pages:
        assert inspector.get(url).status_code == 200, url
    evidence_page = inspector.get(pages[1]).content.decode()
    assert "Audit report.pdf" in evidence_page
    # Added by a named person, without their email address (ADR 0080).
    assert "contributor@example.org" not in evidence_page and ", contributor<" in evidence_page
    trail = inspector.get(reverse("web:plan-audit", args=["cip"])).content.decode()
    assert "Audit report.pdf" in trail
    assert "contributor@example.org" not in trail  # names, never email addresses (ADR 0070)

    visits = list(InspectorVisit.objects.order_by("pk"))
    assert [visit.path for visit in visits] == [*pages, pages[1], pages[3].split("?")[0]]
    assert {(visit.user_id, visit.plan_id, visit.status) for visit in visits} == {
        (site.users["inspector"].pk, site.plan.pk, 200)
    }
    # Nobody else is recorded.
    for who in ("viewer", "lead", "admin"):
        assert _client(site, who).get(pages[0]).status_code == 200
    assert InspectorVisit.objects.count() == len(visits)

    # The plan's leads and its organisation's admins read the record; nobody else.
    for who in ("lead", "admin"):
        record = _client(site, who).get(reverse("web:inspector-visits", args=["cip"]))
        assert record.status_code == 200
        text = record.content.decode()
        assert INSPECTOR in text and f"/plans/cip/evidence/{pk}/" in text
    for who in ("viewer", "contributor", "inspector"):
        assert (
            _client(site, who).get(reverse("web:inspector-visits", args=["cip"])).status_code == 403
        )
    assert (
        _client(site, "outsider").get(reverse("web:inspector-visits", args=["cip"])).status_code
        == 404
    )


def test_an_inspector_cannot_write_on_any_page_or_through_the_api(site: WorkflowSite) -> None:
    """Every write of the workflow's pages refuses an inspector as it refuses a viewer, and
    changes nothing; so do the Users pages; the API does not serve inspectors at all."""
    _evidence(site)
    evidence_file_add(  # the matrix's file route names this one
        actor=site.users["contributor"],
        item=site.item("1.A1"),
        period=site.period(Q3),
        upload=SimpleUploadedFile("a.pdf", files.PDF),
        description="Audit",
    )
    inspector = _client(site, "inspector")
    for route in WORKFLOW_ROUTES:
        expected = route.expect("viewer", "post")
        before = fingerprint()
        response = inspector.post(route.url(site), data=route.data(site))
        assert response.status_code == expected, f"{route.name}: {response.status_code}"
        assert fingerprint() == before, f"{route.name} changed data"
    contributor = site.users["contributor"]
    for name, data in (
        ("web:user-role-set", {"role": "lead", "scope": ""}),
        ("web:user-active", {"active": "0"}),
    ):
        assert inspector.post(reverse(name, args=[contributor.pk]), data).status_code == 403
    assert inspector.get(reverse("web:user-list")).status_code == 403

    api = Client(
        headers={
            "Authorization": f"Bearer {token_create(user=site.users['inspector'], name='t').secret}"
        }
    )
    assert api.get("/api/v1/plans").json() == []
    assert api.get("/api/v1/plans/cip").status_code == 404
    write = api.post(
        f"/api/v1/plans/cip/periods/{Q3}/items/1.A1/evidence/links",
        {"url": "https://example.org/x", "description": "x"},
    )
    assert write.status_code == 404
    assert InspectorVisit.objects.filter(path__startswith="/api/").count() == 0


def test_after_the_last_day_the_inspector_is_refused_everywhere(site: WorkflowSite) -> None:
    pk = _evidence(site)
    inspector = _client(site, "inspector")
    assert inspector.get(reverse("web:dashboard", args=["cip"])).status_code == 200
    _end(site)
    for url in (
        reverse("web:dashboard", args=["cip"]),
        reverse("web:evidence-file", args=["cip", pk]),
        reverse("web:plan-audit", args=["cip"]),
        reverse("web:evidence-pack", args=["cip", Q3]),
    ):
        assert inspector.get(url).status_code == 404, url
    plans = inspector.get(reverse("web:plan-list")).content.decode()
    assert "Your inspector's access to" in plans and "ended on" in plans
    assert InspectorVisit.objects.count() == 1  # the visit before the end only


def test_an_admin_gives_the_inspector_role_with_a_last_day_after_today(
    site: WorkflowSite,
) -> None:
    admin = _client(site, "admin")
    viewer = site.users["viewer"]
    url = reverse("web:user-role-set", args=[viewer.pk])
    missing = admin.post(url, {"role": "inspector", "scope": "cip"})
    assert missing.status_code == 400
    assert "Enter the inspector&#x27;s last day of access" in missing.content.decode()
    today = timezone.localdate()
    past = admin.post(url, {"role": "inspector", "scope": "cip", "ends_on": today.isoformat()})
    assert past.status_code == 400
    assert "must be after today" in past.content.decode()
    assert not Membership.objects.filter(user=viewer, role=Role.INSPECTOR).exists()

    last = today + timedelta(days=30)
    given = admin.post(url, {"role": "inspector", "scope": "cip", "ends_on": last.isoformat()})
    assert given.status_code == 302
    membership = Membership.objects.get(user=viewer, plan=site.plan)
    assert (membership.role, membership.ends_on) == (Role.INSPECTOR, last)
    detail = admin.get(reverse("web:user-detail", args=[viewer.pk])).content.decode()
    assert f"until the end of {last.day} {last:%B %Y}" in detail
    # Any other role has no last day, whatever was typed.
    admin.post(url, {"role": "viewer", "scope": "cip", "ends_on": last.isoformat()})
    assert Membership.objects.get(user=viewer, plan=site.plan).ends_on is None


def test_the_evidence_pack_is_built_once_by_the_worker_and_holds_everything(
    site: WorkflowSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    pk = _evidence(site)
    # The period's PDF as the report cache holds it: the pack takes it from there.
    plan = period_plan(plan_record=site.plan, period_code=Q3)
    caches[CACHE].set(report_key(plan, Q3, "pdf"), FAKE_PDF, timeout=None)
    url = reverse("web:evidence-pack", args=["cip", Q3])
    inspector = _client(site, "inspector")
    first = inspector.get(url)
    assert first.status_code == 202 and first["Refresh"] == "5"
    assert "The evidence pack is being prepared" in first.content.decode()
    assert inspector.get(url).status_code == 202  # asked again: still one build
    assert _client(site, "lead").get(url).status_code == 202
    assert _packs_queued() == 1 and ReportBuild.objects.count() == 1
    run_worker()

    response = inspector.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "cip-2018-19-Q3-evidence-pack.zip" in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    names = archive.namelist()
    stored = f"Recommendation 01/1.A1 {pk} Audit report.pdf"
    assert set(names) == {"cip-2018-19-Q3-report.pdf", "index.csv", "index.html", stored}
    assert archive.read("cip-2018-19-Q3-report.pdf") == FAKE_PDF
    assert archive.read(stored) == files.PDF
    rows = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
    audit = [row for row in rows if row["ref"] == "1.A1"]
    assert [(row["evidence"], row["file in this pack"], row["link"]) for row in audit] == [
        ("File", stored, ""),
        ("Link", "", "https://intranet.example.org/minutes"),
    ]
    assert audit[0]["description"] == "'=Case file audit, March"  # formula-safe
    assert audit[0]["status"] and audit[0]["recommendation"].startswith("1. ")
    assert len({row["ref"] for row in rows}) > 5  # every item, evidence or not
    html = archive.read("index.html").decode()
    assert f'<a href="{stored}">' in html and "https://intranet.example.org/minutes" in html

    # New evidence in the open period makes a new pack.
    evidence_link_add(
        actor=site.users["contributor"],
        item=site.item("1.A1"),
        period=site.period(Q3),
        url="https://intranet.example.org/plan",
        description="Plan",
    )
    assert inspector.get(url).status_code == 202
    assert _packs_queued() == 1
    run_worker()
    again = inspector.get(url)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(again.streaming_content)))  # type: ignore[attr-defined]
    assert "https://intranet.example.org/plan" in archive.read("index.csv").decode()

    # The plan is digested once per data version, not on every request (ADR 0064); a new
    # version with the same figures is the same pack, served at once.
    digested: list[object] = []
    real = reports_cache.plan_digest
    monkeypatch.setattr(reports_cache, "plan_digest", lambda p: digested.append(p) or real(p))
    assert inspector.get(url).status_code == 200 and digested == []
    with transaction.atomic():
        data_version_bump(plan_ids=[site.plan.pk])
    assert inspector.get(url).status_code == 200 and len(digested) == 1


def test_the_evidence_pack_is_for_inspectors_leads_and_admins_only(site: WorkflowSite) -> None:
    url = reverse("web:evidence-pack", args=["cip", Q3])
    for who in ("viewer", "contributor"):
        assert _client(site, who).get(url).status_code == 403
    assert _client(site, "outsider").get(url).status_code == 404
    assert _packs_queued() == 0
    dashboard = reverse("web:dashboard-period", args=["cip", Q3])
    assert "Evidence pack for" in _client(site, "admin").get(dashboard).content.decode()
    assert "Evidence pack for" not in _client(site, "viewer").get(dashboard).content.decode()


def test_an_inspector_role_needs_a_last_day_in_the_future() -> None:
    """The service refuses what the form would: no last day, one not after today, or one
    on another role (ADR 0080)."""
    record = plan_import(plan=web_plan(), slug="cip")
    user = User.objects.create(username="someone@example.org")
    today = timezone.localdate()
    for role, ends_on, message in (
        (Role.INSPECTOR, None, "needs a last day"),
        (Role.INSPECTOR, today, "must be after today"),
        (Role.VIEWER, today + timedelta(days=3), "only an inspector's role has a last day"),
    ):
        with pytest.raises(ServiceError, match=message):
            role_grant(user=user, role=role, plan=record, ends_on=ends_on)
    assert not Membership.objects.filter(user=user).exists()


def test_names_in_the_pack_have_no_folder_parts_or_control_characters() -> None:
    from plantracker.tracker.evidence_pack import _part

    for hostile in ("../../etc/passwd", "..\\win.ini", "a\x00b\x1b[31m.pdf", ".hidden", "/"):
        name = _part(hostile)
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert name.isprintable() and name
    assert _part("1.A1 17 Audit report (final).pdf") == "1.A1 17 Audit report (final).pdf"
