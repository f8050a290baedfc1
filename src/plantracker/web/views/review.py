"""Review (ADR 0041): the lead sees the period's submitted updates, approves them one by one
or together (with an optional comment, kept on the update and shown with the item), or
returns one with a comment that its owner sees. Nobody approves an update
they submitted or wrote, an update entered on an owner's behalf included (the service
refuses; the page does not offer it); where the lead is the plan's only one, the page says
who can add a second lead (ADR 0069).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from plantracker.tracker.models import EntryState, KpiValue, Period, PeriodState, PlanRecord, User
from plantracker.tracker.selectors.update_rows import UpdateRow, review_rows
from plantracker.tracker.selectors.workflow import (
    Entry,
    entry_name,
    organisation_admins,
    period_entries,
    plan_leads,
)
from plantracker.tracker.services import update_approve, update_bulk_approve, update_return
from plantracker.web.forms.workflow import ReviewForm
from plantracker.web.views.common import (
    STATE_TAGS,
    ErrorLink,
    crumbs,
    form_status,
    plan_and_period,
    require_lead,
)
from plantracker.web.views.refusals import service_refusal


def entry_token(entry: Entry) -> str:
    """``<kind>-<pk>-<version>``: which update, and the version the lead saw."""
    return f"{_kind(entry)}-{entry.pk}-{entry.version}"


def _kind(entry: Entry) -> str:
    if isinstance(entry, KpiValue):
        return "kpi"
    return "update" if hasattr(entry, "item_id") else "risk"


def _parse(token: str, entries: dict[tuple[str, int], Entry]) -> tuple[Entry, int] | None:
    """The entry a token names (of this plan and period) and the version in it."""
    kind, _, rest = token.partition("-")
    pk, _, version = rest.partition("-")
    if not (pk.isdigit() and version.isdigit()):
        return None
    entry = entries.get((kind, int(pk)))
    return None if entry is None else (entry, int(version))


def _review_page(
    request: HttpRequest,
    record: PlanRecord,
    period: Period,
    user: User,
    *,
    errors: list[ErrorLink] | None = None,
    bound: ReviewForm | None = None,
    status: int | None = None,
) -> HttpResponse:
    queues = review_rows(
        plan_record=record,
        period=period,
        states=(EntryState.SUBMITTED, EntryState.RETURNED, EntryState.DRAFT),
    )
    rows = queues[EntryState.SUBMITTED]
    returned = queues[EntryState.RETURNED]
    drafts = queues[EntryState.DRAFT]
    items: list[dict[str, Any]] = []
    for row in rows:
        assert row.entry is not None
        token = entry_token(row.entry)
        # Nobody approves what they submitted or wrote (ADR 0041, ADR 0069).
        own = user.pk in (row.entry.submitted_by_id, row.entry.author_id)
        form = (
            bound
            if bound is not None and bound.prefix == row.key
            else ReviewForm(initial={"entry": token}, prefix=row.key)
        )
        items.append({"row": row, "token": token, "own": own, "form": form})
    single_lead = any(item["own"] for item in items) and _single_lead(record, user)
    return render(
        request,
        "web/workflow/review.html",
        {
            "record": record,
            "period": period,
            "closed": period.state == PeriodState.CLOSED,
            "items": items,
            "approvable": sum(1 for item in items if not item["own"]),
            "single_lead": single_lead,
            "admins": organisation_admins(plan_record=record) if single_lead else [],
            "returned": [_waiting(row) for row in returned],
            "drafts": [_waiting(row) for row in drafts],
            "errors": errors or [],
            "crumbs": crumbs(record, period),
            "section": "plans",
        },
        status=form_status(errors, status),
    )


def _single_lead(record: PlanRecord, user: User) -> bool:
    """``user`` is the plan's only lead: nobody else can approve what they wrote."""
    return [lead.pk for lead in plan_leads(plan_record=record)] in ([user.pk], [])


def _waiting(row: UpdateRow) -> dict[str, Any]:
    label, tag = STATE_TAGS[row.state]
    return {"row": row, "tag_label": label, "tag_class": tag}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def review(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    record, chosen = plan_and_period(request, slug, period)
    user = require_lead(request, record)
    if request.method != "POST":
        return _review_page(request, record, chosen, user)
    entries = {
        (_kind(entry), entry.pk): entry
        for entry in period_entries(plan_record=record, period=chosen)
    }
    url = reverse("web:review", args=[record.slug, chosen.code])
    if request.POST.get("action") == "bulk":
        return _bulk(request, record, chosen, user, entries, url)
    form = ReviewForm(request.POST, prefix=request.POST.get("prefix") or None)
    if not form.is_valid():
        return _review_page(
            request,
            record,
            chosen,
            user,
            errors=[ErrorLink("main-content", "Choose to approve or to return the update")],
        )
    found = _parse(form.cleaned_data["entry"], entries)
    if found is None:
        return _review_page(
            request,
            record,
            chosen,
            user,
            errors=[ErrorLink("main-content", "That update is not in this period; look again")],
            status=409,
        )
    entry, version = found
    with service_refusal() as refused:
        if form.cleaned_data["action"] == "approve":
            comment = form.cleaned_data["comment"]
            update_approve(actor=user, entry=entry, expected_version=version, comment=comment)
            message = f"{entry_name(entry)} approved" + (" with your comment" if comment else "")
        else:
            update_return(
                actor=user,
                entry=entry,
                expected_version=version,
                comment=form.cleaned_data["comment"],
            )
            message = f"{entry_name(entry)} returned to its owner with your comment"
    if refused.invalid:
        refused.on_form(form, field="comment")
        anchor = form["comment"].id_for_label
        return _review_page(
            request,
            record,
            chosen,
            user,
            errors=[ErrorLink(anchor, text) for text in refused.invalid.values()],
            bound=form,
        )
    if refused:
        return _review_page(
            request,
            record,
            chosen,
            user,
            errors=[ErrorLink("main-content", text) for text in refused.messages],
            status=refused.status,
        )
    messages.success(request, message)
    return redirect(url)


def _bulk(
    request: HttpRequest,
    record: PlanRecord,
    period: Period,
    user: User,
    entries: dict[tuple[str, int], Entry],
    url: str,
) -> HttpResponse:
    tokens = request.POST.getlist("entry")
    chosen = [_parse(token, entries) for token in tokens]
    if not tokens or any(found is None for found in chosen):
        message = (
            "Select the updates to approve"
            if not tokens
            else "An update you selected is not in this period; look again"
        )
        return _review_page(
            request, record, period, user, errors=[ErrorLink("bulk-approve", message)]
        )
    with service_refusal() as refused:
        approved = update_bulk_approve(
            actor=user,
            entries=[f for f in chosen if f is not None],
            comment=request.POST.get("comment", ""),
        )
    if refused:
        texts = list(refused.invalid.values()) or list(refused.messages)
        return _review_page(
            request,
            record,
            period,
            user,
            errors=[ErrorLink("bulk-approve", text) for text in texts],
            status=refused.status,
        )
    count = len(approved)
    messages.success(request, f"{count} update{'s' if count != 1 else ''} approved")
    return redirect(url)
