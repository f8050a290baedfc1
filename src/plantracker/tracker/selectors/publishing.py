"""Reads of published reports (ADR 0081): the versions of a period for its lead's page, and
what the public pages show, in a few queries each. The public reads take no user: anything
they find is public; anything else (unknown, not yet built, withdrawn) is None or empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from plantracker.tracker.models import Organisation, Period, PeriodState, Publication


@dataclass(frozen=True)
class PublicVersion:
    """One version as a public page shows it: ``current`` is the one at the period's own
    address; ``under_revision`` when that one's period has been reopened since."""

    publication: Publication
    current: bool
    under_revision: bool

    @property
    def superseded(self) -> bool:
        return self.publication.superseded_at is not None


def period_publications(*, period: Period) -> list[Publication]:
    """Every version of ``period``'s published report, newest first (for its period page)."""
    return list(
        Publication.objects.filter(period=period)
        .select_related("published_by", "withdrawn_by")
        .order_by("-number")
    )


def public_organisation(*, slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first()


def public_versions(*, organisation: Organisation) -> list[PublicVersion]:
    """Every public version of the organisation's reports: by plan, period, newest first."""
    found = (
        _public(plan__organisation=organisation)
        .select_related("plan", "period")
        .order_by("plan__title", "plan__pk", "-period__position", "-number")
    )
    return [_version(publication) for publication in found]


def public_version(
    *, organisation_slug: str, plan_slug: str, period_code: str, number: int | None = None
) -> PublicVersion | None:
    """The version at a public address: ``number``, or the period's current one."""
    where: dict[str, Any] = {
        "plan__organisation__slug": organisation_slug,
        "plan__slug": plan_slug,
        "period__code": period_code,
    }
    found = _current(**where) if number is None else _public(number=number, **where)
    publication = (
        found.select_related("plan", "plan__organisation", "period").order_by("-number").first()
    )
    return None if publication is None else _version(publication)


def current_number(*, publication: Publication) -> int | None:
    """The number of the version now at ``publication``'s period's address, if any."""
    return _current(period_id=publication.period_id).values_list("number", flat=True).first()


def _public(**where: Any) -> QuerySet[Publication]:
    """The versions anyone may read: built and not withdrawn."""
    return Publication.objects.filter(withdrawn_at__isnull=True, built_at__isnull=False, **where)


def _current(**where: Any) -> QuerySet[Publication]:
    """The version at a period's own address: public and superseded by no later one (at
    most one a period)."""
    return _public(superseded_at__isnull=True, **where)


def _version(publication: Publication) -> PublicVersion:
    """``publication``, a public version (``_public``), as a page shows it."""
    current = publication.superseded_at is None  # as ``_current`` asks
    return PublicVersion(
        publication=publication,
        current=current,
        under_revision=current and publication.period.state != PeriodState.CLOSED,
    )
