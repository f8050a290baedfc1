"""The public pages of published reports (ADR 0081): no sign-in, no JavaScript, no link
into the signed-in pages, and nothing rendered for a reader — every answer is a stored file
or a page listing them.

- ``/published/<organisation>/``: the organisation's published reports, each period's
  current version with its earlier, superseded ones;
- ``/published/<organisation>/<plan>/<period>/``: the period's current version, the
  report's stored HTML with a bar above it (who published it and when, "under revision"
  while the period is reopened, the downloads);
- ``.../v<number>/``: one version at its own address ("superseded" once replaced);
- ``.../v<number>/report.<pdf|xlsx>``: its files, as downloads.

Unknown, unpublished, not yet built and withdrawn all answer 404 alike. Pages may be kept
by shared caches for a few minutes (a reopening or withdrawal shows soon); a version's
files never change, so they may be kept longer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from plantracker.reports.registry import RENDERERS
from plantracker.tracker.models import PlanRecord
from plantracker.tracker.selectors.publishing import (
    PublicVersion,
    current_number,
    public_organisation,
    public_version,
    public_versions,
)
from plantracker.tracker.services.publishing import publication_storage

PAGE_CACHE = "public, max-age=300"
FILE_CACHE = "public, max-age=3600"


def _public(response: HttpResponse, cache: str = PAGE_CACHE) -> HttpResponse:
    response["Cache-Control"] = cache
    return response


@dataclass
class _Listed:
    """A plan on the index: its periods' current versions, and the superseded ones."""

    plan: PlanRecord
    current: list[PublicVersion] = field(default_factory=list)
    superseded: list[PublicVersion] = field(default_factory=list)


@require_safe
def index(request: HttpRequest, organisation: str) -> HttpResponse:
    found = public_organisation(slug=organisation)
    versions = public_versions(organisation=found) if found is not None else []
    if found is None or not versions:
        raise Http404("No published reports")
    plans: dict[int, _Listed] = {}
    for version in versions:
        plan = version.publication.plan
        entry = plans.setdefault(plan.pk, _Listed(plan))
        (entry.current if version.current else entry.superseded).append(version)
    return _public(
        render(
            request,
            "web/published/index.html",
            {"organisation": found, "plans": list(plans.values())},
        )
    )


def _version_or_404(
    organisation: str, plan: str, period: str, number: int | None = None
) -> PublicVersion:
    version = public_version(
        organisation_slug=organisation, plan_slug=plan, period_code=period, number=number
    )
    if version is None:
        raise Http404("No such published report")
    return version


def _stored(files: dict[str, str], fmt: str) -> bytes:
    """A published file's bytes; 404 when it is not in the storage (e.g. after a restore
    into an empty storage, until the report is published again: ADR 0081)."""
    try:
        with publication_storage().open(files[fmt], "rb") as stream:
            content: bytes = stream.read()
    except (KeyError, FileNotFoundError) as missing:
        raise Http404("No such published report") from missing
    return content


def _page(request: HttpRequest, version: PublicVersion) -> HttpResponse:
    """The version's stored HTML, with the bar inserted at the top of its body."""
    publication = version.publication
    document = _stored(publication.files, "html").decode("utf-8")
    bar = render_to_string(
        "web/published/bar.html",
        {
            "version": version,
            "publication": publication,
            "organisation": publication.plan.organisation,
            "current": None if version.current else current_number(publication=publication),
            "downloads": [(fmt, RENDERERS[fmt]) for fmt in publication.files if fmt != "html"],
        },
        request=request,
    )
    head, found, body = document.partition("<body>")
    if not found:
        raise Http404("No such published report")
    style, _, bar_html = bar.partition("</style>")
    head = head.replace("</head>", style + "</style>\n</head>", 1)
    return _public(HttpResponse(head + found + "\n" + bar_html + body))


@require_safe
def report(request: HttpRequest, organisation: str, plan: str, period: str) -> HttpResponse:
    return _page(request, _version_or_404(organisation, plan, period))


@require_safe
def version(
    request: HttpRequest, organisation: str, plan: str, period: str, number: int
) -> HttpResponse:
    return _page(request, _version_or_404(organisation, plan, period, number))


@require_safe
def download(
    request: HttpRequest, organisation: str, plan: str, period: str, number: int, fmt: str
) -> HttpResponse:
    found = _version_or_404(organisation, plan, period, number)
    publication = found.publication
    if fmt == "html" or fmt not in publication.files:
        raise Http404("No such file")
    renderer = RENDERERS[fmt]
    content = _stored(publication.files, fmt)
    response = HttpResponse(content, content_type=renderer.media_type)
    filename = f"{publication.plan.slug}-{publication.period.code}-v{publication.number}"
    response["Content-Disposition"] = content_disposition_header(
        True, f"{filename}{renderer.suffix}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return _public(response, FILE_CACHE)
