"""Report downloads: ``/plans/<slug>/<period>/report.<format>`` for every registered format.

A file already built is the download. One not built yet is queued for the background
worker, once however many ask (ADR 0067), and the answer is a page saying it is being
prepared, which asks again by itself every few seconds until the download starts: the HTTP
``Refresh`` header, meta refresh's equivalent, with no JavaScript. It is a header rather
than a ``<meta>`` element so that the person can turn it off (``?refresh=off``, a link on
the page), as WCAG 2.2.1 asks of a timed refresh (axe's ``meta-refresh`` rule).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from plantracker.reports.registry import RENDERERS
from plantracker.tracker.reports_cache import RETRY_AFTER, report_file
from plantracker.tracker.selectors import plan_for_user
from plantracker.tracker.selectors.cached import counted_plan
from plantracker.web import pages
from plantracker.web.views.common import Crumb, crumbs


@login_required
@require_safe
def report(request: HttpRequest, slug: str, period: str, fmt: str) -> HttpResponse:
    """The period's quarterly report as a file to save (Content-Disposition: attachment)."""
    renderer = RENDERERS.get(fmt)
    record = plan_for_user(user=request.user, slug=slug)
    if renderer is None:
        raise Http404("No such report format")
    plan = counted_plan(plan_record=record)
    chosen = pages.period_or_404(plan, period)
    # A closed period's report comes from its snapshot (docs/rules.md#snapshots); an
    # unchanged report comes from the cache (ADR 0061), a new one from the worker (ADR 0067).
    built = report_file(plan_record=record, period_code=chosen.id, fmt=fmt)
    if built.content is None:
        refreshing = not built.failed and request.GET.get("refresh") != "off"
        trail = [
            *crumbs(record),
            Crumb(chosen.label, reverse("web:dashboard-period", args=[record.slug, chosen.id])),
        ]
        response = render(
            request,
            "web/report_preparing.html",
            {
                "record": record,
                "period": chosen,
                "renderer": renderer,
                "failed": built.failed,
                "refreshing": refreshing,
                "retry_after": RETRY_AFTER,
                "crumbs": trail,
                "section": "plans",
            },
            # 202: accepted, being prepared; 500: the build failed (asking again retries).
            status=500 if built.failed else 202,
        )
        if not built.failed:
            response["Retry-After"] = str(RETRY_AFTER)
        if refreshing:
            response["Refresh"] = str(RETRY_AFTER)
        response["Cache-Control"] = "private, no-store"
        return response
    response = HttpResponse(built.content, content_type=renderer.media_type)
    filename = f"{record.slug}-{chosen.id}{renderer.suffix}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # A report holds the plan's data: keep it out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
