"""Report downloads: ``/plans/<slug>/<period>/report.<format>`` for every registered format,
and a period's evidence pack, ``/plans/<slug>/<period>/evidence-pack.zip`` (ADR 0080).

A file already built is the download. One not built yet is queued for the background
worker, once however many ask (ADR 0067), and the answer is a page saying it is being
prepared, which asks again by itself every few seconds until the download starts: the HTTP
``Refresh`` header, meta refresh's equivalent, with no JavaScript. It is a header rather
than a ``<meta>`` element so that the person can turn it off (``?refresh=off``, a link on
the page), as WCAG 2.2.1 asks of a timed refresh (axe's ``meta-refresh`` rule).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from plantracker.reports.registry import RENDERERS
from plantracker.tracker.downloads import evidence_pack_response
from plantracker.tracker.evidence_pack import evidence_pack
from plantracker.tracker.models import PlanRecord
from plantracker.tracker.permissions import can_download_evidence_pack
from plantracker.tracker.reports_cache import RETRY_AFTER, report_file
from plantracker.tracker.selectors.cached import counted_plan
from plantracker.web import pages
from plantracker.web.access import request_plan
from plantracker.web.views.common import Crumb, crumbs, plan_and_period


@login_required
@require_safe
def report(request: HttpRequest, slug: str, period: str, fmt: str) -> HttpResponse:
    """The period's quarterly report as a file to save (Content-Disposition: attachment)."""
    renderer = RENDERERS.get(fmt)
    record = request_plan(request, slug)
    if renderer is None:
        raise Http404("No such report format")
    plan = counted_plan(plan_record=record)
    chosen = pages.period_or_404(plan, period)
    # A closed period's report comes from its snapshot (docs/rules.md#snapshots); an
    # unchanged report comes from the cache (ADR 0061), a new one from the worker (ADR 0067).
    built = report_file(plan_record=record, period_code=chosen.id, fmt=fmt)
    if built.content is None:
        return _preparing(
            request,
            record,
            (chosen.id, chosen.label),
            failed=built.failed,
            what="report",
            file=f"{renderer.name.upper()} file of this report",
        )
    response = HttpResponse(built.content, content_type=renderer.media_type)
    filename = f"{record.slug}-{chosen.id}{renderer.suffix}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # A report holds the plan's data: keep it out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


def _preparing(
    request: HttpRequest,
    record: PlanRecord,
    period: tuple[str, str],
    *,
    failed: bool,
    what: str,
    file: str,
) -> HttpResponse:
    """The page of a file the worker is preparing (202, refreshing itself) or failed to (500;
    asking again retries): ``period`` is its (code, label), ``what`` names the download
    ("report", "evidence pack") and ``file`` the file being made."""
    refreshing = not failed and request.GET.get("refresh") != "off"
    code, label = period
    trail = [
        *crumbs(record),
        Crumb(label, reverse("web:dashboard-period", args=[record.slug, code])),
    ]
    response = render(
        request,
        "web/report_preparing.html",
        {
            "record": record,
            "period_code": code,
            "period_label": label,
            "what": what,
            "file": file,
            "failed": failed,
            "refreshing": refreshing,
            "retry_after": RETRY_AFTER,
            "crumbs": trail,
            "section": "plans",
        },
        # 202: accepted, being prepared; 500: the build failed (asking again retries).
        status=500 if failed else 202,
    )
    if not failed:
        response["Retry-After"] = str(RETRY_AFTER)
    if refreshing:
        response["Refresh"] = str(RETRY_AFTER)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def evidence_pack_download(request: HttpRequest, slug: str, period: str) -> HttpResponseBase:
    """The period's evidence pack (ADR 0080) for the plan's inspectors, leads and admins:
    a zip built by the worker, or the page saying it is being prepared."""
    record, found = plan_and_period(request, slug, period)
    if not can_download_evidence_pack(request.user, record):
        raise PermissionDenied("The evidence pack is for the plan's inspectors, leads and admins")
    pack = evidence_pack(plan_record=record, period=found)
    if pack.name is None:
        return _preparing(
            request,
            record,
            (found.code, found.label),
            failed=pack.failed,
            what="evidence pack",
            file="evidence pack of this period",
        )
    return evidence_pack_response(
        name=pack.name, filename=f"{record.slug}-{found.code}-evidence-pack.zip"
    )
