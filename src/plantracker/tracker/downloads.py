"""An evidence file as both edges hand it out (ADR 0078): for readers of its plan only, as an
attachment the browser neither sniffs nor renders, never cached; and a period's evidence
pack, the same way (ADR 0080)."""

from __future__ import annotations

from django.http import FileResponse
from django.shortcuts import get_object_or_404

from plantracker.tracker.models import Evidence, PlanRecord
from plantracker.tracker.services.evidence import evidence_storage

DOWNLOAD_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'"


def evidence_file_response(*, plan_record: PlanRecord, pk: int) -> FileResponse:
    """The file of evidence ``pk`` of ``plan_record`` (the caller has checked the reader may
    read the plan); 404 for a link, a removed file or another plan's."""
    evidence = get_object_or_404(
        Evidence, pk=pk, item__plan=plan_record, kind=Evidence.FILE, removed_at__isnull=True
    )
    response = FileResponse(
        evidence_storage().open(evidence.stored_name, "rb"),
        as_attachment=True,
        filename=evidence.filename,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    response._csp_exempt = True  # type: ignore[attr-defined]  # ours above, not the pages'
    return response


def evidence_pack_response(*, name: str, filename: str) -> FileResponse:
    """The evidence pack stored as ``name`` (``evidence_pack.evidence_pack``; the caller has
    checked the reader may have it), downloaded as ``filename``."""
    response = FileResponse(
        evidence_storage().open(name, "rb"),
        as_attachment=True,
        filename=filename,
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    response._csp_exempt = True  # type: ignore[attr-defined]  # ours above, not the pages'
    return response
