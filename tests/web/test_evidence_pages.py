"""The evidence pages (ADR 0078): attach a file and a link without JavaScript, refusals
with the form again (400) and nothing stored, downloads only ever as attachments, and the
evidence on My updates and the item page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests import evidence_files as files
from tests.tracker.workflow_site import Q3, WorkflowSite, make_workflow_site

from plantracker.tracker.models import Evidence

pytestmark = pytest.mark.django_db


@pytest.fixture
def site() -> WorkflowSite:
    return make_workflow_site()


def _url(site: WorkflowSite) -> str:
    return reverse("web:evidence", args=[site.plan.slug, Q3, "1.A1"])


def _upload(client: Client, url: str, name: str, data: bytes) -> object:
    return client.post(
        url,
        {
            "action": "file",
            "file-file": SimpleUploadedFile(name, data),
            "file-description": "Case file audit",
        },
    )


def test_an_owner_attaches_a_file_and_a_link_seen_on_my_updates_and_the_item(
    site: WorkflowSite,
) -> None:
    owner = site.client("contributor")
    url = _url(site)
    response = _upload(owner, url, "Audit report.pdf", files.PDF)
    assert response.status_code == 302  # type: ignore[attr-defined]
    response = owner.post(
        url,
        {
            "action": "link",
            "link-url": "https://intranet.example.org/audit",
            "link-description": "Minutes",
        },
    )
    assert response.status_code == 302
    page = owner.get(url).content.decode()
    assert "Audit report.pdf" in page and "https://intranet.example.org/audit" in page
    mine = owner.get(reverse("web:my-updates", args=[site.plan.slug, Q3])).content.decode()
    assert "2 attached" in mine
    item = site.client("viewer").get(reverse("web:item", args=[site.plan.slug, "1.A1"]))
    assert "Audit report.pdf" in item.content.decode()

    evidence = Evidence.objects.get(filename="Audit report.pdf")
    download = site.client("viewer").get(
        reverse("web:evidence-file", args=[site.plan.slug, evidence.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == files.PDF  # type: ignore[attr-defined]
    assert download["Content-Disposition"].startswith("attachment;")
    assert "Audit report.pdf" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"].startswith("default-src 'none'; sandbox")
    assert download["Content-Type"] == "application/pdf"

    # Removed: gone from the page and from the download address.
    owner.post(url, {"action": "remove", "evidence": str(evidence.pk)})
    page = owner.get(url).content.decode()
    assert "Audit report.pdf was removed" in page
    assert reverse("web:evidence-file", args=[site.plan.slug, evidence.pk]) not in page
    gone = owner.get(reverse("web:evidence-file", args=[site.plan.slug, evidence.pk]))
    assert gone.status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("minutes.docm", files.DOCM, "macro"),
        ("report.pdf", files.HTML, "web page"),
        ("setup.pdf", files.EXE, "Windows program"),
    ],
)
def test_a_hostile_upload_gets_the_form_again_with_400_and_nothing_stored(
    site: WorkflowSite, name: str, data: bytes, why: str
) -> None:
    response = _upload(site.client("contributor"), _url(site), name, data)
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.content.decode()  # type: ignore[attr-defined]
    assert "There is a problem" in page and f"{name}:" in page and why in page
    assert '<a href="#id_file-file">' in page  # the summary's line focuses the file field
    assert 'enctype="multipart/form-data"' in page
    assert not Evidence.objects.exists()


def test_a_viewer_cannot_attach_or_remove(site: WorkflowSite) -> None:
    _upload(site.client("contributor"), _url(site), "a.pdf", files.PDF)
    evidence = Evidence.objects.get()
    viewer = site.client("viewer")
    assert "Attach a file" not in viewer.get(_url(site)).content.decode()
    assert _upload(viewer, _url(site), "b.pdf", files.PDF).status_code == 403  # type: ignore[attr-defined]
    response = viewer.post(_url(site), {"action": "remove", "evidence": str(evidence.pk)})
    assert response.status_code == 403
    assert Evidence.objects.get().removed_at is None


def test_another_organisation_gets_404_for_the_file(site: WorkflowSite) -> None:
    _upload(site.client("contributor"), _url(site), "a.pdf", files.PDF)
    evidence = Evidence.objects.get()
    outsider = site.client("outsider")
    for slug in (site.plan.slug, site.other_plan.slug):
        response = outsider.get(reverse("web:evidence-file", args=[slug, evidence.pk]))
        assert response.status_code == 404
