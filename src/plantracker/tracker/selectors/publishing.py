"""Reads of published reports (ADR 0081): the versions of a period for its lead's page, and
what the public pages show, in a few queries each. The public reads take no user: anything
they find is public; anything else (unknown, not yet built, withdrawn) is None or empty.
"""

from __future__ import annotations

from dataclasses import dataclass

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
        Publication.objects.filter(
            plan__organisation=organisation, withdrawn_at__isnull=True, built_at__isnull=False
        )
        .select_related("plan", "period")
        .order_by("plan__title", "plan__pk", "-period__position", "-number")
    )
    return [_version(publication) for publication in found]


def public_version(
    *, organisation_slug: str, plan_slug: str, period_code: str, number: int | None = None
) -> PublicVersion | None:
    """The version at a public address: ``number``, or the period's current one."""
    found = (
        Publication.objects.filter(
            plan__organisation__slug=organisation_slug,
            plan__slug=plan_slug,
            period__code=period_code,
            withdrawn_at__isnull=True,
        )
        .filter(built_at__isnull=False)
        .select_related("plan", "plan__organisation", "period")
    )
    if number is None:
        found = found.filter(superseded_at__isnull=True)
    else:
        found = found.filter(number=number)
    publication = found.order_by("-number").first()
    return None if publication is None else _version(publication)


def current_number(*, publication: Publication) -> int | None:
    """The number of the version now at ``publication``'s period's address, if any."""
    current = (
        Publication.objects.filter(
            period_id=publication.period_id, withdrawn_at__isnull=True, superseded_at__isnull=True
        )
        .filter(built_at__isnull=False)
        .values_list("number", flat=True)
        .first()
    )
    return current


def _version(publication: Publication) -> PublicVersion:
    current = publication.superseded_at is None
    return PublicVersion(
        publication=publication,
        current=current,
        under_revision=current and publication.period.state != PeriodState.CLOSED,
    )
