"""A reporting period's page (ADR 0041): its state, due date and
snapshot, the lead's open / close / reopen forms, and the period's audit trail. Closing asks
first, listing what the report will leave out (missing, awaiting review, with owners).

Every person who may view the plan reads the page; only a lead's POST changes anything.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from plantracker.tracker.models import EntryState, Period, PeriodState, PlanRecord
from plantracker.tracker.permissions import can_edit
from plantracker.tracker.selectors.audit import people, period_audit
from plantracker.tracker.selectors.left_out import left_out_of_report
from plantracker.tracker.selectors.publishing import period_publications
from plantracker.tracker.selectors.workflow import latest_snapshot, period_entries
from plantracker.tracker.services import ServiceError, period_close, period_open, period_reopen
from plantracker.web.access import request_access
from plantracker.web.forms.workflow import PeriodOpenForm, PeriodReopenForm, VersionForm
from plantracker.web.views.common import (
    ErrorLink,
    crumbs,
    form_error_links,
    form_status,
    plan_and_period,
    require_lead,
)
from plantracker.web.views.refusals import service_refusal

AUDIT_ROWS = 10  # the latest changes; the audit page pages through them all


def _page(
    request: HttpRequest,
    record: PlanRecord,
    period: Period,
    *,
    open_form: PeriodOpenForm | None = None,
    reopen_form: PeriodReopenForm | None = None,
    errors: list[ErrorLink] | None = None,
    status: int | None = None,
    confirm_close: bool = False,
) -> HttpResponse:
    entries = period_entries(plan_record=record, period=period)
    counts = {state: 0 for state in EntryState.values}
    for entry in entries:
        counts[entry.state] += 1
    due = period.due
    emails = request_access(request).staff_emails(record)  # ADR 0070, no query
    audit = period_audit(plan_record=record, period=period, emails=emails)
    snapshot = latest_snapshot(period=period)
    closer_pk = snapshot.taken_by_id if snapshot else None
    closer = people([closer_pk]).get(closer_pk) if closer_pk is not None else None
    publications = period_publications(period=period)
    context: dict[str, Any] = {
        "record": record,
        "period": period,
        "closed": period.state == PeriodState.CLOSED,
        "lead": can_edit(request.user, record),
        "snapshot": snapshot,
        # Who closed it, named as the audit trail names people (ADR 0070).
        "closed_by": closer.label(emails) if closer else "someone",
        "counts": counts,
        "open_form": open_form
        or PeriodOpenForm(
            initial={
                "version": period.version,
                "day": due.day if due else "",
                "month": due.month if due else "",
                "year": due.year if due else "",
            }
        ),
        "reopen_form": reopen_form or PeriodReopenForm(initial={"version": period.version}),
        "errors": errors or [],
        "audit": audit[:AUDIT_ROWS],
        "audit_total": len(audit),
        "crumbs": crumbs(record, period),
        "section": "plans",
        "confirm_close": confirm_close,
        # Its published report's versions (ADR 0081).
        "publications": publications,
        "published": any(p.withdrawn_at is None for p in publications),
        # The hint's example: three weeks after the period ends, a date that fits the period.
        "due_example": period.end + timedelta(days=21),
        "left_out": (
            left_out_of_report(plan_record=record, period=period) if confirm_close else None
        ),
    }
    return render(request, "web/workflow/period.html", context, status=form_status(errors, status))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def period_page(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    record, chosen = plan_and_period(request, slug, period)
    if request.method != "POST":
        return _page(request, record, chosen)
    user = require_lead(request, record)
    action = request.POST.get("action")
    url = reverse("web:period", args=[record.slug, chosen.code])
    open_form: PeriodOpenForm | None = None
    reopen_form: PeriodReopenForm | None = None
    with service_refusal() as refused:
        if action == "open":
            open_form = PeriodOpenForm(request.POST)
            if not open_form.is_valid():
                return _page(
                    request,
                    record,
                    chosen,
                    open_form=open_form,
                    errors=form_error_links(open_form, "id_day"),
                )
            period_open(
                actor=user,
                period=chosen,
                due=open_form.cleaned_data["due"],
                expected_version=open_form.cleaned_data["version"],
            )
            message = f"{chosen.label} is open for updates"
        elif action == "close":
            form = VersionForm(request.POST)
            if not form.is_valid():
                raise ServiceError("Reload the page and try again")
            if request.POST.get("confirm") != "yes":
                # First say what the report will leave out, and ask.
                return _page(request, record, chosen, confirm_close=True)
            period_close(actor=user, period=chosen, expected_version=form.cleaned_data["version"])
            message = f"{chosen.label} is closed; its report is fixed as it stands now"
        elif action == "reopen":
            reopen_form = PeriodReopenForm(request.POST)
            if not reopen_form.is_valid():
                raise ServiceError("Reload the page and try again")
            period_reopen(
                actor=user,
                period=chosen,
                reason=reopen_form.cleaned_data["reason"],
                expected_version=reopen_form.cleaned_data["version"],
            )
            message = f"{chosen.label} is open again"
        else:
            return _page(
                request,
                record,
                chosen,
                errors=[ErrorLink("main-content", "Choose what to do with the period")],
            )
    if refused.invalid:
        form_with_errors: Any = open_form if action == "open" else reopen_form
        refused.on_form(form_with_errors, rename={"due": "day"})
        return _page(
            request,
            record,
            chosen,
            open_form=open_form,
            reopen_form=reopen_form,
            errors=form_error_links(form_with_errors, "main-content"),
        )
    if refused:
        chosen.refresh_from_db()
        return _page(
            request,
            record,
            chosen,
            errors=[ErrorLink("main-content", text) for text in refused.messages],
            status=refused.status,
        )
    messages.success(request, message)
    return redirect(url)
