"""Evidence on updates: files and links attached to an item's update for a period, locked
with the period (ADR 0078).

The item's owner, its deputy or a lead of the plan attaches and removes evidence while the
period is open; a closed period refuses both. Files pass ``plantracker.tracker.uploads``'
checks before a byte is stored, and are kept in the evidence storage
(``settings.STORAGES["evidence"]``) under a name of our own. Removing evidence marks it; a
removed file stays in the storage until the period closes (``evidence_purge``, called by
``period_close``), so that a mistaken removal can be seen in the audit trail with its file
while the period is being worked on. Evidence is not counted data: nothing of a plan's
figures, statuses or reports changes with it, so no service here bumps the data version
(ADR 0062).
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from plantracker.tracker.models import Evidence, Item, Period, User
from plantracker.tracker.permissions import can_update_item
from plantracker.tracker.services.updates import locked_open_period
from plantracker.tracker.services.workflow_errors import InvalidInput, NotAllowed, StateConflict
from plantracker.tracker.uploads import check_upload

DESCRIPTION_LIMIT = 300
URL_LIMIT = 2000
_url = URLValidator(schemes=["http", "https"])


class Upload(Protocol):
    """What an upload offers: Django's ``UploadedFile`` and ninja's are ones."""

    @property
    def name(self) -> str | None: ...

    @property
    def size(self) -> int | None: ...

    @property
    def file(self) -> Any: ...


def evidence_storage() -> Storage:
    """The storage evidence files are kept in (``settings.STORAGES["evidence"]``)."""
    return storages["evidence"]


def _description(text: str | None) -> str:
    text = " ".join((text or "").replace("\x00", "").split())
    if not text:
        raise InvalidInput({"description": "Say in a few words what the evidence shows"})
    if len(text) > DESCRIPTION_LIMIT:
        raise InvalidInput(
            {"description": f"The description must be {DESCRIPTION_LIMIT} characters or fewer"}
        )
    return text


def _allowed(actor: User, item: Item, period: Period) -> Period:
    if item.plan_id != period.plan_id:
        raise InvalidInput({"period": f"{period.label} is not a period of this item's plan"})
    if not can_update_item(actor, item):
        raise NotAllowed(
            f"Only the owner or deputy of {item.ref}, or a lead of the plan, may change its "
            "evidence"
        )
    return locked_open_period(period)


def _saved(evidence: Evidence, actor: User, reason: str) -> Evidence:
    evidence._history_user = actor  # type: ignore[attr-defined]
    evidence._change_reason = reason  # type: ignore[attr-defined]
    evidence.save()
    return evidence


@transaction.atomic
def evidence_file_add(
    *, actor: User, item: Item, period: Period, upload: Upload, description: str
) -> Evidence:
    """Attach an uploaded file to ``item``'s update for ``period`` once it passes the
    upload checks (UploadRefused names the file and why); nothing is stored otherwise."""
    text = _description(description)
    period = _allowed(actor, item, period)
    stream = upload.file
    size = upload.size if upload.size is not None else 0
    accepted = check_upload(
        name=upload.name or "", size=size, stream=stream, limit=settings.EVIDENCE_MAX_BYTES
    )
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    extension = accepted.filename.rpartition(".")[2].lower()
    target = f"{item.plan.slug}/{period.code}/{uuid.uuid4().hex}.{extension}"
    storage = evidence_storage()
    stored = storage.save(target, File(stream, name=accepted.filename))
    try:
        return _saved(
            Evidence(
                item=item,
                period=period,
                kind=Evidence.FILE,
                description=text,
                filename=accepted.filename,
                stored_name=stored,
                content_type=accepted.content_type,
                size=size,
                sha256=digest.hexdigest(),
                added_by=actor,
                added_at=timezone.now(),
            ),
            actor,
            "evidence attached",
        )
    except BaseException:
        # No row, no file: the stored file goes with the refused write.
        storage.delete(stored)
        raise


@transaction.atomic
def evidence_link_add(
    *, actor: User, item: Item, period: Period, url: str, description: str
) -> Evidence:
    """Attach a link (http or https only) to ``item``'s update for ``period``."""
    text = _description(description)
    address = (url or "").strip()
    if not address:
        raise InvalidInput({"url": "Enter the link's address"})
    if len(address) > URL_LIMIT:
        raise InvalidInput({"url": f"The address must be {URL_LIMIT} characters or fewer"})
    try:
        _url(address)
    except ValidationError:
        raise InvalidInput(
            {"url": "Enter a full web address starting with https:// or http://"}
        ) from None
    period = _allowed(actor, item, period)
    return _saved(
        Evidence(
            item=item,
            period=period,
            kind=Evidence.LINK,
            description=text,
            url=address,
            added_by=actor,
            added_at=timezone.now(),
        ),
        actor,
        "evidence attached",
    )


@transaction.atomic
def evidence_remove(*, actor: User, evidence: Evidence) -> Evidence:
    """Remove ``evidence`` from its update; its file stays stored until the period closes."""
    # The period first, then the evidence: the order a close takes them in (it purges the
    # period's removed evidence), so a removal and a close never deadlock.
    list(Period.objects.select_for_update(of=("self",)).filter(pk=evidence.period_id).values("pk"))
    locked = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("item__plan")
        .get(pk=evidence.pk)
    )
    _allowed(actor, locked.item, locked.period)
    if locked.removed_at is not None:
        raise StateConflict(f"{locked.name} was already removed")
    locked.removed_by = actor
    locked.removed_at = timezone.now()
    return _saved(locked, actor, "evidence removed")


def evidence_purge(*, actor: User | None, period: Period) -> list[str]:
    """Delete the rows of ``period``'s removed evidence (audited) and, once the caller's
    transaction commits, their files from the storage; the stored names deleted.

    Called by ``period_close`` inside its transaction: a close that fails keeps them."""
    removed = list(Evidence.objects.filter(period=period, removed_at__isnull=False))
    names = [evidence.stored_name for evidence in removed if evidence.stored_name]
    for evidence in removed:
        evidence._history_user = actor  # type: ignore[attr-defined]
        evidence._change_reason = "removed evidence deleted at the period's close"  # type: ignore[attr-defined]
        evidence.delete()

    def delete_files() -> None:
        storage = evidence_storage()
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return names
