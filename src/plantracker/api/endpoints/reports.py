"""The quarterly report of a period, in any registered format (``RENDERERS``).

A file not built yet is queued for the background worker, once however many ask (ADR 0067),
and the answer is 202 with ``Retry-After`` and the usual ``{"detail"}`` body: ask again
then. A build that failed is said once with 500; the next request builds it again.
"""

from __future__ import annotations

from enum import StrEnum

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import content_disposition_header
from ninja import Query, Router

from plantracker.api.access import plan_period, visible_plan
from plantracker.api.errors import error_body
from plantracker.api.schemas import Error
from plantracker.reports import RENDERERS, formats
from plantracker.tracker.reports_cache import RETRY_AFTER, report_file

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
    response={202: Error, 401: Error, 404: Error, 422: Error, 500: Error},
    summary="The period's quarterly report as a file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The report file (Content-Disposition: attachment).",
                "content": {renderer.media_type: _FILE for renderer in RENDERERS.values()},
            },
            "202": {
                "description": (
                    "The file is being prepared: ask again after the `Retry-After` seconds."
                ),
                "headers": {
                    "Retry-After": {
                        "description": "Seconds to wait before asking again.",
                        "schema": {"type": "integer"},
                    }
                },
            },
            "500": {"description": "Building the file failed; asking again builds it again."},
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
    # An unchanged report comes from the cache (ADR 0061), a new one from the worker (ADR 0067).
    built = report_file(plan_record=record, period_code=chosen.code, fmt=fmt.value)
    if built.content is None:
        if built.failed:
            return JsonResponse(
                error_body(
                    f"the {fmt.value} report of {chosen.code} could not be built; "
                    "ask again to build it again"
                ),
                status=500,
            )
        preparing = JsonResponse(
            error_body(
                f"the {fmt.value} report of {chosen.code} is being prepared; "
                f"ask again in {RETRY_AFTER} seconds"
            ),
            status=202,
        )
        preparing["Retry-After"] = str(RETRY_AFTER)
        preparing["Cache-Control"] = "private, no-store"
        return preparing
    response = HttpResponse(built.content, content_type=renderer.media_type)
    filename = f"{record.slug}-{chosen.code}{renderer.suffix}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # A report holds the plan's data: keep it out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
