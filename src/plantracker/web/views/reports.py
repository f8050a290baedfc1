"""Report downloads: ``/plans/<slug>/<period>/report.<format>`` for every registered format."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from plantracker.reports.registry import RENDERERS
from plantracker.tracker.reports_cache import report_content
from plantracker.tracker.selectors import plan_domain, plan_for_user
from plantracker.web import pages


@login_required
@require_safe
def report(request: HttpRequest, slug: str, period: str, fmt: str) -> HttpResponse:
    """The period's quarterly report as a file to save (Content-Disposition: attachment)."""
    renderer = RENDERERS.get(fmt)
    record = plan_for_user(user=request.user, slug=slug)
    if renderer is None:
        raise Http404("No such report format")
    plan = plan_domain(plan_record=record)
    chosen = pages.period_or_404(plan, period)
    # A closed period's report comes from its snapshot (docs/rules.md#snapshots); an
    # unchanged report comes from the cache (ADR 0061).
    content = report_content(plan_record=record, period_code=chosen.id, fmt=fmt, live=plan)
    response = HttpResponse(content, content_type=renderer.media_type)
    filename = f"{record.slug}-{chosen.id}{renderer.suffix}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # A report holds the plan's data: keep it out of shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
