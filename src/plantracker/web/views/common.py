"""What the workflow's pages share: finding the plan and period of a URL, the
lead-only check, breadcrumbs, labels for an entry's review state, and the dashboard panel.

A plan the person may not see is a 404 (``request_plan``); a page or action their role
does not allow is a 403 (``PermissionDenied``, also raised for a service's ``NotAllowed``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse

from plantracker.tracker.models import EntryState, Period, PeriodState, PlanRecord, Role, User
from plantracker.tracker.permissions import (
    EVIDENCE_PACK_ROLES,
    INSPECTOR_VISITS_ROLES,
)
from plantracker.tracker.selectors import period_by_code
from plantracker.tracker.selectors.cached import counted, counted_period_result
from plantracker.tracker.selectors.reminders import Reminders, reminder_owners, reminders
from plantracker.tracker.selectors.update_rows import subject_key
from plantracker.tracker.selectors.workflow import (
    awaiting_review_count,
    entry_name,
    entry_subject,
    owned_count,
    returned_to,
)
from plantracker.web.access import request_access, request_plan

# GOV.UK tags for an entry's place in review; the text always says it (never colour alone).
STATE_TAGS: dict[str, tuple[str, str]] = {
    "": ("Not started", "govuk-tag--grey"),
    EntryState.DRAFT: ("Draft", "govuk-tag--grey"),
    EntryState.SUBMITTED: ("Awaiting review", ""),  # the default tag is blue
    EntryState.RETURNED: ("Returned", "govuk-tag--orange"),
    EntryState.APPROVED: ("Approved", "govuk-tag--green"),
}


@dataclass(frozen=True)
class Crumb:
    """A breadcrumb (``web/partials/breadcrumbs.html``)."""

    text: str
    url: str


@dataclass(frozen=True)
class ErrorLink:
    """A line of the GOV.UK error summary: the message and the field it links to."""

    anchor: str
    message: str


def form_error_links(form: Any, fallback: str, hidden: str | None = None) -> list[ErrorLink]:
    """The error summary's lines for ``form``: each field's errors link to the field; the
    form's own errors link to ``fallback``, an element of the page near the form's buttons,
    and a hidden field's (nothing there to focus: a tampered or stale version) to ``hidden``
    (default ``fallback``), an element that is on the page whatever the errors."""
    links: list[ErrorLink] = []
    for field in form:
        visible = field.id_for_label or field.auto_id
        anchor = (hidden or fallback) if field.is_hidden else visible
        links.extend(ErrorLink(anchor, str(error)) for error in field.errors)
    links.extend(ErrorLink(fallback, str(error)) for error in form.non_field_errors())
    return links


def form_status(errors: object, refused: int | None = None) -> int:
    """The HTTP status of a page that holds a form (docs/reliability.md#bad-input).

    A page redisplayed because of bad input answers 400, whatever else it shows (on the
    updates page, rows saved before the refused one keep their success message): a script
    or a test tells it from a success by the status alone. ``errors`` is what the page
    shows: a form's ``errors``, the error summary's lines, or any truthy value. A status
    a refusal already chose (409 an edit conflict, 413, 429) stays; no errors is a 200.
    """
    if refused is not None and refused >= 400:
        return refused
    return 400 if errors else 200


def plan_and_period(request: HttpRequest, slug: str, code: str) -> tuple[PlanRecord, Period]:
    """The plan (404 unless the person may view it) and its period (404 if it has none)."""
    record = request_plan(request, slug)
    period = period_by_code(plan_record=record, code=code)
    if period is None:
        raise Http404("This plan has no such period")
    return record, period


def signed_in_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required ran first
        raise PermissionDenied("Sign in first")
    return user


def require_lead(request: HttpRequest, record: PlanRecord) -> User:
    """The signed-in lead of ``record``; 403 for anybody else who may view it."""
    user = signed_in_user(request)
    access = request_access(request)  # ``can_edit``, from the roles read with the plan
    if not (access.operator or Role.LEAD in access.roles(record)):
        raise PermissionDenied("Only the plan's lead may do this")
    return user


def crumbs(record: PlanRecord, period: Period | None = None) -> list[Crumb]:
    trail = [
        Crumb("Plans", reverse("web:plan-list")),
        Crumb(record.title, reverse("web:dashboard", args=[record.slug])),
    ]
    if period is not None:
        trail.append(
            Crumb(period.label, reverse("web:dashboard-period", args=[record.slug, period.code]))
        )
    return trail


@dataclass(frozen=True)
class DashboardPanel:
    """The workflow's box on a period's dashboard: what awaits review (not counted in the
    figures), the person's own updates, the lead's links and reminders."""

    record: PlanRecord
    period: Period
    closed: bool
    awaiting_review: int
    lead: bool
    contributor: bool
    owned: int  # items and risks linked to the person
    returned: tuple[tuple[str, str], ...]  # (name, key) of updates returned to the person
    reminders: Reminders | None  # the lead's reminders list
    evidence_pack: bool = False  # may download the period's evidence pack (ADR 0080)
    inspector_visits: bool = False  # may read the record of inspectors' visits (ADR 0080)


def dashboard_panel(request: HttpRequest, record: PlanRecord, code: str) -> DashboardPanel | None:
    """The panel for the dashboard of period ``code`` (None when the plan lacks it). Live
    queries but the period's result, which the reminders take once per data version."""
    period = period_by_code(plan_record=record, code=code)
    user = request.user
    if period is None or not isinstance(user, User):
        return None
    access = request_access(request)  # read with the plan: no query here
    roles = access.roles(record)
    operator = access.operator
    lead = operator or Role.LEAD in roles
    owned = owned_count(user=user, plan_record=record) if lead or Role.CONTRIBUTOR in roles else 0
    closed = period.state == PeriodState.CLOSED
    returned = (
        tuple(
            (entry_name(entry), subject_key(entry_subject(entry)))
            for entry in returned_to(user=user, plan_record=record, period=period)
        )
        if owned and not closed
        else ()
    )
    awaiting = awaiting_review_count(plan_record=record, period=period)
    return DashboardPanel(
        record=record,
        period=period,
        closed=closed,
        awaiting_review=awaiting,
        lead=lead,
        contributor=owned > 0,
        owned=owned,
        returned=returned,
        reminders=(
            reminders(
                plan_record=record,
                period=period,
                result=counted_period_result(plan_record=record, period_code=code),
                # Counted data: read once per data version.
                owned=counted(
                    record, "reminder-owners", lambda fresh: reminder_owners(plan_record=fresh)
                ),
                awaiting=awaiting,
            )
            if lead and not closed
            else None
        ),
        # As can_download_evidence_pack and can_read_inspector_visits decide, from the roles
        # already read.
        evidence_pack=operator or bool(roles & EVIDENCE_PACK_ROLES),
        inspector_visits=operator or bool(roles & INSPECTOR_VISITS_ROLES),
    )
