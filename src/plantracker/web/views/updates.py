""" "My updates": every item and risk a person owns, for one period, on one page.

Each item has its own small form (save as draft, or submit for review), so a problem with one
never loses the words typed into another. Validation is the service's (``update_send``):
its refusals come back in the GOV.UK error-summary pattern with
the person's input kept; a conflict with someone else's change shows both versions.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from plantracker.tracker.models import EntryState, Period, PeriodState, User
from plantracker.tracker.permissions import can_contribute, can_edit
from plantracker.tracker.selectors.update_rows import UpdateRow, my_update_rows
from plantracker.tracker.selectors.workflow import open_periods
from plantracker.tracker.services import ConflictError, update_send
from plantracker.web.forms.workflow import EntryForm, KpiEntryForm
from plantracker.web.views.common import (
    STATE_TAGS,
    ErrorLink,
    crumbs,
    form_error_links,
    plan_and_period,
    signed_in_user,
)
from plantracker.web.views.refusals import service_refusal


def _initial(row: UpdateRow) -> dict[str, Any]:
    entry = row.entry
    initial: dict[str, Any] = {"version": row.version}
    if entry is None:
        return initial
    initial["status"] = entry.status or ""
    initial["commentary"] = entry.commentary or ""
    if row.is_kpi:
        initial["value"] = "" if entry.value is None else str(entry.value)  # type: ignore[union-attr]
        initial["display"] = entry.display or ""  # type: ignore[union-attr]
        initial["reason"] = entry.reason or ""  # type: ignore[union-attr]
    return initial


def _form(row: UpdateRow, data: Any = None) -> EntryForm:
    form_class = KpiEntryForm if row.is_kpi else EntryForm
    if data is None:
        return form_class(initial=_initial(row), prefix=row.key)
    return form_class(data, prefix=row.key)


def _editable(row: UpdateRow, period: Period) -> bool:
    return period.state == PeriodState.OPEN and row.state != EntryState.SUBMITTED


def _save(user: User, row: UpdateRow, period: Period, form: EntryForm, submit: bool) -> str:
    """Save the row's form (and submit it when asked); the message to show."""
    content = {name: form.cleaned_data.get(name) for name in form.content_fields}
    entry = update_send(
        actor=user,
        subject=row.subject,
        period=period,
        expected_version=form.cleaned_data["version"],
        submit=submit,
        **content,
    )
    if not submit:
        return f"{row.name} saved as a draft"
    if entry.state == EntryState.APPROVED:
        return f"{row.name} is unchanged: the approved update stands"
    return f"{row.name} submitted for review"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def my_updates(request: HttpRequest, slug: str, period: str) -> HttpResponse:
    record, chosen = plan_and_period(request, slug, period)
    user = signed_in_user(request)
    if not can_contribute(user, record):
        raise PermissionDenied("Only contributors and leads give updates")
    rows = my_update_rows(user=user, plan_record=record, period=chosen)
    forms = {row.key: _form(row) for row in rows}
    errors: list[ErrorLink] = []
    conflicts: dict[str, ConflictError] = {}
    status = 200
    if request.method == "POST":
        row = next((r for r in rows if r.key == request.POST.get("subject")), None)
        if row is None:
            raise PermissionDenied("That is not one of your items in this period")
        form = _form(row, request.POST)
        forms[row.key] = form
        if form.is_valid():
            with service_refusal() as refused:
                message = _save(user, row, chosen, form, request.POST.get("action") == "submit")
            if refused.conflict is not None:
                # Keep the person's words; take the current version so that saving again
                # knowingly replaces the other person's.
                data = request.POST.copy()
                data[f"{row.key}-version"] = str(refused.conflict.version)
                form = _form(row, data)
                form.is_valid()
                forms[row.key] = form
                conflicts[row.key] = refused.conflict
                errors.append(ErrorLink(f"{row.key}-conflict", str(refused.conflict)))
                status = refused.status
            elif refused:
                refused.on_form(form)
                status = refused.status
            else:
                messages.success(request, message)
                url = reverse("web:my-updates", args=[record.slug, chosen.code])
                return redirect(f"{url}#{row.key}")
        errors.extend(form_error_links(form, f"{row.key}-actions", hidden=row.key))
    return render(
        request,
        "web/workflow/my_updates.html",
        {
            "record": record,
            "period": chosen,
            "closed": chosen.state == PeriodState.CLOSED,
            "groups": _groups(rows, forms, conflicts, chosen),
            "errors": errors,
            "other_periods": [p for p in open_periods(plan_record=record) if p.pk != chosen.pk],
            "lead": can_edit(user, record),
            "crumbs": crumbs(record, chosen),
            "section": "plans",
        },
        status=status,
    )


def _groups(
    rows: list[UpdateRow],
    forms: dict[str, EntryForm],
    conflicts: dict[str, ConflictError],
    period: Period,
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Rows by recommendation (risks last), each with its form, tag and conflict."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        label, tag = STATE_TAGS[row.state]
        groups.setdefault(row.recommendation or "Risks", []).append(
            {
                "row": row,
                "form": forms[row.key],
                "editable": _editable(row, period),
                "tag_label": label,
                "tag_class": tag,
                "conflict": conflicts.get(row.key),
            }
        )
    return list(groups.items())
