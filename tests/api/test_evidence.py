"""The API's evidence (ADR 0078): any reader lists it and downloads its files; the item's
owner or a lead uploads (multipart) with the web's checks; another organisation gets 404."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests import evidence_files as files
from tests.api.conftest import Site
from tests.builders import Q2

from plantracker.tracker.models import Evidence

pytestmark = pytest.mark.django_db

FILES = f"/api/v1/plans/cip/periods/{Q2}/items/1.A1/evidence/files"
LIST = f"/api/v1/plans/cip/periods/{Q2}/evidence"


def _upload(site: Site, who: str, name: str, data: bytes) -> object:
    return site.client(who).post(
        FILES, {"file": SimpleUploadedFile(name, data), "description": "Case file audit"}
    )


def test_an_owner_uploads_a_file_and_a_link_a_viewer_lists_and_downloads(site: Site) -> None:
    response = _upload(site, "contributor", "audit.pdf", files.PDF)
    assert response.status_code == 201, response.content  # type: ignore[attr-defined]
    added = response.json()  # type: ignore[attr-defined]
    assert added["filename"] == "audit.pdf" and added["content_type"] == "application/pdf"
    link = site.client("lead").post(
        f"/api/v1/plans/cip/periods/{Q2}/items/1.A1/evidence/links",
        {"url": "https://intranet.example.org/a", "description": "Minutes"},
    )
    assert link.status_code == 201
    listed = site.client("viewer").get(LIST).json()
    assert [(row["ref"], row["kind"]) for row in listed] == [("1.A1", "file"), ("1.A1", "link")]
    download = site.client("viewer").get(listed[0]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == files.PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_a_hostile_upload_is_400_naming_the_file_and_nothing_stored(site: Site) -> None:
    response = _upload(site, "contributor", "minutes.docm", files.DOCM)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert response.json()["detail"].startswith("minutes.docm: ")  # type: ignore[attr-defined]
    assert not Evidence.objects.exists()


def test_a_viewer_may_not_upload_and_another_organisation_gets_404(site: Site) -> None:
    assert _upload(site, "viewer", "a.pdf", files.PDF).status_code == 403  # type: ignore[attr-defined]
    assert _upload(site, "outsider", "a.pdf", files.PDF).status_code == 404  # type: ignore[attr-defined]
    _upload(site, "contributor", "a.pdf", files.PDF)
    evidence = Evidence.objects.get()
    outsider = site.client("outsider")
    assert outsider.get(LIST).status_code == 404
    assert outsider.get(f"/api/v1/plans/cip/evidence/{evidence.pk}/file").status_code == 404
    assert outsider.get(f"/api/v1/plans/other/evidence/{evidence.pk}/file").status_code == 404


def test_evidence_names_who_attached_it_never_their_address(site: Site) -> None:
    """ADR 0070: a viewer sees names; addresses come only from the owners endpoints."""
    owner = site.users["contributor"]
    owner.first_name, owner.last_name = "Chris", "Owner"
    owner.save(update_fields=["first_name", "last_name"])
    form = {"url": "https://intranet.example.org/a", "description": "Minutes"}
    added = site.client("contributor").post(f"{FILES.removesuffix('files')}links", form)
    assert added.json()["added_by"] == "Chris Owner"
    listed = site.client("viewer").get(LIST)
    assert [row["added_by"] for row in listed.json()] == ["Chris Owner"]
    assert b"@example.org" not in listed.content
