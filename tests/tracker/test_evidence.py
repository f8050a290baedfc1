"""Evidence on updates (ADR 0078): who may attach and remove it, the period's lock, the
storage, the audit trail and the hostile uploads the checks refuse with nothing stored."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from tests import evidence_files as files
from tests.tracker.workflow_site import Q3, WorkflowSite

from plantracker.tracker.models import Evidence
from plantracker.tracker.selectors.audit import item_audit
from plantracker.tracker.services import (
    InvalidInput,
    NotAllowed,
    StateConflict,
    period_close,
    period_open,
)
from plantracker.tracker.services.evidence import (
    evidence_file_add,
    evidence_link_add,
    evidence_remove,
)
from plantracker.tracker.uploads import UploadRefused, clean_filename

pytestmark = pytest.mark.django_db


def _stored() -> list[Path]:
    root = Path(storages["evidence"].location)  # type: ignore[attr-defined]
    return [path for path in root.rglob("*") if path.is_file()]


def _open_q3(site: WorkflowSite) -> None:
    period_open(
        actor=site.users["lead"], period=site.period(Q3), due=date(2019, 1, 31), expected_version=1
    )


def _attach(site: WorkflowSite, name: str, data: bytes, who: str = "contributor") -> Evidence:
    return evidence_file_add(
        actor=site.users[who],
        item=site.item("1.A1"),
        period=site.period(Q3),
        upload=SimpleUploadedFile(name, data),
        description="Audit of case files",
    )


def test_an_owner_attaches_a_file_and_a_link_kept_in_the_storage(site: WorkflowSite) -> None:
    _open_q3(site)
    evidence = _attach(site, "Audit report.pdf", files.PDF)
    link = evidence_link_add(
        actor=site.users["contributor"],
        item=site.item("1.A1"),
        period=site.period(Q3),
        url="https://intranet.example.org/audits/42",
        description="Audit minutes",
    )
    assert evidence.filename == "Audit report.pdf"
    assert evidence.content_type == "application/pdf"
    assert storages["evidence"].open(evidence.stored_name).read() == files.PDF
    assert link.url == "https://intranet.example.org/audits/42"
    audit = item_audit(plan_record=site.plan, item=site.item("1.A1"), emails=True)
    attached = [row for row in audit if "evidence" in row.what]
    assert {row.reason for row in attached} == {"evidence attached"}
    assert any(c.new == "Audit report.pdf" for row in attached for c in row.changes)


def test_a_viewer_or_another_contributor_may_not_attach(site: WorkflowSite) -> None:
    _open_q3(site)
    for who in ("viewer", "other"):
        with pytest.raises(NotAllowed):
            _attach(site, "a.pdf", files.PDF, who=who)
    assert not _stored() and not Evidence.objects.exists()


def test_a_lead_attaches_for_any_item(site: WorkflowSite) -> None:
    _open_q3(site)
    assert _attach(site, "a.pdf", files.PDF, who="lead").added_by == site.users["lead"]


def test_a_link_must_be_http_or_https(site: WorkflowSite) -> None:
    _open_q3(site)
    for url in ("javascript:alert(1)", "file:///etc/passwd", "ftp://example.org/x", "not a url"):
        with pytest.raises(InvalidInput, match="https://"):
            evidence_link_add(
                actor=site.users["contributor"],
                item=site.item("1.A1"),
                period=site.period(Q3),
                url=url,
                description="x",
            )


def test_a_closed_period_refuses_evidence_and_removed_files_go_at_its_close(
    site: WorkflowSite, django_capture_on_commit_callbacks: Any
) -> None:
    _open_q3(site)
    kept = _attach(site, "kept.pdf", files.PDF)
    removed = _attach(site, "mistake.png", files.PNG)
    evidence_remove(actor=site.users["contributor"], evidence=removed)
    # Removed while the period is open: still in the storage, marked in the audit trail.
    assert len(_stored()) == 2
    assert any(
        row.reason == "evidence removed"
        for row in item_audit(plan_record=site.plan, item=site.item("1.A1"), emails=True)
    )
    period = site.period(Q3)
    with django_capture_on_commit_callbacks(execute=True):
        period_close(actor=site.users["lead"], period=period, expected_version=period.version)
    assert [path.name for path in _stored()] == [Path(kept.stored_name).name]
    assert list(Evidence.objects.values_list("filename", flat=True)) == ["kept.pdf"]
    with pytest.raises(StateConflict, match="closed"):
        _attach(site, "late.pdf", files.PDF)
    with pytest.raises(StateConflict, match="closed"):
        evidence_remove(actor=site.users["contributor"], evidence=kept)
    assert len(_stored()) == 1


HOSTILE = [
    ("renamed executable", "report.pdf", files.EXE, "a Windows program"),
    ("macro-enabled Word", "minutes.docm", files.DOCM, "macros"),
    ("macro document renamed", "minutes.docx", files.DOCM, "macros"),
    ("zip bomb", "big.docx", files.ZIP_BOMB, "zip bomb"),
    ("HTML posing as PDF", "report.pdf", files.HTML, "web page"),
    ("empty file", "empty.pdf", b"", "empty (0 bytes)"),
    ("path parts", "../../etc/report.pdf", files.PDF, "folder parts"),
    ("control characters", "report\x1b[2J.pdf", files.PDF, "control characters"),
    ("old binary Word", "minutes.doc", files.OLD_DOC, "old-format"),
    ("PNG named PDF", "photo.pdf", files.PNG, "the contents are a PNG image"),
    ("unknown text type", "notes.txt", b"hello", "not accepted"),
]


@dataclass
class RawUpload:
    """An upload as a hostile client may send it (Django's own would drop path parts)."""

    name: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @cached_property
    def file(self) -> io.BytesIO:
        return io.BytesIO(self.data)


def test_hostile_uploads_are_refused_naming_the_file_and_nothing_is_stored(
    site: WorkflowSite,
) -> None:
    _open_q3(site)
    for case, name, data, why in HOSTILE:
        with pytest.raises(UploadRefused) as refused:
            evidence_file_add(
                actor=site.users["contributor"],
                item=site.item("1.A1"),
                period=site.period(Q3),
                upload=RawUpload(name, data),
                description="x",
            )
        message = str(refused.value)
        assert why in message, case
        shown = message.split(":")[0]
        assert shown and shown in name.encode("unicode_escape").decode(), case
    assert not _stored() and not Evidence.objects.exists()


def test_a_file_over_the_limit_is_refused_by_its_size(site: WorkflowSite, settings: object) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024  # type: ignore[attr-defined]
    _open_q3(site)
    with pytest.raises(
        UploadRefused, match=r"big\.pdf: the file is 0\.0 MB; files may be no larger"
    ):
        _attach(site, "big.pdf", files.PDF + b"\x00" * 2048)
    assert not _stored()


def test_accepted_office_image_and_csv_files(site: WorkflowSite) -> None:
    _open_q3(site)
    for name, data, kind in (
        ("plan.docx", files.DOCX, "wordprocessingml"),
        ("photo.png", files.PNG, "image/png"),
        ("figures.csv", files.CSV, "text/csv"),
    ):
        assert kind in _attach(site, name, data).content_type


def test_file_names_are_normalised() -> None:
    assert clean_filename("  Cafe\u0301   minutes .PDF ") == "Caf\u00e9 minutes.pdf"
    long = clean_filename("x" * 300 + ".docx")
    assert len(long) == 120 and long.endswith(".docx")
