"""Evidence (ADR 0078): list what is attached to a period's updates (any reader of the
plan), download a file, attach a file (multipart) or a link. Attaching is the item's
owner's, deputy's or a lead's, while the period is open (403, 409 otherwise); an upload the
checks refuse is a 400 naming the file and why, and nothing is stored. The writes are
``evidence_file_add`` / ``evidence_link_add``, whose refusals ``api.errors`` maps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from plantracker.api.access import api_user, plan_period, visible_plan
from plantracker.api.people import names
from plantracker.api.schemas import Error, EvidenceOut, Text
from plantracker.tracker.downloads import evidence_file_response
from plantracker.tracker.models import Evidence, Item, PlanRecord
from plantracker.tracker.selectors import item_by_ref
from plantracker.tracker.services.evidence import (
    evidence_file_add,
    evidence_link_add,
)

router = Router(tags=["evidence"])

READ_ERRORS: dict[int, type[Error]] = {401: Error, 404: Error, 422: Error}
WRITE_ERRORS: dict[int, type[Error]] = {
    **READ_ERRORS,
    400: Error,
    403: Error,
    409: Error,
    413: Error,  # form fields over DATA_UPLOAD_MAX_MEMORY_SIZE (a file is streamed, not held)
}


def _out(record: PlanRecord, evidence: Evidence, named: dict[int, str]) -> dict[str, Any]:
    is_file = evidence.kind == Evidence.FILE
    return {
        "id": evidence.pk,
        "ref": evidence.item.ref,
        "kind": evidence.kind,
        "description": evidence.description,
        "filename": evidence.filename if is_file else None,
        "content_type": evidence.content_type if is_file else None,
        "size": evidence.size if is_file else None,
        "sha256": evidence.sha256 if is_file else None,
        "url": (
            reverse("api-v1:evidence_file", args=[record.slug, evidence.pk])
            if is_file
            else evidence.url
        ),
        # By name, never by address (``api.people``).
        "added_by": named.get(evidence.added_by_id) if evidence.added_by_id else None,
        "added_at": evidence.added_at,
    }


def _item(record: PlanRecord, ref: str) -> Item:
    item = item_by_ref(plan_record=record, ref=ref)
    if item is None:
        raise Http404(f"plan '{record.slug}' has no item '{ref}'")
    return item


@router.get(
    "/plans/{slug}/periods/{period}/evidence",
    response={200: list[EvidenceOut], **READ_ERRORS},
    summary="The evidence attached to the period's updates, by item",
)
def evidence_list(request: HttpRequest, slug: str, period: str) -> list[dict[str, Any]]:
    record = visible_plan(request, slug)
    found = plan_period(record, period)
    rows = list(
        Evidence.objects.filter(period=found, removed_at__isnull=True)
        .select_related("item")
        .order_by("item__recommendation__position", "item__kind", "item__position", "pk")
    )
    named = names(evidence.added_by_id for evidence in rows)
    return [_out(record, evidence, named) for evidence in rows]


@router.get(
    "/plans/{slug}/evidence/{evidence_id}/file",
    response={200: None, **READ_ERRORS},
    url_name="evidence_file",
    summary="An evidence file, as an attachment",
)
def evidence_file(request: HttpRequest, slug: str, evidence_id: int) -> FileResponse:
    record = visible_plan(request, slug)
    return evidence_file_response(plan_record=record, pk=evidence_id)


def _attach(
    request: HttpRequest,
    slug: str,
    period: str,
    ref: str,
    add: Callable[..., Evidence],
    **given: Any,
) -> Status:
    """Attach a file or a link through its service ``add`` (``evidence_file_add`` or
    ``evidence_link_add``, with the request's ``given`` fields): 201 with what was added."""
    record = visible_plan(request, slug)
    found = plan_period(record, period)
    added = add(actor=api_user(request), item=_item(record, ref), period=found, **given)
    return Status(201, _out(record, added, names([added.added_by_id])))


@router.post(
    "/plans/{slug}/periods/{period}/items/{ref}/evidence/files",
    response={201: EvidenceOut, **WRITE_ERRORS},
    summary="Attach a file to an item's update for the period (multipart/form-data)",
)
def evidence_file_write(
    request: HttpRequest,
    slug: str,
    period: str,
    ref: str,
    file: File[UploadedFile],
    description: Form[Text],
) -> Status:
    return _attach(
        request, slug, period, ref, evidence_file_add, upload=file, description=description
    )


@router.post(
    "/plans/{slug}/periods/{period}/items/{ref}/evidence/links",
    response={201: EvidenceOut, **WRITE_ERRORS},
    summary="Attach a link (http or https) to an item's update for the period",
)
def evidence_link_write(
    request: HttpRequest,
    slug: str,
    period: str,
    ref: str,
    url: Form[Text],
    description: Form[Text],
) -> Status:
    return _attach(request, slug, period, ref, evidence_link_add, url=url, description=description)
