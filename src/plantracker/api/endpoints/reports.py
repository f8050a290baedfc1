"""The quarterly report of a period, in any registered format (``RENDERERS``)."""

from __future__ import annotations

from enum import StrEnum

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Query, Router

from plantracker.api.access import plan_period, visible_plan
from plantracker.api.schemas import Error
from plantracker.reports import RENDERERS, formats
from plantracker.tracker.reports_cache import report_content

router = Router(tags=["reports"])
FORMAT = Query(..., alias="format", description="The file format.")

_FILE = {"schema": {"type": "string", "format": "binary"}}
# The registry's formats, so a new renderer is offered here without another edit; an
# unknown one is refused by validation (422 naming the parameter).
ReportFormat = StrEnum(  # type: ignore[misc]
    "ReportFormat", {name.upper(): name for name in formats()}
)


@router.get(
    "/plans/{slug}/periods/{period}/report",
    response={401: Error, 404: Error, 422: Error},
    summary="The period's quarterly report as a file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The report file (Content-Disposition: attachment).",
                "content": {renderer.media_type: _FILE for renderer in RENDERERS.values()},
            }
        },
    },
)
def report(
    request: HttpRequest,
    slug: str,
    period: str,
    fmt: ReportFormat = FORMAT,
) -> HttpResponse:
    record = visible_plan(request, slug)
    chosen = plan_period(record, period)
    renderer = RENDERERS[fmt.value]
    # An unchanged report comes from the cache (ADR 0061).
    content = report_content(plan_record=record, period_code=chosen.code, fmt=fmt.value)
    response = HttpResponse(content, content_type=renderer.media_type)
    filename = f"{record.slug}-{chosen.code}{renderer.suffix}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # A report holds the plan's data: keep it out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
