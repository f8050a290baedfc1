"""Publishing a closed period's report to the public, and withdrawing it (ADR 0081).

``publication_publish`` keeps the period's snapshot as it is now in a new ``Publication``
version and queues its files for the worker (ADR 0067); ``publication_files_build`` is the
worker's half: it builds the published report (``reports.publication``, names and small
counts taken out) from that snapshot in each published format and stores the files in the
``publications`` storage. A public reader is only ever served stored files. Publishing
again supersedes the version shown; ``publication_withdraw`` takes every version of the
period off the public pages. Each step is written with who did it and why, for the audit
trail (ADR 0070). None of it changes what the plan counts (no data version).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from plantracker.planfile import load_plan_text
from plantracker.reports.publication import published_report
from plantracker.reports.registry import RENDERERS
from plantracker.tracker.models import Period, PeriodSnapshot, PeriodState, Publication, User
from plantracker.tracker.permissions import can_edit
from plantracker.tracker.services.workflow_errors import NotAllowed, StateConflict

# The formats a published report is offered in: the accessible HTML page, the PDF, and the
# Excel workbook (suppressed like the rest); settings.PUBLISHED_FORMATS may narrow them.
PUBLISHED_FORMATS = ("html", "pdf", "xlsx")


def publication_storage() -> Storage:
    """The storage published files are kept in (``settings.STORAGES["publications"]``)."""
    return storages["publications"]


def published_formats() -> tuple[str, ...]:
    """The formats published now: ``PUBLISHED_FORMATS`` narrowed by the setting; the HTML
    page always, since it is the public page itself."""
    chosen = set(getattr(settings, "PUBLISHED_FORMATS", PUBLISHED_FORMATS))
    return tuple(fmt for fmt in PUBLISHED_FORMATS if fmt == "html" or fmt in chosen)


def _locked_period(actor: User, period: Period, verb: str) -> Period:
    if not can_edit(actor, period.plan):
        raise NotAllowed(f"Only a lead of the plan may {verb} the report of {period.label}")
    return Period.objects.select_for_update(of=("self",)).select_related("plan").get(pk=period.pk)


def _save(
    publication: Publication, actor: User | None, reason: str, fields: list[str] | None
) -> None:
    publication._history_user = actor  # type: ignore[attr-defined]
    publication._change_reason = reason  # type: ignore[attr-defined]
    if fields is None:
        publication.save()
    else:
        publication.save(update_fields=fields)


@transaction.atomic
def publication_publish(*, actor: User, period: Period) -> Publication:
    """Publish ``period``'s report as it was closed: a new version, the one shown from now.

    Only a closed period is published (its snapshot is what the public reads). The version
    shown until now stays shown until the new one's files are built, then is kept, marked
    superseded (``publication_files_build``): the public page never goes blank in between,
    nor for good if the build fails.
    """
    period = _locked_period(actor, period, "publish")
    if period.state != PeriodState.CLOSED:
        raise StateConflict(f"{period.label} is open: close it before publishing its report")
    snapshot = PeriodSnapshot.objects.filter(period=period).latest()
    now = timezone.now()
    last = Publication.objects.filter(period=period).aggregate(last=Max("number"))["last"] or 0
    publication = Publication(
        plan=period.plan,
        period=period,
        number=last + 1,
        snapshot=snapshot.plan_yaml,
        published_by=actor,
        published_at=now,
    )
    _save(publication, actor, f"published {period.code}, version {last + 1}", None)
    publication_id = publication.pk
    from plantracker.tracker.tasks import publication_build

    transaction.on_commit(lambda: publication_build.enqueue(publication_id=publication_id))
    return publication


@transaction.atomic
def publication_withdraw(*, actor: User, period: Period) -> int:
    """Take ``period``'s published report off the public pages, every version of it.
    Returns how many versions were withdrawn."""
    period = _locked_period(actor, period, "unpublish")
    shown = list(Publication.objects.filter(period=period, withdrawn_at__isnull=True))
    if not shown:
        raise StateConflict(f"The report of {period.label} is not published")
    now = timezone.now()
    for publication in shown:
        publication.withdrawn_at = now
        publication.withdrawn_by = actor
        _save(publication, actor, f"unpublished {period.code}", ["withdrawn_at", "withdrawn_by"])
    return len(shown)


def publication_files_build(*, publication_id: int) -> str:
    """The worker's half of ``publication_publish``: build the published report from the
    version's own snapshot in each published format and store the files (ADR 0081)."""
    publication = (
        Publication.objects.select_related("plan", "period").filter(pk=publication_id).first()
    )
    if publication is None:
        return "not built: the publication no longer exists"
    if publication.built_at is not None:
        return "already built"
    plan = load_plan_text(publication.snapshot, name="publication")
    report = published_report(plan, publication.period.code)
    storage = publication_storage()
    base = f"{publication.plan.slug}/{publication.period.code}/v{publication.number}"
    files: dict[str, str] = {}
    for fmt in published_formats():
        renderer = RENDERERS[fmt]
        content = renderer.render(report)
        files[fmt] = storage.save(f"{base}/report{renderer.suffix}", ContentFile(content))
    with transaction.atomic():
        # Only the files change; the row's history is not the place for storage names.
        built_at = timezone.now()
        Publication.objects.filter(pk=publication.pk).update(files=files, built_at=built_at)
        # The new version is shown from now: the one shown until now is superseded.
        earlier = Publication.objects.filter(
            period=publication.period,
            number__lt=publication.number,
            superseded_at__isnull=True,
            withdrawn_at__isnull=True,
        )
        for shown in earlier:
            shown.superseded_at = built_at
            _save(
                shown,
                publication.published_by,
                f"superseded by version {publication.number} of {publication.period.code}",
                ["superseded_at"],
            )
    return f"built {', '.join(files)} of {publication}"
